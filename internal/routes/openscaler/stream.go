package openscaler

import (
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// creation is something created over a stream of server-sent events (a VM, a load
// balancer), as the stream reads it from the store.
type creation struct {
	// poll reads how far the creation got: its progress events so far and, once it has
	// ended, the name of the last event ("200", "500") and its data.
	poll func(tx *state.Tx) (steps []Progress, final string, payload any, err error)
	// stopping is the detail of the "503" event that ends the stream when the simulator
	// shuts down first (the creation itself goes on after a restart).
	stopping string
}

// streamCreation answers a creation as server-sent events: one "progress" event per step
// as the world's clock carries it out, then a last event named after the status of the
// outcome ("200" with the object, "500" with {"detail": …}), or "503" when the simulator
// shuts down before the creation ends. It wakes up whenever the world's clock moves or its
// tasks run, and rereads the record each time. A client that goes away does not stop the
// creation.
func (p *Provider) streamCreation(c echo.Context, cr creation) error {
	w := provider.World(c)
	res := provider.OpenEventStream(c)
	ctx := c.Request().Context()
	sent := 0
	for {
		changed := w.Changed()
		var (
			steps   []Progress
			final   string
			payload any
		)
		err := w.View(func(tx *state.Tx) error {
			var err error
			steps, final, payload, err = cr.poll(tx)
			return err
		})
		if err != nil {
			p.Log.Error("create stream", "err", err)
			final, payload = "500", detail{"Internal Server Error"}
		}
		provider.KeepWriting(c)
		if sent < len(steps) {
			for _, pr := range steps[sent:] {
				if provider.WriteEvent(res, "progress", pr) != nil {
					return nil
				}
			}
			sent = len(steps)
		}
		if final != "" {
			provider.WriteEvent(res, final, payload)
			res.Flush()
			return nil
		}
		res.Flush()
		select {
		case <-changed:
		case <-ctx.Done():
			return nil
		case <-provider.Stopping(c):
			provider.KeepWriting(c)
			provider.WriteEvent(res, "503", detail{cr.stopping})
			res.Flush()
			return nil
		}
	}
}

// streamRefusal is a creation the panel refuses once its stream has started: the answer is
// the first progress event, then "400" with {"detail": msg}. Returned from inside the
// creation's transaction, it leaves nothing behind.
type streamRefusal struct {
	first Progress
	msg   string
}

func (e *streamRefusal) Error() string { return e.msg }

// streamRefused answers err as a stream when it is a streamRefusal; other errors are
// returned as they are (plain JSON answers).
func streamRefused(c echo.Context, err error) error {
	var sr *streamRefusal
	if !errors.As(err, &sr) {
		return err
	}
	res := provider.OpenEventStream(c)
	if provider.WriteEvent(res, "progress", sr.first) == nil {
		provider.WriteEvent(res, "400", detail{sr.msg})
	}
	res.Flush()
	return nil
}
