package world

import (
	"fmt"
	"testing"
)

// TestAnswerCacheStaysWithinItsBudget: past the budget the oldest answers go, the newest stay,
// and an answer is served only under the stamp it was kept with.
func TestAnswerCacheStaysWithinItsBudget(t *testing.T) {
	const budget = 1 << 20
	c := newAnswerCache(budget)
	body := make([]byte, 1000)
	at := Stamp{rev: 1, sec: 5}
	for i := 0; i < 5000; i++ {
		c.put(fmt.Sprint("k", i), at, Answer{Status: 200, Body: body})
	}
	total, n := 0, 0
	for i := range c.shards {
		total += c.shards[i].bytes
		n += len(c.shards[i].m)
		if c.shards[i].bytes > c.shards[i].budget {
			t.Fatalf("shard %d holds %d bytes, budget %d", i, c.shards[i].bytes, c.shards[i].budget)
		}
		if len(c.shards[i].order)-c.shards[i].head < len(c.shards[i].m) {
			t.Fatalf("shard %d lost track of its keys", i)
		}
	}
	if total > budget || n < 500 {
		t.Fatalf("%d answers in %d bytes", n, total)
	}
	if _, ok := c.get("k4999", at); !ok {
		t.Fatal("the newest answer is gone")
	}
	if _, ok := c.get("k0", at); ok {
		t.Fatal("the oldest answer is still there")
	}
	if _, ok := c.get("k4999", Stamp{rev: 2, sec: 5}); ok {
		t.Fatal("an answer served after its world moved on")
	}
	if _, ok := c.get("k4999", Stamp{rev: 1, sec: 6}); ok {
		t.Fatal("an answer served a second later")
	}
	c.put("huge", at, Answer{Body: make([]byte, budget)})
	if _, ok := c.get("huge", at); ok {
		t.Fatal("an answer larger than a shard's share was kept")
	}
}
