package e24cloud_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// dateCase is an X-Date as some client's date library prints it.
type dateCase struct {
	name    string
	date    func(now time.Time) string
	header  string // default X-Date
	want    int
	lenient bool // accepted, but only as a leniency (Panelsim-Warning; refused under --strict)
}

func zoned(name string, offset time.Duration, layout string) func(time.Time) string {
	return func(now time.Time) string { return now.In(time.FixedZone(name, int(offset.Seconds()))).Format(layout) }
}

var dateCases = []dateCase{
	// RFC 1123 with the zones date libraries print (Go's "MST", Python's %Z, PHP's "T",
	// moment-timezone's "z"): read at their real offset.
	{"GMT (Python formatdate, PHP gmdate)", zoned("GMT", 0, time.RFC1123), "", 200, false},
	{"UTC (Go in UTC)", zoned("UTC", 0, time.RFC1123), "", 200, false},
	{"CET", zoned("CET", time.Hour, time.RFC1123), "", 200, false},
	{"CEST", zoned("CEST", 2*time.Hour, time.RFC1123), "", 200, false},
	{"JST", zoned("JST", 9*time.Hour, time.RFC1123), "", 200, false},
	{"IST, India", zoned("IST", 5*time.Hour+30*time.Minute, time.RFC1123), "", 200, false},
	{"IST, Israel", zoned("IST", 2*time.Hour, time.RFC1123), "", 200, false},
	{"IST, Ireland", zoned("IST", time.Hour, time.RFC1123), "", 200, false},
	{"AEDT", zoned("AEDT", 11*time.Hour, time.RFC1123), "", 200, false},
	{"SAST", zoned("SAST", 2*time.Hour, time.RFC1123), "", 200, false},
	{"NZDT", zoned("NZDT", 13*time.Hour, time.RFC1123), "", 200, false},
	{"EST (the documentation's zone)", zoned("EST", -5*time.Hour, time.RFC1123), "", 200, false},
	{"PDT", zoned("PDT", -7*time.Hour, time.RFC1123), "", 200, false},
	{"CST, China", zoned("CST", 8*time.Hour, time.RFC1123), "", 200, false},
	{"CST, US", zoned("CST", -6*time.Hour, time.RFC1123), "", 200, false},
	{"NPT (old tzdata)", zoned("NPT", 5*time.Hour+45*time.Minute, time.RFC1123), "", 200, false},
	{"BRT (old tzdata)", zoned("BRT", -3*time.Hour, time.RFC1123), "", 200, false},
	{"-03 (tzdata since 2017)", zoned("-03", -3*time.Hour, time.RFC1123), "", 200, false},
	{"+0530", zoned("+0530", 5*time.Hour+30*time.Minute, time.RFC1123), "", 200, false},
	{"+0545", zoned("+0545", 5*time.Hour+45*time.Minute, time.RFC1123), "", 200, false},
	{"numeric zone (Python formatdate(localtime=True), PHP date('r'))", zoned("", 2*time.Hour, time.RFC1123Z), "", 200, false},
	{"GMT+2 (Intl short names)", func(now time.Time) string {
		return now.In(time.FixedZone("", 2*3600)).Format("Mon, 02 Jan 2006 15:04:05") + " GMT+2"
	}, "", 200, false},
	{"the documentation's form", zoned("EST", -5*time.Hour, "Mon, 02 Jan 2006, 15:04:05 MST"), "", 200, false},
	{"one-digit day", zoned("GMT", 0, "Mon, 2 Jan 2006 15:04:05 MST"), "", 200, false},

	// What e24cloud does not document: accepted with a warning.
	{"ISO 8601", zoned("", 2*time.Hour, time.RFC3339), "", 200, true},
	{"JavaScript Date.toString", func(now time.Time) string {
		return now.In(time.FixedZone("", 2*3600)).Format("Mon Jan 02 2006 15:04:05 GMT-0700") + " (Central European Summer Time)"
	}, "", 200, true},
	{"RFC 850", zoned("GMT", 0, "Monday, 02-Jan-06 15:04:05 MST"), "", 200, true},
	{"asctime", zoned("UTC", 0, time.ANSIC), "", 200, true},
	{"the Date header instead of X-Date", zoned("GMT", 0, time.RFC1123), "Date", 200, true},
	{"an unknown zone name, read as UTC", zoned("XYZT", 0, time.RFC1123), "", 200, true},
	{"Windows' long zone name, read as UTC", func(now time.Time) string {
		return now.UTC().Format("Mon, 02 Jan 2006 15:04:05") + " Coordinated Universal Time"
	}, "", 200, true},

	// Refused.
	{"a zone that lies about the clock", func(now time.Time) string {
		return now.UTC().Format("Mon, 02 Jan 2006 15:04:05") + " JST"
	}, "", 401, false},
	{"an unknown zone not in UTC", zoned("XYZT", 3*time.Hour, time.RFC1123), "", 401, false},
	{"31 February", func(now time.Time) string { return "Sat, 31 Feb 2024 10:00:00 GMT" }, "", 401, false},
	{"no date at all", func(time.Time) string { return "" }, "", 401, false},
}

