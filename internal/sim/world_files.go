package sim

import (
	"errors"

	"github.com/panelsim/panelsim/internal/control"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// ErrNoWorld is returned for a token that opens no world.
var ErrNoWorld = errors.New("no world for this token")

// worldImported forgets what was kept in memory of a world whose records a document
// replaced, and loads the scenarios the document brought.
func (s *Simulator) worldImported(w *world.World) error {
	s.forgetWorld(w)
	return s.loadWorldScenarios(w)
}

// ExportWorld reads the world of token as a document (GET /_sim/world does the same).
func (s *Simulator) ExportWorld(token string) (*state.WorldDoc, error) {
	w, ok := s.worlds.Lookup(token, world.Everything)
	if !ok {
		return nil, ErrNoWorld
	}
	return w.Export()
}

// ImportWorld replaces the world of token (made when the token has none) with doc, as
// PUT /_sim/world does; a *state.DocProblems says what in doc does not fit.
func (s *Simulator) ImportWorld(token string, doc *state.WorldDoc) error {
	if err := s.importCheck.Check(doc); err != nil {
		return err // before a world is made for a document that cannot be loaded
	}
	w, err := s.worlds.Declare(token)
	if err != nil {
		return err
	}
	if err := w.Import(doc, s.importCheck); err != nil {
		return err
	}
	return s.worldImported(w)
}

// Worlds lists every world with its record counts (GET /_sim/worlds does the same).
func (s *Simulator) Worlds() ([]control.WorldItem, error) { return control.DescribeWorlds(s.worlds) }
