// Package clock is the virtual clock of a world: real time (optionally faster), or manual
// time that moves only when told.
package clock

import (
	"fmt"
	"sync"
	"time"
)

// Mode says how a clock moves.
type Mode string

const (
	// Real follows the wall clock, Scale times faster.
	Real Mode = "real"
	// Manual moves only through Advance.
	Manual Mode = "manual"
)

// ParseMode reads "real" or "manual".
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case Real, Manual:
		return Mode(s), nil
	}
	return "", fmt.Errorf("clock mode %q: want real or manual", s)
}

// Wall is the source of wall time; tests inject their own.
type Wall func() time.Time

// Clock is one world's virtual time. It is safe for concurrent use.
type Clock struct {
	mu      sync.Mutex
	mode    Mode
	scale   float64
	wall    Wall
	virtual time.Time // virtual time at anchor
	anchor  time.Time // wall time when virtual was set
}

// New starts a clock at start. scale <= 0 means 1.
func New(mode Mode, scale float64, start time.Time, wall Wall) *Clock {
	if scale <= 0 {
		scale = 1
	}
	if wall == nil {
		wall = time.Now
	}
	return &Clock{mode: mode, scale: scale, wall: wall, virtual: start.UTC(), anchor: wall()}
}

// Mode is the clock's mode.
func (c *Clock) Mode() Mode { return c.mode }

// Scale is how much faster than the wall clock a real clock runs.
func (c *Clock) Scale() float64 { return c.scale }

// Now is the current virtual time, truncated to microseconds so that it survives JSON.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now()
}

func (c *Clock) now() time.Time {
	if c.mode == Manual {
		return c.virtual
	}
	elapsed := c.wall().Sub(c.anchor)
	return c.virtual.Add(time.Duration(float64(elapsed) * c.scale)).Truncate(time.Microsecond)
}

// Set moves the clock to t if t is later than now; virtual time never goes back.
func (c *Clock) Set(t time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := c.now(); t.After(now) {
		c.virtual, c.anchor = t.UTC(), c.wall()
	}
	return c.now()
}

// Reset moves the clock to t unconditionally (a world reset or a snapshot restore).
func (c *Clock) Reset(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.virtual, c.anchor = t.UTC(), c.wall()
}
