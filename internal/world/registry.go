package world

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
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
	// JournalBodies keeps the bodies of the newest journal entries of every world (nil: none).
	JournalBodies *journal.Bodies
	// Seed fills a new world with one provider's fixtures, when the world is first used
	// through that provider (World.EnsureSeeded).
	Seed func(tx *state.Tx, provider string) error
	// Runners carry out tasks, keyed "provider/kind".
	Runners map[string]Runner
	// AnyToken gives every unknown token a fresh world instead of refusing it.
	AnyToken bool
	// TTL removes a world made for an unknown token (AnyToken) once nobody has used it for
	// that long; 0 keeps every world.
	TTL time.Duration
	// Snapshots bound each world's snapshots.
	Snapshots state.SnapshotLimits
	// AnswerBytes bounds the memory of encoded answers kept for reuse across every world
	// (0: DefaultAnswerBytes; negative: keep none).
	AnswerBytes int
	// OnRemove hears of every world removed (to forget what is kept about it elsewhere).
	OnRemove func(*World)
	Logger   *slog.Logger
}

// ErrTokenTaken is returned by Alias for a token that already leads somewhere.
var ErrTokenTaken = errors.New("token already in use")

// Scope names what a token is asked to open: a provider's name, or Everything (the control
// API asks for it: only a token that opens every provider of its world opens the control API).
const Everything = ""

// entry is what a token opens.
type entry struct {
	w     *World
	scope string // Everything, or the one provider the token opens
}

// pending is a token whose world (or alias) is being written to the store; others asking
// for the same token wait for it instead of holding the registry's lock over the write.
type pending struct {
	done chan struct{}
	err  error
}

// Registry maps tokens to worlds.
type Registry struct {
	cfg      Config
	mu       sync.RWMutex
	byToken  map[string]entry
	byID     map[string]*World
	list     []*World // every world, replaced (never changed in place) when one comes or goes
	creating map[string]*pending
	answers  *answerCache
}

// DefaultAnswerBytes is how much memory encoded answers kept for reuse may take by default.
const DefaultAnswerBytes = 32 << 20

