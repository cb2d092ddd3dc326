// Package world holds the worlds of a simulator: one simulated panel per token, each with
// its own records, virtual clock, pending tasks and journal.
package world

import (
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panelsim/panelsim/internal/clock"
	"github.com/panelsim/panelsim/internal/journal"
	"github.com/panelsim/panelsim/internal/state"
)

// Runner carries out one task inside the transaction that removes it from the queue. It may
// enqueue follow-up tasks. tx.Now is the task's due time.
type Runner func(tx *state.Tx, task *state.Task) error

// World is one simulated panel.
type World struct {
	ID      string
	Token   string
	Clock   *clock.Clock
	Journal *journal.Journal
	reg     *Registry
	running chan struct{} // holds a token while a task runner (or a reset) is at work
	nextDue atomic.Int64  // unix ns of the earliest pending task, MaxInt64 when none

	anyToken bool         // made for an unknown token under AnyToken
	declared atomic.Bool  // its token was declared (never removed for want of use)
	removed  atomic.Bool  // taken out of the registry (TTL)
	lastUsed atomic.Int64 // wall unix ns of the last request that found it, to the second
	used     atomic.Bool  // found by a request since its clock was last saved

	seeded sync.Map // provider name -> true once its fixtures are known to be in the world

	timeline timeline // the tasks that ran, for the dashboard

	changeMu sync.Mutex
	changed  chan struct{} // closed (and replaced) when tasks ran or the clock was moved
}

// Changed returns a channel that is closed the next time tasks run or the clock is moved or
// reset: answers that follow the world's clock (a stream of progress events) wait on it.
func (w *World) Changed() <-chan struct{} {
	w.changeMu.Lock()
	defer w.changeMu.Unlock()
	return w.changed
}

// Notify closes the channel Changed returned, for a request whose change answers waiting on
// it must see at once (a deletion that ends a creation stream); tasks and the clock notify by
// themselves.
func (w *World) Notify() { w.notify() }

func (w *World) notify() {
	w.changeMu.Lock()
	close(w.changed)
	w.changed = make(chan struct{})
	w.changeMu.Unlock()
}

const noTask = math.MaxInt64

// touch records that a request found the world. It writes shared memory at most once a
// second, so that busy worlds do not make their requests contend.
func (w *World) touch(now time.Time) {
	if !w.used.Load() {
		w.used.Store(true)
	}
	n := now.UnixNano()
	if n-w.lastUsed.Load() > int64(time.Second) {
		w.lastUsed.Store(n)
	}
}

// EnsureSeeded puts provider's fixtures into the world unless they are there: a world gets
// each provider's fixtures as that provider is first used, so that a world used through one
// panel costs the store that panel's records only.
func (w *World) EnsureSeeded(provider string) error {
	if _, ok := w.seeded.Load(provider); ok {
		return nil
	}
	seeded := false
	if err := w.View(func(tx *state.Tx) error { seeded = tx.Seeded(provider); return nil }); err != nil {
		return err
	}
	if !seeded {
		err := w.Update(func(tx *state.Tx) error {
			if tx.Seeded(provider) {
				return nil
			}
			if seed := w.reg.cfg.Seed; seed != nil {
				tx.Seeding()
				if err := seed(tx, provider); err != nil {
					return err
				}
			}
			return tx.MarkSeeded(provider)
		})
		if err != nil {
			return err
		}
	}
	w.seeded.Store(provider, true)
	return nil
}

// Now is the world's virtual time.
func (w *World) Now() time.Time { return w.Clock.Now() }

// View runs fn in a read-only transaction on the world's records.
func (w *World) View(fn func(*state.Tx) error) error {
	return w.reg.cfg.Store.View(w.ID, func(tx *state.Tx) error {
		tx.Now = w.Now()
		return fn(tx)
	})
}

// Update runs fn in a read-write transaction (see state.Store.Update for the rules fn obeys).
func (w *World) Update(fn func(*state.Tx) error) error {
	return w.reg.cfg.Store.Update(w.ID, func(tx *state.Tx) error {
		tx.Now = w.Now()
		if err := fn(tx); err != nil {
			return err
		}
		if due := tx.Enqueued(); len(due) > 0 {
			tx.AfterCommit(func() {
				for _, d := range due {
					w.lowerNextDue(d)
				}
			})
		}
		return nil
	})
}

