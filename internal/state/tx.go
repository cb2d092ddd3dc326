package state

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Tx is a transaction on one world. Records live in collections named by provider and kind.
type Tx struct {
	btx   *bolt.Tx
	world *bolt.Bucket
	cache *decodeCache // the store's decoded records: Get uses it in read-only transactions, Peek in any
	// World is the world's id.
	World string
	// Now is the world's virtual time for this transaction; the caller sets it.
	Now      time.Time
	after    []func()
	enqueued []time.Time
	// taskDelta is how many tasks the transaction added, less those it removed.
	taskDelta int64
	// taskFloor is the key of the task NextTask found last: no task sorts before it.
	taskFloor []byte
	// changing are the cache keys of the Cloner records read to be changed (see Put).
	changing map[string]bool
	// seeding: the transaction writes a world's fixtures, which Put does not keep decoded.
	seeding bool
	// buckets are the collections' buckets opened so far, by provider/name.
	buckets map[string]*bolt.Bucket
}

func newTx(btx *bolt.Tx, world string) (*Tx, error) {
	w := btx.Bucket(bucketWorlds).Bucket([]byte(world))
	if w == nil {
		return nil, fmt.Errorf("world %q: %w", world, ErrNoWorld)
	}
	return &Tx{btx: btx, world: w, World: world}, nil
}

// Seeding marks the transaction as one that writes a world's fixtures: records written once
// and read rarely, which are not kept decoded.
func (t *Tx) Seeding() { t.seeding = true }

// Writable reports whether the transaction may change the store.
func (t *Tx) Writable() bool { return t.btx.Writable() }

// Enqueued lists the due times of the tasks this transaction added.
func (t *Tx) Enqueued() []time.Time { return t.enqueued }

// AfterCommit registers f to run once the transaction's changes are committed.
func (t *Tx) AfterCommit(f func()) { t.after = append(t.after, f) }

// ID is the key of a record with an integer id.
func ID(n uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, n)
	return k
}

// IDOf reads back a key made by ID.
func IDOf(k []byte) uint64 {
	if len(k) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k)
}

// Key is the key of a record with a string id.
func Key(s string) []byte { return []byte(s) }

// bucket returns provider/name, creating both in a writable transaction; it is nil when it
// does not exist in a read-only one.
func (t *Tx) bucket(provider, name string) *bolt.Bucket {
	key := provider + "/" + name
	if b, ok := t.buckets[key]; ok {
		return b
	}
	return t.keepBucket(key, t.openBucket(provider, name))
}

// keepBucket remembers b (when it exists) for the rest of the transaction: a request reads
// and writes its collections many times, and finding a nested bucket walks two levels of the
// tree. Collections' buckets are never deleted inside a transaction.
func (t *Tx) keepBucket(key string, b *bolt.Bucket) *bolt.Bucket {
	if b != nil {
		if t.buckets == nil {
			t.buckets = make(map[string]*bolt.Bucket, 8)
		}
		t.buckets[key] = b
	}
	return b
}

func (t *Tx) openBucket(provider, name string) *bolt.Bucket {
	if t.btx.Writable() {
		p, err := t.world.CreateBucketIfNotExists([]byte(provider))
		if err != nil {
			panic(fmt.Sprintf("state: bucket %s: %v", provider, err))
		}
		b, err := p.CreateBucketIfNotExists([]byte(name))
		if err != nil {
			panic(fmt.Sprintf("state: bucket %s/%s: %v", provider, name, err))
		}
		return b
	}
	p := t.world.Bucket([]byte(provider))
	if p == nil {
		return nil
	}
	return p.Bucket([]byte(name))
}

// providerBucket is a provider's bucket (which keeps its collections' counts), once it exists.
func (t *Tx) providerBucket(provider string) *bolt.Bucket {
	if b, ok := t.buckets[provider]; ok {
		return b
	}
	return t.keepBucket(provider, t.world.Bucket([]byte(provider)))
}

// Coll is a collection of JSON records of one kind.
type Coll struct {
	b      *bolt.Bucket
	parent *bolt.Bucket // the provider's bucket, which keeps the collection's count
	kind   string
	name   string
	tx     *Tx
}

// Coll returns the collection of one provider's kind.
func (t *Tx) Coll(provider, kind string) *Coll {
	c := &Coll{b: t.bucket(provider, kind), kind: kind, name: provider + "/" + kind, tx: t}
	if c.b != nil {
		c.parent = t.providerBucket(provider)
	}
	return c
}

