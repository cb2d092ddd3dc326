package state

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// WorldInfo is what the store keeps about a world besides its records.
type WorldInfo struct {
	ID      string    `json:"id"`
	Token   string    `json:"token"`
	Created time.Time `json:"created"`
	// Clock is the world's virtual time: the latest of its last save and of every time a
	// transaction of the world has written (see keyClock), so that it never runs back.
	Clock time.Time `json:"clock"`
	// AnyToken marks a world made for an unknown token under --any-token; such worlds may be
	// removed once unused for a while.
	AnyToken bool `json:"anyToken,omitempty"`
}

// TokenInfo is what a token opens: one world, for every provider and the control API, or
// for one provider only (Scope: an API key made through that provider's API).
type TokenInfo struct {
	World string
	Scope string
}

// A token's value is the world id, followed by NUL and the scope when it has one.
func encodeToken(t TokenInfo) []byte {
	if t.Scope == "" {
		return []byte(t.World)
	}
	return []byte(t.World + "\x00" + t.Scope)
}

func decodeToken(v []byte) TokenInfo {
	world, scope, _ := bytes.Cut(v, []byte{0})
	return TokenInfo{World: string(world), Scope: string(scope)}
}

// Tokens returns every known token with its world and scope.
func (s *Store) Tokens() (map[string]TokenInfo, error) {
	out := map[string]TokenInfo{}
	err := s.db.View(func(btx *bolt.Tx) error {
		return btx.Bucket(bucketTokens).ForEach(func(k, v []byte) error {
			out[string(k)] = decodeToken(v)
			return nil
		})
	})
	return out, err
}

// CreateWorld makes a new, empty world for token and runs seed in the same transaction.
// When the token already has a world, that world's info is returned and seed is not run.
func (s *Store) CreateWorld(token string, info WorldInfo, seed func(*Tx) error) (WorldInfo, error) {
	var out WorldInfo
	var tasks int64 // what seed enqueued
	// Through the committer: worlds made at the same time share one commit.
	err := s.updateRaw(func(btx *bolt.Tx) error {
		out, tasks = WorldInfo{}, 0
		tokens := btx.Bucket(bucketTokens)
		if v := tokens.Get([]byte(token)); v != nil {
			return readInfo(btx, decodeToken(v).World, &out)
		}
		worlds := btx.Bucket(bucketWorlds)
		seq, err := worlds.NextSequence()
		if err != nil {
			return err
		}
		info.ID = "w" + strconv.FormatUint(seq, 10)
		info.Token = token
		if err := tokens.Put([]byte(token), encodeToken(TokenInfo{World: info.ID})); err != nil {
			return err
		}
		if _, err := worlds.CreateBucket([]byte(info.ID)); err != nil {
			return err
		}
		if err := fillWorld(btx, info, seed); err != nil {
			return err
		}
		out, tasks = info, tasksIn(worlds.Bucket([]byte(info.ID)))
		return nil
	})
	if err == nil {
		s.addTasks(tasks)
	}
	return out, err
}

// fillWorld writes the meta bucket of an existing, empty world bucket and seeds it.
func fillWorld(btx *bolt.Tx, info WorldInfo, seed func(*Tx) error) error {
	w := btx.Bucket(bucketWorlds).Bucket([]byte(info.ID))
	meta, err := w.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(info)
	if err := meta.Put(keyInfo, raw); err != nil {
		return err
	}
	tx, err := newTx(btx, info.ID)
	if err != nil {
		return err
	}
	tx.Now = info.Clock
	if err := meta.Put(keyLazy, []byte{1}); err != nil {
		return err
	}
	if seed != nil {
		if err := seed(tx); err != nil {
			return err
		}
	}
	return tx.carryClock()
}

// Seeded reports whether provider's fixtures are in the world. A world is filled lazily, one
// provider at a time as each is first asked for; worlds made before that (no lazy mark)
// were filled whole when they were made.
func (t *Tx) Seeded(provider string) bool {
	meta := t.world.Bucket(bucketMeta)
	if meta == nil || meta.Get(keyLazy) == nil {
		return true
	}
	return meta.Get([]byte(seededPrefix+provider)) != nil
}

// MarkSeeded records that provider's fixtures are in the world.
func (t *Tx) MarkSeeded(provider string) error {
	meta := t.world.Bucket(bucketMeta)
	if meta == nil {
		return fmt.Errorf("world %q has no meta: %w", t.World, ErrNotFound)
	}
	return meta.Put([]byte(seededPrefix+provider), []byte{1})
}

// AddToken makes token a second way into an existing world (an API key created through a
// provider's API, scoped to that provider). A token that already belongs to a world is
// refused with ErrExists.
func (s *Store) AddToken(token string, t TokenInfo) error {
	return s.db.Update(func(btx *bolt.Tx) error {
		if btx.Bucket(bucketWorlds).Bucket([]byte(t.World)) == nil {
			return fmt.Errorf("world %q: %w", t.World, ErrNoWorld)
		}
		tokens := btx.Bucket(bucketTokens)
		if old := tokens.Get([]byte(token)); old != nil {
			if decodeToken(old) == t {
				return nil
			}
			return fmt.Errorf("token: %w", ErrExists)
		}
		return tokens.Put([]byte(token), encodeToken(t))
	})
}

// RemoveToken forgets a token; its world stays.
func (s *Store) RemoveToken(token string) error {
	return s.db.Update(func(btx *bolt.Tx) error { return btx.Bucket(bucketTokens).Delete([]byte(token)) })
}

