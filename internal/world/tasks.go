package world

import (
	"errors"
	"fmt"
	"time"

	"github.com/panelsim/panelsim/internal/clock"
	"github.com/panelsim/panelsim/internal/state"
)

// Due tasks run in batches: as many as fit in batchTime (at most batchTasks) share one
// transaction, so that advancing the clock over thousands of builds costs a few commits, and
// the world's other writers wait for one batch at most, never for the whole advance.
const (
	batchTasks = 4096
	batchTime  = 40 * time.Millisecond
	// catchUpWait is how long a request waits for another runner of its world's tasks (a
	// long advance) before it answers from what is committed so far.
	catchUpWait = 100 * time.Millisecond
)

func (w *World) lockRun()   { w.running <- struct{}{} }
func (w *World) unlockRun() { <-w.running }

// tryLockRun takes the runner's token, waiting at most wait for it.
func (w *World) tryLockRun(wait time.Duration) bool {
	select {
	case w.running <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case w.running <- struct{}{}:
		return true
	case <-t.C:
		return false
	}
}

// CatchUp runs the tasks that fell due, if any; request handling calls it first so that an
// answer never shows a state the clock has already moved past. While another runner is at
// work on the world (a long advance), a request waits for it briefly and then answers from
// what that runner has committed so far.
func (w *World) CatchUp() error {
	due := w.nextDue.Load()
	if due == noTask {
		return nil
	}
	now := w.Now()
	if due > now.UnixNano() {
		return nil
	}
	if !w.tryLockRun(catchUpWait) {
		return nil
	}
	defer w.unlockRun()
	_, err := w.runDue(now)
	return err
}

// RunDue runs every task due at or before until, in due order and each at its own due time.
// Tasks that those tasks enqueue run too when they fall due in time. It returns how many
// tasks ran.
func (w *World) RunDue(until time.Time) (int, error) {
	w.lockRun()
	defer w.unlockRun()
	return w.runDue(until)
}

// runDue is RunDue for a caller that holds the runner's token.
func (w *World) runDue(until time.Time) (int, error) {
	total := 0
	for {
		n, more, err := w.runBatch(until)
		total += n
		if n > 0 {
			w.notify()
		}
		if err != nil || !more {
			return total, err
		}
	}
}

// errTaskFailed rolls back a batch in which a task failed.
var errTaskFailed = errors.New("task failed")

// runBatch runs due tasks in one transaction and reports whether more may be due. When a
// task fails, the tasks before it are committed without it, and the failed one is dropped
// alone (its own changes rolled back) so that it cannot block the queue.
func (w *World) runBatch(until time.Time) (ran int, more bool, err error) {
	store := w.reg.cfg.Store
	limit := batchTasks
	for {
		var failed *state.Task
		var runErr error
		var next int64
		ran, more, failed, runErr, next = 0, false, nil, nil, noTask
		err = store.Update(w.ID, func(tx *state.Tx) error {
			ran, more, failed, runErr, next = 0, false, nil, nil, noTask
			start := time.Now()
			for ran < limit {
				task, err := tx.NextTask()
				if err != nil {
					return err
				}
				if task == nil {
					break
				}
				if task.Due.After(until) {
					next = task.Due.UnixNano()
					break
				}
				if ran > 0 && time.Since(start) > batchTime {
					next, more = task.Due.UnixNano(), true
					break
				}
				if err := w.runTask(tx, task); err != nil {
					failed, runErr = task, err
					return errTaskFailed
				}
				ran++
			}
			if ran == limit {
				more = true
				if task, err := tx.NextTask(); err == nil && task != nil {
					next = task.Due.UnixNano()
				}
			}
			n := next
			tx.AfterCommit(func() { w.nextDue.Store(n) })
			return nil
		})
		if !errors.Is(err, errTaskFailed) {
			return ran, more, err
		}
		if ran > 0 {
			limit = ran // commit the tasks before the failed one, then come back for it
			continue
		}
		w.reg.cfg.Logger.Error("task failed", "world", w.ID, "kind", failed.Kind, "task", failed.ID, "err", runErr)
		err = store.Update(w.ID, func(tx *state.Tx) error { return tx.DeleteTask(failed) })
		return 1, true, err
	}
}

// runTask removes task from the queue and carries it out at its due time, in tx.
func (w *World) runTask(tx *state.Tx, task *state.Task) error {
	if err := tx.DeleteTask(task); err != nil {
		return err
	}
	tx.Now = task.Due
	tx.AfterCommit(func() { w.timeline.add(task) })
	if w.Clock.Mode() == clock.Manual {
		// Readers see a manual clock move through an advance, batch by batch.
		tx.AfterCommit(func() { w.Clock.Set(task.Due) })
	}
	run := w.reg.cfg.Runners[task.Provider+"/"+task.Kind]
	if run == nil {
		return fmt.Errorf("no runner for task kind %s/%s", task.Provider, task.Kind)
	}
	return run(tx, task)
}
