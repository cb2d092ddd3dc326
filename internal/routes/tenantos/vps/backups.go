package vps

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// Backups of a VM are vzdump archives on a storage of the plan's availableBackupStorages.
//
//   - Creating one is refused with 409 when the VM is not a Proxmox VM (a dedicated server),
//     when its plan does not enable backups, when meta.maxBackups backups exist or are being
//     made (unless the plan sets no limit: canCreateUnlimitedBackups), and while the VM is
//     busy with another backup, restore or snapshot task (Proxmox locks the VM for those).
//   - The backup is listed once its task completes; until then activeTasks shows the task.
//   - Deleting and restoring set isDeleting / isRestoring and the task's id on the backup;
//     several deletes may run at once, a restore locks the VM.

var (
	backupModes        = []string{"snapshot", "suspend", "stop"}
	backupModeNames    = []string{"Snapshot (fastest)", "Suspend (consistent)", "Stop (most consistent)"}
	backupCompressions = []string{"zstd"}
	compressionNames   = []string{"ZSTD (best)"}
	errBackupNotFound  = apierr.NotFound("Backup not found.")
)

// locking are the actions during which Proxmox keeps a lock on the VM.
var locking = map[string]bool{actCreateBackup: true, actRestoreBackup: true, actCreateSnapshot: true, actRollbackSnapshot: true, actDeleteSnapshot: true}

// busy refuses a VM-locking action while another one runs.
func busy(tx *tenantos.Tx, s *tenantos.Server) error {
	ts, err := activeTasks(tx, s.ID)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if locking[t.Action] {
			return apierr.Conflict(fmt.Sprintf("The server is busy with another task (%s, task %d).", t.Action, t.ID))
		}
	}
	return nil
}

func findBackup(vm *tenantos.VM, id string) *tenantos.Backup {
	for i := range vm.Backups {
		if vm.Backups[i].ID == id {
			return &vm.Backups[i]
		}
	}
	return nil
}

// planOf is the plan a VM was made from (nil when there is none).
func planOf(tx *tenantos.Tx, s *tenantos.Server) *tenantos.VpsPlan {
	if s.VM == nil {
		return nil
	}
	p, err := tenantos.VpsPlans.Get(tx, s.VM.PlanID)
	if err != nil {
		return nil
	}
	return p
}

type option struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func options(ids, names []string) []option {
	out := make([]option, len(ids))
	for i := range ids {
		out[i] = option{ID: ids[i], Name: names[i]}
	}
	return out
}

// uiField is one field of a create form (meta.ui.create).
type uiField struct {
	Type              string   `json:"type"`
	Label             string   `json:"label"`
	Required          bool     `json:"required"`
	Options           []option `json:"options,omitempty"`
	MaxLength         *int     `json:"maxLength,omitempty"`
	ValidationRegex   string   `json:"validationRegex,omitempty"`
	ValidationMessage string   `json:"validationMessage,omitempty"`
	Tooltip           string   `json:"tooltip"`
	Placeholder       *string  `json:"placeholder,omitempty"`
	Default           any      `json:"default"`
}

func intp(n int) *int { return &n }

type backupView struct {
	BackupID      string `json:"backupId"`
	Name          string `json:"name"`
	Size          int64  `json:"size"`
	Created       int64  `json:"created"`
	Format        string `json:"format"`
	Note          string `json:"note"`
	Storage       string `json:"storage"`
	IsDeleting    bool   `json:"isDeleting"`
	IsRestoring   bool   `json:"isRestoring"`
	DeleteTaskID  *int64 `json:"deleteTaskId"`
	RestoreTaskID *int64 `json:"restoreTaskId"`
}

type backupTasks struct {
	HasAnyActiveTask        bool        `json:"hasAnyActiveTask"`
	RunningTask             *taskView   `json:"runningTask"`
	ActiveCreateBackupTask  *taskView   `json:"activeCreateBackupTask"`
	ActiveDeleteBackupTasks []*taskView `json:"activeDeleteBackupTasks"`
	ActiveRestoreBackupTask *taskView   `json:"activeRestoreBackupTask"`
}

type backupMeta struct {
	MaxBackups                 int      `json:"maxBackups"`
	DefaultBackupStorage       string   `json:"defaultBackupStorage"`
	DefaultBackupMode          string   `json:"defaultBackupMode"`
	DefaultBackupCompression   string   `json:"defaultBackupCompression"`
	AvailableBackupStorages    []option `json:"availableBackupStorages"`
	AvailableBackupModes       []string `json:"availableBackupModes"`
	AvailableBackupCompression []string `json:"availableBackupCompression"`
	BackupsEnabled             bool     `json:"backupsEnabled"`
	UI                         struct {
		Create map[string]uiField `json:"create"`
	} `json:"ui"`
	CanCreateUnlimitedBackups bool `json:"canCreateUnlimitedBackups"`
}

