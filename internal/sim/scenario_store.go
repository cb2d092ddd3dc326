package sim

import (
	"errors"
	"fmt"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/scenarios"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// A world's scenarios belong to it: they are kept in the world's own records, so that they
// survive a restart, go into its snapshots and go with a reset.
const (
	scenarioOwner = "panelsim"
	scenarioColl  = "scenarios"
	scenarioKey   = "state"
)

// saveScenarios keeps what the engine holds of a world's scenarios with the world.
func (s *Simulator) saveScenarios(id string, saved scenarios.Saved) error {
	w, ok := s.worlds.ByID(id)
	if !ok {
		return nil // removed meanwhile
	}
	return w.Update(func(tx *state.Tx) error {
		return tx.Coll(scenarioOwner, scenarioColl).Put(state.Key(scenarioKey), saved)
	})
}

// loadScenarios puts back what a world kept of its scenarios into the engine.
func (s *Simulator) loadWorldScenarios(w *world.World) error {
	var saved scenarios.Saved
	err := w.View(func(tx *state.Tx) error {
		err := tx.Coll(scenarioOwner, scenarioColl).Get(state.Key(scenarioKey), &saved)
		if errors.Is(err, state.ErrNotFound) {
			return nil
		}
		return err
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
