package e24cloud

import (
	"encoding/json"
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

type zoneView struct {
	ID        string `json:"id"`
	Label     string `json:"label"`
	Name      string `json:"name"`
	Available bool   `json:"available"`
}

type regionView struct {
	Name  string     `json:"name"`
	Zones []zoneView `json:"zones"`
}

func (p *Provider) listRegions(c echo.Context) error {
	var zones []Zone
	err := provider.World(c).View(func(tx *state.Tx) error {
		return tx.Coll(Name, collZones).ForEach(func(_, raw []byte) error {
			var z Zone
			if err := json.Unmarshal(raw, &z); err != nil {
				return err
			}
			zones = append(zones, z)
			return nil
		})
	})
	if err != nil {
		return err
	}
	sort.Slice(zones, func(i, j int) bool { return zones[i].Order < zones[j].Order })
	out := []regionView{}
	byRegion := map[string]int{}
	for _, z := range zones {
		i, seen := byRegion[z.Region]
		if !seen {
			i = len(out)
			byRegion[z.Region] = i
			out = append(out, regionView{Name: z.Region, Zones: []zoneView{}})
		}
		out[i].Zones = append(out[i].Zones, zoneView{ID: z.ID, Label: z.Label, Name: z.Name, Available: true})
	}
	return c.JSON(http.StatusOK, struct {
		Success bool         `json:"success"`
		Regions []regionView `json:"regions"`
	}{true, out})
}

type templateView struct {
	ID       string   `json:"id"`
	Label    string   `json:"label"`
	Supports []string `json:"supports"`
}

// userTemplateView is a disk image of the account, which can be the os of a new VM.
type userTemplateView struct {
	templateView
	Owner idName `json:"owner"`
}

// listTemplates lists the operating systems, then the account's disk images (oldest first)
// with their owner.
func (p *Provider) listTemplates(c echo.Context) error {
	out := []any{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		err := tx.Coll(Name, collTemplates).ForEach(func(_, raw []byte) error {
			var t Template
			if err := json.Unmarshal(raw, &t); err != nil {
				return err
			}
			out = append(out, templateView{ID: t.ID, Label: t.Label, Supports: t.Supports})
			return nil
		})
		if err != nil {
			return err
		}
		r, err := newRefs(tx)
		if err != nil {
			return err
		}
		imgs, err := images(tx)
		for _, img := range imgs {
			out = append(out, userTemplateView{templateView{ID: img.ID, Label: img.Label, Supports: img.Supports}, r.owner()})
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success   bool  `json:"success"`
		Templates []any `json:"templates"`
	}{true, out})
}
