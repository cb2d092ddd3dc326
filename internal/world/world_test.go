package world

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/clock"
	"github.com/panelsim/panelsim/internal/state"
)

var start = time.Date(2025, 1, 20, 12, 0, 0, 0, time.UTC)

// newRegistry makes a registry on a fresh store whose runners log what they ran, when.
func newRegistry(t *testing.T, runners map[string]Runner) (*Registry, *state.Store) {
	t.Helper()
	st, err := state.Open(filepath.Join(t.TempDir(), "w.db"), state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r, err := NewRegistry(Config{Store: st, Mode: clock.Manual, ManualStart: start, Runners: runners})
	if err != nil {
		t.Fatal(err)
	}
	return r, st
}

func TestAdvanceRunsTasksInOrderAtTheirTimes(t *testing.T) {
	var log []string
	runners := map[string]Runner{
		"p/step": func(tx *state.Tx, task *state.Task) error {
			var n int
			json.Unmarshal(task.Data, &n)
			log = append(log, fmt.Sprintf("%d@%s", n, tx.Now.Sub(start)))
			if n < 3 { // each step enqueues the next, 10 s later
				_, err := tx.Enqueue("p", "step", tx.Now.Add(10*time.Second), n+1)
				return err
			}
			return nil
		},
		"p/fail": func(*state.Tx, *state.Task) error { return errors.New("boom") },
	}
	r, _ := newRegistry(t, runners)
	w, err := r.Declare("tok")
	if err != nil {
		t.Fatal(err)
	}
	err = w.Update(func(tx *state.Tx) error {
		if _, err := tx.Enqueue("p", "step", start.Add(5*time.Second), 1); err != nil {
			return err
		}
		_, err := tx.Enqueue("p", "fail", start.Add(7*time.Second), nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if due, ok := w.NextDue(); !ok || !due.Equal(start.Add(5*time.Second)) {
		t.Fatalf("next due %v %v", due, ok)
	}
	now, ran, err := w.Advance(20 * time.Second)
	if err != nil || !now.Equal(start.Add(20*time.Second)) {
		t.Fatalf("advance: %v %v", now, err)
	}
	// step 1 at 5 s, the failing task at 7 s (dropped), step 2 at 15 s; step 3 (25 s) waits.
	if fmt.Sprint(log) != "[1@5s 2@15s]" || ran != 3 {
		t.Fatalf("ran %d: %v", ran, log)
	}
	if n, _ := w.Pending(); n != 1 {
		t.Fatalf("pending %d", n)
	}
	w.Advance(time.Hour)
	if fmt.Sprint(log) != "[1@5s 2@15s 3@25s]" {
		t.Fatalf("log %v", log)
	}
	if _, ok := w.NextDue(); ok {
		t.Fatal("tasks left")
	}
	if _, _, err := w.Advance(-time.Second); err == nil {
		t.Fatal("moved the clock back")
	}
}

func TestRegistryReloadsWorlds(t *testing.T) {
	r, st := newRegistry(t, nil)
	w, _ := r.Declare("tok")
	w.Advance(time.Minute)
	w.Update(func(tx *state.Tx) error {
		_, err := tx.Enqueue("p", "x", tx.Now.Add(time.Hour), nil)
		return err
	})
	r2, err := NewRegistry(Config{Store: st, Mode: clock.Manual, ManualStart: start})
	if err != nil {
		t.Fatal(err)
	}
	w2, ok := r2.Lookup("tok", Everything)
	if !ok || w2.ID != w.ID || !w2.Now().Equal(start.Add(time.Minute)) {
		t.Fatalf("reloaded world: %v %v", w2, ok)
	}
	if due, ok := w2.NextDue(); !ok || !due.Equal(start.Add(time.Hour+time.Minute)) {
		t.Fatalf("reloaded next due: %v", due)
	}
	if _, ok := r2.Lookup("other", Everything); ok {
		t.Fatal("unknown token found a world without AnyToken")
	}
}

func TestAliasAndForget(t *testing.T) {
	r, st := newRegistry(t, nil)
	w, _ := r.Declare("primary")
	other, _ := r.Declare("other")
	if err := r.Alias("second", w, "p"); err != nil {
		t.Fatal(err)
	}
	if got, ok := r.Lookup("second", "p"); !ok || got != w {
		t.Fatal("alias does not reach the world")
	}
	for _, scope := range []string{Everything, "q"} {
		if _, ok := r.Lookup("second", scope); ok {
			t.Fatalf("an alias made for provider p opens %q too", scope)
		}
	}
	if err := r.Alias("second", other, "p"); !errors.Is(err, ErrTokenTaken) {
		t.Fatalf("a token moved to another world: %v", err)
	}
	if err := r.Alias("other", w, "p"); !errors.Is(err, ErrTokenTaken) {
		t.Fatalf("another world's token became an alias: %v", err)
	}
	if n := len(r.Worlds()); n != 2 {
		t.Fatalf("%d worlds listed, want 2", n)
	}
	// After a restart the alias still leads to the same world, loaded once.
	r2, err := NewRegistry(Config{Store: st, Mode: clock.Manual, ManualStart: start})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := r2.Lookup("primary", Everything)
	b, _ := r2.Lookup("second", "p")
	if a == nil || a != b || len(r2.Worlds()) != 2 {
		t.Fatalf("reloaded alias: %v %v", a, b)
	}
	if _, ok := r2.Lookup("second", Everything); ok {
		t.Fatal("after a restart the alias opens every provider")
	}
	if err := r.Forget("second"); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Lookup("second", "p"); ok {
		t.Fatal("forgotten token still works")
	}
	if _, ok := r.Lookup("primary", Everything); !ok {
		t.Fatal("forgetting an alias lost the world")
	}
}

func TestChangedSignals(t *testing.T) {
	r, _ := newRegistry(t, map[string]Runner{"p/x": func(*state.Tx, *state.Task) error { return nil }})
	w, _ := r.Declare("tok")
	ch := w.Changed()
	select {
	case <-ch:
		t.Fatal("changed before anything happened")
	default:
	}
	w.Advance(time.Second)
	select {
	case <-ch:
	default:
		t.Fatal("advancing the clock did not signal")
	}
	ch = w.Changed()
	w.Update(func(tx *state.Tx) error { _, err := tx.Enqueue("p", "x", tx.Now, nil); return err })
	if err := w.CatchUp(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	default:
		t.Fatal("running a task did not signal")
	}
}