// NewRegistry loads the worlds already in the store.
func NewRegistry(cfg Config) (*Registry, error) {
	if cfg.Wall == nil {
		cfg.Wall = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	r := &Registry{cfg: cfg, byToken: map[string]entry{}, byID: map[string]*World{}, creating: map[string]*pending{}}
	switch {
	case cfg.AnswerBytes == 0:
		r.answers = newAnswerCache(DefaultAnswerBytes)
	case cfg.AnswerBytes > 0:
		r.answers = newAnswerCache(cfg.AnswerBytes)
	}
	tokens, err := cfg.Store.Tokens()
	if err != nil {
		return nil, err
	}
	for token, t := range tokens {
		w := r.byID[t.World]
		if w == nil {
			info, err := cfg.Store.World(t.World)
			if err != nil {
				return nil, fmt.Errorf("load world of token %q: %w", token, err)
			}
			w = r.newWorld(info)
			if err := w.reloadNextDue(); err != nil {
				return nil, err
			}
			r.byID[t.World] = w
		}
		r.byToken[token] = entry{w: w, scope: t.Scope}
	}
	r.relist()
	return r, nil
}

func (r *Registry) newWorld(info state.WorldInfo) *World {
	w := &World{
		ID:       info.ID,
		Token:    info.Token,
		Clock:    clock.New(r.cfg.Mode, r.cfg.Scale, info.Clock, r.cfg.Wall),
		Journal:  journal.New(r.cfg.JournalSize, r.cfg.JournalBodies),
		reg:      r,
		changed:  make(chan struct{}),
		running:  make(chan struct{}, 1),
		anyToken: info.AnyToken,
	}
	w.nextDue.Store(noTask)
	w.lastUsed.Store(r.cfg.Wall().UnixNano())
	return w
}

// relist rebuilds the list of worlds, ordered by id; the caller holds mu for writing.
func (r *Registry) relist() {
	list := make([]*World, 0, len(r.byID))
	for _, w := range r.byID {
		list = append(list, w)
	}
	sort.Slice(list, func(i, j int) bool { return worldNumber(list[i].ID) < worldNumber(list[j].ID) })
	r.list = list
}

// inserted is a new list with w in its place by id; list itself is left as it is, since
// readers may hold it.
func inserted(list []*World, w *World) []*World {
	n := worldNumber(w.ID)
	i := sort.Search(len(list), func(i int) bool { return worldNumber(list[i].ID) > n })
	out := make([]*World, 0, len(list)+1)
	out = append(append(append(out, list[:i]...), w), list[i:]...)
	return out
}

// worldNumber is the sequence number of a world id ("w12" -> 12).
func worldNumber(id string) uint64 {
	n, _ := strconv.ParseUint(id[min(1, len(id)):], 10, 64)
	return n
}

func (r *Registry) startTime() time.Time {
	if r.cfg.Mode == clock.Manual && !r.cfg.ManualStart.IsZero() {
		return r.cfg.ManualStart.UTC()
	}
	return r.cfg.Wall().UTC().Truncate(time.Second)
}

// Declare returns the world of token, creating and seeding it when it is new. A declared
// token's world is kept whatever --world-ttl says.
func (r *Registry) Declare(token string) (*World, error) {
	w, err := r.open(token, false)
	if err == nil {
		w.declared.Store(true)
	}
	return w, err
}

// Find returns the world token opens for scope (a provider's name, or Everything), without
// creating one.
func (r *Registry) Find(token, scope string) (*World, bool) {
	if token == "" {
		return nil, false
	}
	r.mu.RLock()
	e, ok := r.byToken[token]
	if ok && (e.scope == Everything || e.scope == scope) {
		e.w.touch(r.cfg.Wall())
	}
	r.mu.RUnlock()
	if !ok || (e.scope != Everything && e.scope != scope) {
		return nil, false
	}
	return e.w, true
}

// Lookup finds the world token opens for scope. Under AnyToken an unknown token gets a fresh
// world; callers that must check a credential before a world is made use Find and Create.
func (r *Registry) Lookup(token, scope string) (*World, bool) {
	if w, ok := r.Find(token, scope); ok {
		return w, true
	}
	if !r.cfg.AnyToken || token == "" {
		return nil, false
	}
	w, err := r.Create(token, scope)
	if err != nil {
		return nil, false
	}
	return w, true
}

// Create makes a fresh world for an unknown token under AnyToken (it may be removed once
// unused for the TTL). A token that exists already gives its world when it opens scope.
func (r *Registry) Create(token, scope string) (*World, error) {
	if !r.cfg.AnyToken {
		return nil, errors.New("unknown token")
	}
	if _, err := r.open(token, true); err != nil {
		r.cfg.Logger.Error("create world", "err", err)
		return nil, err
	}
	if w, ok := r.Find(token, scope); ok {
		return w, nil
	}
	return nil, ErrTokenTaken
}

// open returns the world of token, making it when the token is new. The store write happens
// outside the registry's lock: requests of other worlds never wait on it.
func (r *Registry) open(token string, anyToken bool) (*World, error) {
	if token == "" {
		return nil, errors.New("empty token")
	}
	for {
		r.mu.Lock()
		if e, ok := r.byToken[token]; ok {
			r.mu.Unlock()
			return e.w, nil
		}
		if p := r.creating[token]; p != nil {
			r.mu.Unlock()
			<-p.done
			if p.err != nil {
				return nil, p.err
			}
			continue
		}
		p := &pending{done: make(chan struct{})}
		r.creating[token] = p
		r.mu.Unlock()

		now := r.cfg.Wall().UTC()
		info, err := r.cfg.Store.CreateWorld(token, state.WorldInfo{Created: now, Clock: r.startTime(), AnyToken: anyToken}, nil)
		var w *World
		if err == nil {
			w = r.newWorld(info)
			err = w.reloadNextDue()
		}
		r.mu.Lock()
		delete(r.creating, token)
		if err == nil {
			r.byToken[token] = entry{w: w}
			r.byID[w.ID] = w
			r.list = inserted(r.list, w)
		}
		p.err = err
		close(p.done)
		r.mu.Unlock()
		if err != nil {
			return nil, err
		}
		r.cfg.Logger.Info("world created", "world", info.ID, "anyToken", anyToken)
		return w, nil
	}
}

// Alias lets token open world w for one provider only (scope): an API key created through
// that provider's API. A token that already leads anywhere is refused with ErrTokenTaken.
func (r *Registry) Alias(token string, w *World, scope string) error {
	if token == "" {
		return errors.New("empty token")
	}
	r.mu.Lock()
	if _, ok := r.byToken[token]; ok || r.creating[token] != nil {
		r.mu.Unlock()
		return ErrTokenTaken
	}
	p := &pending{done: make(chan struct{})}
	r.creating[token] = p
	r.mu.Unlock()

	err := r.cfg.Store.AddToken(token, state.TokenInfo{World: w.ID, Scope: scope})
	if errors.Is(err, state.ErrExists) {
		err = ErrTokenTaken
	}
	r.mu.Lock()
	delete(r.creating, token)
	if err == nil {
		r.byToken[token] = entry{w: w, scope: scope}
	}
	p.err = err
	close(p.done)
	r.mu.Unlock()
	return err
}

// Forget drops a token; the world stays reachable through its other tokens.
func (r *Registry) Forget(token string) error {
	r.mu.Lock()
	delete(r.byToken, token)
	r.mu.Unlock()
	return r.cfg.Store.RemoveToken(token)
}

// Worlds lists every world once, ordered by id.
func (r *Registry) Worlds() []*World {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.list
}

// ByID is the world with id, if there is one.
func (r *Registry) ByID(id string) (*World, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	w, ok := r.byID[id]
	return w, ok
}

// Count is the number of worlds.
func (r *Registry) Count() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.list)
}

