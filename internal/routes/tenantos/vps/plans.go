package vps

import (
	"encoding/json"
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// planView is a VPS plan as the panel shows it: planconfig in the contract's types (see
// configShape), the plan's own additionalHardware, backup and snapshot blocks where it has
// them, and a summary of what a VM of the plan gets.
type planView struct {
	ID                 int64        `json:"id"`
	CreatedAt          string       `json:"created_at"`
	UpdatedAt          string       `json:"updated_at"`
	Name               string       `json:"planname"`
	Config             any          `json:"planconfig"`
	AdditionalHardware any          `json:"additionalHardware,omitempty"`
	Backup             any          `json:"backup,omitempty"`
	Snapshot           any          `json:"snapshot,omitempty"`
	ProviderID         int64        `json:"providerId"`
	Summary            *planSummary `json:"summary"`
}

type planSummary struct {
	TotalDiskSpace int             `json:"totalDiskSpace"`
	CPUCores       int             `json:"cpucores"`
	Memory         string          `json:"memory"`
	Disks          []string        `json:"disks"`
	Node           string          `json:"node"`
	Provider       summaryProvider `json:"provider"`
	Virtualization string          `json:"virtualization"`
}

type summaryProvider struct {
	Name     string `json:"name"`
	Provider string `json:"provider"`
	ID       int64  `json:"id"`
}

// virtualization names what a provider runs VMs on.
func virtualization(kind string) string {
	if kind == "proxmox" {
		return "Proxmox KVM"
	}
	return kind
}

func viewPlan(tx *tenantos.Tx, p *tenantos.VpsPlan) *planView {
	pc := decodeConfig(p.Config)
	shown, _ := conform(map[string]any(pc), configShape)
	v := &planView{ID: p.ID, CreatedAt: tenantos.LaravelTime(p.Created), UpdatedAt: tenantos.LaravelTime(p.Updated), Name: p.Name,
		Config: shown, AdditionalHardware: rawOpen(p.AdditionalHardware), Backup: conformRaw(p.Backup, backupShape),
		Snapshot: conformRaw(p.Snapshot, snapshotShape), ProviderID: p.ProviderID}
	sum := &planSummary{CPUCores: pc.cores() * pc.sockets(), Memory: text(pc.get("memory")), Disks: []string{}, Node: pc.node(),
		Provider: summaryProvider{ID: p.ProviderID}}
	for _, d := range pc.disks() {
		sum.TotalDiskSpace += d.SizeGB
		sum.Disks = append(sum.Disks, fmt.Sprint(d.SizeGB))
	}
	if ep, err := tenantos.ExtProviders.Get(tx, p.ProviderID); err == nil {
		sum.Provider.Name, sum.Provider.Provider = ep.Name, ep.Provider
		sum.Virtualization = virtualization(ep.Provider)
	}
	v.Summary = sum
	return v
}

// planInput is the body of createVpsPlan and updateVpsPlan.
type planInput struct {
	Name       string          `json:"planname"`
	Config     json.RawMessage `json:"planconfig"`
	ProviderID int64           `json:"providerId"`
}

// check refuses a plan no VM could be made from: planconfig must be an object with memory,
// cores and at least one sized disk; the provider must exist; a pinned node, a balancer
// plan named in planconfig.node, the disks' storages and the interfaces' subnets must exist.
func (in *planInput) check(tx *tenantos.Tx) (config, error) {
	var obj map[string]any
	if err := json.Unmarshal(in.Config, &obj); err != nil || obj == nil {
		var arr []any
		if json.Unmarshal(in.Config, &arr) == nil && len(arr) == 0 {
			return nil, tenantos.Invalid("planconfig", "The planconfig field is required.")
		}
		return nil, tenantos.Invalid("planconfig", "The planconfig field must be an array.")
	}
	if len(obj) == 0 {
		return nil, tenantos.Invalid("planconfig", "The planconfig field is required.")
	}
	pc := config(obj)
	ep, err := tenantos.ExtProviders.Get(tx, in.ProviderID)
	if err != nil {
		return nil, tenantos.Invalid("providerId", "The selected provider id is invalid.")
	}
	if err := checkResources(pc, "planconfig"); err != nil {
		return nil, err
	}
	if node := pc.node(); node != "" {
		if id, ok := balancerRef(node); ok {
			if !tenantos.BalancerPlans.Has(tx, id) {
				return nil, tenantos.Invalid("planconfig.node", "The selected planconfig.node is invalid: there is no balancer plan "+itoa(id)+".")
			}
		} else if nodeOf(ep, node) == nil {
			return nil, tenantos.Invalid("planconfig.node", "The selected planconfig.node is invalid: the provider has no node "+node+".")
		}
	}
	if len(ep.Nodes) > 0 {
		for _, d := range pc.disks() {
			found := false
			for i := range ep.Nodes {
				found = found || storageOf(&ep.Nodes[i], d.Storage) != nil
			}
			if !found {
				return nil, tenantos.Invalidf("planconfig.disks."+d.Key+".storage", "The selected planconfig.disks.%s.storage is invalid: no node has a storage %s.", d.Key, d.Storage)
			}
		}
	}
	for _, f := range pc.ifaces() {
		for _, id := range f.Subnets {
			if !tenantos.Subnets.Has(tx, id) {
				return nil, tenantos.Invalidf("planconfig.ifaces."+f.Key+".subnets", "The selected planconfig.ifaces.%s.subnets is invalid: there is no subnet %d.", f.Key, id)
			}
		}
	}
	return pc, nil
}

// vmsOfPlan lists the ids of the servers made from a plan.
func vmsOfPlan(tx *tenantos.Tx, planID int64) ([]int64, error) {
	ids := []int64{}
	err := tenantos.Servers.Each(tx, func(s *tenantos.Server) error {
		if s.VM != nil && s.VM.PlanID == planID {
			ids = append(ids, s.ID)
		}
		return nil
	})
	return ids, err
}

// listVpsPlans lists the VPS plans (administrators and resellers).
func (g *group) listVpsPlans(c echo.Context) error {
	if err := requirePlanReader(c); err != nil {
		return err
	}
	out := []*planView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		return tenantos.VpsPlans.Each(tx, func(p *tenantos.VpsPlan) error {
			out = append(out, viewPlan(tx, p))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getVpsPlan shows one VPS plan.
func (g *group) getVpsPlan(c echo.Context) error {
	if err := requirePlanReader(c); err != nil {
		return err
	}
	var out *planView
	err := provider.World(c).View(func(tx *state.Tx) error {
		p, err := tenantos.VpsPlans.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		out = viewPlan(tx, p)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createVpsPlan makes a VPS plan; planconfig is kept as sent.
func (g *group) createVpsPlan(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in planInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *planView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		if _, err := in.check(tx); err != nil {
			return err
		}
		id, err := tenantos.VpsPlans.NextID(tx)
		if err != nil {
			return err
		}
		p := &tenantos.VpsPlan{ID: id, Name: in.Name, Config: in.Config, ProviderID: in.ProviderID, Created: tx.Now, Updated: tx.Now}
		if err := tenantos.VpsPlans.Put(tx, id, p); err != nil {
			return err
		}
		out = viewPlan(tx, p)
		return logSystem(c, tx, "vpsPlans", id, "Created VPS plan "+p.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updateVpsPlan replaces a plan's name, configuration and provider. The VMs already made
// from it keep their resources (PUT /api/servers/{id}/vm {"planId"} applies a plan to a
// VM); a plan that has VMs cannot move to another provider (422 providerId).
func (g *group) updateVpsPlan(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in planInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *planView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		p, err := tenantos.VpsPlans.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		if _, err := in.check(tx); err != nil {
			return err
		}
		if in.ProviderID != p.ProviderID {
			ids, err := vmsOfPlan(tx, p.ID)
			if err != nil {
				return err
			}
			if len(ids) > 0 {
				return tenantos.Invalidf("providerId", "The plan's provider cannot change while servers use the plan (%v).", ids)
			}
		}
		before := viewPlan(tx, p)
		p.Name, p.Config, p.ProviderID, p.Updated = in.Name, in.Config, in.ProviderID, tx.Now
		if err := tenantos.VpsPlans.Put(tx, p.ID, p); err != nil {
			return err
		}
		out = viewPlan(tx, p)
		return logSystem(c, tx, "vpsPlans", p.ID, "Updated VPS plan "+p.Name, changes(before, out))
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// deleteVpsPlan removes a plan; refused with 409 while servers were made from it (their
// backup and snapshot settings come from it).
func (g *group) deleteVpsPlan(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		p, err := tenantos.VpsPlans.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		ids, err := vmsOfPlan(tx, p.ID)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			return apierr.Conflict(fmt.Sprintf("The plan is used by %d servers: %v.", len(ids), ids))
		}
		if err := tenantos.VpsPlans.Delete(tx, p.ID); err != nil {
			return err
		}
		return logSystem(c, tx, "vpsPlans", p.ID, "Deleted VPS plan "+p.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// duplicateVpsPlan copies a plan under a new id, its name suffixed " (Duplicated)".
func (g *group) duplicateVpsPlan(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var out *planView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		p, err := tenantos.VpsPlans.Get(tx, provider.PathInt(c, "vpsplan"))
		if err != nil {
			return err
		}
		id, err := tenantos.VpsPlans.NextID(tx)
		if err != nil {
			return err
		}
		cp := *p
		cp.ID, cp.Name, cp.Created, cp.Updated = id, p.Name+" (Duplicated)", tx.Now, tx.Now
		if err := tenantos.VpsPlans.Put(tx, id, &cp); err != nil {
			return err
		}
		out = viewPlan(tx, &cp)
		return logSystem(c, tx, "vpsPlans", id, "Duplicated VPS plan "+p.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
