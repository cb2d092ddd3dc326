package e24cloud

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Group is a security group: its members (users), the VMs its firewall rules apply to, and
// the resources it holds.
type Group struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Members []string `json:"members"` // user ids: the account's, or a reseller account's
	// Leaving are members a detach task is taking out (they stay members until it runs).
	Leaving   []string        `json:"leaving"`
	VMs       []string        `json:"vms"`
	Resources []GroupResource `json:"resources"`
	Rules     []Rule          `json:"rules"`
	Seq       uint64          `json:"seq"` // creation order in the world
	Created   time.Time       `json:"created"`
}

// GroupResource is a resource a group holds, by id and kind.
type GroupResource struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

func loadGroup(tx *state.Tx, id string) (*Group, error) {
	var g Group
	if err := getRecord(tx, collGroups, state.Key(strings.TrimSpace(id)), &g, errGroupNotFound); err != nil {
		return nil, err
	}
	return &g, nil
}

func saveGroup(tx *state.Tx, g *Group) error { return putRecord(tx, collGroups, state.Key(g.ID), g) }

// groups lists the account's groups, oldest first.
func groups(tx *state.Tx) ([]*Group, error) {
	var out []*Group
	err := each(tx, collGroups, func(g *Group) error { out = append(out, g); return nil })
	byCreation(out, func(g *Group) uint64 { return g.Seq })
	return out, err
}

// groupsOf maps each VM to the groups it is in, as a VM shows them.
func groupsOf(tx *state.Tx) (map[string][]idName, error) {
	all, err := groups(tx)
	out := map[string][]idName{}
	for _, g := range all {
		for _, vm := range g.VMs {
			out[vm] = append(out[vm], idName{ID: g.ID, Name: g.Name})
		}
	}
	return out, err
}

// memberGroups are the groups a user is a member of, as the account shows them.
func memberGroups(tx *state.Tx, userID string) ([]idName, error) {
	all, err := groups(tx)
	out := []idName{}
	for _, g := range all {
		if slices.Contains(g.Members, userID) {
			out = append(out, idName{ID: g.ID, Name: g.Name})
		}
	}
	return out, err
}

// leaveGroups takes a VM out of every group (its deletion).
func leaveGroups(tx *state.Tx, vmID string) error {
	all, err := groups(tx)
	if err != nil {
		return err
	}
	for _, g := range all {
		if slices.Contains(g.VMs, vmID) {
			g.VMs = without(g.VMs, vmID)
			if err := saveGroup(tx, g); err != nil {
				return err
			}
		}
	}
	return nil
}

type permissionsView struct {
	Global []string `json:"global"`
	VM     []string `json:"vm"`
}

type groupResourceView struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Label string `json:"label"`
}

// groupView is a group as the groups endpoints show it. "permisions" is spelt as documented.
type groupView struct {
	ID          string              `json:"id"`
	Name        string              `json:"name"`
	Owner       idName              `json:"owner"`
	Members     []idName            `json:"members"`
	VMs         []vmRef             `json:"virtual_machines"`
	Permissions permissionsView     `json:"permisions"`
	Resources   []groupResourceView `json:"resources"`
	Rules       []ruleView          `json:"rules"`
}

func renderGroup(r *refs, g *Group) *groupView {
	v := &groupView{ID: g.ID, Name: g.Name, Owner: r.owner(), Members: []idName{}, VMs: []vmRef{},
		Permissions: permissionsView{Global: []string{}, VM: []string{}}, Resources: []groupResourceView{}, Rules: []ruleView{}}
	for _, id := range g.Members {
		if name, ok := userName(r, id); ok {
			v.Members = append(v.Members, idName{ID: id, Name: name})
		}
	}
	for _, id := range g.VMs {
		if vm := r.vm(id); vm != nil {
			v.VMs = append(v.VMs, vmRef{ID: vm.ID, Label: vm.Label})
		}
	}
	for _, res := range g.Resources {
		if label, ok := resourceLabel(r.tx, res); ok {
			v.Resources = append(v.Resources, groupResourceView{ID: res.ID, Type: res.Type, Label: label})
		}
	}
	for i := range g.Rules {
		v.Rules = append(v.Rules, g.Rules[i].view())
	}
	return v
}

// userName is the name of a user a group may hold: the account, or one of its reseller
// accounts.
func userName(r *refs, id string) (string, bool) {
	if id == r.acct.ID {
		return r.acct.Name, true
	}
	u, err := loadUser(r.tx, id)
	if err != nil {
		return "", false
	}
	return u.name(), true
}

// renderGroups renders every group, oldest first.
func renderGroups(tx *state.Tx) ([]*groupView, error) {
	out := []*groupView{}
	r, err := newRefs(tx)
	if err != nil {
		return nil, err
	}
	all, err := groups(tx)
	for _, g := range all {
		out = append(out, renderGroup(r, g))
	}
	return out, err
}

