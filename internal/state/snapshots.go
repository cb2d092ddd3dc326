package state

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Snapshot describes a saved copy of a world.
type Snapshot struct {
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	// Clock is the world's virtual time when the snapshot was taken.
	Clock time.Time `json:"clock"`
}

var keySnapshotInfo = []byte("snapshot")

func checkSnapshotName(name string) error {
	if name == "" || len(name) > 200 || strings.ContainsAny(name, "/\x00") {
		return fmt.Errorf("%q: %w", name, ErrSnapshotName)
	}
	return nil
}

// SnapshotLimits bound what one world's snapshots may hold; zero fields mean no limit.
type SnapshotLimits struct {
	// Count is how many snapshots a world may keep.
	Count int
	// Bytes is the largest world (keys and values) a snapshot may copy.
	Bytes int64
}

// SaveSnapshot copies a world, its records, tasks and clock, under name (replacing an older
// snapshot of that name). Past the limits it changes nothing and returns ErrTooMany or
// ErrTooLarge.
func (s *Store) SaveSnapshot(world, name string, snap Snapshot, lim SnapshotLimits) error {
	if err := checkSnapshotName(name); err != nil {
		return err
	}
	return s.db.Update(func(btx *bolt.Tx) error {
		src := btx.Bucket(bucketWorlds).Bucket([]byte(world))
		if src == nil {
			return fmt.Errorf("world %q: %w", world, ErrNoWorld)
		}
		all, err := btx.Bucket(bucketSnapshots).CreateBucketIfNotExists([]byte(world))
		if err != nil {
			return err
		}
		if all.Bucket([]byte(name)) != nil {
			if err := all.DeleteBucket([]byte(name)); err != nil {
				return err
			}
		} else if lim.Count > 0 && countBuckets(all) >= lim.Count {
			return fmt.Errorf("a world keeps at most %d snapshots: %w", lim.Count, ErrTooMany)
		}
		if lim.Bytes > 0 {
			if n := bucketBytes(src, lim.Bytes); n > lim.Bytes {
				return fmt.Errorf("the world holds more than %d bytes: %w", lim.Bytes, ErrTooLarge)
			}
		}
		dst, err := all.CreateBucket([]byte(name))
		if err != nil {
			return err
		}
		if err := copyBucket(dst, src); err != nil {
			return err
		}
		snap.Name = name
		raw, _ := json.Marshal(snap)
		return dst.Bucket(bucketMeta).Put(keySnapshotInfo, raw)
	})
}

// Snapshots lists a world's snapshots by name.
func (s *Store) Snapshots(world string) ([]Snapshot, error) {
	var out []Snapshot
	err := s.db.View(func(btx *bolt.Tx) error {
		all := btx.Bucket(bucketSnapshots).Bucket([]byte(world))
		if all == nil {
			return nil
		}
		return all.ForEachBucket(func(k []byte) error {
			var snap Snapshot
			if raw := all.Bucket(k).Bucket(bucketMeta).Get(keySnapshotInfo); raw != nil {
				if err := json.Unmarshal(raw, &snap); err != nil {
					return err
				}
			}
			snap.Name = string(k)
			out = append(out, snap)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// RestoreSnapshot replaces a world's contents with the named snapshot and returns it.
func (s *Store) RestoreSnapshot(world, name string) (Snapshot, error) {
	var snap Snapshot
	var tasks int64 // added, less removed
	defer s.Changed(world)
	err := s.db.Update(func(btx *bolt.Tx) error {
		var src *bolt.Bucket
		if all := btx.Bucket(bucketSnapshots).Bucket([]byte(world)); all != nil {
			src = all.Bucket([]byte(name))
		}
		if src == nil {
			return fmt.Errorf("snapshot %q: %w", name, ErrNotFound)
		}
		worlds := btx.Bucket(bucketWorlds)
		if worlds.Bucket([]byte(world)) == nil {
			return fmt.Errorf("world %q: %w", world, ErrNoWorld)
		}
		tasks = tasksIn(src) - tasksIn(worlds.Bucket([]byte(world)))
		if err := worlds.DeleteBucket([]byte(world)); err != nil {
			return err
		}
		dst, err := worlds.CreateBucket([]byte(world))
		if err != nil {
			return err
		}
		if err := copyBucket(dst, src); err != nil {
			return err
		}
		meta := dst.Bucket(bucketMeta)
		if raw := meta.Get(keySnapshotInfo); raw != nil {
			if err := json.Unmarshal(raw, &snap); err != nil {
				return err
			}
		}
		return meta.Delete(keySnapshotInfo)
	})
	if err == nil {
		s.addTasks(tasks)
	}
	return snap, err
}

// DeleteSnapshot removes a snapshot.
func (s *Store) DeleteSnapshot(world, name string) error {
	return s.db.Update(func(btx *bolt.Tx) error {
		all := btx.Bucket(bucketSnapshots).Bucket([]byte(world))
		if all == nil || all.Bucket([]byte(name)) == nil {
			return fmt.Errorf("snapshot %q: %w", name, ErrNotFound)
		}
		return all.DeleteBucket([]byte(name))
	})
}

// copyBucket copies every key, nested bucket and sequence of src into the empty dst.
func copyBucket(dst, src *bolt.Bucket) error {
	if err := dst.SetSequence(src.Sequence()); err != nil {
		return err
	}
	return src.ForEach(func(k, v []byte) error {
		// Copies: src's slices point into the memory map, which a growing file remaps.
		key := append([]byte(nil), k...)
		if v != nil {
			return dst.Put(key, append([]byte(nil), v...))
		}
		child, err := dst.CreateBucket(key)
		if err != nil {
			return err
		}
		return copyBucket(child, src.Bucket(k))
	})
}

func countBuckets(b *bolt.Bucket) int {
	n := 0
	b.ForEachBucket(func([]byte) error { n++; return nil })
	return n
}

// bucketBytes adds up the keys and values under b, stopping once past max.
func bucketBytes(b *bolt.Bucket, max int64) int64 {
	var n int64
	b.ForEach(func(k, v []byte) error {
		n += int64(len(k) + len(v))
		if v == nil {
			n += bucketBytes(b.Bucket(k), max-n)
		}
		if n > max {
			return ErrTooLarge
		}
		return nil
	})
	return n
}
