// Package sim is the simulator: it owns the store, the worlds and their clocks, the
// providers and their listeners. Nothing in it is package-level state, so several
// simulators can run side by side in one process.
package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/fixtures"
	"github.com/panelsim/panelsim/internal/journal"
	"github.com/panelsim/panelsim/internal/metrics"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/e24cloud"
	"github.com/panelsim/panelsim/internal/routes/openscaler"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/routes/tenantos/accounts"
	"github.com/panelsim/panelsim/internal/routes/tenantos/agents"
	"github.com/panelsim/panelsim/internal/routes/tenantos/branding"
	"github.com/panelsim/panelsim/internal/routes/tenantos/comments"
	"github.com/panelsim/panelsim/internal/routes/tenantos/devices"
	"github.com/panelsim/panelsim/internal/routes/tenantos/inventory"
	"github.com/panelsim/panelsim/internal/routes/tenantos/network"
	"github.com/panelsim/panelsim/internal/routes/tenantos/pxe"
	"github.com/panelsim/panelsim/internal/routes/tenantos/servers"
	"github.com/panelsim/panelsim/internal/routes/tenantos/system"
	"github.com/panelsim/panelsim/internal/routes/tenantos/vps"
	"github.com/panelsim/panelsim/internal/routes/virtfusion"
	"github.com/panelsim/panelsim/internal/scenarios"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// Simulator is one running panelsim.
type Simulator struct {
	opts      Options
	log       *slog.Logger
	store     *state.Store
	worlds    *world.Registry
	providers []provider.Provider
	handlers  map[string]*echo.Echo
	scenarios *scenarios.Engine
	closing   chan struct{}    // closed when the simulator stops: hung requests let go
	conns     *connLimiter     // bounds the connections of every listener together
	metrics   *metrics.Metrics // nil under NoMetrics
	// bodies keeps the request and answer bodies of the newest journal entries (nil: none).
	bodies *journal.Bodies
	// importCheck says what a world document may hold here: these providers and task kinds.
	importCheck state.ImportCheck

	mu      sync.Mutex
	servers []*http.Server
	urls    map[string]string
	cancel  context.CancelFunc
	// endRequests cancels the context of every request when the simulator closes, so that
	// answers that wait on a world's clock (event streams, a synchronous shutdown) end
	// instead of holding the listeners open.
	endRequests context.CancelFunc
	done        chan struct{}
	closed      bool
}

