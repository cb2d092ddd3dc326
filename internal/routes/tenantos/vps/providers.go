package vps

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// passwordMask is what the panel shows instead of a provider's API password.
const passwordMask = "**************"

// providerView is an external provider as the panel shows it. The list shows the provider
// itself and its usage; one provider (and the answers of create and update) adds what the
// panel reads from the cluster: nodes, storages, networks, HA groups, the nodes' resources
// and the balancer plans that can place VMs on it.
type providerView struct {
	ID                        int64             `json:"id"`
	Provider                  string            `json:"provider"`
	Name                      string            `json:"name"`
	APIURL                    string            `json:"apiUrl"`
	APIUser                   string            `json:"apiUser"`
	APIPassword               string            `json:"apiPassword"`
	Meta                      json.RawMessage   `json:"meta"`
	ProviderDetails           *providerDetails  `json:"providerDetails,omitempty"`
	NodeResources             any               `json:"nodeResources,omitempty"`
	AvailableVpsBalancerPlans *[]balancerView   `json:"availableVpsBalancerPlans,omitempty"`
	IsStandaloneRdnsProvider  []json.RawMessage `json:"isStandaloneRdnsProvider"`
	Usage                     providerUsage     `json:"usage"`
}

type providerDetails struct {
	Nodes    []nodeOption       `json:"nodes"`
	Storages any                `json:"storages"` // node → storages, [] when there are no nodes
	Networks any                `json:"networks"` // node → bridges, [] when there are no nodes
	HAGroups []tenantos.HAGroup `json:"haGroups"`
}

type nodeOption struct {
	Value string `json:"value"`
	Name  string `json:"name"`
}

type providerUsage struct {
	ServerIDs []int64 `json:"serverIds"`
}

// viewProvider renders a provider; detailed adds what GET /api/externalProviders/{id} shows.
func viewProvider(tx *tenantos.Tx, ep *tenantos.ExternalProvider, detailed bool) (*providerView, error) {
	ids, err := vmsOn(tx, ep.ID, "")
	if err != nil {
		return nil, err
	}
	v := &providerView{ID: ep.ID, Provider: ep.Provider, Name: ep.Name, APIURL: ep.APIURL, APIUser: ep.APIUser,
		Meta: ep.Meta, IsStandaloneRdnsProvider: []json.RawMessage{}, Usage: providerUsage{ServerIDs: ids}}
	if len(v.Meta) == 0 {
		v.Meta = json.RawMessage("null")
	}
	if ep.APIPassword != "" {
		v.APIPassword = passwordMask
	}
	if !detailed {
		return v, nil
	}
	d := &providerDetails{Nodes: []nodeOption{}, Storages: []any{}, Networks: []any{}, HAGroups: tenantos.List(ep.HAGroups)}
	v.NodeResources = []any{}
	if len(ep.Nodes) > 0 {
		storages, networks, resources := map[string][]storageView{}, map[string][]networkView{}, map[string]nodeResources{}
		for i := range ep.Nodes {
			n := &ep.Nodes[i]
			d.Nodes = append(d.Nodes, nodeOption{Value: n.Name, Name: n.Name})
			storages[n.Name] = []storageView{}
			for j := range n.Storages {
				storages[n.Name] = append(storages[n.Name], viewStorage(&n.Storages[j]))
			}
			networks[n.Name] = viewNetworks(n)
			resources[n.Name] = viewNodeResources(n, tx.Now)
		}
		d.Storages, d.Networks, v.NodeResources = storages, networks, resources
	}
	v.ProviderDetails = d
	plans, err := allBalancers(tx)
	if err != nil {
		return nil, err
	}
	v.AvailableVpsBalancerPlans = &plans
	return v, nil
}

// providerInput is the body of createExternalProvider and updateExternalProvider.
type providerInput struct {
	Provider    string          `json:"provider"`
	Name        *string         `json:"name"`
	APIURL      *string         `json:"apiUrl"`
	APIUser     *string         `json:"apiUser"`
	APIPassword *string         `json:"apiPassword"`
	Meta        json.RawMessage `json:"meta"`
}

// meta is the stored form of a meta sent: null for nothing or an empty array.
func meta(raw json.RawMessage) json.RawMessage {
	s := string(raw)
	if s == "" || s == "null" || s == "[]" || s == "{}" {
		return json.RawMessage("null")
	}
	return raw
}

