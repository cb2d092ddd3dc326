package tenantos

import (
	"bytes"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// The access log (GET /api/users/{user_id}/accesslog) records every API call of a world:
// who made it, what it sent and what it got. It is kept in memory, per world, in a ring of
// accessLogSize entries with bodies cut to accessBodySize bytes, so that reads cost no write;
// it starts empty after a restart.
const (
	accessLogSize  = 200
	accessBodySize = 512
)

// Access is one entry of the access log.
type Access struct {
	ID         int64
	UserID     int64
	Request    string
	Response   string
	Endpoint   string
	Method     string
	StatusCode int
	IP         string
	UserAgent  string
	Created    time.Time
}

// accessLog is the rings of every world.
type accessLog struct {
	mu     sync.Mutex
	worlds map[string]*accessRing
}

type accessRing struct {
	entries []Access
	next    int
	seq     int64
}

func (l *accessLog) add(world string, a Access) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.worlds == nil {
		l.worlds = map[string]*accessRing{}
	}
	r := l.worlds[world]
	if r == nil {
		r = &accessRing{}
		l.worlds[world] = r
	}
	r.seq++
	a.ID = r.seq
	if len(r.entries) < accessLogSize {
		r.entries = append(r.entries, a)
		return
	}
	r.entries[r.next] = a
	r.next = (r.next + 1) % accessLogSize
}

// list returns the newest entries of one user, newest first, at most limit (0: all).
func (l *accessLog) list(world string, userID int64, limit int) []Access {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.worlds[world]
	if r == nil {
		return nil
	}
	var out []Access
	for i := len(r.entries) - 1; i >= 0; i-- {
		a := r.entries[(r.next+i)%len(r.entries)]
		if a.UserID == userID {
			out = append(out, a)
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out
}

// AccessLog lists the newest calls one user made in a world, newest first, at most limit
// (0: all that are kept), with their secrets masked (the ring keeps what was sent, so that
// recording costs a request nothing; nothing reads it but this).
func (p *Provider) AccessLog(world string, userID int64, limit int) []Access {
	out := p.access.list(world, userID, limit)
	for i := range out {
		out[i].Request, out[i].Response = Redact(out[i].Request), Redact(out[i].Response)
	}
	return out
}

// forget drops a world's ring (a reset).
func (l *accessLog) forget(world string) {
	l.mu.Lock()
	delete(l.worlds, world)
	l.mu.Unlock()
}

// capture keeps the beginning of an answer for the access log.
type capture struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *capture) Write(b []byte) (int, error) {
	if room := accessBodySize - w.body.Len(); room > 0 {
		w.body.Write(b[:min(room, len(b))])
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *capture) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// reusable are the reads whose answers depend on nothing but the world, the URL, the clock
// and the caller: kept while the world is unchanged (provider.Reused), inside handle so that
// the access log still records every call.
var reusable = provider.ReusableOps{"getServer": true, "listServers": true}

// handle wraps every operation's handler: it finds who the request acts as, runs the
// handler (its answer through the filter Authorize set, if any: see access_core.go), records
// the call in the access log and, at most once a minute of the world's clock, the token's
// last use.
func (p *Provider) handle(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		w := provider.World(c)
		var who *Caller
		err := w.View(func(tx *state.Tx) error {
			var err error
			who, err = p.resolveCaller(c, tx, w)
			return err
		})
		if err != nil {
			if err == ErrUnauthenticated {
				return p.Unauthorized(c)
			}
			return err
		}
		c.Set(keyCaller, who)
		if p.Hooks.Authorize != nil {
			if err := p.Hooks.Authorize(c, who); err != nil {
				return err
			}
		}
		cw := &capture{ResponseWriter: c.Response().Writer}
		c.Response().Writer = cw
		fb := startFilter(c) // nil unless Authorize set an answer filter
		if c.Request().Method == http.MethodGet && reusable[provider.Operation(c)] {
			// Kept per caller: the token, whom it impersonates and from where.
			err = provider.Reused(c, who.Hash+"\x00"+c.Request().Header.Get(ImpersonateHeader)+"\x00"+ClientIP(c), func() error { return h(c) })
		} else {
			err = h(c)
		}
		if err != nil && !c.Response().Committed {
			p.WriteError(c, err)
		}
		fb.finish()
		req := c.Request()
		now := w.Now()
		p.access.add(w.ID, Access{UserID: who.Real.ID, Request: Clip(string(provider.Input(c).BodyJSON), accessBodySize),
			Response: cw.body.String(), Endpoint: req.URL.Path, Method: req.Method, StatusCode: c.Response().Status,
			IP: ClientIP(c), UserAgent: Clip(req.UserAgent(), 256), Created: now})
		if t := who.Token; t != nil && (t.LastUsed == nil || now.Sub(*t.LastUsed) > time.Minute) {
			if err := w.Update(func(tx *state.Tx) error {
				cur, err := Tokens.Get(tx, t.ID)
				if err != nil {
					return nil // deleted meanwhile
				}
				cur.LastUsed = &now
				return Tokens.Put(tx, cur.ID, cur)
			}); err != nil {
				p.Log.Error("token last use", "world", w.ID, "err", err)
			}
		}
		return nil
	}
}

// secretField matches a JSON string member whose name says it holds a secret: passwords
// (rootpassword, apiPassword, mysql_password …), tokens (an API token shown once, an SSO
// authToken, a console token), secrets and two-factor codes. It works on cut JSON too.
var secretField = regexp.MustCompile(`"((?i:[a-z_]*password|token|authToken|secret|two_factor_code|code))"(\s*:\s*)"(?:[^"\\]|\\.)*"?`)

// Redacted is what the logs show instead of a secret.
const Redacted = "********"

// Redact masks the secrets of a JSON text (a request body, an answer) for the access and
// activity logs, which whoever manages the user can read through the API.
func Redact(s string) string {
	return secretField.ReplaceAllString(s, `"$1"$2"`+Redacted+`"`)
}

// Clip cuts s to n bytes.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