// New opens the store, loads the providers and declares the tokens' worlds. It does not
// listen yet: see Start, or use Handler.
func New(opts Options) (*Simulator, error) {
	if opts.DataPath == "" {
		return nil, errors.New("no data file")
	}
	opts = opts.withDefaults()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	fx, err := fixtures.Open(opts.FixturesDir)
	if err != nil {
		return nil, err
	}
	common, err := fixtures.LoadWorld(fx)
	if err != nil {
		return nil, err
	}
	s := &Simulator{opts: opts, log: log, handlers: map[string]*echo.Echo{}, urls: map[string]string{}, closing: make(chan struct{}),
		conns: newConnLimiter(opts.MaxConns)}
	s.metrics = s.newMetrics()
	// The providers load their documents side by side: most of start-up is parsing them.
	var (
		vf  *virtfusion.Provider
		tn  *tenantos.Provider
		e24 *e24cloud.Provider
		osc *openscaler.Provider
		wg  sync.WaitGroup
	)
	errs := make([]error, 4)
	for i, build := range []func() error{
		func() (err error) { vf, err = virtfusion.New(fx, log); return err },
		// API tokens made through Tenantos' API open the world they were made in, for
		// Tenantos only.
		func() (err error) {
			tn, err = tenantos.New(fx, tenantos.Config{
				Alias:  func(token string, w *world.World) error { return s.worlds.Alias(token, w, tenantos.Name) },
				Forget: func(token string) error { return s.worlds.Forget(token) },
				// Secrets of routes outside the document (the hardware-detection callback):
				// scopes of Tenantos' own, never Everything or a provider's name.
				AliasScoped: func(token string, w *world.World, scope string) error {
					if !strings.HasPrefix(scope, tenantos.Name+"-") {
						return fmt.Errorf("tenantos: scope %q is not one of the provider's own", scope)
					}
					return s.worlds.Alias(token, w, scope)
				},
			}, log, accounts.Routes, servers.Routes, network.Routes, vps.Routes,
				inventory.Routes, devices.Routes, pxe.Routes, agents.Routes, comments.Routes, branding.Routes, system.Routes)
			return err
		},
		// API keys made through e24cloud's API open the world they were made in, for
		// e24cloud only.
		func() (err error) {
			e24, err = e24cloud.New(fx, e24cloud.Config{Keys: opts.E24Keys, Skew: opts.E24Skew, Wall: opts.Wall,
				Alias:  func(token string, w *world.World) error { return s.worlds.Alias(token, w, e24cloud.Name) },
				Forget: func(token string) error { return s.worlds.Forget(token) },
			}, log)
			return err
		},
		func() (err error) { osc, err = openscaler.New(fx, log); return err },
	} {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = build() }()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s.providers = []provider.Provider{vf, tn, e24, osc}
	if s.scenarios, err = s.loadScenarios(fx); err != nil {
		return nil, err
	}
	s.scenarios.MaxPosted = opts.MaxScenarios
	s.scenarios.Persist, s.scenarios.Undoer = s.saveScenarios, s.undoFault
	s.scenarios.OnFire = s.ruleHitHook()
	s.store, err = state.Open(opts.DataPath, state.Options{NoSync: opts.NoSync, OnCommit: s.commitHook(), DecodeCache: opts.DecodeCacheMB << 20})
	if err != nil {
		return nil, err
	}
	runners := map[string]world.Runner{}
	s.importCheck = state.ImportCheck{Providers: map[string]bool{}, TaskKinds: map[string]bool{}}
	for _, p := range s.providers {
		s.importCheck.Providers[p.Name()] = true
		for kind, r := range p.Runners() {
			runners[p.Name()+"/"+kind] = s.countRuns(p.Name(), kind, r)
			s.importCheck.TaskKinds[p.Name()+"/"+kind] = true
		}
	}
	switch {
	case opts.JournalBodiesMB == 0:
		s.bodies = journal.NewBodies(DefaultJournalBodiesMB << 20)
	case opts.JournalBodiesMB > 0:
		s.bodies = journal.NewBodies(opts.JournalBodiesMB << 20)
	}
	s.worlds, err = world.NewRegistry(world.Config{
		Store: s.store, Mode: opts.Clock, Scale: opts.TimeScale, Wall: opts.Wall,
		ManualStart: common.Clock.Start, JournalSize: opts.JournalSize, JournalBodies: s.bodies, Seed: s.seed,
		Runners: runners, AnyToken: opts.AnyToken, TTL: opts.WorldTTL, Logger: log,
		AnswerBytes: opts.AnswerCacheMB << 20,
		Snapshots:   state.SnapshotLimits{Count: opts.MaxSnapshots, Bytes: opts.MaxSnapshotBytes},
		OnRemove:    s.forgetWorld,
	})
	if err != nil {
		s.store.Close()
		return nil, err
	}
	tokens := append([]string{DefaultToken}, opts.Tokens...)
	for key := range opts.E24Keys {
		tokens = append(tokens, key)
	}
	for _, t := range tokens {
		if _, err := s.worlds.Declare(t); err != nil {
			s.store.Close()
			return nil, fmt.Errorf("token %q: %w", t, err)
		}
	}
	s.loadAllScenarios()
	for _, p := range s.providers {
		e, err := s.buildEcho(p)
		if err == nil {
			err = s.serveMetrics(p, e)
		}
		if err != nil {
			s.store.Close()
			return nil, err
		}
		s.handlers[p.Name()] = e
	}
	return s, nil
}

