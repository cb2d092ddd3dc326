package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Engine keeps the scenario library and, per world, the posted and active scenarios. A
// world's scenarios belong to it: every change is saved with the world (Persist), counters
// when Flush is called (before a snapshot, at shutdown), and Load brings them back (at
// start, after a snapshot is restored).
type Engine struct {
	library map[string]*Scenario
	faults  map[string][]string // provider -> fault names it supports
	mu      sync.Mutex
	worlds  map[string]*worldSet
	active  atomic.Int64 // active scenarios in all worlds: requests skip the lock at 0
	// MaxPosted is how many scenarios of its own a world may keep (0: no limit).
	MaxPosted int
	// Persist saves a world's scenarios with the world (nil: kept in memory only).
	Persist func(world string, s Saved) error
	// Undoer undoes one domain fault a deactivated scenario applied.
	Undoer func(world string, u Undo) error
	// OnFire, when set, hears of every rule that fires: the request's provider and the
	// scenario, by its name for a library scenario and Posted for a world's own (so that
	// what it hears comes from a bounded set). It is called with the engine's lock held.
	OnFire func(provider, scenario string)
}

// Posted is what OnFire says of a world's own scenarios.
const Posted = "posted"

// Saved is what a world keeps of its scenarios: its own (posted) ones, and the active ones
// in activation order with their counters and what undoes the domain faults they applied.
type Saved struct {
	Posted []*Scenario   `json:"posted"`
	Active []SavedActive `json:"active"`
}

// SavedActive is an active scenario as saved.
type SavedActive struct {
	Name    string `json:"name"`
	Matched []int  `json:"matched"`
	Fired   []int  `json:"fired"`
	Undo    []Undo `json:"undo,omitempty"`
}

// Undo is what undoes one domain fault: data the provider that applied it understands.
type Undo struct {
	Provider string          `json:"provider"`
	Data     json.RawMessage `json:"data"`
}

// ErrTooMany is returned by Post when a world already keeps MaxPosted scenarios.
var ErrTooMany = errors.New("too many posted scenarios")

// Idle reports whether no scenario is active in any world (the common case: nothing to
// match, no lock to take).
func (e *Engine) Idle() bool { return e.active.Load() == 0 }

// worldSet is one world's scenarios.
type worldSet struct {
	posted map[string]*Scenario
	active []*active
	rnd    *rand.Rand
	saveMu sync.Mutex // orders the world's saves
}

// active is an activated scenario with its counters.
type active struct {
	scenario *Scenario
	matched  []int
	fired    []int
	undo     []Undo // what undoes its domain faults on deactivation
}

// NewEngine makes an engine over a library. faults lists each provider's domain faults.
func NewEngine(library []*Scenario, faults map[string][]string) (*Engine, error) {
	e := &Engine{library: map[string]*Scenario{}, faults: faults, worlds: map[string]*worldSet{}}
	for _, s := range library {
		if err := s.Check(faults); err != nil {
			return nil, err
		}
		s.Source = "library"
		e.library[s.Name] = s
	}
	return e, nil
}

func (e *Engine) set(world string) *worldSet {
	ws := e.worlds[world]
	if ws == nil {
		seed := uint64(0)
		for _, c := range world {
			seed = seed*131 + uint64(c)
		}
		ws = &worldSet{posted: map[string]*Scenario{}, rnd: rand.New(rand.NewPCG(seed, 0x5eed))}
		e.worlds[world] = ws
	}
	return ws
}

// Post adds (or replaces) a scenario of one world's own.
func (e *Engine) Post(world string, s *Scenario, source string) error {
	if err := s.Check(e.faults); err != nil {
		return err
	}
	if _, ok := e.library[s.Name]; ok {
		return fmt.Errorf("scenario %s is in the library; post it under another name", s.Name)
	}
	e.mu.Lock()
	ws := e.set(world)
	if _, replaced := ws.posted[s.Name]; !replaced && e.MaxPosted > 0 && len(ws.posted) >= e.MaxPosted {
		e.mu.Unlock()
		return fmt.Errorf("%w: a world keeps at most %d", ErrTooMany, e.MaxPosted)
	}
	s.Source = source
	ws.posted[s.Name] = s
	e.mu.Unlock()
	return e.save(world)
}

// ErrUnknown is returned for a scenario name the world does not know.
var ErrUnknown = fmt.Errorf("no such scenario")

// Delete removes a posted scenario (deactivating it first).
func (e *Engine) Delete(world, name string) error {
	e.mu.Lock()
	_, posted := e.set(world).posted[name]
	e.mu.Unlock()
	if !posted {
		return ErrUnknown // a library scenario stays as it is
	}
	if _, err := e.Deactivate(world, name); err != nil {
		return err
	}
	e.mu.Lock()
	ws := e.set(world)
	if _, ok := ws.posted[name]; !ok {
		e.mu.Unlock()
		return ErrUnknown
	}
	delete(ws.posted, name)
	e.mu.Unlock()
	return e.save(world)
}