type backupList struct {
	Backups       []backupView `json:"backups"`
	Notifications []any        `json:"notifications"`
	ActiveTasks   backupTasks  `json:"activeTasks"`
	Meta          backupMeta   `json:"meta"`
}

// backupSettingsOf is what a server's plan says of backups; nothing is enabled on a server
// that is not a VM.
func backupSettingsOf(tx *tenantos.Tx, s *tenantos.Server) settings {
	if !isVM(s) {
		st := backupSettings(&tenantos.VpsPlan{})
		st.Enabled, st.Unlimited = false, false
		return st
	}
	return backupSettings(planOf(tx, s))
}

func viewBackupMeta(st settings) backupMeta {
	m := backupMeta{MaxBackups: st.Max, DefaultBackupStorage: st.DefaultStorage, DefaultBackupMode: st.DefaultMode,
		DefaultBackupCompression: st.Compression, AvailableBackupStorages: options(st.Storages, st.Storages),
		AvailableBackupModes: backupModes, AvailableBackupCompression: backupCompressions, BackupsEnabled: st.Enabled,
		CanCreateUnlimitedBackups: st.Unlimited}
	m.UI.Create = map[string]uiField{
		"storage": {Type: "select", Label: "Storage", Required: true, Options: options(st.Storages, st.Storages), Placeholder: tenantos.Text(""),
			Default: st.DefaultStorage},
		"mode": {Type: "select", Label: "Backup Mode", Required: true, Options: options(backupModes, backupModeNames), Placeholder: tenantos.Text(""),
			Default: st.DefaultMode},
		"compression": {Type: "select", Label: "Compression", Required: true, Options: options(backupCompressions, compressionNames),
			Placeholder: tenantos.Text(""), Default: st.Compression},
		"notes": {Type: "text", Label: "Note", MaxLength: intp(100), Placeholder: tenantos.Text("Enter a short description"), Default: ""},
	}
	return m
}

