package state

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sync"
)

// decodeCache keeps decoded records for read-only transactions, so that a record read again
// and again (a server being polled, the hypervisor every server object embeds) is decoded
// once. An entry holds the stored bytes it was decoded from and is used only while the
// stored bytes are still exactly those, so it can never serve a stale record.
type decodeCache struct {
	mu sync.RWMutex
	m  map[string]*decoded
	// size is what the entries take, reckoned as entryCost; max bounds it.
	size, max int
}

// entryCost is what an entry is reckoned to take: its stored bytes, about as much again for
// the decoded value, and the entry itself.
func entryCost(key string, raw []byte) int { return len(key) + 2*len(raw) + 128 }

// DefaultDecodeCache is the decoded records' budget when Options.DecodeCache is 0 (the
// --decode-cache default): enough for the servers and queue items of 5,000 builds in flight.
const DefaultDecodeCache = 48 << 20

type decoded struct {
	raw []byte
	typ reflect.Type  // *T the caller asked for
	val reflect.Value // the decoded T
}

// A Cloner is a record that makes a deep copy of itself (a pointer to a new value of its
// type). Such records are kept decoded for writable transactions too: Put keeps a copy of
// what it stored when the record is new or the transaction read it to change it (not when
// the transaction seeds fixtures), and Get in a writable transaction hands out a copy of
// that, so that a record changed at every step of a job (a queue item) is not decoded again
// each time, nor a server created by one request and built by the next.
type Cloner interface {
	CloneRecord() any
}

func newDecodeCache(maxBytes int) *decodeCache {
	return &decodeCache{m: make(map[string]*decoded), max: maxBytes}
}

// getCopy decodes raw into v (a pointer to a Cloner) for a caller that may change it: a copy
// of the cached value when the cache holds the same bytes, else decoded afresh (and not kept:
// the caller's Put will keep what it stores).
func (c *decodeCache) getCopy(key string, raw []byte, v Cloner) error {
	rv := reflect.ValueOf(v)
	c.mu.RLock()
	e := c.m[key]
	c.mu.RUnlock()
	if e != nil && e.typ == rv.Type() && bytes.Equal(e.raw, raw) {
		rv.Elem().Set(reflect.ValueOf(e.val.Addr().Interface().(Cloner).CloneRecord()).Elem())
		return nil
	}
	return json.Unmarshal(raw, v)
}

// keep caches v (a pointer to a Cloner) as the decoded value of raw, as a copy; raw must not
// change afterwards.
func (c *decodeCache) keep(key string, raw []byte, v Cloner) {
	own := reflect.ValueOf(v.CloneRecord())
	c.add(key, &decoded{raw: raw, typ: reflect.TypeOf(v), val: own.Elem()})
}

// add caches e at key, making room when the cache is full.
func (c *decodeCache) add(key string, e *decoded) {
	cost := entryCost(key, e.raw)
	if cost > c.max/16 {
		return // a record that large would push out too much
	}
	c.mu.Lock()
	if old := c.m[key]; old != nil {
		c.size -= entryCost(key, old.raw)
	}
	if c.size+cost > c.max {
		// Full: drop a sixteenth, taken at random (map order), so that records read across
		// many worlds keep most of what they share instead of starting over.
		target := c.max - c.max/16
		for k, old := range c.m {
			if c.size+cost <= target {
				break
			}
			c.size -= entryCost(k, old.raw)
			delete(c.m, k)
		}
	}
	c.m[key] = e
	c.size += cost
	c.mu.Unlock()
}

// get decodes raw into v (a pointer), from the cache when it holds the same bytes. The value
// handed out shares slices and maps with the cached one: read-only transactions must not
// change what they read in place.
func (c *decodeCache) get(key string, raw []byte, v any) error {
	rv := reflect.ValueOf(v)
	c.mu.RLock()
	e := c.m[key]
	c.mu.RUnlock()
	if e != nil && e.typ == rv.Type() && bytes.Equal(e.raw, raw) {
		rv.Elem().Set(e.val)
		return nil
	}
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return json.Unmarshal(raw, v)
	}
	// Decoded once, into a value of the cache's own; the caller gets it as it would from a
	// later hit, sharing its slices and maps (read-only, see above).
	own := reflect.New(rv.Type().Elem())
	if err := json.Unmarshal(raw, own.Interface()); err != nil {
		return err
	}
	rv.Elem().Set(own.Elem())
	c.add(key, &decoded{raw: bytes.Clone(raw), typ: rv.Type(), val: own.Elem()})
	return nil
}