// Run drives the worlds until ctx ends: with a real clock it runs tasks as they fall due and
// saves, every few seconds and in one transaction, the clocks of the worlds used since the
// last save; in either mode it removes worlds unused for the TTL.
func (r *Registry) Run(ctx context.Context, tick time.Duration) {
	var tasks <-chan time.Time
	if r.cfg.Mode != clock.Manual {
		t := time.NewTicker(tick)
		defer t.Stop()
		tasks = t.C
	}
	saves := time.NewTicker(clockSaveEvery)
	defer saves.Stop()
	var sweeps <-chan time.Time
	if r.cfg.TTL > 0 {
		t := time.NewTicker(sweepEvery(r.cfg.TTL))
		defer t.Stop()
		sweeps = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tasks:
			for _, w := range r.Worlds() {
				if err := w.CatchUp(); err != nil {
					r.cfg.Logger.Error("run tasks", "world", w.ID, "err", err)
				}
			}
		case <-saves.C:
			if r.cfg.Mode == clock.Manual {
				continue // a manual clock is saved whenever it moves
			}
			if err := r.saveClocks(true); err != nil {
				r.cfg.Logger.Error("save clocks", "err", err)
			}
		case <-sweeps:
			if n, err := r.Sweep(); err != nil {
				r.cfg.Logger.Error("remove unused worlds", "err", err)
			} else if n > 0 {
				r.cfg.Logger.Info("removed unused worlds", "worlds", n)
			}
		}
	}
}

// clockSaveEvery is how often real clocks of worlds in use are saved.
const clockSaveEvery = 5 * time.Second

// sweepEvery is how often worlds are checked against the TTL: a quarter of it, between a
// second and a minute.
func sweepEvery(ttl time.Duration) time.Duration {
	return min(max(ttl/4, time.Second), time.Minute)
}

// SaveClocks records every world's virtual time, in one transaction (on shutdown).
func (r *Registry) SaveClocks() error { return r.saveClocks(false) }

// saveClocks records the virtual time of the worlds used since the last save (onlyUsed) or
// of every world.
func (r *Registry) saveClocks(onlyUsed bool) error {
	clocks := map[string]time.Time{}
	for _, w := range r.Worlds() {
		if w.used.Swap(false) || !onlyUsed {
			clocks[w.ID] = w.Now()
		}
	}
	return r.cfg.Store.SaveClocks(clocks)
}

// Sweep removes the worlds made under AnyToken and unused for the TTL (never a declared
// token's world), and returns how many went.
func (r *Registry) Sweep() (int, error) {
	if r.cfg.TTL <= 0 {
		return 0, nil
	}
	cutoff := r.cfg.Wall().Add(-r.cfg.TTL).UnixNano()
	r.mu.Lock()
	var gone []*World
	for _, w := range r.list {
		if w.anyToken && !w.declared.Load() && w.lastUsed.Load() < cutoff {
			gone = append(gone, w)
		}
	}
	if len(gone) == 0 {
		r.mu.Unlock()
		return 0, nil
	}
	ids := make([]string, len(gone))
	for i, w := range gone {
		ids[i] = w.ID
		delete(r.byID, w.ID)
		w.removed.Store(true)
	}
	for token, e := range r.byToken {
		if e.w.removed.Load() {
			delete(r.byToken, token)
		}
	}
	r.relist()
	r.mu.Unlock()
	err := r.cfg.Store.DeleteWorlds(ids)
	for _, w := range gone {
		if r.cfg.OnRemove != nil {
			r.cfg.OnRemove(w)
		}
	}
	return len(gone), err
}
