// Package journal keeps the requests a world received, newest last, in a bounded ring.
package journal

import (
	"strings"
	"sync"
	"time"
)

// Entry is one request and its answer.
type Entry struct {
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`     // the world's virtual time
	WallTime  time.Time `json:"wallTime"` // the host's time
	Provider  string    `json:"provider"`
	Operation string    `json:"operation,omitempty"`
	Method    string    `json:"method"`
	Path      string    `json:"path"`
	Query     string    `json:"query,omitempty"`
	Status    int       `json:"status"`
	Millis    float64   `json:"durationMs"`
	// Rule names the scenario rule that answered or changed the request, if one did.
	Rule string `json:"rule,omitempty"`
}

// Filter selects entries; zero fields match everything.
type Filter struct {
	Method   string
	Path     string // substring of the path
	Status   int
	Provider string
	Limit    int // newest Limit entries
}

// Journal is safe for concurrent use.
type Journal struct {
	mu      sync.Mutex
	entries []Entry
	next    int // ring position of the next write
	full    bool
	seq     uint64
}

// New keeps at most size entries (size <= 0 means 1000).
func New(size int) *Journal {
	if size <= 0 {
		size = 1000
	}
	return &Journal{entries: make([]Entry, size)}
}

// Add records e, numbering it.
func (j *Journal) Add(e Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	j.entries[j.next] = e
	j.next++
	if j.next == len(j.entries) {
		j.next, j.full = 0, true
	}
}

// List returns the matching entries, oldest first.
func (j *Journal) List(f Filter) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	var ordered []Entry
	if j.full {
		ordered = append(ordered, j.entries[j.next:]...)
	}
	ordered = append(ordered, j.entries[:j.next]...)
	out := make([]Entry, 0, len(ordered))
	for _, e := range ordered {
		if f.matches(e) {
			out = append(out, e)
		}
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return out
}

func (f Filter) matches(e Entry) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, e.Method)) &&
		(f.Path == "" || strings.Contains(e.Path, f.Path)) &&
		(f.Status == 0 || f.Status == e.Status) &&
		(f.Provider == "" || f.Provider == e.Provider)
}

// Clear forgets every entry; numbering goes on.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.entries)
	j.next, j.full = 0, false
}
