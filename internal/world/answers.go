package world

import (
	"hash/maphash"
	"sync"
)

// Answer is an encoded answer kept for reuse while the world it came from is unchanged.
type Answer struct {
	Status      int
	ContentType string
	Body        []byte
}

// Stamp is what an answer depends on besides the request: the revision of the world's
// records and the world's time, to the second (answers show no finer time).
type Stamp struct {
	rev uint64
	sec int64
}

// Stamp is the world's stamp now. Take it before working out an answer.
func (w *World) Stamp() Stamp {
	return Stamp{rev: w.reg.cfg.Store.Rev(w.ID), sec: w.Now().Unix()}
}

// Answer is the answer kept under key when it was worked out at stamp at.
func (w *World) Answer(key string, at Stamp) (Answer, bool) {
	if w.reg.answers == nil {
		return Answer{}, false
	}
	return w.reg.answers.get(w.ID+"\x00"+key, at)
}

// KeepAnswer keeps a, worked out from the world at stamp at, under key; unless the world
// moved on meanwhile, in which case a may already be out of date and is not kept.
func (w *World) KeepAnswer(key string, at Stamp, a Answer) {
	if w.reg.answers == nil || w.Stamp() != at {
		return
	}
	w.reg.answers.put(w.ID+"\x00"+key, at, a)
}

// answerCache holds encoded answers of every world within a budget of bytes; when a shard is
// full, its oldest entries go first. Entries of a world that moved on are never served (their
// stamp no longer matches) and age out.
type answerCache struct {
	seed   maphash.Seed
	shards [answerShards]answerShard
}

const answerShards = 32

type answerShard struct {
	mu     sync.Mutex
	m      map[string]*answerEntry
	order  []string // keys in the order they were added; order[head:] are live
	head   int
	bytes  int
	budget int
}

type answerEntry struct {
	at Stamp
	a  Answer
}

func newAnswerCache(budget int) *answerCache {
	c := &answerCache{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i] = answerShard{m: map[string]*answerEntry{}, budget: budget / answerShards}
	}
	return c
}

func (c *answerCache) shard(key string) *answerShard {
	return &c.shards[maphash.String(c.seed, key)%answerShards]
}

func (c *answerCache) get(key string, at Stamp) (Answer, bool) {
	s := c.shard(key)
	s.mu.Lock()
	e := s.m[key]
	s.mu.Unlock()
	if e == nil || e.at != at {
		return Answer{}, false
	}
	return e.a, true
}

func entrySize(key string, a Answer) int { return len(key) + len(a.Body) + len(a.ContentType) + 64 }

func (c *answerCache) put(key string, at Stamp, a Answer) {
	size := entrySize(key, a)
	s := c.shard(key)
	if size > s.budget/4 {
		return // one answer may not take over a shard
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.m[key]; old != nil {
		s.bytes -= entrySize(key, old.a)
	} else {
		s.order = append(s.order, key)
	}
	s.m[key] = &answerEntry{at: at, a: a}
	s.bytes += size
	for s.bytes > s.budget && s.head < len(s.order) {
		k := s.order[s.head]
		s.order[s.head] = ""
		s.head++
		if e := s.m[k]; e != nil {
			s.bytes -= entrySize(k, e.a)
			delete(s.m, k)
		}
	}
	if s.head > len(s.order)/2 && s.head > 64 { // drop the consumed front of the queue
		s.order = append([]string(nil), s.order[s.head:]...)
		s.head = 0
	}
}
