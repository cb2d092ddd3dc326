package state

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func newWorld(t *testing.T, s *Store, token string) string {
	t.Helper()
	info, err := s.CreateWorld(token, WorldInfo{Clock: time.Unix(0, 0)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return info.ID
}

type rec struct {
	N int `json:"n"`
}

func TestCreateWorldIsIdempotentPerToken(t *testing.T) {
	s, _ := openTest(t)
	a := newWorld(t, s, "a")
	if again := newWorld(t, s, "a"); again != a {
		t.Fatalf("same token, new world %s (was %s)", again, a)
	}
	if b := newWorld(t, s, "b"); b == a {
		t.Fatal("two tokens share a world")
	}
	tokens, err := s.Tokens()
	if err != nil || len(tokens) != 2 || tokens["a"] != (TokenInfo{World: a}) {
		t.Fatalf("tokens %v %v", tokens, err)
	}
	if err := s.View("w99", func(*Tx) error { return nil }); !errors.Is(err, ErrNoWorld) {
		t.Fatalf("unknown world: %v", err)
	}
}

// TestConcurrentWritesShareCommits: many writers at once all land, each exactly once, even
// when some of them fail and must not take the others down with them.
func TestConcurrentWritesShareCommits(t *testing.T) {
	s, _ := openTest(t)
	w := newWorld(t, s, "t")
	const n = 200
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = s.Update(w, func(tx *Tx) error {
				c := tx.Coll("p", "things")
				id, err := c.NextID()
				if err != nil {
					return err
				}
				if err := c.Put(ID(id), rec{i}); err != nil {
					return err
				}
				if i%10 == 0 {
					return fmt.Errorf("writer %d refuses", i)
				}
				return nil
			})
		}(i)
	}
	wg.Wait()
	failed := 0
	for i, err := range errs {
		if (err != nil) != (i%10 == 0) {
			t.Fatalf("writer %d: %v", i, err)
		}
		if err != nil {
			failed++
		}
	}
	seen := map[int]bool{}
	err := s.View(w, func(tx *Tx) error {
		return tx.Coll("p", "things").ForEach(func(k, v []byte) error {
			var r rec
			if err := tx.Coll("p", "things").Get(k, &r); err != nil {
				return err
			}
			if seen[r.N] || r.N%10 == 0 {
				return fmt.Errorf("record %d stored twice or from a failed writer", r.N)
			}
			seen[r.N] = true
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != n-failed {
		t.Fatalf("%d records, want %d", len(seen), n-failed)
	}
}

func TestAfterCommitRunsOnlyOnSuccess(t *testing.T) {
	s, _ := openTest(t)
	w := newWorld(t, s, "t")
	ran := 0
	s.Update(w, func(tx *Tx) error { tx.AfterCommit(func() { ran++ }); return nil })
	s.Update(w, func(tx *Tx) error { tx.AfterCommit(func() { ran++ }); return errors.New("no") })
	if ran != 1 {
		t.Fatalf("after-commit callbacks ran %d times, want 1", ran)
	}
}

func TestIndexesAndSets(t *testing.T) {
	s, _ := openTest(t)
	w := newWorld(t, s, "t")
	err := s.Update(w, func(tx *Tx) error {
		idx := tx.Index("p", "email")
		if err := idx.Put([]byte("a@x"), ID(1)); err != nil {
			return err
		}
		if err := idx.Put([]byte("a@x"), ID(1)); err != nil {
			return fmt.Errorf("same value again: %w", err)
		}
		if err := idx.Put([]byte("a@x"), ID(2)); !errors.Is(err, ErrExists) {
			return fmt.Errorf("taken key: %v", err)
		}
		set := tx.Set("p", "byOwner")
		for _, m := range []uint64{3, 1, 2} {
			if err := set.Add(ID(7), ID(m)); err != nil {
				return err
			}
		}
		var got []uint64
		set.Members(ID(7), 1, 5, func(m []byte) error { got = append(got, IDOf(m)); return nil })
		if fmt.Sprint(got) != "[2 3]" || set.Len(ID(7)) != 3 {
			return fmt.Errorf("members %v len %d", got, set.Len(ID(7)))
		}
		for _, m := range []uint64{1, 2, 3} {
			set.Remove(ID(7), ID(m))
		}
		if set.Len(ID(7)) != 0 {
			return fmt.Errorf("emptied set has %d", set.Len(ID(7)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPage(t *testing.T) {
	s, _ := openTest(t)
	w := newWorld(t, s, "t")
	s.Update(w, func(tx *Tx) error {
		for i := uint64(1); i <= 300; i++ { // past 255: keys must sort as numbers
			tx.Coll("p", "c").Put(ID(i), rec{int(i)})
		}
		return nil
	})
	var got []uint64
	s.View(w, func(tx *Tx) error {
		if n := tx.Coll("p", "c").Count(); n != 300 {
			t.Errorf("count %d", n)
		}
		return tx.Coll("p", "c").Page(254, 3, func(k, _ []byte) error { got = append(got, IDOf(k)); return nil })
	})
	if fmt.Sprint(got) != "[255 256 257]" {
		t.Fatalf("page %v", got)
	}
}

func TestTasksComeOutInDueOrder(t *testing.T) {
	s, _ := openTest(t)
	w := newWorld(t, s, "t")
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s.Update(w, func(tx *Tx) error {
		for _, d := range []int{30, 10, 20, 10} {
			if _, err := tx.Enqueue("p", fmt.Sprint(d), base.Add(time.Duration(d)*time.Second), nil); err != nil {
				return err
			}
		}
		if len(tx.Enqueued()) != 4 {
			t.Errorf("enqueued %v", tx.Enqueued())
		}
		return nil
	})
	var order []string
	for {
		var task *Task
		s.Update(w, func(tx *Tx) error {
			var err error
			if task, err = tx.NextTask(); err != nil || task == nil {
				return err
			}
			return tx.DeleteTask(task)
		})
		if task == nil {
			break
		}
		order = append(order, fmt.Sprintf("%s#%d", task.Kind, task.ID))
	}
	if fmt.Sprint(order) != "[10#2 10#4 20#3 30#1]" {
		t.Fatalf("order %v", order)
	}
}

// In one transaction, as an advance runs a batch: thousands of tasks taken from the front and
// deleted (their pages emptied until the commit), new ones enqueued later, and one enqueued
// before the last task found, which comes out next.
func TestTasksInOneTransaction(t *testing.T) {
	s, _ := openTest(t)
	w := newWorld(t, s, "t")
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var order []string
	err := s.Update(w, func(tx *Tx) error {
		for i := 0; i < 3000; i++ {
			if _, err := tx.Enqueue("p", "a", base.Add(time.Duration(i)*time.Second), nil); err != nil {
				return err
			}
		}
		for n := 0; ; n++ {
			task, err := tx.NextTask()
			if err != nil || task == nil {
				return err
			}
			if err := tx.DeleteTask(task); err != nil {
				return err
			}
			if task.Kind != "a" {
				order = append(order, task.Kind)
			}
			switch {
			case n == 2500:
				_, err = tx.Enqueue("p", "later", task.Due.Add(time.Hour), nil)
			case n == 2600:
				_, err = tx.Enqueue("p", "earlier", task.Due.Add(-time.Hour), nil)
			}
			if err != nil {
				return err
			}
		}
	})
	if err != nil || fmt.Sprint(order) != "[earlier later]" {
		t.Fatalf("order %v (%v)", order, err)
	}
}

func TestSnapshotCopiesEverything(t *testing.T) {
	s, _ := openTest(t)
	w := newWorld(t, s, "t")
	s.Update(w, func(tx *Tx) error {
		c := tx.Coll("p", "c")
		id, _ := c.NextID()
		tx.Enqueue("p", "k", time.Unix(100, 0), nil)
		tx.Set("p", "s").Add(ID(1), ID(2))
		return c.Put(ID(id), rec{1})
	})
	if err := s.SaveSnapshot(w, "snap", Snapshot{Created: time.Unix(5, 0)}, SnapshotLimits{}); err != nil {
		t.Fatal(err)
	}
	s.Update(w, func(tx *Tx) error {
		c := tx.Coll("p", "c")
		id, _ := c.NextID()
		return c.Put(ID(id), rec{2})
	})
	snap, err := s.RestoreSnapshot(w, "snap")
	if err != nil || snap.Name != "snap" {
		t.Fatalf("restore: %v %v", snap, err)
	}
	s.Update(w, func(tx *Tx) error {
		c := tx.Coll("p", "c")
		if c.Count() != 1 || tx.Set("p", "s").Len(ID(1)) != 1 {
			t.Errorf("restored: %d records", c.Count())
		}
		if task, _ := tx.NextTask(); task == nil {
			t.Error("restored world lost its task")
		}
		if id, _ := c.NextID(); id != 2 {
			t.Errorf("restored id counter gives %d, want 2", id)
		}
		return nil
	})
	if _, err := s.RestoreSnapshot(w, "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing snapshot: %v", err)
	}
	if err := s.SaveSnapshot(w, "a/b", Snapshot{}, SnapshotLimits{}); !errors.Is(err, ErrSnapshotName) {
		t.Fatalf("bad name: %v", err)
	}
}

func TestReopenKeepsDataAndRefusesNewerSchema(t *testing.T) {
	s, path := openTest(t)
	w := newWorld(t, s, "t")
	s.Update(w, func(tx *Tx) error { return tx.Coll("p", "c").Put(ID(1), rec{42}) })
	s.Close()
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var r rec
	if err := s2.View(w, func(tx *Tx) error { return tx.Coll("p", "c").Get(ID(1), &r) }); err != nil || r.N != 42 {
		t.Fatalf("after reopen: %v %v", r, err)
	}
	s2.Close()

	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, []byte("99")) })
	db.Close()
	if _, err := Open(path, Options{}); !errors.Is(err, ErrSchemaNewer) {
		t.Fatalf("newer schema: %v", err)
	}
}

func TestClosedStoreRefusesWrites(t *testing.T) {
	s, _ := openTest(t)
	w := newWorld(t, s, "t")
	s.Close()
	if err := s.Update(w, func(*Tx) error { return nil }); !errors.Is(err, ErrStoreClosed) {
		t.Fatalf("write after close: %v", err)
	}
}

// TestCountAndPagesFollowWrites: the kept count and the pages (one seek while ids have no
// gaps, a walk once they do) agree with a walk of the collection after puts, overwrites and
// deletes, in the writing transaction and after it; a file without kept counts gets one.
func TestCountAndPagesFollowWrites(t *testing.T) {
	s, _ := openTest(t)
	w := newWorld(t, s, "a")
	// check runs in the committer's goroutine too: it returns what is wrong, never t.Fatal.
	check := func(step string, tx *Tx) error {
		c := tx.Coll("p", "things")
		var all [][]byte
		c.ForEach(func(k, _ []byte) error { all = append(all, append([]byte(nil), k...)); return nil })
		if c.Count() != len(all) {
			return fmt.Errorf("%s: count %d, walk %d", step, c.Count(), len(all))
		}
		for _, off := range []int{0, 1, 7, len(all) / 2, len(all) - 1, len(all), len(all) + 3} {
			var got [][]byte
			c.Page(off, 3, func(k, _ []byte) error { got = append(got, append([]byte(nil), k...)); return nil })
			want := all[min(off, len(all)):min(off+3, len(all))]
			if fmt.Sprint(got) != fmt.Sprint(want) {
				return fmt.Errorf("%s: page at %d: %v, want %v", step, off, got, want)
			}
		}
		return nil
	}
	view := func(step string) {
		t.Helper()
		if err := s.View(w, func(tx *Tx) error { return check(step, tx) }); err != nil {
			t.Fatal(err)
		}
	}
	update := func(step string, f func(c *Coll) error) {
		t.Helper()
		err := s.Update(w, func(tx *Tx) error {
			if err := f(tx.Coll("p", "things")); err != nil {
				return err
			}
			return check(step+" (in the transaction)", tx)
		})
		if err != nil {
			t.Fatal(err)
		}
		view(step)
	}
	update("100 puts", func(c *Coll) error {
		for i := 0; i < 100; i++ {
			id, _ := c.NextID()
			if err := c.Put(ID(id), rec{N: i}); err != nil {
				return err
			}
		}
		return nil
	})
	update("overwrites and a missing delete", func(c *Coll) error {
		c.Put(ID(5), rec{N: -5})
		return c.Delete(ID(1000))
	})
	update("deletes in the middle and at the ends", func(c *Coll) error {
		for _, id := range []uint64{1, 50, 51, 100} {
			c.Delete(ID(id))
		}
		return nil
	})
	update("string keys", func(c *Coll) error { return c.Put(Key("zz"), rec{}) })
	// A file from before counts were kept: drop the count, then write once.
	s.updateRaw(func(btx *bolt.Tx) error {
		return btx.Bucket(bucketWorlds).Bucket([]byte(w)).Bucket([]byte("p")).Delete([]byte(countPrefix + "things"))
	})
	view("without a kept count")
	update("first write after", func(c *Coll) error { return c.Delete(ID(2)) })
}
