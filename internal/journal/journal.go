// Package journal keeps the requests a world received, newest last, in a bounded ring.
package journal

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	// Leniency says what the request relied on that a real panel might refuse (the answer's
	// Panelsim-Warning headers), if anything.
	Leniency string `json:"leniency,omitempty"`
	// Exchange is the request's and the answer's bodies, when asked for (Filter.Bodies) and
	// still kept; see Bodies.
	Exchange *Exchange `json:"exchange,omitempty"`
}

// MaxField is the most an entry keeps of its path or its query; the rest is cut off and
// counted, so that a client sending huge URLs cannot grow the journal without bound.
const MaxField = 1024

// Filter selects entries; zero fields match everything.
type Filter struct {
	Method   string
	Path     string // substring of the path
	Status   int
	Provider string
	// After and Before page by sequence number: only entries numbered above After, or below
	// Before.
	After, Before uint64
	// Limit is how many entries a page holds: the oldest Limit after After when After is
	// set, else the newest Limit. Zero means all.
	Limit int
	// Bodies fills each entry's Exchange, where it is still kept.
	Bodies bool
}

// Journal is safe for concurrent use. Its ring grows as entries come, up to its size, so a
// world that is never used costs nothing.
type Journal struct {
	mu      sync.Mutex
	size    int
	entries []Entry
	next    int // ring position of the next write, once the ring is full
	seq     uint64
	bodies  *Bodies // where the entries' exchanges are kept (nil: nowhere)
	// watchers counts who follows the journal as it grows (event streams, the dashboard):
	// exchanges are kept while someone does (see Watched).
	watchers atomic.Int32
}

// New keeps at most size entries (size <= 0 means 1000), and their exchanges in bodies
// (shared by every world's journal; nil keeps none).
func New(size int, bodies *Bodies) *Journal {
	if size <= 0 {
		size = 1000
	}
	return &Journal{size: size, bodies: bodies}
}

// KeepsBodies reports whether the journal keeps exchanges (Add's x is wasted otherwise).
func (j *Journal) KeepsBodies() bool { return j.bodies != nil }

// Watch records that someone follows the journal until the returned func is called.
func (j *Journal) Watch() (stop func()) {
	j.watchers.Add(1)
	var once sync.Once
	return func() { once.Do(func() { j.watchers.Add(-1) }) }
}

// Watched reports whether someone follows the journal now.
func (j *Journal) Watched() bool { return j.watchers.Load() > 0 }

// Add records e, numbering it, and x (when not nil) as its exchange. Its path and query are
// cut to MaxField and secret-looking query parameters are redacted. Method, path and query
// are copied: as the server parses them they share the memory of the whole request line,
// which the journal must not keep alive.
func (j *Journal) Add(e Entry, x *Exchange) {
	e.Method = clip(e.Method)
	e.Path = clip(e.Path)
	e.Query = clip(Redact(e.Query))
	e.Exchange = nil
	j.mu.Lock()
	j.seq++
	e.Seq = j.seq
	if len(j.entries) < j.size {
		j.entries = append(j.entries, e)
	} else {
		j.entries[j.next] = e
		j.next = (j.next + 1) % j.size
	}
	j.mu.Unlock()
	if x != nil && j.bodies != nil {
		j.bodies.keep(bodyKey{j, e.Seq}, *x)
	}
}

func clip(s string) string {
	if len(s) <= MaxField {
		return strings.Clone(s)
	}
	return s[:MaxField] + "…(" + strconv.Itoa(len(s)-MaxField) + " more bytes)"
}

// secretParams are query parameters whose values the journal never keeps.
var secretParams = []string{"token", "api_token", "apitoken", "access_token", "key", "api_key", "apikey", "secret", "password", "passwd", "signature"}

// Redact replaces the values of secret-looking query parameters with "REDACTED".
func Redact(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	parts := strings.Split(rawQuery, "&")
	changed := false
	for i, part := range parts {
		name, _, hasValue := strings.Cut(part, "=")
		if !hasValue {
			continue
		}
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if isSecret(name) {
			parts[i] = part[:strings.IndexByte(part, '=')+1] + "REDACTED"
			changed = true
		}
	}
	if !changed {
		return rawQuery
	}
	return strings.Join(parts, "&")
}

func isSecret(name string) bool {
	name = strings.ToLower(name)
	for _, s := range secretParams {
		if name == s || strings.HasSuffix(name, "_"+s) || strings.HasSuffix(name, "["+s+"]") {
			return true
		}
	}
	return false
}

// Page is a list of entries, oldest first, and whether more match beyond it in the
// direction of paging.
type Page struct {
	Entries []Entry `json:"entries"`
	More    bool    `json:"more"`
}

// List returns a page of the matching entries, oldest first.
func (j *Journal) List(f Filter) Page {
	j.mu.Lock()
	ordered := make([]Entry, 0, len(j.entries))
	ordered = append(ordered, j.entries[j.next:]...)
	ordered = append(ordered, j.entries[:j.next]...)
	j.mu.Unlock()
	out := ordered[:0] // filtered in place: ordered is this call's own copy
	for _, e := range ordered {
		if f.matches(e) {
			out = append(out, e)
		}
	}
	p := Page{Entries: out}
	if f.Limit > 0 && len(out) > f.Limit {
		p.More = true
		if f.After > 0 {
			p.Entries = out[:f.Limit]
		} else {
			p.Entries = out[len(out)-f.Limit:]
		}
	}
	if f.Bodies && j.bodies != nil {
		for i := range p.Entries {
			if x, ok := j.bodies.get(bodyKey{j, p.Entries[i].Seq}); ok {
				p.Entries[i].Exchange = x.masked()
			}
		}
	}
	return p
}

func (f Filter) matches(e Entry) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, e.Method)) &&
		(f.Path == "" || strings.Contains(e.Path, f.Path)) &&
		(f.Status == 0 || f.Status == e.Status) &&
		(f.Provider == "" || f.Provider == e.Provider) &&
		(f.After == 0 || e.Seq > f.After) &&
		(f.Before == 0 || e.Seq < f.Before)
}

// Clear forgets every entry and gives the ring's memory back; numbering goes on.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries, j.next = nil, 0
}
