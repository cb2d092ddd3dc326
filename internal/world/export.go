package world

import (
	"github.com/panelsim/panelsim/internal/state"
)

// Export reads the world as one document (see state.WorldDoc), at its clock's time.
func (w *World) Export() (*state.WorldDoc, error) {
	return w.reg.cfg.Store.ExportWorld(w.ID, w.Now())
}

// Import replaces the world's records, tasks, clock and alias tokens with doc, once check
// finds that it fits (a *state.DocProblems says what does not). The world keeps its id and
// token; its journal is emptied, as after a reset.
func (w *World) Import(doc *state.WorldDoc, check state.ImportCheck) error {
	if err := check.Check(doc); err != nil {
		return err
	}
	w.lockRun()
	defer w.unlockRun()
	err := w.reg.cfg.Store.ImportWorld(w.ID, doc)
	w.seeded.Clear()
	if err != nil {
		return err
	}
	w.reg.mu.Lock()
	for token, e := range w.reg.byToken {
		if e.w == w && token != w.Token {
			delete(w.reg.byToken, token)
		}
	}
	for _, t := range doc.Tokens {
		w.reg.byToken[t.Token] = entry{w: w, scope: t.Scope}
	}
	w.reg.mu.Unlock()
	w.Clock.Reset(doc.World.Clock)
	w.Journal.Clear()
	defer w.notify()
	return w.reloadNextDue()
}

// Counts is how many records of each kind the world holds, per provider.
func (w *World) Counts() (map[string]map[string]int, error) {
	var out map[string]map[string]int
	err := w.View(func(tx *state.Tx) error { out = tx.Counts(); return nil })
	return out, err
}
