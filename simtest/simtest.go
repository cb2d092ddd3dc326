// Package simtest starts a panelsim simulator inside a Go test, the way net/http/httptest
// starts a server: a temporary store, listeners on free loopback ports, a manual clock, and
// cleanup when the test ends. Every answer the simulator writes is checked against the
// provider's OpenAPI document; a departure fails the test.
//
//	s := simtest.New(t)
//	c := s.Client("virtfusion", simtest.DefaultToken)
//	res := c.Do("GET", "/connect", nil)
package simtest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/clock"
	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/internal/world"
)

// DefaultToken is the token every simulator accepts.
const DefaultToken = sim.DefaultToken

// Sim is a simulator running for one test.
type Sim struct {
	t    testing.TB
	opts sim.Options
	sim  *sim.Simulator

	mu         sync.Mutex
	violations []string
}

// Option adjusts the simulator's options before it starts.
type Option func(*sim.Options)

// WithTokens declares tokens, each with a world of its own.
func WithTokens(tokens ...string) Option {
	return func(o *sim.Options) { o.Tokens = append(o.Tokens, tokens...) }
}

// WithAnyToken gives every unknown token a fresh world.
func WithAnyToken() Option { return func(o *sim.Options) { o.AnyToken = true } }

// WithAdminToken sets the control API's admin token.
func WithAdminToken(token string) Option { return func(o *sim.Options) { o.AdminToken = token } }

// WithRealClock runs the clock in real time, scale times faster (the default is manual).
func WithRealClock(scale float64) Option {
	return func(o *sim.Options) { o.Clock, o.TimeScale = clock.Real, scale }
}

// WithStrict refuses what panelsim would otherwise accept leniently (--strict).
func WithStrict() Option { return func(o *sim.Options) { o.Strict = true } }

// WithTLS serves HTTPS with a self-signed certificate.
func WithTLS() Option { return func(o *sim.Options) { o.TLS = true } }

// WithFixtures replaces the embedded fixtures with a folder.
func WithFixtures(dir string) Option { return func(o *sim.Options) { o.FixturesDir = dir } }

// WithLogs sends the simulator's logs to the test log.
func WithLogs() Option {
	return func(o *sim.Options) { o.Logger = nil } // replaced in New by a t.Log writer
}

// WithoutResponseChecks turns off checking answers against the documents (benchmarks).
func WithoutResponseChecks() Option { return func(o *sim.Options) { o.CheckResponses = false } }

// WithSleeps makes scenario delays return at once and records each one in *slept, so a
// test can assert on them without waiting.
func WithSleeps(slept *[]time.Duration) Option {
	return func(o *sim.Options) {
		o.Sleep = func(_ context.Context, d time.Duration) error { *slept = append(*slept, d); return nil }
	}
}

// WithoutAnswerReuse keeps no encoded answers: every read is worked out afresh.
func WithoutAnswerReuse() Option { return func(o *sim.Options) { o.AnswerCacheMB = -1 } }

// WithOptions edits the raw options.
func WithOptions(f func(*sim.Options)) Option { return Option(f) }

// New starts a simulator with a store in t.TempDir(), a manual clock and every provider on a
// free loopback port. It is closed when the test ends.
func New(t testing.TB, opts ...Option) *Sim {
	t.Helper()
	s := &Sim{t: t}
	o := sim.Options{
		DataPath: filepath.Join(t.TempDir(), "panelsim.db"), Clock: clock.Manual,
		Listen: map[string]string{}, CheckResponses: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for name := range sim.DefaultAddrs {
		o.Listen[name] = "127.0.0.1:0"
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	o.OnResponseViolation = func(provider, op string, err error) {
		s.mu.Lock()
		s.violations = append(s.violations, provider+" "+op+": "+err.Error())
		s.mu.Unlock()
	}
	s.opts = o
	s.start()
	t.Cleanup(s.close)
	return s
}

func (s *Sim) start() {
	s.t.Helper()
	sm, err := sim.New(s.opts)
	if err != nil {
		s.t.Fatalf("simtest: %v", err)
	}
	if err := sm.Start(); err != nil {
		sm.Close()
		s.t.Fatalf("simtest: %v", err)
	}
	s.sim = sm
}

func (s *Sim) close() {
	if err := s.sim.Close(); err != nil {
		s.t.Errorf("simtest: close: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.violations {
		s.t.Errorf("simtest: answer departs from the OpenAPI document: %s", v)
	}
	s.violations = nil
}

// Restart stops the simulator and starts it again on the same data file (new ports), as a
// process restart would.
func (s *Sim) Restart() {
	s.t.Helper()
	if err := s.sim.Close(); err != nil {
		s.t.Fatalf("simtest: restart: %v", err)
	}
	s.start()
}

// Simulator is the running simulator.
func (s *Sim) Simulator() *sim.Simulator { return s.sim }

// URL is a provider's base URL (scheme, host and port).
func (s *Sim) URL(provider string) string { return s.sim.URL(provider) }

// World is the world of a token (created if needed), for tests that reach into state.
func (s *Sim) World(token string) *world.World {
	s.t.Helper()
	w, err := s.sim.World(token)
	if err != nil {
		s.t.Fatalf("simtest: world: %v", err)
	}
	return w
}

// Advance moves a token's world clock forward, running what falls due.
func (s *Sim) Advance(token string, d time.Duration) {
	s.t.Helper()
	if _, _, err := s.World(token).Advance(d); err != nil {
		s.t.Fatalf("simtest: advance: %v", err)
	}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