// Get decodes the record at key into v, or returns ErrNotFound. In a read-only transaction
// the value may share slices and maps with other readers' values: do not change it in place.
func (c *Coll) Get(key []byte, v any) error {
	raw := c.Raw(key)
	if raw == nil {
		return fmt.Errorf("%s: %w", c.name, ErrNotFound)
	}
	if c.tx.cache != nil {
		if !c.tx.btx.Writable() {
			return c.tx.cache.get(c.cacheKey(key), raw, v)
		}
		if cl, ok := v.(Cloner); ok {
			k := c.cacheKey(key)
			if c.tx.changing == nil {
				c.tx.changing = make(map[string]bool, 4)
			}
			c.tx.changing[k] = true
			return c.tx.cache.getCopy(k, raw, cl)
		}
	}
	return json.Unmarshal(raw, v)
}

func (c *Coll) cacheKey(key []byte) string {
	return c.tx.World + "\x00" + c.name + "\x00" + string(key)
}

// Peek is Get for a record the caller only reads, in any transaction: the value may share
// slices and maps with other readers' values, and must not be changed in place (load a record
// that is to be changed and saved with Get).
func (c *Coll) Peek(key []byte, v any) error {
	raw := c.Raw(key)
	if raw == nil {
		return fmt.Errorf("%s: %w", c.name, ErrNotFound)
	}
	if c.tx.cache != nil {
		return c.tx.cache.get(c.cacheKey(key), raw, v)
	}
	return json.Unmarshal(raw, v)
}

// Raw returns the stored JSON at key (valid only inside the transaction), or nil.
func (c *Coll) Raw(key []byte) []byte {
	if c.b == nil {
		return nil
	}
	return c.b.Get(key)
}

// Has reports whether a record exists at key.
func (c *Coll) Has(key []byte) bool { return c.Raw(key) != nil }

// An Encoder is a record that writes its own JSON: exactly what encoding/json writes for it,
// without reflection (see package jsonw), for records written at every step of a job.
type Encoder interface {
	AppendJSON(b []byte) ([]byte, error)
}

// Put stores v as JSON at key (json.RawMessage as it is: encoding/json would check and
// compact it again).
func (c *Coll) Put(key []byte, v any) error {
	if raw, ok := v.(json.RawMessage); ok {
		return c.PutRaw(key, raw)
	}
	var raw []byte
	var err error
	if e, ok := v.(Encoder); ok {
		raw, err = e.AppendJSON(nil)
	} else {
		raw, err = json.Marshal(v)
	}
	if err != nil {
		return fmt.Errorf("%s: encode: %w", c.name, err)
	}
	created, err := c.putRaw(key, raw)
	if err != nil {
		return err
	}
	if cl, ok := v.(Cloner); ok && c.tx.cache != nil {
		// Kept: a record read to be changed, the kind that is read and changed again (a queue
		// item at each step, a hypervisor at each placement), and a new record (a server
		// created, then built); not the fixtures seeded into a new world, which would fill
		// the cache for nothing. Kept even if the transaction rolls back: an entry serves
		// only the very bytes it was made from.
		if k := c.cacheKey(key); c.tx.changing[k] || (created && !c.tx.seeding) {
			c.tx.cache.keep(k, raw, cl)
		}
	}
	return nil
}

// PutRaw stores JSON already encoded at key.
func (c *Coll) PutRaw(key, raw []byte) error {
	_, err := c.putRaw(key, raw)
	return err
}

// putRaw is PutRaw, reporting whether the record is new.
func (c *Coll) putRaw(key, raw []byte) (created bool, err error) {
	if c.b.Get(key) == nil {
		if err := c.addCount(1); err != nil {
			return false, err
		}
		created = true
	}
	return created, c.b.Put(key, raw)
}

// Delete removes the record at key; deleting a missing record is not an error.
func (c *Coll) Delete(key []byte) error {
	if c.b.Get(key) == nil {
		return nil
	}
	if err := c.addCount(-1); err != nil {
		return err
	}
	return c.b.Delete(key)
}

// NextID returns the next integer id of the collection (1, 2, …); ids are never reused.
func (c *Coll) NextID() (uint64, error) { return c.b.NextSequence() }

// SetNextID makes the next NextID return at least n (fixtures with fixed ids call it).
func (c *Coll) SetNextID(n uint64) error {
	if c.b.Sequence() >= n-1 {
		return nil
	}
	return c.b.SetSequence(n - 1)
}

// Count is the number of records: kept beside the collection and changed with it (files
// written before it was kept have it worked out once, by the first write).
func (c *Coll) Count() int {
	if c.b == nil {
		return 0
	}
	if n, ok := c.storedCount(); ok {
		return n
	}
	return count(c.b)
}

func (c *Coll) countKey() []byte { return []byte(countPrefix + c.kind) }

func (c *Coll) storedCount() (int, bool) {
	raw := c.parent.Get(c.countKey())
	if len(raw) != 8 {
		return 0, false
	}
	return int(binary.BigEndian.Uint64(raw)), true
}

// addCount moves the kept count by d, before the change it counts is made.
func (c *Coll) addCount(d int) error {
	n, ok := c.storedCount()
	if !ok {
		n = count(c.b)
	}
	return c.parent.Put(c.countKey(), binary.BigEndian.AppendUint64(nil, uint64(n+d)))
}