func (e *Engine) lookup(ws *worldSet, name string) *Scenario {
	if s := ws.posted[name]; s != nil {
		return s
	}
	return e.library[name]
}

// Activate turns a scenario on in a world, with fresh counters. Activating an active
// scenario starts its counters again.
func (e *Engine) Activate(world, name string) error {
	e.mu.Lock()
	ws := e.set(world)
	s := e.lookup(ws, name)
	if s == nil {
		e.mu.Unlock()
		return ErrUnknown
	}
	for i, a := range ws.active {
		if a.scenario.Name == name {
			ws.active = append(ws.active[:i], ws.active[i+1:]...)
			e.active.Add(-1)
			break
		}
	}
	ws.active = append(ws.active, &active{scenario: s, matched: make([]int, len(s.Rules)), fired: make([]int, len(s.Rules))})
	e.active.Add(1)
	e.mu.Unlock()
	return e.save(world)
}

// Deactivate turns a scenario off and undoes the domain faults it applied; it reports
// whether it was active.
func (e *Engine) Deactivate(world, name string) (bool, error) {
	e.mu.Lock()
	ws := e.set(world)
	if e.lookup(ws, name) == nil {
		e.mu.Unlock()
		return false, ErrUnknown
	}
	var gone *active
	for i, a := range ws.active {
		if a.scenario.Name == name {
			gone = a
			ws.active = append(ws.active[:i], ws.active[i+1:]...)
			e.active.Add(-1)
			break
		}
	}
	e.mu.Unlock()
	if gone == nil {
		return false, nil
	}
	for i := len(gone.undo) - 1; i >= 0 && e.Undoer != nil; i-- {
		if err := e.Undoer(world, gone.undo[i]); err != nil {
			return true, err
		}
	}
	return true, e.save(world)
}

// Forget drops everything a world had: its posted and active scenarios (a world reset).
func (e *Engine) Forget(world string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ws := e.worlds[world]; ws != nil {
		e.active.Add(-int64(len(ws.active)))
	}
	delete(e.worlds, world)
}

// Firing is a rule that fired for a request.
type Firing struct {
	Label  string // "<scenario>#<rule>"
	Action *Action
	owner  *active
}

// AddUndo records what undoes the firing's domain fault when its scenario is deactivated,
// and saves it with the world at once: a fault applied must be undoable after a restart.
func (f *Firing) AddUndo(e *Engine, world string, undo Undo) error {
	e.mu.Lock()
	f.owner.undo = append(f.owner.undo, undo)
	e.mu.Unlock()
	return e.save(world)
}

// save writes a world's scenarios with the world (Persist). Saves of one world are ordered:
// the state is taken under the world's save lock, so a later change is never overwritten by
// an earlier one.
func (e *Engine) save(world string) error {
	if e.Persist == nil {
		return nil
	}
	e.mu.Lock()
	ws := e.set(world)
	e.mu.Unlock()
	ws.saveMu.Lock()
	defer ws.saveMu.Unlock()
	e.mu.Lock()
	saved := ws.saved()
	e.mu.Unlock()
	return e.Persist(world, saved)
}

// saved is the world's state to keep; the caller holds e.mu.
func (ws *worldSet) saved() Saved {
	out := Saved{Posted: []*Scenario{}, Active: []SavedActive{}}
	for _, s := range ws.posted {
		out.Posted = append(out.Posted, s)
	}
	sort.Slice(out.Posted, func(i, j int) bool { return out.Posted[i].Name < out.Posted[j].Name })
	for _, a := range ws.active {
		out.Active = append(out.Active, SavedActive{Name: a.scenario.Name, Matched: slices.Clone(a.matched),
			Fired: slices.Clone(a.fired), Undo: slices.Clone(a.undo)})
	}
	return out
}

// Flush saves a world's counters (they change on every matching request and are saved only
// on the world's other changes, before a snapshot and at shutdown).
func (e *Engine) Flush(world string) error {
	e.mu.Lock()
	_, known := e.worlds[world]
	e.mu.Unlock()
	if !known {
		return nil
	}
	return e.save(world)
}

// FlushAll saves the counters of every world that has scenarios.
func (e *Engine) FlushAll() error {
	e.mu.Lock()
	names := make([]string, 0, len(e.worlds))
	for w := range e.worlds {
		names = append(names, w)
	}
	e.mu.Unlock()
	var errs []error
	for _, w := range names {
		errs = append(errs, e.save(w))
	}
	return errors.Join(errs...)
}

