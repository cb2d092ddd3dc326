package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/scenarios"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// A world's scenarios belong to it: they are kept in the world's own records, so that they
// survive a restart, go into its snapshots and go with a reset. The active ones and their
// counters are one small record; each posted scenario is a record of its own, written only
// when it changes (a posted scenario may be 256 KiB, a world may keep 32).
const (
	scenarioOwner  = "panelsim"
	scenarioActive = "activeScenarios" // "state" -> []scenarios.SavedActive
	scenarioPosted = "postedScenarios" // name -> scenarios.Scenario
	activeKey      = "state"
)

// saveScenarios keeps what the engine holds of a world's scenarios with the world.
func (s *Simulator) saveScenarios(id string, saved scenarios.Saved) error {
	w, ok := s.worlds.ByID(id)
	if !ok {
		return nil // removed meanwhile
	}
	posted := make(map[string][]byte, len(saved.Posted))
	for _, sc := range saved.Posted {
		raw, err := json.Marshal(sc)
		if err != nil {
			return err
		}
		posted[sc.Name] = raw
	}
	return w.Update(func(tx *state.Tx) error {
		if err := tx.Coll(scenarioOwner, scenarioActive).Put(state.Key(activeKey), saved.Active); err != nil {
			return err
		}
		c := tx.Coll(scenarioOwner, scenarioPosted)
		var gone [][]byte
		if err := c.ForEach(func(k, _ []byte) error {
			if _, ok := posted[string(k)]; !ok {
				gone = append(gone, bytes.Clone(k))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, k := range gone {
			if err := c.Delete(k); err != nil {
				return err
			}
		}
		for name, raw := range posted {
			if !bytes.Equal(c.Raw(state.Key(name)), raw) {
				if err := c.PutRaw(state.Key(name), raw); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// loadWorldScenarios puts back what a world kept of its scenarios into the engine.
func (s *Simulator) loadWorldScenarios(w *world.World) error {
	var saved scenarios.Saved
	err := w.View(func(tx *state.Tx) error {
		err := tx.Coll(scenarioOwner, scenarioActive).Get(state.Key(activeKey), &saved.Active)
		if err != nil && !errors.Is(err, state.ErrNotFound) {
			return err
		}
		return tx.Coll(scenarioOwner, scenarioPosted).ForEach(func(_, raw []byte) error {
			var sc scenarios.Scenario
			if err := json.Unmarshal(raw, &sc); err != nil {
				return err
			}
			saved.Posted = append(saved.Posted, &sc)
			return nil
		})
	})
	if err != nil {
		return err
	}
	return s.scenarios.Load(w.ID, saved)
}

// loadAllScenarios puts back every world's scenarios at start; a world whose scenarios
// cannot all come back keeps those that can, and the rest is logged.
func (s *Simulator) loadAllScenarios() {
	for _, w := range s.worlds.Worlds() {
		if err := s.loadWorldScenarios(w); err != nil {
			s.log.Error("scenarios of a world", "world", w.ID, "err", err)
		}
	}
}

// undoFault reverses a domain fault through the provider that applied it.
func (s *Simulator) undoFault(id string, u scenarios.Undo) error {
	w, ok := s.worlds.ByID(id)
	if !ok {
		return nil
	}
	f, ok := s.Provider(u.Provider).(provider.Faulter)
	if !ok {
		return fmt.Errorf("%s has no domain faults to undo", u.Provider)
	}
	return f.Undo(w, u.Data)
}
