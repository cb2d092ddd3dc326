package openscaler

import (
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

type sizeView struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Description  *string `json:"description"`
	Memory       float64 `json:"memory"`
	VCPUs        int     `json:"vcpus"`
	Disk         int     `json:"disk"`
	Transfer     float64 `json:"transfer"`
	Units        int     `json:"units"`
	Category     string  `json:"category"`
	DiskType     string  `json:"disk_type"`
	Architecture string  `json:"architecture"`
	PriceMonthly string  `json:"price_monthly"`
	PriceHourly  string  `json:"price_hourly"`
	Available    bool    `json:"available"`
	TestOnly     bool    `json:"test_only"`
}

// coreSizeList answers the size catalog of the fixtures.
func (p *Provider) coreSizeList(c echo.Context) error {
	out := make([]sizeView, 0, len(p.fx.Sizes))
	for _, s := range p.fx.Sizes {
		out = append(out, sizeView{ID: s.ID, Name: s.Name, Description: s.Description, Memory: s.Memory, VCPUs: s.VCPUs,
			Disk: s.Disk, Transfer: s.Transfer, Units: s.Units, Category: s.Category, DiskType: s.DiskType,
			Architecture: s.Architecture, PriceMonthly: s.PriceMonthly, PriceHourly: s.PriceHourly, Available: s.available(),
			TestOnly: s.TestOnly})
	}
	return c.JSON(http.StatusOK, map[string]any{"sizes": out})
}

func parsePrice(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

// smallest is what the smallest available size takes (the least of each resource).
func (p *Provider) smallest() Resources {
	var r Resources
	first := true
	for _, s := range p.fx.Sizes {
		if !s.available() {
			continue
		}
		need := Resources{VCPUs: s.VCPUs, MemoryMB: int(math.Round(s.Memory * 1024)), StorageGB: s.Disk}
		if first {
			r, first = need, false
			continue
		}
		r.VCPUs, r.MemoryMB, r.StorageGB = min(r.VCPUs, need.VCPUs), min(r.MemoryMB, need.MemoryMB), min(r.StorageGB, need.StorageGB)
	}
	return r
}

type regionView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Country   string `json:"country"`
	PublicIP  string `json:"public_ip"`
	Available bool   `json:"available"`
}

// coreRegionList lists the regions; one is available while it can still take a VM of the
// smallest available size.
func (p *Provider) coreRegionList(c echo.Context) error {
	smallest := p.smallest()
	out := []regionView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		return tx.Coll(Name, collRegions).ForEach(func(k, _ []byte) error {
			r, err := loadRegion(tx, string(k))
			if err != nil {
				return err
			}
			out = append(out, regionView{ID: r.ID, Name: r.Name, Country: r.Country, PublicIP: r.PublicIP,
				Available: smallest.fitsIn(r.Capacity, r.Used)})
			return nil
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"regions": out})
}

type distroView struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Family       string `json:"family"`
	Version      string `json:"version"`
	Architecture string `json:"architecture"`
}

func (p *Provider) coreDistroList(c echo.Context) error {
	out := make([]distroView, 0, len(p.fx.Distros))
	for _, d := range p.fx.Distros {
		out = append(out, distroView{ID: d.ID, Name: d.Name, Family: d.Family, Version: d.Version, Architecture: "x86_64"})
	}
	return c.JSON(http.StatusOK, map[string]any{"distros": out})
}
