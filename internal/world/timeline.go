package world

import (
	"sync"
	"time"

	"github.com/panelsim/panelsim/internal/state"
)

// timelineSize is how many of the tasks that ran a world remembers.
const timelineSize = 500

// Ran is a task that ran: what it was and when it ran on the world's virtual clock (its due
// time).
type Ran struct {
	ID       uint64    `json:"id"`
	Provider string    `json:"provider"`
	Kind     string    `json:"kind"`
	Created  time.Time `json:"created"`
	At       time.Time `json:"at"`
}

// timeline keeps the tasks that ran, oldest first, in a bounded ring: the world's history on
// its virtual clock (the dashboard's timeline). It is kept in memory only.
type timeline struct {
	mu   sync.Mutex
	ran  []Ran
	next int
}

// add records a task that ran (its transaction committed).
func (tl *timeline) add(t *state.Task) {
	r := Ran{ID: t.ID, Provider: t.Provider, Kind: t.Kind, Created: t.Created, At: t.Due}
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if len(tl.ran) < timelineSize {
		tl.ran = append(tl.ran, r)
		return
	}
	tl.ran[tl.next] = r
	tl.next = (tl.next + 1) % timelineSize
}

// Timeline lists the last tasks that ran in the world (at most 500), in the order they ran.
func (w *World) Timeline() []Ran {
	tl := &w.timeline
	tl.mu.Lock()
	defer tl.mu.Unlock()
	out := make([]Ran, 0, len(tl.ran))
	out = append(out, tl.ran[tl.next:]...)
	return append(out, tl.ran[:tl.next]...)
}
