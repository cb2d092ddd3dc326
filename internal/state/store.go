// Package state is the only code that touches bbolt. It keeps worlds, records, indexes, tasks
// and snapshots; callers see transactions scoped to one world (Tx) and never raw buckets.
package state

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout version this build writes (see buckets.go).
const SchemaVersion = 1

// migrations upgrade a file from version i+1 to i+2; migrations[0] takes 1 to 2. Empty while
// only version 1 exists.
var migrations []func(*bolt.Tx) error

// Store is a bbolt file holding every world.
type Store struct {
	db     *bolt.DB
	cache  *decodeCache
	revs   sync.Map // world id -> *atomic.Uint64, see Rev
	writes chan *writeReq
	wg     sync.WaitGroup
	mu     sync.RWMutex // guards closed against sends on writes
	closed bool
	// tasks is the running count of pending tasks in every world (see tally.go).
	tasks    atomic.Int64
	onCommit func(time.Duration)
}

// Options tune the store; the zero value is fine.
type Options struct {
	// NoSync skips fsync on commit (benchmarks only; a crash may lose commits).
	NoSync bool
	// MaxBatch caps how many writers share one commit (default 256).
	MaxBatch int
	// OnCommit, when set, hears how long each commit of the committer took: the write
	// transaction of its writers and the sync to disk.
	OnCommit func(time.Duration)
	// DecodeCache bounds the records kept decoded, in bytes (DefaultDecodeCache when 0,
	// nothing kept when negative).
	DecodeCache int
}

type writeReq struct {
	world string
	fn    func(*Tx) error
	raw   func(*bolt.Tx) error // a change across worlds (a new world), instead of fn
	done  chan error
	tx    *Tx
	cache *decodeCache
}

func newStoreCache(budget int) *decodeCache {
	switch {
	case budget == 0:
		return newDecodeCache(DefaultDecodeCache)
	case budget < 0:
		return nil
	}
	return newDecodeCache(budget)
}

// Open opens or creates the file at path, checks its schema version and starts the committer.
func Open(path string, opts Options) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, NoSync: opts.NoSync, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.Update(initSchema); err != nil {
		db.Close()
		return nil, err
	}
	max := opts.MaxBatch
	if max <= 0 {
		max = 256
	}
	s := &Store{db: db, writes: make(chan *writeReq, max), cache: newStoreCache(opts.DecodeCache), onCommit: opts.OnCommit}
	if err := db.View(func(btx *bolt.Tx) error { s.tasks.Store(allTasks(btx)); return nil }); err != nil {
		db.Close()
		return nil, err
	}
	s.wg.Add(1)
	go s.commitLoop(max)
	return s, nil
}

func initSchema(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	for _, name := range [][]byte{bucketTokens, bucketWorlds, bucketSnapshots} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	v := 0
	if raw := meta.Get(keySchema); raw != nil {
		if v, err = strconv.Atoi(string(raw)); err != nil {
			return fmt.Errorf("schema version %q: %w", raw, err)
		}
	} else {
		v = SchemaVersion
	}
	if v > SchemaVersion {
		return fmt.Errorf("schema %d, this build knows %d: %w", v, SchemaVersion, ErrSchemaNewer)
	}
	for ; v < SchemaVersion; v++ {
		if err := migrations[v-1](tx); err != nil {
			return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
		}
	}
	return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
}

// Close waits for queued writes, stops the committer and closes the file.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.writes)
	s.mu.Unlock()
	s.wg.Wait()
	return s.db.Close()
}

// View runs fn in a read-only transaction on one world. Records read in it may share
// memory with other readers' (see Coll.Get): fn must not change them in place.
func (s *Store) View(world string, fn func(*Tx) error) error {
	return s.db.View(func(btx *bolt.Tx) error {
		tx, err := newTx(btx, world)
		if err != nil {
			return err
		}
		tx.cache = s.cache
		return fn(tx)
	})
}

// Update runs fn in a read-write transaction on one world. Concurrent callers share commits
// (group commit): fn may run more than once and must have no effect outside tx except on
// its own result variables. Callbacks registered with Tx.AfterCommit run once, after the
// commit that kept fn's changes.
func (s *Store) Update(world string, fn func(*Tx) error) error {
	return s.submit(&writeReq{world: world, fn: fn, done: make(chan error, 1), cache: s.cache})
}

// updateRaw runs fn in a read-write transaction of the whole file, sharing commits with
// other writers like Update (fn may run more than once).
func (s *Store) updateRaw(fn func(*bolt.Tx) error) error {
	return s.submit(&writeReq{raw: fn, done: make(chan error, 1)})
}

func (s *Store) submit(req *writeReq) error {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrStoreClosed
	}
	s.writes <- req
	s.mu.RUnlock()
	err := <-req.done
	if err == nil && req.tx != nil {
		for _, f := range req.tx.after {
			f()
		}
	}
	return err
}

// commitLoop takes one waiting writer, adds every other writer already waiting, and commits
// them together. A writer that fails is answered alone and the others are committed again
// without it, so one bad request never rolls back another's success.
func (s *Store) commitLoop(max int) {
	defer s.wg.Done()
	batch := make([]*writeReq, 0, max)
	for first := range s.writes {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < max {
			select {
			case r, ok := <-s.writes:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		s.commit(batch)
	}
}

var errRetrySolo = errors.New("retry alone")

func (s *Store) commit(batch []*writeReq) {
	if len(batch) > 1 {
		var failed *writeReq
		err := s.timedUpdate(func(btx *bolt.Tx) error {
			for _, r := range batch {
				if err := r.run(btx); err != nil {
					failed = r
					return errRetrySolo
				}
			}
			return nil
		})
		if err == nil {
			for _, r := range batch {
				s.changed(r)
				r.done <- nil
			}
			return
		}
		if failed == nil { // the commit itself failed
			for _, r := range batch {
				r.done <- err
			}
			return
		}
	}
	for _, r := range batch {
		err := s.timedUpdate(r.run)
		if err == nil {
			s.changed(r)
		}
		r.done <- err
	}
}

// changed moves on the revision of the world a committed writer changed, and counts the
// tasks it added or removed.
func (s *Store) changed(r *writeReq) {
	if r.raw == nil {
		s.Changed(r.world)
	}
	if r.tx != nil {
		s.addTasks(r.tx.taskDelta)
	}
}

// Rev is the revision of a world's records: it moves on with every commit that may have
// changed them, before the writer hears of the commit, so an answer worked out from the
// world at one revision stays right for as long as the revision stays.
func (s *Store) Rev(world string) uint64 {
	if v, ok := s.revs.Load(world); ok {
		return v.(*atomic.Uint64).Load()
	}
	return 0
}

// Changed moves on a world's revision (the store does it for its own writes; callers that
// change what answers show by other means call it too).
func (s *Store) Changed(world string) {
	v, ok := s.revs.Load(world)
	if !ok {
		v, _ = s.revs.LoadOrStore(world, new(atomic.Uint64))
	}
	v.(*atomic.Uint64).Add(1)
}

func (r *writeReq) run(btx *bolt.Tx) error {
	if r.raw != nil {
		return r.raw(btx)
	}
	tx, err := newTx(btx, r.world)
	if err != nil {
		return err
	}
	tx.cache = r.cache
	r.tx = tx
	if err := r.fn(tx); err != nil {
		return err
	}
	return tx.carryClock()
}