// listGroups lists the groups. As the English page shows it, the answer has no "success".
func (p *Provider) listGroups(c echo.Context) error {
	var out []*groupView
	err := provider.World(c).View(func(tx *state.Tx) (err error) {
		out, err = renderGroups(tx)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Groups []*groupView `json:"groups"`
	}{out})
}

// listGroupsPost is the list as the older (Polish) page has it: POST /v2/groups, with
// "success".
func (p *Provider) listGroupsPost(c echo.Context) error {
	var out []*groupView
	err := provider.World(c).View(func(tx *state.Tx) (err error) {
		out, err = renderGroups(tx)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool         `json:"success"`
		Groups  []*groupView `json:"groups"`
	}{true, out})
}

// createGroup makes an empty group. The answer is {"groups":[the new group]}, with no
// "success", as documented.
func (p *Provider) createGroup(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return apierr.Invalid("The name field is required.")
	}
	var out *groupView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		seq, err := tx.Coll(Name, collGroups).NextID()
		if err != nil {
			return err
		}
		g := &Group{ID: p.Faker("group", int64(seq)).UUID(), Name: name, Members: []string{}, Leaving: []string{},
			VMs: []string{}, Resources: []GroupResource{}, Rules: []Rule{}, Seq: seq, Created: tx.Now}
		if err := saveGroup(tx, g); err != nil {
			return err
		}
		r, err := newRefs(tx)
		if err != nil {
			return err
		}
		out = renderGroup(r, g)
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Groups []*groupView `json:"groups"`
	}{[]*groupView{out}})
}

// getGroup shows one group (a POST, as documented).
func (p *Provider) getGroup(c echo.Context) error {
	var out *groupView
	err := provider.World(c).View(func(tx *state.Tx) error {
		g, err := loadGroup(tx, c.Param("group_id"))
		if err != nil {
			return err
		}
		r, err := newRefs(tx)
		if err != nil {
			return err
		}
		out = renderGroup(r, g)
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Success bool       `json:"success"`
		Group   *groupView `json:"group"`
	}{true, out})
}

// deleteGroup deletes a group: its VMs, members and resources simply leave it.
func (p *Provider) deleteGroup(c echo.Context) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		g, err := loadGroup(tx, c.Param("group_id"))
		if err != nil {
			return err
		}
		return tx.Coll(Name, collGroups).Delete(state.Key(g.ID))
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}

type groupIDInput struct {
	ID string `json:"id"`
}

// changeGroup runs change on the group of the path and the id of the body, in one
// transaction, and answers {"success":true}.
func (p *Provider) changeGroup(c echo.Context, change func(tx *state.Tx, g *Group, id string) error) error {
	var in groupIDInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	id := strings.TrimSpace(in.ID)
	if id == "" {
		return apierr.Invalid("The id field is required.")
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		g, err := loadGroup(tx, c.Param("group_id"))
		if err != nil {
			return err
		}
		if err := change(tx, g, id); err != nil {
			return err
		}
		return saveGroup(tx, g)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, succeeded)
}

// groupAttachUser makes the account, or one of its reseller accounts once created, a member.
func (p *Provider) groupAttachUser(c echo.Context) error {
	return p.changeGroup(c, func(tx *state.Tx, g *Group, id string) error {
		a, err := loadAccount(tx)
		if err != nil {
			return err
		}
		if id != a.ID {
			u, err := loadUser(tx, id)
			if err != nil {
				return apierr.Invalid("The selected id is invalid.")
			}
			if u.State != userCreated {
				return apierr.Conflict("The account is still being created.")
			}
		}
		if slices.Contains(g.Members, id) {
			return apierr.Conflict("The user is already a member of this group.")
		}
		g.Members = append(g.Members, id)
		return nil
	})
}

// groupDetachUser adds a task ("adds a task", says the Polish page): the user stays a member
// until it runs, timings.groupDetachUser seconds later.
func (p *Provider) groupDetachUser(c echo.Context) error {
	return p.changeGroup(c, func(tx *state.Tx, g *Group, id string) error {
		switch {
		case !slices.Contains(g.Members, id):
			return apierr.Conflict("The user is not a member of this group.")
		case slices.Contains(g.Leaving, id):
			return apierr.Conflict("The user is already leaving this group.")
		}
		g.Leaving = append(g.Leaving, id)
		d := time.Duration(p.fx.Timings.GroupDetachUser) * time.Second
		_, err := tx.Enqueue(Name, taskGroup, tx.Now.Add(d), groupTask{GroupID: g.ID, UserID: id})
		return err
	})
}

// groupTask is a member's detach.
type groupTask struct {
	GroupID string `json:"groupId"`
	UserID  string `json:"userId"`
}