func viewBackups(tx *tenantos.Tx, s *tenantos.Server) (*backupList, error) {
	out := &backupList{Backups: []backupView{}, Notifications: []any{},
		ActiveTasks: backupTasks{ActiveDeleteBackupTasks: []*taskView{}}, Meta: viewBackupMeta(backupSettingsOf(tx, s))}
	if s.VM != nil {
		for _, b := range s.VM.Backups {
			if !b.Ready {
				continue
			}
			out.Backups = append(out.Backups, backupView{BackupID: b.ID, Name: b.ID, Size: b.Size, Created: b.Created.Unix(), Format: b.Format,
				Note: b.Note, Storage: b.Storage, IsDeleting: b.DeleteTaskID != nil, IsRestoring: b.RestoreTaskID != nil,
				DeleteTaskID: b.DeleteTaskID, RestoreTaskID: b.RestoreTaskID})
		}
	}
	ts, err := activeTasks(tx, s.ID)
	if err != nil {
		return nil, err
	}
	a := &out.ActiveTasks
	for _, t := range ts {
		v := viewTask(t)
		switch t.Action {
		case actCreateBackup:
			a.ActiveCreateBackupTask = v
		case actDeleteBackup:
			a.ActiveDeleteBackupTasks = append(a.ActiveDeleteBackupTasks, v)
		case actRestoreBackup:
			a.ActiveRestoreBackupTask = v
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

// listServerBackups lists a VM's backups, its backup tasks and the backup options. A
// dedicated server answers an empty list with backups disabled.
func (g *group) listServerBackups(c echo.Context) error {
	var out *backupList
	err := provider.World(c).View(func(tx *state.Tx) error {
		s, err := visibleServer(c, tx, provider.PathInt(c, "server_id"))
		if err != nil {
			return err
		}
		out, err = viewBackups(tx, s)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getServerBackupAvailability tells whether backups can be made of a server: a VM whose plan
// enables them.
func (g *group) getServerBackupAvailability(c echo.Context) error {
	var ok bool
	err := provider.World(c).View(func(tx *state.Tx) error {
		s, err := visibleServer(c, tx, provider.PathInt(c, "server"))
		if err != nil {
			return err
		}
		ok = backupSettingsOf(tx, s).Enabled
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, map[string]bool{"available": ok})
}

// createOptions reads the body's options object (PHP's [] and no options are empty).
func createOptions(c echo.Context) (map[string]any, error) {
	switch o := provider.Input(c).Body["options"].(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return o, nil
	case []any:
		if len(o) == 0 {
			return map[string]any{}, nil
		}
	}
	return nil, tenantos.Invalid("options", "The options field must be an array.")
}

// choice reads an option that must be one of allowed; def when it is not sent.
func choice(o map[string]any, key string, allowed []string, def string) (string, error) {
	v := text(o[key])
	if v == "" {
		return def, nil
	}
	if !tenantos.Contains(allowed, v) {
		return "", tenantos.Invalidf("options."+key, "The selected options.%s is invalid.", key)
	}
	return v, nil
}

// createServerBackup starts a backup of a VM with options{storage, mode, compression, notes}
// (the plan's defaults for what is not sent) and answers its task.
func (g *group) createServerBackup(c echo.Context) error {
	o, err := createOptions(c)
	if err != nil {
		return err
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
		st := backupSettingsOf(tx, s)
		if !st.Enabled {
			return apierr.Conflict("Backups are not enabled for this server.")
		}
		storage, err := choice(o, "storage", st.Storages, st.DefaultStorage)
		if err != nil {
			return err
		}
		mode, err := choice(o, "mode", backupModes, st.DefaultMode)
		if err != nil {
			return err
		}
		compression, err := choice(o, "compression", backupCompressions, st.Compression)
		if err != nil {
			return err
		}
		notes := text(o["notes"])
		if len([]rune(notes)) > 100 {
			return tenantos.Invalid("options.notes", "The options.notes field must not be greater than 100 characters.")
		}
		if err := busy(tx, s); err != nil {
			return err
		}
		if !st.Unlimited && len(s.VM.Backups) >= st.Max {
			return apierr.Conflict(fmt.Sprintf("The server has the maximum of %d backups; delete one first.", st.Max))
		}
		name := backupName(s, tx, compression)
		t, err := g.startTask(tx, s, actCreateBackup, name)
		if err != nil {
			return err
		}
		s.VM.Backups = append(s.VM.Backups, tenantos.Backup{ID: name, Created: tx.Now, Format: backupFormat(compression), Note: notes,
			Storage: storage, Mode: mode, Compression: compression})
		s.Updated = tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		out = viewTask(t)
		return logServer(c, tx, s, "Started backup "+name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// backupName is a vzdump archive's name: a short hash, the VM id and the start time.
func backupName(s *tenantos.Server, tx *tenantos.Tx, compression string) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d/%d/%d/%d", s.ID, s.VM.VMID, tx.Now.UnixNano(), len(s.VM.Backups))))
	return fmt.Sprintf("%s_vzdump-qemu-%d-%s.%s", hex.EncodeToString(sum[:])[:10], s.VM.VMID, tx.Now.UTC().Format("2006_01_02-15_04_05"),
		backupFormat(compression))
}

// backupFormat is the archive format of a compression.
func backupFormat(compression string) string {
	switch compression {
	case "zstd":
		return "vma.zst"
	case "lzo":
		return "vma.lzo"
	case "gzip":
		return "vma.gz"
	}
	return "vma"
}

// backupSize is a finished backup's size: 2 to 8 % of the VM's disks (compressed, mostly
// empty), the same for the same task in every world.
func (g *group) backupSize(vm *tenantos.VM, taskID int64) int64 {
	var gb int64
	for _, d := range vm.Disks {
		gb += int64(d.SizeGB)
	}
	return int64(float64(gb*gib) * g.p.Faker("vps-backup-size", taskID).Float64Range(0.02, 0.08))
}

// backupTarget loads a VM's finished backup named by the body's backupId.
func backupTarget(c echo.Context, tx *tenantos.Tx, param string) (*tenantos.Server, *tenantos.Backup, error) {
	var in struct {
		BackupID string `json:"backupId"`
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
	b := findBackup(s.VM, in.BackupID)
	if b == nil {
		return nil, nil, errBackupNotFound
	}
	if !b.Ready {
		return nil, nil, apierr.Conflict("The backup is still being made.")
	}
	if b.DeleteTaskID != nil || b.RestoreTaskID != nil {
		return nil, nil, apierr.Conflict("A task is already running for this backup.")
	}
	return s, b, nil
}

// deleteServerBackup starts deleting a backup and answers the task.
func (g *group) deleteServerBackup(c echo.Context) error {
	var out *taskView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, b, err := backupTarget(c, tx, "server_id")
		if err != nil {
			return err
		}
		t, err := g.startTask(tx, s, actDeleteBackup, b.ID)
		if err != nil {
			return err
		}
		b.DeleteTaskID = &t.ID
		s.Updated = tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		out = viewTask(t)
		return logServer(c, tx, s, "Started deleting backup "+b.ID, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// restoreServerBackup starts restoring a VM from a backup and answers the task; refused with
// 409 while the VM is busy with another backup, restore or snapshot task.
func (g *group) restoreServerBackup(c echo.Context) error {
	var out *taskView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, b, err := backupTarget(c, tx, "server")
		if err != nil {
			return err
		}
		if err := busy(tx, s); err != nil {
			return err
		}
		t, err := g.startTask(tx, s, actRestoreBackup, b.ID)
		if err != nil {
			return err
		}
		b.RestoreTaskID = &t.ID
		s.Updated = tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		out = viewTask(t)
		return logServer(c, tx, s, "Started restoring backup "+b.ID, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
