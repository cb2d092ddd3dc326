package system

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// A system backup (POST /api/system/backups/create) is a run of the panel's backup script,
// kept as an entry of the backup history. It moves on the world's clock, one job per step:
//
//	at once                 Pending: "Task pending"
//	+ timings.taskStart     Running: "Backup started"; the database dump and the copy of the
//	                        essential files start (script log)
//	+ backupArchive         "Backup archive created"; the archive's path ends the script log
//	+ backupTransfer        each enabled storage, in id order, takes the archive (remote ones
//	                        upload it) and runs its retention task, deleting its oldest
//	                        archives beyond its retention; "Backup ended": Executed, Done
//
// With no storage enabled the archive is kept nowhere: the run ends with a warning. One run
// at a time: another is refused with 409 while one has not ended.

const jobBackupStep = "system.backup"

// How long the steps after the start take (the vendor's example took three seconds in all;
// a panel with some history takes longer).
const (
	backupArchive  = 30 * time.Second
	backupTransfer = 10 * time.Second
)

// backupRun is one run of the panel's backup, as the group keeps it.
type backupRun struct {
	ID          int64      `json:"id"`
	Created     time.Time  `json:"created"`
	Status      string     `json:"status"` // Pending, Running, Executed
	Result      string     `json:"result"` // Pending, Running, Done
	Step        int        `json:"step"`
	Archive     string     `json:"archive"` // file name, set once the archive is made
	ArchiveSize int64      `json:"archiveSize"`
	Script      []string   `json:"script"`
	Tasks       []taskLine `json:"tasks"`
	Warnings    int        `json:"warnings"`
	Errors      int        `json:"errors"`
	End         *time.Time `json:"end,omitempty"`
}

type taskLine struct {
	Date    time.Time `json:"date"`
	Message string    `json:"message"`
	Type    string    `json:"type"` // info, warning, error
}

var errRunNotFound = apierr.NotFound("Backup task not found.")

var runs = provider.Records[backupRun]{Provider: tenantos.Name, Coll: "systemBackups", NotFound: errRunNotFound}

// idxActiveRun holds the id of the run that has not ended, under activeKey.
const idxActiveRun = "systemBackupActive"

var activeKey = []byte("run")

func (r *backupRun) log(now time.Time, typ, msg string) {
	r.Tasks = append(r.Tasks, taskLine{Date: now, Message: msg, Type: typ})
	switch typ {
	case "warning":
		r.Warnings++
	case "error":
		r.Errors++
	}
}

// script adds a line of the backup script's output, dated as the script writes it.
func (r *backupRun) script(now time.Time, line string) {
	r.Script = append(r.Script, now.UTC().Format("Mon 02 Jan 2006 03:04:05 PM MST")+": "+line)
}

type runView struct {
	ID            int64          `json:"id"`
	CreatedAt     string         `json:"created_at"`
	ArchiveSize   int64          `json:"archive_size"`
	ScriptLog     string         `json:"script_log"`
	TasksLog      []taskLineView `json:"tasks_log"`
	CurrentStatus string         `json:"current_status"`
	Result        string         `json:"result"`
	Warning       int            `json:"warning"`
	Error         int            `json:"error"`
	EndDate       *string        `json:"end_date"`
}

type taskLineView struct {
	Date    string `json:"date"`
	Message string `json:"message"`
	Type    string `json:"type"`
}

func viewRun(r *backupRun) runView {
	v := runView{ID: r.ID, CreatedAt: tenantos.LaravelTime(r.Created), ArchiveSize: r.ArchiveSize, ScriptLog: strings.Join(r.Script, "\n"),
		TasksLog: []taskLineView{}, CurrentStatus: r.Status, Result: r.Result, Warning: r.Warnings, Error: r.Errors}
	for _, t := range r.Tasks {
		v.TasksLog = append(v.TasksLog, taskLineView{Date: tenantos.PlainTime(t.Date), Message: t.Message, Type: t.Type})
	}
	if r.End != nil {
		v.EndDate = tenantos.Text(tenantos.PlainTime(*r.End))
	}
	return v
}

type stepData struct {
	Step int `json:"step"`
}

func queueStep(tx *state.Tx, r *backupRun, after time.Duration, step int) error {
	data, _ := json.Marshal(stepData{Step: step})
	_, err := tenantos.Schedule(tx, after, tenantos.Job{Op: jobBackupStep, TaskID: r.ID, Data: data})
	return err
}

