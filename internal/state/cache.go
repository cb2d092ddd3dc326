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
	mu  sync.RWMutex
	m   map[string]*decoded
	max int
}

type decoded struct {
	raw []byte
	typ reflect.Type  // *T the caller asked for
	val reflect.Value // the decoded T
}

func newDecodeCache(max int) *decodeCache {
	return &decodeCache{m: make(map[string]*decoded), max: max}
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
	c.mu.Lock()
	if len(c.m) >= c.max {
		// Full: drop a sixteenth, taken at random (map order), so that records read across
		// many worlds keep most of what they share instead of starting over.
		drop := c.max / 16
		for k := range c.m {
			if drop--; drop < 0 {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[key] = &decoded{raw: bytes.Clone(raw), typ: rv.Type(), val: own.Elem()}
	c.mu.Unlock()
	return nil
}