// runGroupTask completes a member's detach.
func (p *Provider) runGroupTask(tx *state.Tx, task *state.Task) error {
	var t groupTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	g, err := loadGroup(tx, t.GroupID)
	if err != nil {
		return nil // deleted meanwhile
	}
	g.Members, g.Leaving = without(g.Members, t.UserID), without(g.Leaving, t.UserID)
	return saveGroup(tx, g)
}

// groupAttachVM puts a VM in the group: the group's firewall rules apply to it from now on,
// and the VM lists the group in its groups.
func (p *Provider) groupAttachVM(c echo.Context) error {
	return p.changeGroup(c, func(tx *state.Tx, g *Group, id string) error {
		vm, err := loadVM(tx, id)
		if err != nil {
			return apierr.Invalid("The selected id is invalid.")
		}
		switch {
		case vm.State == stateDeleting:
			return apierr.Conflict("Cannot add a virtual machine that is deleting.")
		case slices.Contains(g.VMs, vm.ID):
			return apierr.Conflict("The virtual machine is already in this group.")
		}
		g.VMs = append(g.VMs, vm.ID)
		return nil
	})
}

// groupDetachVM takes a VM out of the group (and out of its firewall).
func (p *Provider) groupDetachVM(c echo.Context) error {
	return p.changeGroup(c, func(tx *state.Tx, g *Group, id string) error {
		if !slices.Contains(g.VMs, id) {
			return apierr.Conflict("The virtual machine is not in this group.")
		}
		g.VMs = without(g.VMs, id)
		return nil
	})
}

// Kinds of resources a group holds, named as the API names them.
const (
	resVolume   = "storage_volume"
	resImage    = "disk_image"
	resRecovery = "recovery_point"
	resIPv4     = "ipv4_address"
	resVXLAN    = "vxlan"
)

// findResource finds what an id names among the resources a group can hold.
func findResource(tx *state.Tx, id string) (GroupResource, bool) {
	for _, kind := range []string{resVolume, resImage, resRecovery, resIPv4, resVXLAN} {
		if _, ok := resourceLabel(tx, GroupResource{ID: id, Type: kind}); ok {
			return GroupResource{ID: id, Type: kind}, true
		}
	}
	return GroupResource{}, false
}

// resourceLabel is how a group shows a resource (an address by its address); ok is false
// once the resource is gone.
func resourceLabel(tx *state.Tx, res GroupResource) (string, bool) {
	key := state.Key(res.ID)
	switch res.Type {
	case resVolume:
		var v Volume
		if tx.Coll(Name, collVolumes).Get(key, &v) == nil {
			return v.Label, true
		}
	case resImage:
		var img DiskImage
		if tx.Coll(Name, collImages).Get(key, &img) == nil {
			return img.Label, true
		}
	case resRecovery:
		var rp RecoveryPoint
		if tx.Coll(Name, collRecovery).Get(key, &rp) == nil && !rp.Pending {
			return rp.Label, true
		}
	case resIPv4:
		var ip IPv4
		if tx.Coll(Name, collIPs).Get(key, &ip) == nil {
			return ip.Address, true
		}
	case resVXLAN:
		var vx VXLAN
		if tx.Coll(Name, collVXLANs).Get(key, &vx) == nil {
			return vx.Label, true
		}
	}
	return "", false
}

// pruneResources drops the resources that are gone.
func pruneResources(tx *state.Tx, g *Group) {
	g.Resources = slices.DeleteFunc(g.Resources, func(res GroupResource) bool {
		_, ok := resourceLabel(tx, res)
		return !ok
	})
}

// groupAttachResource puts a resource in the group: a storage volume, disk image, recovery
// point, IPv4 address or VxLAN, by its id. A VM goes in with group-attach-vm.
func (p *Provider) groupAttachResource(c echo.Context) error {
	return p.changeGroup(c, func(tx *state.Tx, g *Group, id string) error {
		pruneResources(tx, g)
		res, ok := findResource(tx, id)
		if !ok {
			if tx.Coll(Name, collVMs).Has(state.Key(id)) {
				return apierr.Invalid("The id is a virtual machine's: add it with group-attach-vm.")
			}
			return apierr.Invalid("The selected id is invalid.")
		}
		if slices.ContainsFunc(g.Resources, func(r GroupResource) bool { return r.ID == id }) {
			return apierr.Conflict("The resource is already in this group.")
		}
		g.Resources = append(g.Resources, res)
		return nil
	})
}

// groupDetachResource takes a resource out of the group.
func (p *Provider) groupDetachResource(c echo.Context) error {
	return p.changeGroup(c, func(tx *state.Tx, g *Group, id string) error {
		pruneResources(tx, g)
		n := len(g.Resources)
		g.Resources = slices.DeleteFunc(g.Resources, func(r GroupResource) bool { return r.ID == id })
		if len(g.Resources) == n {
			return apierr.Conflict("The resource is not in this group.")
		}
		return nil
	})
}