// count is the number of keys of b. Stats reads the pages on disk, which is quick but does
// not see what a write transaction has changed, so writable buckets are walked instead.
func count(b *bolt.Bucket) int {
	if b == nil {
		return 0
	}
	if !b.Tx().Writable() {
		return b.Stats().KeyN
	}
	n := 0
	cur := b.Cursor()
	for k, _ := cur.First(); k != nil; k, _ = cur.Next() {
		n++
	}
	return n
}

// ForEach calls fn for every record in key order until fn returns an error.
func (c *Coll) ForEach(fn func(key, raw []byte) error) error {
	if c.b == nil {
		return nil
	}
	return c.b.ForEach(fn)
}

// Page calls fn for at most limit records in key order, skipping the first offset.
func (c *Coll) Page(offset, limit int, fn func(key, raw []byte) error) error {
	if c.b == nil || limit <= 0 {
		return nil
	}
	cur := c.b.Cursor()
	k, v := c.seek(cur, offset)
	for n := 0; k != nil && n < limit; n++ {
		if err := fn(k, v); err != nil {
			return err
		}
		k, v = cur.Next()
	}
	return nil
}

// seek puts cur on the record at position offset. In a collection of integer ids without
// gaps (as many records as ids from the first to the last) that is one seek; otherwise the
// cursor steps over the keys before it.
func (c *Coll) seek(cur *bolt.Cursor, offset int) ([]byte, []byte) {
	k, v := cur.First()
	if k == nil || offset <= 0 {
		return k, v
	}
	if last, _ := cur.Last(); len(k) == 8 && len(last) == 8 {
		lo, hi := IDOf(k), IDOf(last)
		if n := c.Count(); hi >= lo && hi-lo+1 == uint64(n) {
			if offset >= n {
				return nil, nil
			}
			want := ID(lo + uint64(offset))
			if k, v := cur.Seek(want); bytes.Equal(k, want) {
				return k, v
			}
		}
	}
	k, v = cur.First()
	for i := 0; k != nil && i < offset; i++ {
		k, v = cur.Next()
	}
	return k, v
}

// Index maps unique keys to values (usually record keys), for look-ups other than by id.
type Index struct {
	b    *bolt.Bucket
	name string
}

// Index returns one of a provider's unique indexes.
func (t *Tx) Index(provider, name string) *Index {
	return &Index{b: t.bucket(provider, indexPrefix+name), name: provider + "/" + name}
}

// Get returns the value at key, or nil.
func (i *Index) Get(key []byte) []byte {
	if i.b == nil {
		return nil
	}
	return i.b.Get(key)
}

// Put sets key to value, or returns ErrExists when key is taken by another value.
func (i *Index) Put(key, value []byte) error {
	if old := i.b.Get(key); old != nil && string(old) != string(value) {
		return fmt.Errorf("%s %q: %w", i.name, key, ErrExists)
	}
	return i.b.Put(key, value)
}

// Delete removes key.
func (i *Index) Delete(key []byte) error { return i.b.Delete(key) }

// Count is the number of keys.
func (i *Index) Count() int { return count(i.b) }

// Set is a multi-valued index: each key holds a set of members kept in order.
type Set struct {
	b *bolt.Bucket
}

// Set returns one of a provider's multi-valued indexes.
func (t *Tx) Set(provider, name string) *Set {
	return &Set{b: t.bucket(provider, setPrefix+name)}
}

// Add puts member into key's set.
func (s *Set) Add(key, member []byte) error {
	b, err := s.b.CreateBucketIfNotExists(key)
	if err != nil {
		return err
	}
	return b.Put(member, []byte{})
}

// Remove takes member out of key's set; an emptied set is dropped.
func (s *Set) Remove(key, member []byte) error {
	b := s.b.Bucket(key)
	if b == nil {
		return nil
	}
	if err := b.Delete(member); err != nil {
		return err
	}
	if k, _ := b.Cursor().First(); k == nil {
		return s.b.DeleteBucket(key)
	}
	return nil
}

// Members calls fn for each member of key's set, in order, skipping the first offset and
// stopping after limit (limit < 0: no limit).
func (s *Set) Members(key []byte, offset, limit int, fn func(member []byte) error) error {
	if s.b == nil {
		return nil
	}
	b := s.b.Bucket(key)
	if b == nil {
		return nil
	}
	cur := b.Cursor()
	k, _ := cur.First()
	for i := 0; k != nil && i < offset; i++ {
		k, _ = cur.Next()
	}
	for n := 0; k != nil && (limit < 0 || n < limit); n++ {
		if err := fn(k); err != nil {
			return err
		}
		k, _ = cur.Next()
	}
	return nil
}

// Len is the size of key's set.
func (s *Set) Len(key []byte) int {
	if s.b == nil {
		return 0
	}
	return count(s.b.Bucket(key))
}
