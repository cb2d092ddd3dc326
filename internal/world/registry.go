package world

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/panelsim/panelsim/internal/clock"
	"github.com/panelsim/panelsim/internal/journal"
	"github.com/panelsim/panelsim/internal/state"
)

// Config is what a Registry needs.
type Config struct {
	Store *state.Store
	Mode  clock.Mode
	Scale float64
	Wall  clock.Wall
	// ManualStart is where a new world's clock starts in manual mode (real mode starts at the
	// wall clock's time).
	ManualStart time.Time
	JournalSize int
	// Seed fills a new world with the fixtures of every provider.
	Seed func(*state.Tx) error
	// Runners carry out tasks, keyed "provider/kind".
	Runners map[string]Runner
	// AnyToken gives every unknown token a fresh world instead of refusing it.
	AnyToken bool
	Logger   *slog.Logger
}

// Registry maps tokens to worlds.
type Registry struct {
	cfg     Config
	mu      sync.RWMutex
	byToken map[string]*World
}

// NewRegistry loads the worlds already in the store.
func NewRegistry(cfg Config) (*Registry, error) {
	if cfg.Wall == nil {
		cfg.Wall = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	r := &Registry{cfg: cfg, byToken: map[string]*World{}}
	tokens, err := cfg.Store.Tokens()
	if err != nil {
		return nil, err
	}
	byID := map[string]*World{} // several tokens may share a world
	for token, id := range tokens {
		info, err := cfg.Store.World(id)
		if err != nil {
			return nil, fmt.Errorf("load world of token %q: %w", token, err)
		}
		w := byID[id]
		if w == nil {
			w = r.newWorld(info)
			if err := w.reloadNextDue(); err != nil {
				return nil, err
			}
			byID[id] = w
		}
		r.byToken[token] = w
	}
	return r, nil
}

func (r *Registry) newWorld(info state.WorldInfo) *World {
	w := &World{
		ID:      info.ID,
		Token:   info.Token,
		Clock:   clock.New(r.cfg.Mode, r.cfg.Scale, info.Clock, r.cfg.Wall),
		Journal: journal.New(r.cfg.JournalSize),
		reg:     r,
		changed: make(chan struct{}),
	}
	w.nextDue.Store(noTask)
	return w
}

func (r *Registry) startTime() time.Time {
	if r.cfg.Mode == clock.Manual && !r.cfg.ManualStart.IsZero() {
		return r.cfg.ManualStart.UTC()
	}
	return r.cfg.Wall().UTC().Truncate(time.Second)
}

// Declare returns the world of token, creating and seeding it when it is new.
func (r *Registry) Declare(token string) (*World, error) {
	if token == "" {
		return nil, fmt.Errorf("empty token")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if w := r.byToken[token]; w != nil {
		return w, nil
	}
	now := r.cfg.Wall().UTC()
	info, err := r.cfg.Store.CreateWorld(token, state.WorldInfo{Created: now, Clock: r.startTime()}, r.cfg.Seed)
	if err != nil {
		return nil, err
	}
	w := r.newWorld(info)
	if err := w.reloadNextDue(); err != nil {
		return nil, err
	}
	r.byToken[token] = w
	r.cfg.Logger.Info("world created", "world", info.ID)
	return w, nil
}

// Alias lets token reach world w too (e.g. an API key created through a provider's API).
func (r *Registry) Alias(token string, w *World) error {
	if token == "" {
		return fmt.Errorf("empty token")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if other := r.byToken[token]; other != nil && other != w {
		return fmt.Errorf("token belongs to another world")
	}
	if err := r.cfg.Store.AddToken(token, w.ID); err != nil {
		return err
	}
	r.byToken[token] = w
	return nil
}

// Forget drops a token; the world stays reachable through its other tokens.
func (r *Registry) Forget(token string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.cfg.Store.RemoveToken(token); err != nil {
		return err
	}
	delete(r.byToken, token)
	return nil
}

// Lookup finds the world of token. Unknown tokens get a fresh world when AnyToken is set.
func (r *Registry) Lookup(token string) (*World, bool) {
	if token == "" {
		return nil, false
	}
	r.mu.RLock()
	w := r.byToken[token]
	r.mu.RUnlock()
	if w != nil {
		return w, true
	}
	if !r.cfg.AnyToken {
		return nil, false
	}
	w, err := r.Declare(token)
	if err != nil {
		r.cfg.Logger.Error("create world", "err", err)
		return nil, false
	}
	return w, true
}

// Worlds lists every world once, ordered by id.
func (r *Registry) Worlds() []*World {
	r.mu.RLock()
	seen := map[*World]bool{}
	out := make([]*World, 0, len(r.byToken))
	for _, w := range r.byToken {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Run drives real-mode clocks until ctx ends: it runs tasks as they fall due and saves
// clocks now and then. In manual mode it only returns when ctx ends.
func (r *Registry) Run(ctx context.Context, tick time.Duration) {
	if r.cfg.Mode == clock.Manual {
		<-ctx.Done()
		return
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	lastSave := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		save := time.Since(lastSave) > 5*time.Second
		for _, w := range r.Worlds() {
			if err := w.CatchUp(); err != nil {
				r.cfg.Logger.Error("run tasks", "world", w.ID, "err", err)
			}
			if save {
				if err := w.SaveClock(); err != nil {
					r.cfg.Logger.Error("save clock", "world", w.ID, "err", err)
				}
			}
		}
		if save {
			lastSave = time.Now()
		}
	}
}

// SaveClocks records every world's virtual time (on shutdown).
func (r *Registry) SaveClocks() error {
	for _, w := range r.Worlds() {
		if err := w.SaveClock(); err != nil {
			return err
		}
	}
	return nil
}
