package world

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/state"
)

// TestAdvanceRunsManyTasksInBatches: thousands of tasks, one failing among them, run once
// each and in due order across batches; the failed one is dropped and the clock ends at the
// target.
func TestAdvanceRunsManyTasksInBatches(t *testing.T) {
	const total = 3*batchTasks + 123
	const bad = batchTasks + 7 // in the second batch
	var ran []int
	runners := map[string]Runner{
		"p/n": func(tx *state.Tx, task *state.Task) error {
			var n int
			json.Unmarshal(task.Data, &n)
			if n == bad {
				return errors.New("boom")
			}
			tx.AfterCommit(func() { ran = append(ran, n) })
			return tx.Coll("p", "done").Put(state.ID(uint64(n)), n)
		},
	}
	r, _ := newRegistry(t, runners)
	w, err := r.Declare("tok")
	if err != nil {
		t.Fatal(err)
	}
	err = w.Update(func(tx *state.Tx) error {
		for i := 1; i <= total; i++ {
			if _, err := tx.Enqueue("p", "n", start.Add(time.Duration(i)*time.Millisecond), i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	now, n, err := w.Advance(time.Hour)
	if err != nil || !now.Equal(start.Add(time.Hour)) {
		t.Fatalf("advance: %v %v", now, err)
	}
	if n != total || len(ran) != total-1 {
		t.Fatalf("ran %d tasks, %d committed; want %d and %d", n, len(ran), total, total-1)
	}
	for i, got := range ran {
		want := i + 1
		if i+1 >= bad {
			want = i + 2
		}
		if got != want {
			t.Fatalf("task %d ran as number %d", got, i)
		}
	}
	var done int
	w.View(func(tx *state.Tx) error { done = tx.Coll("p", "done").Count(); return nil })
	if done != total-1 {
		t.Fatalf("%d records written, want %d", done, total-1)
	}
	if p, _ := w.Pending(); p != 0 {
		t.Fatalf("%d pending", p)
	}
}

// TestCatchUpDoesNotWaitForALongRunner: while another runner holds the world's tasks (a long
// advance), a request's CatchUp gives up after a short wait and answers from what is
// committed; once the runner is done, the next CatchUp runs what is due.
func TestCatchUpDoesNotWaitForALongRunner(t *testing.T) {
	runs := 0
	r, _ := newRegistry(t, map[string]Runner{"p/x": func(tx *state.Tx, _ *state.Task) error {
		tx.AfterCommit(func() { runs++ })
		return nil
	}})
	w, _ := r.Declare("tok")
	w.Update(func(tx *state.Tx) error { _, err := tx.Enqueue("p", "x", start, nil); return err })
	w.lockRun() // another runner at work
	done := make(chan error, 1)
	go func() { done <- w.CatchUp() }()
	select {
	case err := <-done:
		if err != nil || runs != 0 {
			t.Fatalf("catch-up while busy: %v, %d ran", err, runs)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("CatchUp waited for the other runner")
	}
	w.unlockRun()
	if err := w.CatchUp(); err != nil || runs != 1 {
		t.Fatalf("catch-up: %v, %d ran", err, runs)
	}
}
