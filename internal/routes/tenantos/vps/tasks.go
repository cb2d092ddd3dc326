package vps

import (
	"encoding/json"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// Backups and snapshots run as tasks (GET /api/tasks/{id}). A task is pending when it is
// made; timings.taskStart later it runs (progress 0); it reaches 25, 50 and 75 % at each
// quarter of its operation's timing (backup, restore, snapshot, rollback, delete), then
// completes (100 %) and its effect shows: the backup or snapshot is listed, gone, restored or
// current. It fails when its VM is gone by then. Each step is a job on the world's clock,
// so a restart in the middle loses nothing.

const jobTask = "vps.task"

// Task actions.
const (
	actCreateBackup     = "createBackup"
	actDeleteBackup     = "deleteBackup"
	actRestoreBackup    = "restoreBackup"
	actCreateSnapshot   = "createSnapshot"
	actDeleteSnapshot   = "deleteSnapshot"
	actRollbackSnapshot = "rollbackSnapshot"
)

// Task states.
const (
	statusPending   = "pending"
	statusRunning   = "running"
	statusCompleted = "completed"
	statusFailed    = "failed"
)

// setActiveTasks holds, per server, the tasks that have not finished yet.
const setActiveTasks = "vps.activeTasks"

// idxCurrentSnapshot maps a server id to the name of its current snapshot.
const idxCurrentSnapshot = "vps.currentSnapshot"

// taskView is a task as GET /api/tasks/{id} shows it.
type taskView struct {
	ID        int64   `json:"id"`
	Action    string  `json:"action"`
	Status    string  `json:"status"`
	Progress  int     `json:"progress"`
	Message   *string `json:"message"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

func viewTask(t *tenantos.Task) *taskView {
	return &taskView{ID: t.ID, Action: t.Action, Status: t.Status, Progress: t.Progress, Message: t.Message,
		CreatedAt: tenantos.LaravelTime(t.Created), UpdatedAt: tenantos.LaravelTime(t.Updated)}
}

func active(t *tenantos.Task) bool { return t.Status == statusPending || t.Status == statusRunning }

// duration is how long an action runs once started.
func (g *group) duration(action string) time.Duration {
	tm := g.p.Fx.Timings
	switch action {
	case actCreateBackup:
		return tenantos.Seconds(tm.Backup)
	case actRestoreBackup:
		return tenantos.Seconds(tm.Restore)
	case actCreateSnapshot:
		return tenantos.Seconds(tm.Snapshot)
	case actRollbackSnapshot:
		return tenantos.Seconds(tm.Rollback)
	}
	return tenantos.Seconds(tm.Delete)
}

// noun is what an action acts on, for the task's messages.
func noun(action string) string {
	switch action {
	case actCreateBackup:
		return "Backup"
	case actDeleteBackup:
		return "Backup deletion"
	case actRestoreBackup:
		return "Restore"
	case actCreateSnapshot:
		return "Snapshot"
	case actDeleteSnapshot:
		return "Snapshot deletion"
	}
	return "Rollback"
}

type stepData struct {
	Step int `json:"step"`
}

// startTask makes a pending task of a server's VM acting on target (a backup or snapshot id)
// and queues its start.
func (g *group) startTask(tx *tenantos.Tx, s *tenantos.Server, action, target string) (*tenantos.Task, error) {
	id, err := tenantos.Tasks.NextID(tx)
	if err != nil {
		return nil, err
	}
	t := &tenantos.Task{ID: id, Action: action, Status: statusPending, Message: tenantos.Text("Task pending"), ServerID: s.ID,
		UserID: s.UserID, Target: target, Created: tx.Now, Updated: tx.Now}
	if err := tenantos.Tasks.Put(tx, id, t); err != nil {
		return nil, err
	}
	if err := tx.Set(tenantos.Name, setActiveTasks).Add(state.ID(uint64(s.ID)), state.ID(uint64(id))); err != nil {
		return nil, err
	}
	return t, g.queueStep(tx, t, tenantos.Seconds(g.p.Fx.Timings.TaskStart), 0)
}

func (g *group) queueStep(tx *tenantos.Tx, t *tenantos.Task, after time.Duration, step int) error {
	data, _ := json.Marshal(stepData{Step: step})
	_, err := tenantos.Schedule(tx, after, tenantos.Job{Op: jobTask, ServerID: t.ServerID, TaskID: t.ID, Data: data})
	return err
}

// activeTasks lists a server's unfinished tasks, oldest first.
func activeTasks(tx *tenantos.Tx, serverID int64) ([]*tenantos.Task, error) {
	var out []*tenantos.Task
	err := tx.Set(tenantos.Name, setActiveTasks).Members(state.ID(uint64(serverID)), 0, -1, func(m []byte) error {
		t, err := tenantos.Tasks.Get(tx, int64(state.IDOf(m)))
		if err == nil && active(t) {
			out = append(out, t)
		}
		return nil
	})
	return out, err
}

// finish ends a task (completed or failed) and takes it off the server's active tasks.
func finish(tx *tenantos.Tx, t *tenantos.Task, status, msg string) error {
	t.Status, t.Message, t.Updated = status, tenantos.Text(msg), tx.Now
	if status == statusCompleted {
		t.Progress = 100
	}
	if err := tenantos.Tasks.Put(tx, t.ID, t); err != nil {
		return err
	}
	return tx.Set(tenantos.Name, setActiveTasks).Remove(state.ID(uint64(t.ServerID)), state.ID(uint64(t.ID)))
}

// failActive fails every unfinished task of a server (its VM is gone).
func failActive(tx *tenantos.Tx, serverID int64, msg string) error {
	ts, err := activeTasks(tx, serverID)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if err := finish(tx, t, statusFailed, msg); err != nil {
			return err
		}
	}
	return nil
}

// runTaskStep moves a task one step on; see the comment at the top of the file.
func (g *group) runTaskStep(tx *state.Tx, j *tenantos.Job) error {
	t, err := tenantos.Tasks.Get(tx, j.TaskID)
	if err != nil || !active(t) {
		return nil
	}
	var d stepData
	_ = json.Unmarshal(j.Data, &d)
	s, err := tenantos.Servers.Get(tx, t.ServerID)
	if err != nil || s.VM == nil || s.VM.Deleting {
		return finish(tx, t, statusFailed, "The virtual server no longer exists.")
	}
	quarter := g.duration(t.Action) / 4
	switch {
	case d.Step == 0:
		t.Status, t.Progress, t.Message, t.Updated = statusRunning, 0, tenantos.Text(noun(t.Action)+" started"), tx.Now
	case d.Step < 4:
		t.Progress, t.Updated = d.Step*25, tx.Now
	default:
		msg, err := g.complete(tx, s, t)
		if err != nil {
			return err
		}
		if msg != "" {
			g.abort(s, t)
			if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
				return err
			}
			return finish(tx, t, statusFailed, msg)
		}
		s.Updated = tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		return finish(tx, t, statusCompleted, noun(t.Action)+" ended")
	}
	if err := tenantos.Tasks.Put(tx, t.ID, t); err != nil {
		return err
	}
	return g.queueStep(tx, t, quarter, d.Step+1)
}

// complete carries out a task's effect on its server (stored by the caller). It answers a
// message when the task cannot complete (its backup or snapshot is gone).
func (g *group) complete(tx *tenantos.Tx, s *tenantos.Server, t *tenantos.Task) (string, error) {
	vm := s.VM
	switch t.Action {
	case actCreateBackup:
		b := findBackup(vm, t.Target)
		if b == nil {
			return "The backup no longer exists.", nil
		}
		b.Ready = true
		b.Size = g.backupSize(vm, t.ID)
	case actDeleteBackup:
		for i := range vm.Backups {
			if vm.Backups[i].ID == t.Target {
				vm.Backups = append(vm.Backups[:i], vm.Backups[i+1:]...)
				return "", nil
			}
		}
		return "The backup no longer exists.", nil
	case actRestoreBackup:
		b := findBackup(vm, t.Target)
		if b == nil {
			return "The backup no longer exists.", nil
		}
		b.RestoreTaskID = nil
	case actCreateSnapshot:
		sn := findSnapshot(vm, t.Target)
		if sn == nil {
			return "The snapshot no longer exists.", nil
		}
		cur := currentSnapshot(tx, s.ID)
		sn.Ready, sn.Parent, sn.Created = true, nil, tx.Now
		if cur != "" && cur != sn.ID {
			sn.Parent = tenantos.Text(cur)
		}
		return "", setCurrentSnapshot(tx, s.ID, sn.ID)
	case actRollbackSnapshot:
		sn := findSnapshot(vm, t.Target)
		if sn == nil {
			return "The snapshot no longer exists.", nil
		}
		sn.RollbackTaskID = nil
		return "", setCurrentSnapshot(tx, s.ID, sn.ID)
	case actDeleteSnapshot:
		return "", deleteSnapshot(tx, s, t.Target)
	}
	return "", nil
}

// abort undoes what a failed task left on its VM: a backup or snapshot being made goes, a
// backup or snapshot being deleted, restored or rolled back to is no longer marked so.
func (g *group) abort(s *tenantos.Server, t *tenantos.Task) {
	vm := s.VM
	switch t.Action {
	case actCreateBackup:
		for i := range vm.Backups {
			if vm.Backups[i].ID == t.Target && !vm.Backups[i].Ready {
				vm.Backups = append(vm.Backups[:i], vm.Backups[i+1:]...)
				break
			}
		}
	case actDeleteBackup, actRestoreBackup:
		if b := findBackup(vm, t.Target); b != nil {
			if b.DeleteTaskID != nil && *b.DeleteTaskID == t.ID {
				b.DeleteTaskID = nil
			}
			if b.RestoreTaskID != nil && *b.RestoreTaskID == t.ID {
				b.RestoreTaskID = nil
			}
		}
	case actCreateSnapshot:
		for i := range vm.Snapshots {
			if vm.Snapshots[i].ID == t.Target && !vm.Snapshots[i].Ready {
				vm.Snapshots = append(vm.Snapshots[:i], vm.Snapshots[i+1:]...)
				break
			}
		}
	case actDeleteSnapshot, actRollbackSnapshot:
		if sn := findSnapshot(vm, t.Target); sn != nil {
			if sn.DeleteTaskID != nil && *sn.DeleteTaskID == t.ID {
				sn.DeleteTaskID = nil
			}
			if sn.RollbackTaskID != nil && *sn.RollbackTaskID == t.ID {
				sn.RollbackTaskID = nil
			}
		}
	}
}

// getTask shows a task; tasks of servers the caller does not manage are 404.
func (g *group) getTask(c echo.Context) error {
	var out *taskView
	err := provider.World(c).View(func(tx *state.Tx) error {
		t, err := tenantos.Tasks.Get(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		owner := t.UserID
		if s, err := tenantos.Servers.Get(tx, t.ServerID); err == nil {
			owner = s.UserID
		}
		if !tenantos.ManagesID(tx, tenantos.CallerOf(c).User, owner) {
			return tenantos.ErrTaskNotFound
		}
		out = viewTask(t)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