// TestSigningDates: an X-Date is read at the offset its zone stands for, whatever zone a
// client's date library prints; what e24cloud does not document is accepted with a
// Panelsim-Warning, and refused under --strict with e24cloud's 401 and the reason.
func TestSigningDates(t *testing.T) {
	for _, strict := range []bool{false, true} {
		var opts []simtest.Option
		if strict {
			opts = append(opts, simtest.WithStrict())
		}
		s := simtest.New(t, opts...)
		base := s.URL("e24cloud") + "/v2"
		host := strings.TrimPrefix(s.URL("e24cloud"), "http://")
		for _, tt := range dateCases {
			name := tt.name
			if strict {
				name = "strict/" + name
			}
			t.Run(name, func(t *testing.T) {
				req := signed{method: "GET", path: "/regions", key: "panelsim", secret: defaultSecret, host: host, uri: "/v2/regions",
					date: tt.date(time.Now()), dateHeader: tt.header, noDate: tt.date(time.Now()) == ""}
				status, hdr := req.send(t, base)
				want, warned := tt.want, tt.lenient
				if strict && tt.lenient {
					want, warned = 401, false
				}
				if status != want {
					t.Fatalf("%q: status %d, want %d (%s)", req.date, status, want, hdr.Get("Panelsim-Auth-Error"))
				}
				if got := hdr.Get("Panelsim-Warning") != ""; got != warned {
					t.Fatalf("%q: Panelsim-Warning %q, want one: %v", req.date, hdr.Get("Panelsim-Warning"), warned)
				}
				if strict && tt.lenient && !strings.HasPrefix(hdr.Get("Panelsim-Auth-Error"), "strict: ") {
					t.Fatalf("strict refusal says %q", hdr.Get("Panelsim-Auth-Error"))
				}
			})
		}
	}
}