// listExternalProviders lists the providers with the VMs on each (administrators only).
func (g *group) listExternalProviders(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	out := []*providerView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		return tenantos.ExtProviders.Each(tx, func(ep *tenantos.ExternalProvider) error {
			v, err := viewProvider(tx, ep, false)
			if err == nil {
				out = append(out, v)
			}
			return err
		})
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getExternalProvider shows one provider with its nodes, storages, networks and resources.
func (g *group) getExternalProvider(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var out *providerView
	err := provider.World(c).View(func(tx *state.Tx) error {
		ep, err := tenantos.ExtProviders.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		out, err = viewProvider(tx, ep, true)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createExternalProvider connects a provider. The simulator has no cluster to ask: a new
// Proxmox provider comes with two nodes (node01, node02) whose size is drawn from the world's
// seed and the provider's id (the same in every world); other kinds of provider have none.
func (g *group) createExternalProvider(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in providerInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *providerView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		id, err := tenantos.ExtProviders.NextID(tx)
		if err != nil {
			return err
		}
		ep := &tenantos.ExternalProvider{ID: id, Provider: in.Provider, Name: deref(in.Name), APIURL: deref(in.APIURL),
			APIUser: deref(in.APIUser), APIPassword: deref(in.APIPassword), Meta: meta(in.Meta), HAGroups: []tenantos.HAGroup{},
			Nodes: []tenantos.Node{}, Created: tx.Now, Updated: tx.Now}
		if ep.Provider == "proxmox" {
			ep.Nodes = g.newNodes(id, tx.Now)
		}
		if err := tenantos.ExtProviders.Put(tx, id, ep); err != nil {
			return err
		}
		if out, err = viewProvider(tx, ep, true); err != nil {
			return err
		}
		return logSystem(c, tx, "externalProviders", id, "Created external provider "+ep.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// newNodes makes the nodes of a new Proxmox provider.
func (g *group) newNodes(id int64, now time.Time) []tenantos.Node {
	var out []tenantos.Node
	for i := int64(1); i <= 2; i++ {
		f := g.p.Faker("proxmox-node", id*100+i)
		cores := []int{16, 32, 48, 64}[f.IntRange(0, 3)]
		mem := []int64{65536, 131072, 262144}[f.IntRange(0, 2)]
		total := []int64{960, 1920, 3840}[f.IntRange(0, 2)]
		out = append(out, tenantos.Node{Name: fmt.Sprintf("node%02d", i), CPUCores: cores, MemoryMB: mem,
			UsedMemMB: int64(float64(mem) * f.Float64Range(0.08, 0.25)), CPUUtil: round(f.Float64Range(0.03, 0.3), 4),
			Bridges: []string{"vmbr0", "vmbr1"}, UptimeFrom: now.Add(-time.Duration(f.IntRange(20, 400)) * 24 * time.Hour), Status: "online",
			Storages: []tenantos.Storage{{Name: "local", Type: "dir", TotalGB: total, UsedGB: int64(float64(total) * f.Float64Range(0.05, 0.25)),
				Content: []string{"images", "rootdir", "iso", "backup", "snippets", "vztmpl"}}}})
	}
	return out
}

// updateExternalProvider changes a provider's name, address, credentials or meta; the kind
// of provider stays. A password sent back as the mask the panel shows keeps the stored one.
func (g *group) updateExternalProvider(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in providerInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *providerView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		ep, err := tenantos.ExtProviders.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		before, err := viewProvider(tx, ep, false)
		if err != nil {
			return err
		}
		if in.Name != nil {
			ep.Name = *in.Name
		}
		if in.APIURL != nil {
			ep.APIURL = *in.APIURL
		}
		if in.APIUser != nil {
			ep.APIUser = *in.APIUser
		}
		if in.APIPassword != nil && *in.APIPassword != passwordMask {
			ep.APIPassword = *in.APIPassword
		}
		if in.Meta != nil {
			ep.Meta = meta(in.Meta)
		}
		ep.Updated = tx.Now
		if err := tenantos.ExtProviders.Put(tx, ep.ID, ep); err != nil {
			return err
		}
		if out, err = viewProvider(tx, ep, true); err != nil {
			return err
		}
		after, _ := viewProvider(tx, ep, false)
		return logSystem(c, tx, "externalProviders", ep.ID, "Updated external provider "+ep.Name, changes(before, after))
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// deleteExternalProvider removes a provider: refused with 409 while VMs run on it, and while
// VPS plans are made for it (they could make no VM any more).
func (g *group) deleteExternalProvider(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		ep, err := tenantos.ExtProviders.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		ids, err := vmsOn(tx, ep.ID, "")
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			return apierr.Conflict(fmt.Sprintf("The provider still runs %d servers: %v.", len(ids), ids))
		}
		var plans []string
		err = tenantos.VpsPlans.Each(tx, func(p *tenantos.VpsPlan) error {
			if p.ProviderID == ep.ID {
				plans = append(plans, p.Name)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(plans) > 0 {
			return apierr.Conflict("The provider is used by the VPS plans " + quoteList(plans) + ".")
		}
		if err := tenantos.ExtProviders.Delete(tx, ep.ID); err != nil {
			return err
		}
		return logSystem(c, tx, "externalProviders", ep.ID, "Deleted external provider "+ep.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}
