package virtfusion

import (
	"encoding/json"
	"math"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// groupView is a hypervisor group as GET /compute/hypervisors/groups shows it.
type groupView struct {
	ID               int64   `json:"id"`
	Name             string  `json:"name"`
	Label            *string `json:"label"`
	Description      *string `json:"description"`
	DistributionType int     `json:"distributionType"`
	Enabled          bool    `json:"enabled"`
	Default          bool    `json:"default"`
	Created          string  `json:"created"`
	Updated          string  `json:"updated"`
}

func viewGroup(g *HypervisorGroup) groupView {
	return groupView{ID: g.ID, Name: g.Name, Label: g.Label, Description: g.Description, DistributionType: g.DistributionType,
		Enabled: g.Enabled, Default: g.Default, Created: fmtTime(g.Created, tsOffset), Updated: fmtTime(g.Updated, tsOffset)}
}

// groupSummary is the group embedded in a hypervisor.
type groupSummary struct {
	ID               int64   `json:"id"`
	Name             string  `json:"name"`
	Description      *string `json:"description"`
	Default          bool    `json:"default"`
	Enabled          bool    `json:"enabled"`
	DistributionType int     `json:"distributionType"`
	Created          string  `json:"created"`
	Updated          string  `json:"updated"`
}

type networkView struct {
	ID      int64  `json:"id"`
	Type    string `json:"type"`
	Bridge  string `json:"bridge"`
	Primary bool   `json:"primary"`
	Default bool   `json:"default"`
	Created string `json:"created"`
	Updated string `json:"updated"`
}

// hypervisorView is a hypervisor as GET /compute/hypervisors/{id} shows it; the list adds
// storage.
type hypervisorView struct {
	ID             int64         `json:"id"`
	Commissioned   int           `json:"commissioned"`
	IP             string        `json:"ip"`
	IPAlt          *string       `json:"ipAlt"`
	Hostname       *string       `json:"hostname"`
	Port           int           `json:"port"`
	SSHPort        int           `json:"sshPort"`
	Name           string        `json:"name"`
	Maintenance    bool          `json:"maintenance"`
	Enabled        bool          `json:"enabled"`
	NFType         int           `json:"nfType"`
	Group          groupSummary  `json:"group"`
	EncryptedToken string        `json:"encryptedToken"`
	MaxServers     int           `json:"maxServers"`
	MaxCPU         int           `json:"maxCpu"`
	MaxMemory      int           `json:"maxMemory"`
	Networks       []networkView `json:"networks"`
	Storage        *[]any        `json:"storage,omitempty"`
	Created        string        `json:"created"`
	Updated        string        `json:"updated"`
}

func viewHypervisor(h *Hypervisor, g *HypervisorGroup, list bool) hypervisorView {
	v := hypervisorView{
		ID: h.ID, Commissioned: 3, IP: h.IP, Hostname: h.Hostname, Port: h.Port, SSHPort: h.SSHPort, Name: h.Name,
		Maintenance: h.Maintenance, Enabled: h.Enabled, NFType: h.NFType,
		Group: groupSummary{ID: g.ID, Name: g.Name, Description: g.Description, Default: g.Default, Enabled: g.Enabled,
			DistributionType: g.DistributionType, Created: fmtTime(g.Created, tsOffset), Updated: fmtTime(g.Updated, tsOffset)},
		EncryptedToken: h.EncryptedToken, MaxServers: h.MaxServers, MaxCPU: h.MaxCPU, MaxMemory: h.MaxMemory,
		Networks: []networkView{{ID: h.NetworkID, Type: "simpleBridge", Bridge: "br0", Primary: true, Default: true,
			Created: fmtTime(h.Created, tsOffset), Updated: fmtTime(h.Created, tsOffset)}},
		Created: fmtTime(h.Created, tsOffset), Updated: fmtTime(h.Updated, tsOffset),
	}
	if list {
		v.Storage = &[]any{}
	}
	return v
}

// counter is one line of a hypervisor's resources.
type counter struct {
	Units     string   `json:"units"`
	Max       int      `json:"max"`
	Allocated int      `json:"allocated"`
	Free      int      `json:"free"`
	Percent   *float64 `json:"percent"`
}

func newCounter(units string, max, allocated int) counter {
	c := counter{Units: units, Max: max, Allocated: allocated, Free: max - allocated}
	if max > 0 {
		p := math.Round(float64(allocated)/float64(max)*1000) / 10
		c.Percent = &p
	}
	return c
}

type localStorage struct {
	Enabled     int      `json:"enabled"`
	Name        string   `json:"name"`
	StorageType int      `json:"storageType"`
	Units       string   `json:"units"`
	Max         int      `json:"max"`
	Allocated   int      `json:"allocated"`
	Free        int      `json:"free"`
	Percent     *float64 `json:"percent"`
}

// resourcesView is what a hypervisor has and what its servers take, computed from the
// allocations kept on the hypervisor record.
type resourcesView struct {
	Servers      counter        `json:"servers"`
	Memory       counter        `json:"memory"`
	CPUCores     counter        `json:"cpuCores"`
	LocalStorage localStorage   `json:"localStorage"`
	OtherStorage []any          `json:"otherStorage"`
	Network      *networkTotals `json:"network,omitempty"`
}

// networkTotals is the free address count a group's resources list per hypervisor.
type networkTotals struct {
	Total struct {
		IPv4 struct {
			Free int `json:"free"`
		} `json:"ipv4"`
	} `json:"total"`
}

func viewResources(h *Hypervisor) resourcesView {
	st := newCounter("GB", h.StorageMax, h.Alloc.Storage)
	srv := newCounter("#", h.MaxServers, h.Alloc.Servers)
	return resourcesView{
		Servers: srv, Memory: newCounter("MB", h.MaxMemory, h.Alloc.Memory), CPUCores: newCounter("#", h.MaxCPU, h.Alloc.CPUCores),
		LocalStorage: localStorage{Enabled: 1, Name: "Local (Default mountpoint)", StorageType: 1, Units: "GB",
			Max: st.Max, Allocated: st.Allocated, Free: st.Free, Percent: st.Percent},
		OtherStorage: []any{},
	}
}

type groupResourcesItem struct {
	Hypervisor struct {
		ID           int64  `json:"id"`
		Name         string `json:"name"`
		Enabled      bool   `json:"enabled"`
		Prohibit     bool   `json:"prohibit"`
		Accept       bool   `json:"accept"`
		Commissioned bool   `json:"commissioned"`
	} `json:"hypervisor"`
	Resources resourcesView `json:"resources"`
}

func (p *Provider) testConnection(c echo.Context) error {
	return c.JSON(http.StatusOK, []any{})
}

func (p *Provider) listHypervisors(c echo.Context) error {
	req := provider.PageParams(c, "results", 20)
	var items []hypervisorView
	var total int
	err := provider.World(c).View(func(tx *state.Tx) error {
		coll := tx.Coll(Name, collHypervisors)
		total = coll.Count()
		return coll.Page(req.Offset(), req.PerPage, func(_, raw []byte) error {
			var h Hypervisor
			if err := json.Unmarshal(raw, &h); err != nil {
				return err
			}
			var g HypervisorGroup
			if err := get(tx, collGroups, h.GroupID, &g, errGroupNotFound); err != nil {
				return err
			}
			items = append(items, viewHypervisor(&h, &g, true))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, provider.NewPage(c, req, items, total))
}

func (p *Provider) getHypervisor(c echo.Context) error {
	var v hypervisorView
	err := provider.World(c).View(func(tx *state.Tx) error {
		var h Hypervisor
		var g HypervisorGroup
		if err := get(tx, collHypervisors, provider.PathInt(c, "hypervisorId"), &h, errHypervisorNotFound); err != nil {
			return err
		}
		if err := get(tx, collGroups, h.GroupID, &g, errGroupNotFound); err != nil {
			return err
		}
		v = viewHypervisor(&h, &g, false)
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{v})
}

func (p *Provider) listHypervisorGroups(c echo.Context) error {
	req := provider.PageParams(c, "results", 20)
	var items []groupView
	var total int
	err := provider.World(c).View(func(tx *state.Tx) error {
		coll := tx.Coll(Name, collGroups)
		total = coll.Count()
		return coll.Page(req.Offset(), req.PerPage, func(_, raw []byte) error {
			var g HypervisorGroup
			if err := json.Unmarshal(raw, &g); err != nil {
				return err
			}
			items = append(items, viewGroup(&g))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, provider.NewPage(c, req, items, total))
}

func (p *Provider) getHypervisorGroup(c echo.Context) error {
	var g HypervisorGroup
	err := provider.World(c).View(func(tx *state.Tx) error {
		return get(tx, collGroups, provider.PathInt(c, "hypervisorGroupId"), &g, errGroupNotFound)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{viewGroup(&g)})
}

func (p *Provider) getHypervisorGroupResources(c echo.Context) error {
	req := provider.PageParams(c, "results", 20)
	var items []groupResourcesItem
	var total int
	err := provider.World(c).View(func(tx *state.Tx) error {
		var g HypervisorGroup
		if err := get(tx, collGroups, provider.PathInt(c, "hypervisorGroupId"), &g, errGroupNotFound); err != nil {
			return err
		}
		hvs, err := groupHypervisors(tx, g.ID)
		if err != nil {
			return err
		}
		total = len(hvs)
		for i := req.Offset(); i < len(hvs) && i < req.Offset()+req.PerPage; i++ {
			h := hvs[i]
			var it groupResourcesItem
			it.Hypervisor.ID, it.Hypervisor.Name, it.Hypervisor.Enabled = h.ID, h.Name, h.Enabled
			it.Hypervisor.Prohibit, it.Hypervisor.Commissioned = h.Prohibit, true
			it.Resources = viewResources(h)
			free, err := freeIPv4(tx, h)
			if err != nil {
				return err
			}
			it.Resources.Network = &networkTotals{}
			it.Resources.Network.Total.IPv4.Free = free
			items = append(items, it)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, provider.NewPage(c, req, items, total))
}

// groupHypervisors lists a group's hypervisors in id order, as peeked at (shared with other
// readers): not to be changed in place.
func groupHypervisors(tx *state.Tx, group int64) ([]*Hypervisor, error) {
	var out []*Hypervisor
	hvs := tx.Coll(Name, collHypervisors)
	err := hvs.ForEach(func(key, _ []byte) error {
		var h Hypervisor
		if err := hvs.Peek(key, &h); err != nil {
			return err
		}
		if h.GroupID == group {
			out = append(out, &h)
		}
		return nil
	})
	return out, err
}

// data is VirtFusion's {"data": …} envelope.
type data struct {
	Data any `json:"data"`
}
