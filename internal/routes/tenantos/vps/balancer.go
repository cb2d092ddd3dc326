package vps

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// balancerView is a balancer plan as the panel shows it; settings never given are null.
type balancerView struct {
	ID                       int64    `json:"id"`
	CreatedAt                string   `json:"created_at"`
	UpdatedAt                string   `json:"updated_at"`
	Name                     string   `json:"planname"`
	CPUPriority              float64  `json:"cpuPriority"`
	CPURequireIdlePercentage float64  `json:"cpuRequireIdlePercentage"`
	StoragePriority          float64  `json:"storagePriority"`
	StorageReserveFreeAmount float64  `json:"storageReserveFreeAmount"`
	RAMPriority              float64  `json:"ramPriority"`
	RAMReserveFreeAmount     float64  `json:"ramReserveFreeAmount"`
	VMCountPriority          float64  `json:"vmCountPriority"`
	VMMaxAmount              *int64   `json:"vmMaxAmount"`
	NodeMustMatchRegex       *string  `json:"nodeMustMatchRegex"`
	NodeMustNotMatchRegex    *string  `json:"nodeMustNotMatchRegex"`
	VMMaxAmountPerCore       *float64 `json:"vmMaxAmountPerCore"`
}

func viewBalancer(b *tenantos.BalancerPlan) balancerView {
	return balancerView{ID: b.ID, CreatedAt: tenantos.LaravelTime(b.Created), UpdatedAt: tenantos.LaravelTime(b.Updated), Name: b.Name,
		CPUPriority: b.CPUPriority, CPURequireIdlePercentage: b.CPURequireIdlePercentage, StoragePriority: b.StoragePriority,
		StorageReserveFreeAmount: b.StorageReserveFreeAmount, RAMPriority: b.RAMPriority, RAMReserveFreeAmount: b.RAMReserveFreeAmount,
		VMCountPriority: b.VMCountPriority, VMMaxAmount: b.VMMaxAmount, NodeMustMatchRegex: b.NodeMustMatchRegex,
		NodeMustNotMatchRegex: b.NodeMustNotMatchRegex, VMMaxAmountPerCore: b.VMMaxAmountPerCore}
}

// allBalancers lists the balancer plans as the panel shows them, in id order.
func allBalancers(tx *tenantos.Tx) ([]balancerView, error) {
	out := []balancerView{}
	err := tenantos.BalancerPlans.Each(tx, func(b *tenantos.BalancerPlan) error {
		out = append(out, viewBalancer(b))
		return nil
	})
	return out, err
}

// balancerInput is the body of createBalancerPlan, updateBalancerPlan and (with the VM's
// size) testBalancerConfiguration; absent fields are nil.
type balancerInput struct {
	Name                     *string  `json:"planname"`
	CPUPriority              *float64 `json:"cpuPriority"`
	CPURequireIdlePercentage *float64 `json:"cpuRequireIdlePercentage"`
	StoragePriority          *float64 `json:"storagePriority"`
	StorageReserveFreeAmount *float64 `json:"storageReserveFreeAmount"`
	RAMPriority              *float64 `json:"ramPriority"`
	RAMReserveFreeAmount     *float64 `json:"ramReserveFreeAmount"`
	VMCountPriority          *float64 `json:"vmCountPriority"`
	VMMaxAmount              *int64   `json:"vmMaxAmount"`
	VMMaxAmountPerCore       *float64 `json:"vmMaxAmountPerCore"`
	NodeMustMatchRegex       *string  `json:"nodeMustMatchRegex"`
	NodeMustNotMatchRegex    *string  `json:"nodeMustNotMatchRegex"`
}

// apply writes the fields that were sent into b, after checking what the document cannot:
// the reserves are percentages and the patterns compile.
func (in *balancerInput) apply(b *tenantos.BalancerPlan) error {
	for _, r := range []struct {
		field string
		v     *float64
	}{{"storageReserveFreeAmount", in.StorageReserveFreeAmount}, {"ramReserveFreeAmount", in.RAMReserveFreeAmount}} {
		if r.v != nil && (*r.v < 0 || *r.v > 99) {
			return tenantos.Invalidf(r.field, "The %s field must be between 0 and 99.", attr(r.field))
		}
	}
	if err := checkRegex("nodeMustMatchRegex", in.NodeMustMatchRegex); err != nil {
		return err
	}
	if err := checkRegex("nodeMustNotMatchRegex", in.NodeMustNotMatchRegex); err != nil {
		return err
	}
	set := func(dst *float64, v *float64) {
		if v != nil {
			*dst = *v
		}
	}
	if in.Name != nil {
		b.Name = *in.Name
	}
	set(&b.CPUPriority, in.CPUPriority)
	set(&b.CPURequireIdlePercentage, in.CPURequireIdlePercentage)
	set(&b.StoragePriority, in.StoragePriority)
	set(&b.StorageReserveFreeAmount, in.StorageReserveFreeAmount)
	set(&b.RAMPriority, in.RAMPriority)
	set(&b.RAMReserveFreeAmount, in.RAMReserveFreeAmount)
	set(&b.VMCountPriority, in.VMCountPriority)
	if in.VMMaxAmount != nil {
		b.VMMaxAmount = in.VMMaxAmount
	}
	if in.VMMaxAmountPerCore != nil {
		b.VMMaxAmountPerCore = in.VMMaxAmountPerCore
	}
	if in.NodeMustMatchRegex != nil {
		b.NodeMustMatchRegex = in.NodeMustMatchRegex
	}
	if in.NodeMustNotMatchRegex != nil {
		b.NodeMustNotMatchRegex = in.NodeMustNotMatchRegex
	}
	return nil
}