// createSystemBackup starts a backup of the panel (administrators only): a new entry of the
// history, pending, whose steps follow on the world's clock. 409 while another run has not
// ended.
func (g *group) createSystemBackup(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		if tx.Index(tenantos.Name, idxActiveRun).Get(activeKey) != nil {
			return apierr.Conflict("A system backup is already running.")
		}
		id, err := runs.NextID(tx)
		if err != nil {
			return err
		}
		r := &backupRun{ID: id, Created: tx.Now, Status: "Pending", Result: "Pending", Script: []string{}, Tasks: []taskLine{}}
		r.log(tx.Now, "info", "Task pending")
		if err := runs.Put(tx, id, r); err != nil {
			return err
		}
		if err := tx.Index(tenantos.Name, idxActiveRun).Put(activeKey, state.ID(uint64(id))); err != nil {
			return err
		}
		if err := queueStep(tx, r, tenantos.Seconds(g.p.Fx.Timings.TaskStart), 1); err != nil {
			return err
		}
		e := systemEntry(fmt.Sprintf("Started system backup #%d", id), nil)
		e.RelationID, e.RootType, e.RootID, e.MetaHref, e.MetaText = id, "systemBackup", id, "/system/backups", fmt.Sprintf("Backup #%d", id)
		return tenantos.LogActivity(c, tx, e)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// appID is the panel's installation id, which names its backup archives.
func (g *group) appID() string {
	return fmt.Sprintf("%010x", g.p.Faker("system-app", 0).Uint64())[:10]
}

// runBackupStep carries out the next step of a run (see the top of the file).
func (g *group) runBackupStep(tx *state.Tx, j *tenantos.Job) error {
	var d stepData
	if err := json.Unmarshal(j.Data, &d); err != nil {
		return err
	}
	r, err := runs.Get(tx, j.TaskID)
	if err != nil || r.End != nil || d.Step != r.Step+1 {
		return nil // gone or already done
	}
	now := tx.Now
	r.Step = d.Step
	switch d.Step {
	case 1:
		r.Status, r.Result = "Running", "Running"
		r.log(now, "info", "Backup started")
		r.script(now, "[START] Creating backup of the local database")
		r.script(now, "[END] Creating backup of the local database")
		r.script(now, "[START] Copying essential files")
		err = queueStep(tx, r, backupArchive, 2)
	case 2:
		r.Archive = fmt.Sprintf("app-%s-%d.tar.gz", g.appID(), now.Unix())
		r.ArchiveSize = 6_000_000 + int64(g.p.Faker("system-backup", r.ID).IntRange(0, 800_000)) + r.ID*4096
		r.script(now, "[END] Copying essential files")
		r.script(now, "[START] Creating backup archive")
		r.script(now, "[END] Creating backup archive")
		r.Script = append(r.Script, "/var/www/storage/system_backups/"+r.Archive)
		r.log(now, "info", "Backup archive created")
		err = queueStep(tx, r, backupTransfer, 3)
	case 3:
		err = g.store(tx, r)
		if err == nil {
			r.log(now, "info", "Backup ended")
			r.Status, r.Result, r.End = "Executed", "Done", &now
			err = tx.Index(tenantos.Name, idxActiveRun).Delete(activeKey)
		}
	}
	if err != nil {
		return err
	}
	return runs.Put(tx, r.ID, r)
}

// store puts a run's archive on every enabled storage and runs their retention tasks.
func (g *group) store(tx *state.Tx, r *backupRun) error {
	list, err := allStorages(tx)
	if err != nil {
		return err
	}
	now, used := tx.Now, 0
	for _, s := range list {
		if !s.Enabled {
			continue
		}
		used++
		if s.Provider != "local" {
			r.log(now, "info", s.Name+": Uploading backup archive")
			r.log(now, "info", s.Name+": Upload completed")
		}
		s.Archives = append(s.Archives, r.Archive)
		r.log(now, "info", s.Name+": Started retention task")
		for len(s.Archives) > s.Retention {
			r.log(now, "info", s.Name+": Deleting file "+s.Archives[0])
			s.Archives = s.Archives[1:]
		}
		r.log(now, "info", s.Name+": Retention task completed")
		s.LastBackup, s.LastStatus = &now, tenantos.Text("success")
		if err := storages.Put(tx, s.ID, s); err != nil {
			return err
		}
	}
	if used == 0 {
		r.log(now, "warning", "No backup storage is enabled: the archive was not kept")
	}
	return nil
}

// listSystemBackups lists the backup history, newest first (administrators only).
func (g *group) listSystemBackups(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	out := []runView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		list, err := runs.All(tx)
		sort.Slice(list, func(i, j int) bool { return list[i].ID > list[j].ID })
		for _, r := range list {
			out = append(out, viewRun(r))
		}
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getSystemBackup shows one run of the history with its logs (administrators only).
func (g *group) getSystemBackup(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var out runView
	err := provider.World(c).View(func(tx *state.Tx) error {
		r, err := runs.Get(tx, provider.PathInt(c, "backupTaskId"))
		if err != nil {
			return err
		}
		out = viewRun(r)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