// DeleteWorlds removes worlds for good, in one transaction: their records, tasks, snapshots
// and every token that led to them.
func (s *Store) DeleteWorlds(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	gone := make(map[string]bool, len(ids))
	for _, id := range ids {
		gone[id] = true
		defer s.revs.Delete(id)
	}
	var tasks int64 // the deleted worlds'
	err := s.db.Update(func(btx *bolt.Tx) error {
		tasks = 0
		tokens := btx.Bucket(bucketTokens)
		var drop [][]byte
		if err := tokens.ForEach(func(k, v []byte) error {
			if gone[decodeToken(v).World] {
				drop = append(drop, bytes.Clone(k))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, k := range drop {
			if err := tokens.Delete(k); err != nil {
				return err
			}
		}
		worlds, snaps := btx.Bucket(bucketWorlds), btx.Bucket(bucketSnapshots)
		for _, id := range ids {
			tasks += tasksIn(worlds.Bucket([]byte(id)))
			for _, b := range []*bolt.Bucket{worlds, snaps} {
				if b.Bucket([]byte(id)) != nil {
					if err := b.DeleteBucket([]byte(id)); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err == nil {
		s.addTasks(-tasks)
	}
	return err
}

// ResetWorld empties a world and seeds it again, keeping its id, token and origin.
func (s *Store) ResetWorld(id string, info WorldInfo, seed func(*Tx) error) error {
	defer s.Changed(id)
	var tasks int64 // added, less removed
	err := s.db.Update(func(btx *bolt.Tx) error {
		worlds := btx.Bucket(bucketWorlds)
		if worlds.Bucket([]byte(id)) == nil {
			return fmt.Errorf("world %q: %w", id, ErrNoWorld)
		}
		tasks = -tasksIn(worlds.Bucket([]byte(id)))
		var old WorldInfo
		if err := readInfo(btx, id, &old); err != nil {
			return err
		}
		if err := worlds.DeleteBucket([]byte(id)); err != nil {
			return err
		}
		if _, err := worlds.CreateBucket([]byte(id)); err != nil {
			return err
		}
		info.ID, info.Token, info.AnyToken = id, old.Token, old.AnyToken
		if info.Created.IsZero() {
			info.Created = old.Created
		}
		if err := fillWorld(btx, info, seed); err != nil {
			return err
		}
		tasks += tasksIn(worlds.Bucket([]byte(id)))
		return nil
	})
	if err == nil {
		s.addTasks(tasks)
	}
	return err
}

// World reads a world's info.
func (s *Store) World(id string) (WorldInfo, error) {
	var out WorldInfo
	err := s.db.View(func(btx *bolt.Tx) error { return readInfo(btx, id, &out) })
	return out, err
}

func readInfo(btx *bolt.Tx, id string, out *WorldInfo) error {
	w := btx.Bucket(bucketWorlds).Bucket([]byte(id))
	if w == nil {
		return fmt.Errorf("world %q: %w", id, ErrNoWorld)
	}
	meta := w.Bucket(bucketMeta)
	if meta == nil {
		return fmt.Errorf("world %q has no meta: %w", id, ErrNotFound)
	}
	if err := json.Unmarshal(meta.Get(keyInfo), out); err != nil {
		return err
	}
	if t, ok := readClock(meta); ok && t.After(out.Clock) {
		out.Clock = t
	}
	return nil
}

// readClock is the world's clock high-water mark, when it has one.
func readClock(meta *bolt.Bucket) (time.Time, bool) {
	raw := meta.Get(keyClock)
	if len(raw) != 8 {
		return time.Time{}, false
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(raw))).UTC(), true
}

// putClock moves the world's clock high-water mark to t when t is later.
func putClock(meta *bolt.Bucket, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	if old, ok := readClock(meta); ok && !t.After(old) {
		return nil
	}
	var raw [8]byte
	binary.BigEndian.PutUint64(raw[:], uint64(t.UnixNano()))
	return meta.Put(keyClock, raw[:])
}

// carryClock records the transaction's time as the world's clock when it is later than what
// the world has recorded: whatever a transaction writes with a time carries the clock
// forward with it, so that after a crash the clock is never behind the world's records.
func (t *Tx) carryClock() error {
	meta := t.world.Bucket(bucketMeta)
	if meta == nil {
		return nil
	}
	return putClock(meta, t.Now)
}

// SaveClock records a world's virtual time, so that after a restart it goes on from there.
func (t *Tx) SaveClock(now time.Time) error {
	meta := t.world.Bucket(bucketMeta)
	if meta == nil {
		return fmt.Errorf("world %q has no meta: %w", t.World, ErrNotFound)
	}
	return putClock(meta, now.UTC())
}

// SaveClocks records the virtual time of many worlds in one transaction; worlds that are
// gone are skipped.
func (s *Store) SaveClocks(clocks map[string]time.Time) error {
	if len(clocks) == 0 {
		return nil
	}
	return s.db.Update(func(btx *bolt.Tx) error {
		worlds := btx.Bucket(bucketWorlds)
		for id, t := range clocks {
			w := worlds.Bucket([]byte(id))
			if w == nil || w.Bucket(bucketMeta) == nil {
				continue
			}
			if err := putClock(w.Bucket(bucketMeta), t.UTC()); err != nil {
				return err
			}
		}
		return nil
	})
}

// Info reads the world's info inside a transaction.
func (t *Tx) Info() (WorldInfo, error) {
	var info WorldInfo
	meta := t.world.Bucket(bucketMeta)
	err := json.Unmarshal(meta.Get(keyInfo), &info)
	if c, ok := readClock(meta); ok && c.After(info.Clock) {
		info.Clock = c
	}
	return info, err
}
