package state

import (
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
	// Clock is the world's virtual time when it was last saved.
	Clock time.Time `json:"clock"`
}

// Tokens returns every known token with its world id.
func (s *Store) Tokens() (map[string]string, error) {
	out := map[string]string{}
	err := s.db.View(func(btx *bolt.Tx) error {
		return btx.Bucket(bucketTokens).ForEach(func(k, v []byte) error {
			out[string(k)] = string(v)
			return nil
		})
	})
	return out, err
}

// CreateWorld makes a new, empty world for token and runs seed in the same transaction.
// When the token already has a world, that world's id is returned and seed is not run.
func (s *Store) CreateWorld(token string, info WorldInfo, seed func(*Tx) error) (WorldInfo, error) {
	var out WorldInfo
	err := s.db.Update(func(btx *bolt.Tx) error {
		tokens := btx.Bucket(bucketTokens)
		if id := tokens.Get([]byte(token)); id != nil {
			return readInfo(btx, string(id), &out)
		}
		worlds := btx.Bucket(bucketWorlds)
		seq, err := worlds.NextSequence()
		if err != nil {
			return err
		}
		info.ID = "w" + strconv.FormatUint(seq, 10)
		info.Token = token
		if err := tokens.Put([]byte(token), []byte(info.ID)); err != nil {
			return err
		}
		if _, err := worlds.CreateBucket([]byte(info.ID)); err != nil {
			return err
		}
		if err := fillWorld(btx, info, seed); err != nil {
			return err
		}
		out = info
		return nil
	})
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
	if seed != nil {
		return seed(tx)
	}
	return nil
}

// AddToken makes token a second way into an existing world (an API key created through the
// API, say). A token that already belongs to a world is refused with ErrExists.
func (s *Store) AddToken(token, world string) error {
	return s.db.Update(func(btx *bolt.Tx) error {
		if btx.Bucket(bucketWorlds).Bucket([]byte(world)) == nil {
			return fmt.Errorf("world %q: %w", world, ErrNoWorld)
		}
		tokens := btx.Bucket(bucketTokens)
		if old := tokens.Get([]byte(token)); old != nil {
			if string(old) == world {
				return nil
			}
			return fmt.Errorf("token: %w", ErrExists)
		}
		return tokens.Put([]byte(token), []byte(world))
	})
}

// RemoveToken forgets a token; its world stays.
func (s *Store) RemoveToken(token string) error {
	return s.db.Update(func(btx *bolt.Tx) error { return btx.Bucket(bucketTokens).Delete([]byte(token)) })
}

// ResetWorld empties a world and seeds it again, keeping its id and token.
func (s *Store) ResetWorld(id string, info WorldInfo, seed func(*Tx) error) error {
	return s.db.Update(func(btx *bolt.Tx) error {
		worlds := btx.Bucket(bucketWorlds)
		if worlds.Bucket([]byte(id)) == nil {
			return fmt.Errorf("world %q: %w", id, ErrNoWorld)
		}
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
		info.ID, info.Token = id, old.Token
		if info.Created.IsZero() {
			info.Created = old.Created
		}
		return fillWorld(btx, info, seed)
	})
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
	return json.Unmarshal(meta.Get(keyInfo), out)
}

// SaveClock records a world's virtual time, so that after a restart it goes on from there.
func (t *Tx) SaveClock(now time.Time) error {
	meta := t.world.Bucket(bucketMeta)
	var info WorldInfo
	if err := json.Unmarshal(meta.Get(keyInfo), &info); err != nil {
		return err
	}
	info.Clock = now.UTC()
	raw, _ := json.Marshal(info)
	return meta.Put(keyInfo, raw)
}

// Info reads the world's info inside a transaction.
func (t *Tx) Info() (WorldInfo, error) {
	var info WorldInfo
	err := json.Unmarshal(t.world.Bucket(bucketMeta).Get(keyInfo), &info)
	return info, err
}
