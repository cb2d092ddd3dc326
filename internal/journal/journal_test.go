package journal

import (
	"strings"
	"testing"
	"unsafe"
)

func TestRingKeepsNewest(t *testing.T) {
	j := New(3, nil)
	for i, p := range []string{"/a", "/b", "/c", "/d"} {
		j.Add(Entry{Method: "GET", Path: p, Status: 200 + i}, nil)
	}
	got := j.List(Filter{}).Entries
	if len(got) != 3 || got[0].Path != "/b" || got[2].Path != "/d" || got[2].Seq != 4 {
		t.Fatalf("ring: %+v", got)
	}
}

func TestFilter(t *testing.T) {
	j := New(10, nil)
	j.Add(Entry{Method: "GET", Path: "/api/v1/servers/1", Status: 200}, nil)
	j.Add(Entry{Method: "POST", Path: "/api/v1/servers", Status: 201}, nil)
	j.Add(Entry{Method: "POST", Path: "/api/v1/users", Status: 422}, nil)
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
	j := New(1000, nil)
	if cap(j.entries) != 0 {
		t.Fatalf("a new journal holds room for %d entries", cap(j.entries))
	}
	for i := 0; i < 1500; i++ {
		j.Add(Entry{Path: "/x"}, nil)
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
	j := New(10, nil)
	j.Add(Entry{Path: "/" + strings.Repeat("p", 5000), Query: "a=1&token=abc&Password=x&x%5Bsecret%5D=s&user_api_key=k&keyword=fine&" + strings.Repeat("q", 5000)}, nil)
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
	j := New(10, nil)
	j.Add(Entry{Method: line[:3], Path: line[4:19], Query: line[20:]}, nil)
	e := j.List(Filter{}).Entries[0]
	within := func(s string) bool {
		p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(line)))
		return p >= lo && p < lo+uintptr(len(line))
	}
	if within(e.Method) || within(e.Path) || within(e.Query) {
		t.Fatal("an entry points into the request line it came from")
	}
}

// Bodies are kept for the newest entries within the budget, across journals, masked when read.
func TestBodies(t *testing.T) {
	b := NewBodies(3 * (100 + 64))
	j1, j2 := New(10, b), New(10, b)
	body := func(s string) string { return s + strings.Repeat(".", 100-len(s)) }
	j1.Add(Entry{Path: "/a"}, &Exchange{Request: body("a")})
	j2.Add(Entry{Path: "/b"}, &Exchange{Request: body("b")})
	j1.Add(Entry{Path: "/c"}, &Exchange{Request: body("c")})
	j1.Add(Entry{Path: "/d"}, &Exchange{Request: body("d")}) // the first goes
	got := j1.List(Filter{Bodies: true}).Entries
	if got[0].Exchange != nil || got[1].Exchange == nil || got[2].Exchange.Request != body("d") {
		t.Fatalf("kept %+v", got)
	}
	if e := j2.List(Filter{Bodies: true}).Entries; e[0].Exchange == nil || e[0].Exchange.Request != body("b") {
		t.Fatalf("other journal: %+v", e)
	}
	if e := j1.List(Filter{}).Entries; e[2].Exchange != nil {
		t.Fatal("bodies given unasked")
	}
	if New(10, nil).KeepsBodies() || !j1.KeepsBodies() {
		t.Fatal("KeepsBodies")
	}
}

func TestMask(t *testing.T) {
	for _, tc := range []struct{ ct, in, want string }{
		{"application/json", `{"name":"a","password":"s3cr\"et","decryptedPassword":"x"}`, `{"name":"a","password":"REDACTED","decryptedPassword":"REDACTED"}`},
		{"application/json", `{"api":{"api_key":"K","secret_key":"S"},"n":1}`, `{"api":{"api_key":"REDACTED","secret_key":"REDACTED"},"n":1}`},
		{"application/json", `{"authentication":{"tokens":{"1":"abc","2":"def"}}}`, `{"authentication":{"tokens":{"1":"REDACTED","2":"REDACTED"}}}`},
		{"application/json", `{"user":"u","access_token":"abcd`, `{"user":"u","access_token":"REDACTED`},
		{"application/x-www-form-urlencoded", "user=u&password=p", "user=u&password=REDACTED"},
		{"application/json", `{"hostname":"web","tokenized":"keep"}`, `{"hostname":"web","tokenized":"keep"}`},
	} {
		if got := Mask(tc.ct, tc.in); got != tc.want {
			t.Errorf("Mask(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}
