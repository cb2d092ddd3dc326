package control_test

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

// Bodies are kept while someone follows the world's events (the dashboard), and for nobody
// else unless every world's are; none at all with no budget.
func TestBodiesKeptWhileWatched(t *testing.T) {
	s := simtest.New(t)
	c := s.Client("virtfusion", simtest.DefaultToken)
	exchange := func() any {
		t.Helper()
		c.Do("GET", "/connect", nil).Expect(t, 200)
		return c.Control("GET", "/_sim/journal?bodies=true&limit=1", nil).Expect(t, 200).Get("entries", 0, "exchange")
	}
	if x := exchange(); x != nil {
		t.Fatalf("kept for an unwatched world: %v", x)
	}
	req, _ := http.NewRequest("GET", s.URL("virtfusion")+"/_sim/events", nil)
	req.Header.Set("X-Panelsim-Token", simtest.DefaultToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rd := bufio.NewReader(res.Body)
	if line, _ := rd.ReadString('\n'); !strings.HasPrefix(line, "event: tasks") {
		t.Fatalf("stream began %q", line)
	}
	x := exchange()
	if x == nil || x.(map[string]any)["responseBody"] != "[]" {
		t.Fatalf("not kept while watched: %v", x)
	}
	res.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for exchange() != nil {
		if time.Now().After(deadline) {
			t.Fatal("still kept after the stream closed")
		}
		time.Sleep(50 * time.Millisecond)
	}

	all := simtest.New(t, simtest.WithOptions(func(o *sim.Options) { o.KeepAllBodies = true }))
	ca := all.Client("virtfusion", simtest.DefaultToken)
	ca.Do("GET", "/connect", nil).Expect(t, 200)
	if ca.Control("GET", "/_sim/journal?bodies=true&limit=1", nil).Get("entries", 0, "exchange") == nil {
		t.Fatal("not kept under KeepAllBodies")
	}
	none := simtest.New(t, simtest.WithOptions(func(o *sim.Options) { o.KeepAllBodies, o.JournalBodiesMB = true, -1 }))
	cn := none.Client("virtfusion", simtest.DefaultToken)
	cn.Do("GET", "/connect", nil).Expect(t, 200)
	if x := cn.Control("GET", "/_sim/journal?bodies=true&limit=1", nil).Get("entries", 0, "exchange"); x != nil {
		t.Fatalf("kept with no budget: %v", x)
	}
}
