package sim

import (
	"bytes"
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// connLimiter bounds the connections open on every listener of a simulator together, so
// that idle keep-alive clients cannot use up the process's descriptors. A connection over
// the bound makes room by closing the one idle longest; when every connection is busy with
// a request, the new one is closed at once.
type connLimiter struct {
	max     int
	mu      sync.Mutex
	conns   map[*trackedConn]struct{}
	refused atomic.Int64
}

func newConnLimiter(max int) *connLimiter {
	return &connLimiter{max: max, conns: map[*trackedConn]struct{}{}}
}

// admit takes c in, closing the longest idle connection when the bound is reached; it
// reports false when there is no room.
func (l *connLimiter) admit(c *trackedConn) bool {
	l.mu.Lock()
	var victim *trackedConn
	if len(l.conns) >= l.max {
		for o := range l.conns {
			if o.idle.Load() && (victim == nil || o.since.Load() < victim.since.Load()) {
				victim = o
			}
		}
		if victim == nil {
			l.mu.Unlock()
			l.refused.Add(1)
			return false
		}
		delete(l.conns, victim)
	}
	l.conns[c] = struct{}{}
	l.mu.Unlock()
	if victim != nil {
		victim.Conn.Close()
	}
	return true
}

func (l *connLimiter) forget(c *trackedConn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// connState follows the server's view of each connection: idle between requests (new ones
// count as idle until their first request), busy while serving one.
func (l *connLimiter) connState(c net.Conn, st http.ConnState) {
	if t, ok := c.(*tls.Conn); ok {
		c = t.NetConn()
	}
	tc, ok := c.(*trackedConn)
	if !ok {
		return
	}
	switch st {
	case http.StateActive:
		tc.idle.Store(false)
	case http.StateIdle:
		tc.since.Store(time.Now().UnixNano())
		tc.idle.Store(true)
	case http.StateHijacked, http.StateClosed:
		l.forget(tc)
	}
}

// limitedListener hands out tracked connections within the limiter's bound.
type limitedListener struct {
	net.Listener
	lim *connLimiter
	// tooLarge is the provider's own answer to request header fields over the server's
	// hard limit, written in place of Go's plain-text 431 (plain HTTP only: over TLS the
	// bytes are encrypted before they reach the connection).
	tooLarge []byte
}

func (l *limitedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		tc := &trackedConn{Conn: c, lim: l.lim, tooLarge: l.tooLarge}
		tc.since.Store(time.Now().UnixNano())
		tc.idle.Store(true)
		if l.lim.admit(tc) {
			return tc, nil
		}
		c.Close()
	}
}

// trackedConn is a connection the limiter counts.
type trackedConn struct {
	net.Conn
	lim      *connLimiter
	idle     atomic.Bool
	since    atomic.Int64 // wall unix ns when it last became idle
	tooLarge []byte
	wrote    atomic.Bool
}

// goTooLarge starts the answer Go's server writes itself for header fields over its limit.
var goTooLarge = []byte("HTTP/1.1 431 ")

func (c *trackedConn) Write(b []byte) (int, error) {
	if c.tooLarge != nil && !c.wrote.Load() {
		c.wrote.Store(true)
		if bytes.HasPrefix(b, goTooLarge) {
			if _, err := c.Conn.Write(c.tooLarge); err != nil {
				return 0, err
			}
			return len(b), nil
		}
	}
	return c.Conn.Write(b)
}

func (c *trackedConn) Close() error {
	c.lim.forget(c)
	return c.Conn.Close()
}