// loadScenarios reads the scenario library of the fixtures, checked against the providers'
// domain faults.
func (s *Simulator) loadScenarios(fx fs.FS) (*scenarios.Engine, error) {
	lib, err := scenarios.LoadLibrary(fx)
	if err != nil {
		return nil, err
	}
	faults := map[string][]string{}
	for _, p := range s.providers {
		faults[p.Name()] = []string{}
		if f, ok := p.(provider.Faulter); ok {
			faults[p.Name()] = f.Faults()
		}
	}
	return scenarios.NewEngine(lib, faults)
}

// seed fills a world with one provider's fixtures (world.World.EnsureSeeded calls it).
func (s *Simulator) seed(tx *state.Tx, name string) error {
	p := s.Provider(name)
	if p == nil {
		return fmt.Errorf("seed: no provider %q", name)
	}
	if err := p.Seed(tx); err != nil {
		return fmt.Errorf("seed %s: %w", name, err)
	}
	return nil
}

// Providers lists the providers' names.
func (s *Simulator) Providers() []string {
	out := make([]string, len(s.providers))
	for i, p := range s.providers {
		out[i] = p.Name()
	}
	return out
}

// Provider is the named provider, nil when there is none.
func (s *Simulator) Provider(name string) provider.Provider {
	for _, p := range s.providers {
		if p.Name() == name {
			return p
		}
	}
	return nil
}

// Handler is a provider's HTTP handler, for serving it on a listener of one's own.
func (s *Simulator) Handler(provider string) http.Handler { return s.handlers[provider] }

// World returns (creating if needed) the world of a token.
func (s *Simulator) World(token string) (*world.World, error) { return s.worlds.Declare(token) }

// forgetWorld drops what is kept of a world outside the store: its scenarios and what
// providers keep in memory (a reset, or a world removed for want of use).
func (s *Simulator) forgetWorld(w *world.World) {
	s.scenarios.Forget(w.ID)
	for _, p := range s.providers {
		if f, ok := p.(provider.WorldForgetter); ok {
			f.ForgetWorld(w.ID)
		}
	}
}

// WorldCount is the number of worlds.
func (s *Simulator) WorldCount() int { return s.worlds.Count() }

// SweepWorlds removes the worlds unused for Options.WorldTTL now, as the background sweep
// does from time to time, and returns how many went.
func (s *Simulator) SweepWorlds() (int, error) { return s.worlds.Sweep() }

// Start opens every enabled provider's listener, serves it in the background and starts
// the clocks. It writes one URL line per listener to Options.URLWriter.
func (s *Simulator) Start() error {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	reqCtx, endRequests := context.WithCancel(provider.WithStopping(context.Background(), s.closing))
	s.endRequests = endRequests
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		s.worlds.Run(ctx, s.opts.TaskTick)
	}()
	tlsConf, err := s.tlsConfig()
	if err != nil {
		return err
	}
	for _, p := range s.providers {
		addr, ok := s.opts.Listen[p.Name()]
		if !ok {
			addr = DefaultAddrs[p.Name()]
		}
		if addr == Off || addr == "" {
			continue
		}
		if err := s.listen(p, addr, tlsConf, reqCtx); err != nil {
			return err
		}
	}
	return nil
}

// URL is the base URL of a provider's listener, "" when it has none.
func (s *Simulator) URL(provider string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.urls[provider]
}

// Close shuts the simulator down: it stops taking connections, ends event streams with a
// terminal event and hung requests by closing their connection, lets other requests in
// flight finish for ShutdownGrace and then closes what is left, saves every clock and closes
// the store cleanly.
func (s *Simulator) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	servers := s.servers
	close(s.closing)
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownGrace)
	defer cancel()
	var wg sync.WaitGroup
	for _, srv := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if srv.Shutdown(ctx) != nil {
				srv.Close() // the grace is over: whatever is still open is cut
			}
		}()
	}
	wg.Wait()
	if s.endRequests != nil {
		s.endRequests()
	}
	if s.cancel != nil {
		s.cancel()
		<-s.done
	}
	err := errors.Join(s.scenarios.FlushAll(), s.worlds.SaveClocks())
	return errors.Join(err, s.store.Close())
}
