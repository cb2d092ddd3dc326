package state

import (
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The store keeps a running count of the tasks pending in every world, so that reading it
// walks nothing. Every write that adds or removes tasks works out, inside its transaction,
// how many it added or removed, and adds that to the count once committed: sums do not
// depend on the order they are added in, so the count is exact whatever writers race.
// Writers through the committer count with their Tx (Enqueue, DeleteTask); a write that
// replaces or removes a world's tasks bucket counts the tasks before and after (tasksIn).

// PendingTasks is the number of tasks waiting in every world.
func (s *Store) PendingTasks() int64 { return s.tasks.Load() }

// addTasks adds the tasks a committed write added (or removed, when n is negative).
func (s *Store) addTasks(n int64) {
	if n != 0 {
		s.tasks.Add(n)
	}
}

// tasksIn counts the tasks of a world's bucket (keys only, nothing decoded); 0 for nil.
func tasksIn(world *bolt.Bucket) int64 {
	if world == nil {
		return 0
	}
	b := world.Bucket(bucketTasks)
	if b == nil {
		return 0
	}
	var n int64
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return n
}

// allTasks counts the tasks of every world (once, when the store opens).
func allTasks(btx *bolt.Tx) int64 {
	var n int64
	worlds := btx.Bucket(bucketWorlds)
	worlds.ForEachBucket(func(id []byte) error {
		n += tasksIn(worlds.Bucket(id))
		return nil
	})
	return n
}

// Size is the size of the store's file in bytes (0 when it cannot be read).
func (s *Store) Size() int64 {
	fi, err := os.Stat(s.db.Path())
	if err != nil {
		return 0
	}
	return fi.Size()
}

// timedUpdate is db.Update, its duration (write transaction and sync) told to OnCommit.
func (s *Store) timedUpdate(fn func(*bolt.Tx) error) error {
	if s.onCommit == nil {
		return s.db.Update(fn)
	}
	start := time.Now()
	err := s.db.Update(fn)
	s.onCommit(time.Since(start))
	return err
}
