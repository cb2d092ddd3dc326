package journal

import "testing"

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
