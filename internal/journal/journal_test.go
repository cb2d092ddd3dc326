package journal

import (
	"strings"
	"testing"
	"unsafe"
)

func TestRingKeepsNewest(t *testing.T) {
	j := New(3)
	for i, p := range []string{"/a", "/b", "/c", "/d"} {
		j.Add(Entry{Method: "GET", Path: p, Status: 200 + i})
	}
	got := j.List(Filter{}).Entries
	if len(got) != 3 || got[0].Path != "/b" || got[2].Path != "/d" || got[2].Seq != 4 {
		t.Fatalf("ring: %+v", got)
	}
}

func TestFilter(t *testing.T) {
	j := New(10)
	j.Add(Entry{Method: "GET", Path: "/api/v1/servers/1", Status: 200})
	j.Add(Entry{Method: "POST", Path: "/api/v1/servers", Status: 201})
	j.Add(Entry{Method: "POST", Path: "/api/v1/users", Status: 422})
	tests := []struct {
		name string
		f    Filter
		want int
	}{
		{"all", Filter{}, 3},
		{"method", Filter{Method: "post"}, 2},
		{"path", Filter{Path: "/servers"}, 2},
		{"status", Filter{Status: 422}, 1},
		{"limit", Filter{Limit: 1}, 1},
		{"none", Filter{Method: "DELETE"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := j.List(tt.f).Entries; len(got) != tt.want {
				t.Fatalf("got %d entries, want %d", len(got), tt.want)
			}
		})
	}
	j.Clear()
	if got := j.List(Filter{}).Entries; len(got) != 0 {
		t.Fatalf("after Clear: %d", len(got))
	}
}

// TestUnusedJournalCostsNothing: the ring grows with use, up to its size, and Clear gives it
// back.
func TestUnusedJournalCostsNothing(t *testing.T) {
	j := New(1000)
	if cap(j.entries) != 0 {
		t.Fatalf("a new journal holds room for %d entries", cap(j.entries))
	}
	for i := 0; i < 1500; i++ {
		j.Add(Entry{Path: "/x"})
	}
	if len(j.entries) != 1000 || j.List(Filter{}).Entries[0].Seq != 501 {
		t.Fatalf("ring of %d, oldest %d", len(j.entries), j.List(Filter{}).Entries[0].Seq)
	}
	j.Clear()
	if j.entries != nil {
		t.Fatal("Clear kept the ring")
	}
}

func TestEntriesClippedAndRedacted(t *testing.T) {
	j := New(10)
	j.Add(Entry{Path: "/" + strings.Repeat("p", 5000), Query: "a=1&token=abc&Password=x&x%5Bsecret%5D=s&user_api_key=k&keyword=fine&" + strings.Repeat("q", 5000)})
	e := j.List(Filter{}).Entries[0]
	if len(e.Path) > MaxField+40 || len(e.Query) > MaxField+40 || !strings.Contains(e.Path, "more bytes") {
		t.Fatalf("not clipped: path %d, query %d bytes", len(e.Path), len(e.Query))
	}
	for _, secret := range []string{"abc", "=x&", "=s&", "=k&"} {
		if strings.Contains(e.Query, secret) {
			t.Fatalf("%q kept in %s", secret, e.Query[:200])
		}
	}
	if !strings.Contains(e.Query, "keyword=fine") || !strings.Contains(e.Query, "a=1") {
		t.Fatalf("redaction took too much: %s", e.Query[:200])
	}
}

// TestEntriesOwnTheirStrings: the method, path and query a server parses share the memory of
// the whole request line; an entry must hold copies, or a 60 KB query stays alive through a
// three-byte method.
func TestEntriesOwnTheirStrings(t *testing.T) {
	line := "GET /api/v1/connect?junk=" + strings.Repeat("q", 60<<10)
	j := New(10)
	j.Add(Entry{Method: line[:3], Path: line[4:19], Query: line[20:]})
	e := j.List(Filter{}).Entries[0]
	within := func(s string) bool {
		p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(line)))
		return p >= lo && p < lo+uintptr(len(line))
	}
	if within(e.Method) || within(e.Path) || within(e.Query) {
		t.Fatal("an entry points into the request line it came from")
	}
}
