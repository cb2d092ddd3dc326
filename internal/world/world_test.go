package world

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
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
			line := fmt.Sprintf("%d@%s", n, tx.Now.Sub(start))
			tx.AfterCommit(func() { log = append(log, line) }) // a batch may run again after a failure
			if n < 3 {                                         // each step enqueues the next, 10 s later
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

// TestClockNeverRunsBack: whatever a world writes carries its clock forward, so a registry
// reopened without a clock save (a crash) starts no earlier than the latest write.
func TestClockNeverRunsBack(t *testing.T) {
	wall := start
	st, err := state.Open(filepath.Join(t.TempDir(), "w.db"), state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := Config{Store: st, Mode: clock.Real, Scale: 60, Wall: func() time.Time { return wall }}
	r, _ := NewRegistry(cfg)
	w, _ := r.Declare("tok")
	wall = wall.Add(10 * time.Second) // ten virtual minutes later
	var wrote time.Time
	if err := w.Update(func(tx *state.Tx) error {
		wrote = tx.Now
		return tx.Coll("p", "things").Put(state.ID(1), map[string]any{"created": tx.Now})
	}); err != nil {
		t.Fatal(err)
	}
	wall = wall.Add(5 * time.Second)
	// No SaveClocks: the process died here. The next one starts from the store.
	r2, err := NewRegistry(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w2, _ := r2.Find("tok", Everything)
	if now := w2.Now(); now.Before(wrote) {
		t.Fatalf("after a crash the clock is at %v, before the write of %v", now, wrote)
	}
}

// TestIdleWorldsWriteNothing: a save of the clocks in use writes only the worlds a request
// found since the last save.
func TestIdleWorldsWriteNothing(t *testing.T) {
	wall := start
	st, err := state.Open(filepath.Join(t.TempDir(), "w.db"), state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, _ := NewRegistry(Config{Store: st, Mode: clock.Real, Wall: func() time.Time { return wall }})
	busy, _ := r.Declare("busy")
	idle, _ := r.Declare("idle")
	r.saveClocks(false)
	idleBefore, _ := st.World(idle.ID)
	busyBefore, _ := st.World(busy.ID)
	wall = wall.Add(time.Minute)
	r.Find("busy", Everything)
	if err := r.saveClocks(true); err != nil {
		t.Fatal(err)
	}
	idleAfter, _ := st.World(idle.ID)
	busyAfter, _ := st.World(busy.ID)
	if !idleAfter.Clock.Equal(idleBefore.Clock) {
		t.Fatalf("an idle world's clock was written: %v -> %v", idleBefore.Clock, idleAfter.Clock)
	}
	if !busyAfter.Clock.After(busyBefore.Clock) {
		t.Fatalf("a world in use kept its old clock: %v -> %v", busyBefore.Clock, busyAfter.Clock)
	}
	if err := r.saveClocks(true); err != nil { // nothing used since: nothing to save
		t.Fatal(err)
	}
}

// TestSeedingDoesNotBlockOthers: while one world gets a provider's fixtures (its seed waits),
// other worlds are found at once, and a second request to the same world and provider waits
// for the first instead of seeding again; the fixtures go in once.
func TestSeedingDoesNotBlockOthers(t *testing.T) {
	release := make(chan struct{})
	st, err := state.Open(filepath.Join(t.TempDir(), "w.db"), state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var seeds atomic.Int32
	r, _ := NewRegistry(Config{Store: st, Mode: clock.Manual, ManualStart: start, AnyToken: true,
		Seed: func(tx *state.Tx, provider string) error {
			if tx.World == "w2" {
				<-release
			}
			seeds.Add(1)
			return tx.Coll(provider, "fixtures").Put(state.ID(1), provider)
		}})
	other, _ := r.Declare("other")
	if err := other.EnsureSeeded("p"); err != nil || seeds.Load() != 1 {
		t.Fatalf("seed: %v, %d seeds", err, seeds.Load())
	}
	w, _ := r.Lookup("new", Everything)
	done := make(chan error, 2)
	for i := 0; i < 2; i++ {
		go func() { done <- w.EnsureSeeded("p") }()
	}
	time.Sleep(50 * time.Millisecond)
	found := make(chan *World)
	go func() {
		w, _ := r.Find("other", Everything)
		found <- w
	}()
	select {
	case w := <-found:
		if w != other {
			t.Fatal("found the wrong world")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("finding a world waited for another world's seeding")
	}
	close(release)
	if err := errors.Join(<-done, <-done); err != nil || seeds.Load() != 2 {
		t.Fatalf("two requests seeding one world: %v, %d seeds", err, seeds.Load())
	}
	var n int
	w.View(func(tx *state.Tx) error { n = tx.Coll("p", "fixtures").Count(); return nil })
	if n != 1 {
		t.Fatalf("%d fixtures", n)
	}
	// After a reset the fixtures come again, once, on first use.
	if err := w.Reset(); err != nil {
		t.Fatal(err)
	}
	w.View(func(tx *state.Tx) error { n = tx.Coll("p", "fixtures").Count(); return nil })
	if err := w.EnsureSeeded("p"); err != nil || n != 0 || seeds.Load() != 3 {
		t.Fatalf("after reset: %v, %d fixtures before first use, %d seeds", err, n, seeds.Load())
	}
}

// TestSweepKeepsDeclaredAndUsedWorlds: only worlds made under AnyToken and unused for the TTL
// go; their tokens go with them, in memory and in the store.
func TestSweepKeepsDeclaredAndUsedWorlds(t *testing.T) {
	wall := start
	st, err := state.Open(filepath.Join(t.TempDir(), "w.db"), state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var removed []string
	r, _ := NewRegistry(Config{Store: st, Mode: clock.Manual, ManualStart: start, AnyToken: true, TTL: time.Hour,
		Wall: func() time.Time { return wall }, OnRemove: func(w *World) { removed = append(removed, w.ID) }})
	declared, _ := r.Declare("declared")
	old, _ := r.Lookup("old", Everything)
	if err := r.Alias("old-alias", old, "p"); err != nil {
		t.Fatal(err)
	}
	wall = wall.Add(50 * time.Minute)
	r.Lookup("recent", Everything)
	wall = wall.Add(20 * time.Minute)
	if n, err := r.Sweep(); err != nil || n != 1 || len(removed) != 1 || removed[0] != old.ID {
		t.Fatalf("swept %d (%v): %v", n, removed, err)
	}
	if _, ok := r.Find("old-alias", "p"); ok {
		t.Fatal("an alias of a removed world still opens it")
	}
	tokens, _ := st.Tokens()
	if _, ok := tokens["old"]; ok || len(tokens) != 2 {
		t.Fatalf("tokens in the store after the sweep: %v", tokens)
	}
	if _, err := st.World(old.ID); err == nil {
		t.Fatal("the removed world is still in the store")
	}
	if w, _ := r.Find("declared", Everything); w != declared {
		t.Fatal("a declared world went")
	}
}
