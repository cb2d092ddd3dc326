package control

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/journal"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/world"
)

// How often the event stream looks for new journal entries, and how long it stays silent at
// most (a comment line keeps proxies from closing an idle stream).
const (
	journalPoll   = 250 * time.Millisecond
	streamIdleMax = 15 * time.Second
)

// registerEvents mounts the world's event stream.
func (a *api) registerEvents(g *echo.Group) {
	g.GET("/events", a.withWorld(a.streamEvents))
}

// streamEvents answers the world's changes as server-sent events: "tasks" (the answer of
// GET /_sim/tasks) at once and whenever the clock moves or tasks run, and "journal" (one
// journal entry, with its exchange while kept) for every request the world receives after the entry numbered ?after= (by
// default, after the stream opens). ?follow=false sends what there is and ends the stream;
// otherwise it goes on until the client leaves or the simulator shuts down.
func (a *api) streamEvents(c echo.Context, w *world.World) error {
	follow := c.QueryParam("follow") != "false"
	after := uint64(0)
	if s := c.QueryParam("after"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return fail(c, http.StatusBadRequest, "after must be a whole number")
		}
		after = n
	} else if last := w.Journal.List(journal.Filter{Limit: 1}).Entries; len(last) > 0 {
		after = last[0].Seq
	}
	defer w.Journal.Watch()() // bodies are kept while the stream is open
	res := provider.OpenEventStream(c)
	ctx := c.Request().Context()
	tick := time.NewTicker(journalPoll)
	defer tick.Stop()
	changed := w.Changed()
	sendTasks := true
	lastWrite := time.Now()
	for {
		provider.KeepWriting(c)
		if sendTasks {
			list, err := readTasks(w, defaultTaskPage)
			if err != nil {
				return nil // the answer has begun: end the stream
			}
			if provider.WriteEvent(res, "tasks", list) != nil {
				return nil
			}
			lastWrite = time.Now()
		}
		for _, e := range w.Journal.List(journal.Filter{After: after, Limit: maxJournalPage, Bodies: true}).Entries {
			if provider.WriteEvent(res, "journal", e) != nil {
				return nil
			}
			after, lastWrite = e.Seq, time.Now()
		}
		if time.Since(lastWrite) > streamIdleMax {
			if _, err := res.Write([]byte(": idle\n\n")); err != nil {
				return nil
			}
			lastWrite = time.Now()
		}
		res.Flush()
		if !follow {
			return nil
		}
		sendTasks = false
		select {
		case <-changed:
			changed, sendTasks = w.Changed(), true
		case <-tick.C:
		case <-ctx.Done():
			return nil
		case <-provider.Stopping(c):
			return nil
		}
	}
}