func (w *World) lowerNextDue(t time.Time) {
	n := t.UnixNano()
	for {
		cur := w.nextDue.Load()
		if n >= cur || w.nextDue.CompareAndSwap(cur, n) {
			return
		}
	}
}

// Advance moves a world's clock forward by d, running every task that falls due on the way;
// it returns the new time and how many tasks ran.
func (w *World) Advance(d time.Duration) (time.Time, int, error) {
	if d < 0 {
		return w.Now(), 0, errors.New("cannot move the clock back")
	}
	target := w.Now().Add(d)
	n, err := w.RunDue(target)
	if err != nil {
		return w.Now(), n, err
	}
	now := w.Clock.Set(target)
	w.notify()
	return now, n, w.SaveClock()
}

// SaveClock records the world's virtual time in the store.
func (w *World) SaveClock() error {
	now := w.Now()
	return w.reg.cfg.Store.Update(w.ID, func(tx *state.Tx) error { return tx.SaveClock(now) })
}

// Pending counts the world's pending tasks.
func (w *World) Pending() (int, error) {
	n := 0
	err := w.View(func(tx *state.Tx) error {
		return tx.Tasks(func(*state.Task) error { n++; return nil })
	})
	return n, err
}

// NextDue is when the earliest pending task falls due, and whether there is one.
func (w *World) NextDue() (time.Time, bool) {
	n := w.nextDue.Load()
	if n == noTask {
		return time.Time{}, false
	}
	return time.Unix(0, n).UTC(), true
}

// Reset puts the world back to its fixtures, with a fresh clock and an empty journal.
func (w *World) Reset() error {
	w.lockRun()
	defer w.unlockRun()
	start := w.reg.startTime()
	err := w.reg.cfg.Store.ResetWorld(w.ID, state.WorldInfo{Clock: start}, nil)
	w.seeded.Clear()
	if err != nil {
		return err
	}
	w.Clock.Reset(start)
	w.Journal.Clear()
	defer w.notify()
	return w.reloadNextDue()
}

// SaveSnapshot stores a copy of the world under name.
func (w *World) SaveSnapshot(name string) (state.Snapshot, error) {
	if err := w.SaveClock(); err != nil {
		return state.Snapshot{}, err
	}
	snap := state.Snapshot{Name: name, Created: w.reg.cfg.Wall().UTC(), Clock: w.Now()}
	return snap, w.reg.cfg.Store.SaveSnapshot(w.ID, name, snap, w.reg.cfg.Snapshots)
}

// RestoreSnapshot brings back the world, clock and pending tasks as they were at the snapshot.
func (w *World) RestoreSnapshot(name string) (state.Snapshot, error) {
	w.lockRun()
	defer w.unlockRun()
	snap, err := w.reg.cfg.Store.RestoreSnapshot(w.ID, name)
	w.seeded.Clear()
	if err != nil {
		return snap, err
	}
	info, err := w.reg.cfg.Store.World(w.ID)
	if err != nil {
		return snap, err
	}
	w.Clock.Reset(info.Clock)
	defer w.notify()
	return snap, w.reloadNextDue()
}

// Snapshots lists the world's snapshots.
func (w *World) Snapshots() ([]state.Snapshot, error) { return w.reg.cfg.Store.Snapshots(w.ID) }

// DeleteSnapshot removes one of the world's snapshots.
func (w *World) DeleteSnapshot(name string) error {
	return w.reg.cfg.Store.DeleteSnapshot(w.ID, name)
}

func (w *World) reloadNextDue() error {
	next := int64(noTask)
	err := w.reg.cfg.Store.View(w.ID, func(tx *state.Tx) error {
		task, err := tx.NextTask()
		if task != nil {
			next = task.Due.UnixNano()
		}
		return err
	})
	w.nextDue.Store(next)
	return err
}