// Load puts back what a world kept of its scenarios (at start, after a snapshot restore),
// replacing what the engine held for it. A posted scenario that no longer passes the checks,
// or an active one whose scenario is gone, is dropped and reported.
func (e *Engine) Load(world string, saved Saved) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ws := e.worlds[world]; ws != nil {
		e.active.Add(-int64(len(ws.active)))
		delete(e.worlds, world)
	}
	if len(saved.Posted) == 0 && len(saved.Active) == 0 {
		return nil
	}
	ws := e.set(world)
	var errs []error
	for _, s := range saved.Posted {
		if err := s.Check(e.faults); err != nil {
			errs = append(errs, fmt.Errorf("scenario %s dropped: %w", s.Name, err))
			continue
		}
		s.Source = "posted"
		ws.posted[s.Name] = s
	}
	for _, a := range saved.Active {
		s := e.lookup(ws, a.Name)
		if s == nil {
			errs = append(errs, fmt.Errorf("active scenario %s dropped: it no longer exists", a.Name))
			continue
		}
		act := &active{scenario: s, matched: make([]int, len(s.Rules)), fired: make([]int, len(s.Rules)), undo: a.Undo}
		copy(act.matched, a.Matched)
		copy(act.fired, a.Fired)
		ws.active = append(ws.active, act)
		e.active.Add(1)
	}
	return errors.Join(errs...)
}

// Fire matches a request against a world's active scenarios of its provider and returns the
// rules that fire, in order, up to and including the first that answers the request itself.
// Every rule that matches counts the request, even after one has answered it, so that rules
// told to skip the first N matches count the same requests (recordings replay in order so).
func (e *Engine) Fire(world string, r *Request) []Firing {
	e.mu.Lock()
	defer e.mu.Unlock()
	ws := e.worlds[world]
	if ws == nil || len(ws.active) == 0 {
		return nil
	}
	var out []Firing
	answered := false
	for _, a := range ws.active {
		if a.scenario.Provider() != r.Provider {
			continue
		}
		for i := range a.scenario.Rules {
			rule := &a.scenario.Rules[i]
			if !rule.Match.matches(r) {
				continue
			}
			a.matched[i]++
			if answered || a.matched[i] <= rule.Skip || (rule.Times > 0 && a.fired[i] >= rule.Times) {
				continue
			}
			if rule.Probability > 0 && ws.rnd.Float64() >= rule.Probability {
				continue
			}
			a.fired[i]++
			if e.OnFire != nil {
				e.OnFire(r.Provider, a.scenario.firedAs())
			}
			label := fmt.Sprintf("%s#%d", a.scenario.Name, i+1)
			if rule.Name != "" {
				label = a.scenario.Name + "#" + rule.Name
			}
			out = append(out, Firing{Label: label, Action: &rule.Action, owner: a})
			answered = rule.Action.terminal()
		}
	}
	return out
}

// firedAs is the scenario as OnFire names it: a library scenario's name, else Posted.
func (s *Scenario) firedAs() string {
	if s.Source == "library" {
		return s.Name
	}
	return Posted
}

// Delay is how long a latency action waits, drawn from the world's random source.
func (e *Engine) Delay(world string, l *Latency) time.Duration {
	if l.Max <= l.Min {
		return l.Min
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return l.Min + time.Duration(e.set(world).rnd.Int64N(int64(l.Max-l.Min)+1))
}

// Listing is GET /_sim/scenarios: the scenarios a world can activate and what is active.
type Listing struct {
	Library []Summary      `json:"library"`
	Active  []ActiveReport `json:"active"`
}

// Summary names a scenario.
type Summary struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Source      string `json:"source"`
	Rules       int    `json:"rules"`
}

// ActiveReport is an active scenario with, per rule, how often it matched and fired.
type ActiveReport struct {
	Name  string       `json:"name"`
	Rules []RuleReport `json:"rules"`
}

// RuleReport counts one rule.
type RuleReport struct {
	Rule    string `json:"rule"`
	Match   Match  `json:"match"`
	Matched int    `json:"matched"`
	Fired   int    `json:"fired"`
}

// List describes a world's scenarios.
func (e *Engine) List(world string) Listing {
	e.mu.Lock()
	defer e.mu.Unlock()
	ws := e.set(world)
	out := Listing{Library: []Summary{}, Active: []ActiveReport{}}
	add := func(s *Scenario) {
		out.Library = append(out.Library, Summary{Name: s.Name, Description: s.Description, Source: s.Source, Rules: len(s.Rules)})
	}
	for _, s := range e.library {
		add(s)
	}
	for _, s := range ws.posted {
		add(s)
	}
	sort.Slice(out.Library, func(i, j int) bool { return out.Library[i].Name < out.Library[j].Name })
	for _, a := range ws.active {
		rep := ActiveReport{Name: a.scenario.Name}
		for i, r := range a.scenario.Rules {
			label := fmt.Sprint(i + 1)
			if r.Name != "" {
				label = r.Name
			}
			rep.Rules = append(rep.Rules, RuleReport{Rule: label, Match: r.Match, Matched: a.matched[i], Fired: a.fired[i]})
		}
		out.Active = append(out.Active, rep)
	}
	return out
}
