package vps

import (
	"fmt"
	"regexp"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// Snapshots of a VM form a tree through parent; one of them is current (the state the VM
// runs from). Creating one makes it a child of the current snapshot and, when its task
// completes, the current one. Rolling back makes the snapshot current when the task
// completes. Deleting a snapshot gives its children its parent, and makes its parent current
// when it was. The name must match ^[a-zA-Z][a-zA-Z0-9_]*$, at most 40 characters, and be
// unique on the VM (422 options.name). Limits, the plan's switch and busy VMs are refused as
// for backups (409). Snapshot tasks lock the VM.

const (
	snapshotNameRegex   = `^[a-zA-Z][a-zA-Z0-9_]*$`
	snapshotNameMessage = "Must start with a letter. Allowed characters: A-Z, a-z, 0-9, _"
)

var (
	snapshotNameRE      = regexp.MustCompile(snapshotNameRegex)
	errSnapshotNotFound = apierr.NotFound("Snapshot not found.")
)

func findSnapshot(vm *tenantos.VM, id string) *tenantos.Snapshot {
	for i := range vm.Snapshots {
		if vm.Snapshots[i].ID == id {
			return &vm.Snapshots[i]
		}
	}
	return nil
}

// currentSnapshot is the name of a VM's current snapshot ("" when it has none).
func currentSnapshot(tx *tenantos.Tx, serverID int64) string {
	return string(tx.Index(tenantos.Name, idxCurrentSnapshot).Get(state.ID(uint64(serverID))))
}

func setCurrentSnapshot(tx *tenantos.Tx, serverID int64, name string) error {
	idx := tx.Index(tenantos.Name, idxCurrentSnapshot)
	// An index refuses to change a key's value: drop the old one first.
	if err := idx.Delete(state.ID(uint64(serverID))); err != nil || name == "" {
		return err
	}
	return idx.Put(state.ID(uint64(serverID)), []byte(name))
}

// deleteSnapshot removes a snapshot from the tree (the server is stored by the caller).
func deleteSnapshot(tx *tenantos.Tx, s *tenantos.Server, name string) error {
	vm := s.VM
	sn := findSnapshot(vm, name)
	if sn == nil {
		return nil
	}
	parent := sn.Parent
	for i := range vm.Snapshots {
		if p := vm.Snapshots[i].Parent; p != nil && *p == name {
			vm.Snapshots[i].Parent = parent
		}
	}
	for i := range vm.Snapshots {
		if vm.Snapshots[i].ID == name {
			vm.Snapshots = append(vm.Snapshots[:i], vm.Snapshots[i+1:]...)
			break
		}
	}
	if currentSnapshot(tx, s.ID) == name {
		return setCurrentSnapshot(tx, s.ID, deref(parent))
	}
	return nil
}

type snapshotView struct {
	SnapshotID     string  `json:"snapshotId"`
	Name           string  `json:"name"`
	Description    string  `json:"description"`
	Created        int64   `json:"created"`
	Parent         *string `json:"parent"`
	IncludesMemory bool    `json:"includesMemory"`
	Size           int64   `json:"size"`
	IsCurrent      bool    `json:"isCurrent"`
	IsDeleting     bool    `json:"isDeleting"`
	IsRollingBack  bool    `json:"isRollingBack"`
	DeleteTaskID   *int64  `json:"deleteTaskId"`
	RollbackTaskID *int64  `json:"rollbackTaskId"`
}

type snapshotTasks struct {
	HasAnyActiveTask           bool        `json:"hasAnyActiveTask"`
	RunningTask                *taskView   `json:"runningTask"`
	ActiveCreateSnapshotTask   *taskView   `json:"activeCreateSnapshotTask"`
	ActiveDeleteSnapshotTasks  []*taskView `json:"activeDeleteSnapshotTasks"`
	ActiveRollbackSnapshotTask *taskView   `json:"activeRollbackSnapshotTask"`
}

type snapshotMeta struct {
	MaxSnapshots                 int    `json:"maxSnapshots"`
	DefaultSnapshotMode          string `json:"defaultSnapshotMode"`
	DefaultSnapshotIncludeMemory bool   `json:"defaultSnapshotIncludeMemory"`
	SnapshotsEnabled             bool   `json:"snapshotsEnabled"`
	UI                           struct {
		Create map[string]uiField `json:"create"`
	} `json:"ui"`
	CanCreateUnlimitedSnapshots bool `json:"canCreateUnlimitedSnapshots"`
}

type snapshotList struct {
	Snapshots     []snapshotView `json:"snapshots"`
	Notifications []any          `json:"notifications"`
	ActiveTasks   snapshotTasks  `json:"activeTasks"`
	Meta          snapshotMeta   `json:"meta"`
}

// snapshotSettingsOf is what a server's plan says of snapshots; nothing is enabled on a
// server that is not a VM.
func snapshotSettingsOf(tx *tenantos.Tx, s *tenantos.Server) settings {
	if !isVM(s) {
		return settings{}
	}
	return snapshotSettings(planOf(tx, s))
}

func viewSnapshotMeta(st settings) snapshotMeta {
	m := snapshotMeta{MaxSnapshots: st.Max, DefaultSnapshotMode: "snapshot", DefaultSnapshotIncludeMemory: true,
		SnapshotsEnabled: st.Enabled, CanCreateUnlimitedSnapshots: st.Unlimited}
	m.UI.Create = map[string]uiField{
		"name": {Type: "text", Label: "Snapshot Name", Required: true, MaxLength: intp(40), Default: "", ValidationRegex: snapshotNameRegex,
			ValidationMessage: snapshotNameMessage, Placeholder: tenantos.Text("Enter a short name")},
		"description": {Type: "text", Label: "Description", MaxLength: intp(100), Default: "",
			Placeholder: tenantos.Text("Enter a short snapshot description")},
		"includeMemory": {Type: "checkbox", Label: "Include VM Memory State", Default: true,
			Tooltip: "Saves the current RAM state along with the disk state. This allows you to restore the VM to its exact running state. Note: The VM may be briefly unresponsive during snapshot creation but will continue running."},
	}
	return m
}

func viewSnapshots(tx *tenantos.Tx, s *tenantos.Server) (*snapshotList, error) {
	out := &snapshotList{Snapshots: []snapshotView{}, Notifications: []any{},
		ActiveTasks: snapshotTasks{ActiveDeleteSnapshotTasks: []*taskView{}}, Meta: viewSnapshotMeta(snapshotSettingsOf(tx, s))}
	if s.VM != nil {
		cur := currentSnapshot(tx, s.ID)
		for _, sn := range s.VM.Snapshots {
			if !sn.Ready {
				continue
			}
			out.Snapshots = append(out.Snapshots, snapshotView{SnapshotID: sn.ID, Name: sn.ID, Description: sn.Description,
				Created: sn.Created.Unix(), Parent: sn.Parent, IncludesMemory: sn.IncludesMemory, Size: sn.Size, IsCurrent: sn.ID == cur,
				IsDeleting: sn.DeleteTaskID != nil, IsRollingBack: sn.RollbackTaskID != nil, DeleteTaskID: sn.DeleteTaskID,
				RollbackTaskID: sn.RollbackTaskID})
		}
		// Newest first, as the panel lists them.
		sort.SliceStable(out.Snapshots, func(i, j int) bool { return out.Snapshots[i].Created > out.Snapshots[j].Created })
	}
	ts, err := activeTasks(tx, s.ID)
	if err != nil {
		return nil, err
	}
	a := &out.ActiveTasks
	for _, t := range ts {
		v := viewTask(t)
		switch t.Action {
		case actCreateSnapshot:
			a.ActiveCreateSnapshotTask = v
		case actDeleteSnapshot:
			a.ActiveDeleteSnapshotTasks = append(a.ActiveDeleteSnapshotTasks, v)
		case actRollbackSnapshot:
			a.ActiveRollbackSnapshotTask = v
		default:
			continue
		}
		a.HasAnyActiveTask = true
		if t.Status == statusRunning && a.RunningTask == nil {
			a.RunningTask = v
		}
	}
	return out, nil
}

// listServerSnapshots lists a VM's snapshots (newest first), its snapshot tasks and the
// snapshot options. A dedicated server answers an empty list with snapshots disabled.
func (g *group) listServerSnapshots(c echo.Context) error {
	var out *snapshotList
	err := provider.World(c).View(func(tx *state.Tx) error {
		s, err := visibleServer(c, tx, provider.PathInt(c, "server_id"))
		if err != nil {
			return err
		}
		out, err = viewSnapshots(tx, s)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getServerSnapshotAvailability tells whether snapshots can be taken of a server: a VM
// whose plan enables them.
func (g *group) getServerSnapshotAvailability(c echo.Context) error {
	var ok bool
	err := provider.World(c).View(func(tx *state.Tx) error {
		s, err := visibleServer(c, tx, provider.PathInt(c, "server"))
		if err != nil {
			return err
		}
		ok = snapshotSettingsOf(tx, s).Enabled
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, map[string]bool{"available": ok})
}

// createServerSnapshot starts a snapshot with options{name, description, includeMemory
// (default true)} and answers its task.
func (g *group) createServerSnapshot(c echo.Context) error {
	o, err := createOptions(c)
	if err != nil {
		return err
	}
	name, desc := text(o["name"]), text(o["description"])
	includeMemory := true
	if v, sent := o["includeMemory"]; sent && v != nil {
		includeMemory = truthy(v)
	}
	switch {
	case name == "":
		return tenantos.Invalid("options.name", "The options.name field is required.")
	case len(name) > 40:
		return tenantos.Invalid("options.name", "The options.name field must not be greater than 40 characters.")
	case !snapshotNameRE.MatchString(name):
		return tenantos.Invalid("options.name", "The options.name field format is invalid. "+snapshotNameMessage+".")
	case len([]rune(desc)) > 100:
		return tenantos.Invalid("options.description", "The options.description field must not be greater than 100 characters.")
	}
	var out *taskView
	err = provider.World(c).Update(func(tx *state.Tx) error {
		s, err := actionable(c, tx, provider.PathInt(c, "server_id"))
		if err != nil {
			return err
		}
		if !isVM(s) {
			return errNotVMState
		}
		st := snapshotSettingsOf(tx, s)
		if !st.Enabled {
			return apierr.Conflict("Snapshots are not enabled for this server.")
		}
		if findSnapshot(s.VM, name) != nil {
			return tenantos.Invalid("options.name", "The options.name has already been taken.")
		}
		if err := busy(tx, s); err != nil {
			return err
		}
		if !st.Unlimited && len(s.VM.Snapshots) >= st.Max {
			return apierr.Conflict(fmt.Sprintf("The server has the maximum of %d snapshots; delete one first.", st.Max))
		}
		t, err := g.startTask(tx, s, actCreateSnapshot, name)
		if err != nil {
			return err
		}
		size := int64(0)
		if includeMemory {
			size = int64(s.VM.MemoryMB)*mib + 4*mib
		}
		s.VM.Snapshots = append(s.VM.Snapshots, tenantos.Snapshot{ID: name, Description: desc, Created: tx.Now,
			IncludesMemory: includeMemory, Size: size})
		s.Updated = tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		out = viewTask(t)
		return logServer(c, tx, s, "Started snapshot "+name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// snapshotTarget loads a VM's finished snapshot named by the body's snapshotId, for a
// VM-locking task.
func snapshotTarget(c echo.Context, tx *tenantos.Tx, param string) (*tenantos.Server, *tenantos.Snapshot, error) {
	var in struct {
		SnapshotID string `json:"snapshotId"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return nil, nil, err
	}
	s, err := actionable(c, tx, provider.PathInt(c, param))
	if err != nil {
		return nil, nil, err
	}
	if !isVM(s) {
		return nil, nil, errNotVMState
	}
	sn := findSnapshot(s.VM, in.SnapshotID)
	if sn == nil || !sn.Ready {
		return nil, nil, errSnapshotNotFound
	}
	if err := busy(tx, s); err != nil {
		return nil, nil, err
	}
	return s, sn, nil
}

// deleteServerSnapshot starts deleting a snapshot and answers the task.
func (g *group) deleteServerSnapshot(c echo.Context) error {
	var out *taskView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, sn, err := snapshotTarget(c, tx, "server_id")
		if err != nil {
			return err
		}
		t, err := g.startTask(tx, s, actDeleteSnapshot, sn.ID)
		if err != nil {
			return err
		}
		sn.DeleteTaskID = &t.ID
		s.Updated = tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		out = viewTask(t)
		return logServer(c, tx, s, "Started deleting snapshot "+sn.ID, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// rollbackServerSnapshot starts rolling a VM back to a snapshot and answers the task.
func (g *group) rollbackServerSnapshot(c echo.Context) error {
	var out *taskView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, sn, err := snapshotTarget(c, tx, "server")
		if err != nil {
			return err
		}
		t, err := g.startTask(tx, s, actRollbackSnapshot, sn.ID)
		if err != nil {
			return err
		}
		sn.RollbackTaskID = &t.ID
		s.Updated = tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		out = viewTask(t)
		return logServer(c, tx, s, "Started rollback to snapshot "+sn.ID, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