// TestAuthRefusalSaysWhy: a request refused for its date or its signature gets e24cloud's
// 401, and the reason in Panelsim-Auth-Error and in the journal entry's rule; a leniency
// shows in the entry's leniency.
func TestAuthRefusalSaysWhy(t *testing.T) {
	e := newEnv(t)
	base := e.s.URL("e24cloud") + "/v2"
	host := strings.TrimPrefix(e.s.URL("e24cloud"), "http://")
	ok := signed{method: "GET", path: "/regions", key: "panelsim", secret: defaultSecret, host: host, uri: "/v2/regions"}
	for _, tt := range []struct {
		name   string
		mutate func(*signed)
		reason string
	}{
		{"stale", func(r *signed) { r.date = time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat) }, "behind the server's clock"},
		{"ahead", func(r *signed) { r.date = time.Now().Add(20 * time.Minute).UTC().Format(http.TimeFormat) }, "ahead of the server's clock"},
		{"unreadable", func(r *signed) { r.date = "yesterday" }, `X-Date "yesterday" is not a date e24cloud reads`},
		{"no date", func(r *signed) { r.noDate = true }, "no X-Date header"},
		{"wrong secret", func(r *signed) { r.secret = "nope" }, "the signature does not match"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e.c.Control("DELETE", "/_sim/journal", nil).Expect(t, 204)
			r := ok
			r.date = time.Now().UTC().Format(http.TimeFormat)
			tt.mutate(&r)
			status, hdr := r.send(t, base)
			if status != 401 || !strings.Contains(hdr.Get("Panelsim-Auth-Error"), tt.reason) {
				t.Fatalf("status %d, reason %q, want one with %q", status, hdr.Get("Panelsim-Auth-Error"), tt.reason)
			}
			j := e.c.Control("GET", "/_sim/journal", nil).Expect(t, 200)
			if j.Len("entries") != 1 || j.Int("entries", 0, "status") != 401 ||
				!strings.HasPrefix(j.String("entries", 0, "rule"), "e24cloud-auth: ") || !strings.Contains(j.String("entries", 0, "rule"), tt.reason) {
				t.Fatalf("journal: %v", j)
			}
		})
	}
	t.Run("leniency in the journal", func(t *testing.T) {
		e.c.Control("DELETE", "/_sim/journal", nil).Expect(t, 204)
		r := ok
		r.date, r.dateHeader = time.Now().UTC().Format(http.TimeFormat), "Date"
		if status, hdr := r.send(t, base); status != 200 || !strings.Contains(hdr.Get("Panelsim-Warning"), "X-Date") {
			t.Fatalf("status %d, warning %q", status, hdr.Get("Panelsim-Warning"))
		}
		j := e.c.Control("GET", "/_sim/journal", nil).Expect(t, 200)
		if j.Len("entries") != 1 || !strings.Contains(j.String("entries", 0, "leniency"), "Date header") || j.Get("entries", 0, "rule") != nil {
			t.Fatalf("journal: %v", j)
		}
	})
	t.Run("unsigned", func(t *testing.T) {
		res := e.s.Client("e24cloud", "").Do("GET", "/regions", nil).Expect(t, 401)
		if !strings.Contains(res.Header.Get("Panelsim-Auth-Error"), "no Authorization header") {
			t.Fatalf("reason %q", res.Header.Get("Panelsim-Auth-Error"))
		}
	})
}

// TestSignedQuery: the path and query signed as the documentation writes it (no "?") or as
// sent both open GET /v2/accounts?limit=&offset= without a warning; the path alone is a
// leniency, refused under --strict.
func TestSignedQuery(t *testing.T) {
	for _, strict := range []bool{false, true} {
		var opts []simtest.Option
		if strict {
			opts = append(opts, simtest.WithStrict())
		}
		s := simtest.New(t, opts...)
		base := s.URL("e24cloud") + "/v2"
		host := strings.TrimPrefix(s.URL("e24cloud"), "http://")
		for _, tt := range []struct {
			uri     string
			lenient bool
		}{
			{"/v2/accountslimit=5&offset=0", false},
			{"/v2/accounts?limit=5&offset=0", false},
			{"/v2/accounts", true},
		} {
			r := signed{method: "GET", path: "/accounts?limit=5&offset=0", key: "panelsim", secret: defaultSecret, host: host, uri: tt.uri,
				date: time.Now().UTC().Format(http.TimeFormat)}
			status, hdr := r.send(t, base)
			want := 200
			if strict && tt.lenient {
				want = 401
			}
			if status != want || (hdr.Get("Panelsim-Warning") != "") != (tt.lenient && !strict) {
				t.Errorf("strict %v, signed %q: status %d, warning %q", strict, tt.uri, status, hdr.Get("Panelsim-Warning"))
			}
		}
	}
}