// attr is Laravel's name of a field in messages (ramReserveFreeAmount → ram reserve free amount).
func attr(field string) string {
	out := make([]rune, 0, len(field)+4)
	for i, r := range field {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				out = append(out, ' ')
			}
			r += 'a' - 'A'
		}
		out = append(out, r)
	}
	return string(out)
}

// listBalancerPlans lists the balancer plans (administrators only).
func (g *group) listBalancerPlans(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var out []balancerView
	err := provider.World(c).View(func(tx *state.Tx) error {
		var err error
		out, err = allBalancers(tx)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getBalancerPlan shows one balancer plan.
func (g *group) getBalancerPlan(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var out balancerView
	err := provider.World(c).View(func(tx *state.Tx) error {
		b, err := tenantos.BalancerPlans.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		out = viewBalancer(b)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createBalancerPlan makes a balancer plan. Settings not sent start neutral: every priority
// 1, no reserve, no CPU idle requirement, no VM limit, no name pattern.
func (g *group) createBalancerPlan(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in balancerInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out balancerView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		id, err := tenantos.BalancerPlans.NextID(tx)
		if err != nil {
			return err
		}
		b := tenantos.BalancerPlan{ID: id, CPUPriority: 1, StoragePriority: 1, RAMPriority: 1, VMCountPriority: 1, Created: tx.Now, Updated: tx.Now}
		if err := in.apply(&b); err != nil {
			return err
		}
		if err := tenantos.BalancerPlans.Put(tx, id, &b); err != nil {
			return err
		}
		out = viewBalancer(&b)
		return logSystem(c, tx, "balancerPlans", id, "Created balancer plan "+b.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updateBalancerPlan changes the settings that are sent. An unset setting (a pattern, a VM
// limit) cannot be unset again through the API: Laravel reads "" and null as not sent.
func (g *group) updateBalancerPlan(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in balancerInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out balancerView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		b, err := tenantos.BalancerPlans.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		before := viewBalancer(b)
		if err := in.apply(b); err != nil {
			return err
		}
		b.Updated = tx.Now
		if err := tenantos.BalancerPlans.Put(tx, b.ID, b); err != nil {
			return err
		}
		out = viewBalancer(b)
		return logSystem(c, tx, "balancerPlans", b.ID, "Updated balancer plan "+b.Name, changes(before, out))
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// deleteBalancerPlan removes a balancer plan; refused with 409 while VPS plans name it
// (planconfig.node "balancer_<id>" or their balancerPlanId). Plans that use the first
// balancer plan only because they name none move on to the next one.
func (g *group) deleteBalancerPlan(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		b, err := tenantos.BalancerPlans.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		var users []string
		err = tenantos.VpsPlans.Each(tx, func(p *tenantos.VpsPlan) error {
			id, ok := balancerRef(decodeConfig(p.Config).node())
			if (ok && id == b.ID) || (p.BalancerPlanID != nil && *p.BalancerPlanID == b.ID) {
				users = append(users, p.Name)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return apierr.Conflict("The balancer plan is used by the VPS plans " + quoteList(users) + ".")
		}
		if err := tenantos.BalancerPlans.Delete(tx, b.ID); err != nil {
			return err
		}
		return logSystem(c, tx, "balancerPlans", b.ID, "Deleted balancer plan "+b.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// testInput is testBalancerConfiguration's body: balancer settings, the provider, and the
// size of the VM to place: ramSize in MB and diskSize in GB (the units of a plan's memory
// and disk_size), or per storage in storages[].
type testInput struct {
	balancerInput
	ProviderID int64  `json:"providerId"`
	DiskSize   *int64 `json:"diskSize"`
	RAMSize    *int64 `json:"ramSize"`
	Storages   []struct {
		Name     string `json:"backendStorageName"`
		DiskSize int64  `json:"diskSize"`
	} `json:"storages"`
}

// balancerTest is testBalancerConfiguration's answer (its shape is not documented): the node
// a VM of that size would go on (null: none), and how every node fared.
type balancerTest struct {
	ProviderID   int64      `json:"providerId"`
	RAMSize      int64      `json:"ramSize"`
	DiskSize     int64      `json:"diskSize"`
	SelectedNode *string    `json:"selectedNode"`
	Nodes        []nodeEval `json:"nodes"`
}

// testBalancerConfiguration weighs the provider's nodes with the settings sent (neutral ones
// where nothing is sent) for a VM of the size sent, and changes nothing.
func (g *group) testBalancerConfiguration(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in testInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	bp := neutralBalancer
	if err := in.apply(&bp); err != nil {
		return err
	}
	nd := need{Disks: map[string]int64{}}
	if in.RAMSize != nil {
		nd.MemoryMB = max(0, *in.RAMSize)
	}
	for i, s := range in.Storages {
		if s.Name == "" {
			return tenantos.Invalidf("storages."+itoa(int64(i))+".backendStorageName", "The storages.%d.backendStorageName field is required.", i)
		}
		nd.Disks[s.Name] += max(0, s.DiskSize)
	}
	if len(in.Storages) == 0 && in.DiskSize != nil && *in.DiskSize > 0 {
		nd.Disks[""] = *in.DiskSize
	}
	out := balancerTest{ProviderID: in.ProviderID, RAMSize: nd.MemoryMB, DiskSize: nd.diskGB()}
	err := provider.World(c).View(func(tx *state.Tx) error {
		ep, err := tenantos.ExtProviders.Get(tx, in.ProviderID)
		if err != nil {
			return tenantos.Invalid("providerId", "The selected provider id is invalid.")
		}
		evals, best := place(ep, &bp, nd, "")
		out.Nodes = evals
		if best >= 0 {
			out.SelectedNode = &evals[best].Node
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
