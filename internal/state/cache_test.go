package state

import (
	"errors"
	"fmt"
	"testing"
)

// job is a record that clones itself: the store keeps it decoded for writers too.
type job struct {
	Steps []string `json:"steps"`
	Note  *string  `json:"note"`
}

func (j *job) CloneRecord() any {
	c := *j
	c.Steps = append([]string(nil), j.Steps...)
	if j.Note != nil {
		n := *j.Note
		c.Note = &n
	}
	return &c
}

// A writer gets its own copy of a kept record: what it changes is neither seen by the next
// writer nor by readers until it is saved, and a rolled-back save is never served.
func TestClonerRecordsAreCopiesForWriters(t *testing.T) {
	s, _ := openTest(t)
	w := newWorld(t, s, "t")
	key := ID(1)
	mustUpdate := func(fn func(tx *Tx) error) {
		t.Helper()
		if err := s.Update(w, fn); err != nil {
			t.Fatal(err)
		}
	}
	cacheKey := w + "\x00p/jobs\x00" + string(key)
	kept := func() bool { s.cache.mu.RLock(); defer s.cache.mu.RUnlock(); return s.cache.m[cacheKey] != nil }
	note := "first"
	mustUpdate(func(tx *Tx) error {
		tx.Seeding()
		return tx.Coll("p", "jobs").Put(key, &job{Steps: []string{"x"}, Note: &note})
	})
	if kept() {
		t.Fatal("a record seeded was kept decoded")
	}
	mustUpdate(func(tx *Tx) error { return tx.Coll("p", "jobs").Put(ID(2), &job{Steps: []string{"new"}}) })
	s.cache.mu.RLock()
	newKept := s.cache.m[w+"\x00p/jobs\x00"+string(ID(2))] != nil
	s.cache.mu.RUnlock()
	if !newKept {
		t.Fatal("a new record was not kept decoded")
	}
	// Read to be changed, and saved: kept.
	mustUpdate(func(tx *Tx) error {
		var j job
		if err := tx.Coll("p", "jobs").Get(key, &j); err != nil {
			return err
		}
		j.Steps[0] = "a"
		if err := tx.Coll("p", "jobs").Put(key, &j); err != nil {
			return err
		}
		j.Steps[0], *j.Note = "changed after the put", "changed after the put" // the kept copy is not j
		return nil
	})
	if !kept() {
		t.Fatal("a record read and changed was not kept decoded")
	}

	var changed error
	mustUpdate(func(tx *Tx) error {
		var j job
		if err := tx.Coll("p", "jobs").Get(key, &j); err != nil {
			return err
		}
		if len(j.Steps) != 1 || *j.Note != "first" {
			changed = errors.New("the first writer read " + *j.Note)
		}
		j.Steps[0], *j.Note = "changed in place", "changed in place"
		j.Steps = append(j.Steps, "b")
		return nil // not saved
	})
	if changed != nil {
		t.Fatal(changed)
	}
	var seen job
	mustUpdate(func(tx *Tx) error { return tx.Coll("p", "jobs").Get(key, &seen) })
	if len(seen.Steps) != 1 || seen.Steps[0] != "a" || *seen.Note != "first" {
		t.Fatalf("a change not saved leaked into the kept record: %+v %q", seen, *seen.Note)
	}

	// A save that rolls back is never read back.
	s.Update(w, func(tx *Tx) error {
		if err := tx.Coll("p", "jobs").Put(key, &job{Steps: []string{"rolled back"}}); err != nil {
			return err
		}
		return errors.New("roll back")
	})
	var after job
	mustUpdate(func(tx *Tx) error { return tx.Coll("p", "jobs").Get(key, &after) })
	if len(after.Steps) != 1 || after.Steps[0] != "a" {
		t.Fatalf("read %+v after a rolled-back save", after)
	}
	if err := s.View(w, func(tx *Tx) error { return tx.Coll("p", "jobs").Get(key, &after) }); err != nil || after.Steps[0] != "a" {
		t.Fatalf("a reader read %+v (%v) after a rolled-back save", after, err)
	}

	// Saved, the change is what the next writer and readers get.
	mustUpdate(func(tx *Tx) error {
		var j job
		if err := tx.Coll("p", "jobs").Get(key, &j); err != nil {
			return err
		}
		j.Steps = append(j.Steps, "b")
		return tx.Coll("p", "jobs").Put(key, &j)
	})
	var last job
	if err := s.View(w, func(tx *Tx) error { return tx.Coll("p", "jobs").Get(key, &last) }); err != nil || len(last.Steps) != 2 {
		t.Fatalf("after a save: %+v (%v)", last, err)
	}
}

// The cache stays within its budget: when full it drops a sixteenth of it, and a record too
// large for the budget is not kept at all.
func TestDecodeCacheStaysWithinItsBudget(t *testing.T) {
	c := newDecodeCache(64 << 10)
	raw := []byte(`{"steps":["a","b","c"],"note":"a record of some size to fill the cache with"}`)
	for i := 0; i < 5000; i++ {
		var j job
		if err := c.get(fmt.Sprintf("w\x00p/jobs\x00%d", i), raw, &j); err != nil {
			t.Fatal(err)
		}
		if c.size > c.max {
			t.Fatalf("after %d records the cache takes %d of %d", i+1, c.size, c.max)
		}
	}
	sum := 0
	for k, e := range c.m {
		sum += entryCost(k, e.raw)
	}
	if sum != c.size || len(c.m) < 100 {
		t.Fatalf("%d entries taking %d, reckoned %d", len(c.m), sum, c.size)
	}
	big := make([]byte, 8<<10)
	copy(big, `"`)
	big[len(big)-1] = '"'
	for i := 1; i < len(big)-1; i++ {
		big[i] = 'x'
	}
	var s string
	if err := c.get("big", big, &s); err != nil || c.m["big"] != nil {
		t.Fatalf("a record of %d bytes kept in a cache of %d (%v)", len(big), c.max, err)
	}
}
