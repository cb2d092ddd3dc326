// Package control is the simulator's control API under /_sim/ on every listener: health,
// clock, reset, snapshots and journal of the world whose token is in X-Panelsim-Token.
package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/clock"
	"github.com/panelsim/panelsim/internal/journal"
	"github.com/panelsim/panelsim/internal/scenarios"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// TokenHeader carries the token of the world a control call acts on.
const TokenHeader = "X-Panelsim-Token"

// Deps is what the control API needs from the simulator.
type Deps struct {
	Worlds     *world.Registry
	AdminToken string
	Providers  []string
	Clock      clock.Mode
	Scenarios  *scenarios.Engine
	// MaxScenarioBytes is the largest scenario a world may post (default 256 KiB).
	MaxScenarioBytes int64
	// OnReset hears of every world reset, after the store was reset (to forget what is kept
	// of the world in memory: scenarios, providers' logs).
	OnReset func(*world.World)
	// OnRestore hears of every snapshot restore, after the store was restored (to bring the
	// world's scenarios back as the snapshot has them).
	OnRestore func(*world.World) error
	// OnImport hears of every world document put to /_sim/world, after the store took it
	// (to forget what is kept of the world in memory and load its scenarios).
	OnImport func(*world.World) error
	// ImportCheck says what a world document put to /_sim/world may hold.
	ImportCheck state.ImportCheck
	// InstanceName names this instance in GET /_sim/worlds; Peers are the other instances'
	// control URLs, whose worlds it lists too, each asked within PeerTimeout (default 5 s).
	InstanceName string
	Peers        []string
	PeerTimeout  time.Duration
}

// Journal pages: the newest defaultJournalPage entries unless ?limit= says otherwise, and
// never more than maxJournalPage in one answer.
const (
	defaultJournalPage = 100
	maxJournalPage     = 1000
)

type api struct{ Deps }

// Register mounts the control API on g (the /_sim group of a listener).
func Register(g *echo.Group, d Deps) {
	a := &api{d}
	g.GET("/health", a.health)
	g.GET("/specs/:file", getDocument)
	g.GET("/clock", a.withWorld(a.getClock))
	g.POST("/clock/advance", a.withWorld(a.advanceClock))
	g.POST("/reset", a.withWorld(a.reset))
	g.GET("/snapshots", a.withWorld(a.listSnapshots))
	g.POST("/snapshots", a.withWorld(a.createSnapshot))
	g.POST("/snapshots/:name/restore", a.withWorld(a.restoreSnapshot))
	g.DELETE("/snapshots/:name", a.withWorld(a.deleteSnapshot))
	g.GET("/journal", a.withWorld(a.listJournal))
	g.DELETE("/journal", a.withWorld(a.clearJournal))
	g.GET("/worlds", a.listWorlds)
	g.GET("/scenarios", a.withWorld(a.listScenarios))
	g.POST("/scenarios", a.withWorld(a.postScenario))
	g.POST("/scenarios/*", a.withWorld(a.switchScenario))
	g.DELETE("/scenarios/*", a.withWorld(a.deleteScenario))
	g.GET("/world", a.withWorld(a.exportWorld))
	g.PUT("/world", a.withWorld(a.importWorld))
	a.registerObjects(g)
	a.registerTasks(g)
	a.registerEvents(g)
}

// problem is the control API's error body.
type problem struct {
	Error string `json:"error"`
}

func fail(c echo.Context, status int, msg string) error {
	return c.JSON(status, problem{Error: msg})
}

type worldHandler func(echo.Context, *world.World) error

// decode reads a JSON body whatever its content type says (curl -d sends form encoding);
// an empty body leaves v as it is. The listener has already bounded the body's size.
func decode(c echo.Context, v any) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return err
	}
	return json.Unmarshal(body, v)
}

// withWorld resolves X-Panelsim-Token to its world.
func (a *api) withWorld(h worldHandler) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := c.Request().Header.Get(TokenHeader)
		if token == "" {
			return fail(c, http.StatusUnauthorized, "missing "+TokenHeader+" header")
		}
		w, ok := a.Worlds.Lookup(token, world.Everything)
		if !ok {
			return fail(c, http.StatusUnauthorized, "unknown token")
		}
		return h(c, w)
	}
}

func (a *api) health(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{
		"status": "ok", "providers": a.Providers, "clock": a.Clock, "worlds": a.Worlds.Count(),
	})
}

// clockView is the answer of the clock calls.
type clockView struct {
	World   string     `json:"world"`
	Now     time.Time  `json:"now"`
	Mode    clock.Mode `json:"mode"`
	Scale   float64    `json:"scale"`
	Pending int        `json:"pendingTasks"`
	NextDue *time.Time `json:"nextDue"`
	Ran     *int       `json:"tasksRun,omitempty"`
}

func viewClock(w *world.World) (clockView, error) {
	n, err := w.Pending()
	v := clockView{World: w.ID, Now: w.Now(), Mode: w.Clock.Mode(), Scale: w.Clock.Scale(), Pending: n}
	if due, ok := w.NextDue(); ok {
		v.NextDue = &due
	}
	return v, err
}

func (a *api) getClock(c echo.Context, w *world.World) error {
	v, err := viewClock(w)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// advanceRequest moves the clock by seconds (minutes and hours add up), or to a time.
type advanceRequest struct {
	Seconds float64    `json:"seconds"`
	Minutes float64    `json:"minutes"`
	Hours   float64    `json:"hours"`
	To      *time.Time `json:"to"`
}

func (a *api) advanceClock(c echo.Context, w *world.World) error {
	var req advanceRequest
	if err := decode(c, &req); err != nil {
		return fail(c, http.StatusBadRequest, "body must be JSON like {\"seconds\": 60}")
	}
	secs := req.Seconds + 60*req.Minutes + 3600*req.Hours
	if req.To != nil {
		secs = req.To.Sub(w.Now()).Seconds()
	}
	if secs < 0 || math.IsNaN(secs) || secs > 100*365*24*3600 {
		return fail(c, http.StatusBadRequest, "the clock only moves forward, by at most 100 years")
	}
	_, ran, err := w.Advance(time.Duration(secs * float64(time.Second)))
	if err != nil {
		return err
	}
	v, err := viewClock(w)
	if err != nil {
		return err
	}
	v.Ran = &ran
	return c.JSON(http.StatusOK, v)
}

func (a *api) reset(c echo.Context, w *world.World) error {
	if err := w.Reset(); err != nil {
		return err
	}
	if a.OnReset != nil {
		a.OnReset(w)
	} else {
		a.Scenarios.Forget(w.ID)
	}
	v, err := viewClock(w)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (a *api) listSnapshots(c echo.Context, w *world.World) error {
	snaps, err := w.Snapshots()
	if err != nil {
		return err
	}
	if snaps == nil {
		snaps = []state.Snapshot{}
	}
	return c.JSON(http.StatusOK, map[string]any{"snapshots": snaps})
}

func (a *api) createSnapshot(c echo.Context, w *world.World) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := decode(c, &req); err != nil || req.Name == "" {
		return fail(c, http.StatusBadRequest, "body must be JSON like {\"name\": \"before-upgrade\"}")
	}
	if err := a.Scenarios.Flush(w.ID); err != nil { // the snapshot takes the counters as they are
		return err
	}
	snap, err := w.SaveSnapshot(req.Name)
	switch {
	case errors.Is(err, state.ErrSnapshotName):
		return fail(c, http.StatusBadRequest, err.Error())
	case errors.Is(err, state.ErrTooMany):
		return fail(c, http.StatusConflict, "snapshot refused: "+err.Error()+"; delete one first (DELETE /_sim/snapshots/{name})")
	case errors.Is(err, state.ErrTooLarge):
		return fail(c, http.StatusRequestEntityTooLarge, "snapshot refused: "+err.Error())
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, snap)
}

func (a *api) restoreSnapshot(c echo.Context, w *world.World) error {
	snap, err := w.RestoreSnapshot(c.Param("name"))
	if errors.Is(err, state.ErrNotFound) {
		return fail(c, http.StatusNotFound, "no snapshot named "+strconv.Quote(c.Param("name")))
	}
	if err != nil {
		return err
	}
	if a.OnRestore != nil {
		if err := a.OnRestore(w); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, snap)
}

func (a *api) deleteSnapshot(c echo.Context, w *world.World) error {
	err := w.DeleteSnapshot(c.Param("name"))
	if errors.Is(err, state.ErrNotFound) {
		return fail(c, http.StatusNotFound, "no snapshot named "+strconv.Quote(c.Param("name")))
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// listJournal answers a page of the journal: the newest entries, or those after (or before)
// a sequence number, filtered by method, path, status and provider.
func (a *api) listJournal(c echo.Context, w *world.World) error {
	f := journal.Filter{Method: c.QueryParam("method"), Path: c.QueryParam("path"), Provider: c.QueryParam("provider"), Limit: defaultJournalPage}
	switch c.QueryParam("bodies") {
	case "", "false":
	case "true":
		f.Bodies = true
	default:
		return fail(c, http.StatusBadRequest, "bodies must be true or false")
	}
	for _, p := range []struct {
		name string
		max  uint64
		set  func(uint64)
	}{
		{"status", 999, func(n uint64) { f.Status = int(n) }},
		{"limit", maxJournalPage, func(n uint64) { f.Limit = int(n) }},
		{"after", math.MaxUint64, func(n uint64) { f.After = n }},
		{"before", math.MaxUint64, func(n uint64) { f.Before = n }},
	} {
		s := c.QueryParam(p.name)
		if s == "" {
			continue
		}
		n, err := strconv.ParseUint(s, 10, 64)
		lowest := uint64(0)
		if p.name == "limit" {
			lowest = 1
		}
		if err != nil || n < lowest || n > p.max {
			return fail(c, http.StatusBadRequest, fmt.Sprintf("%s must be a whole number from %d to %d", p.name, lowest, p.max))
		}
		p.set(n)
	}
	return c.JSON(http.StatusOK, w.Journal.List(f))
}

func (a *api) clearJournal(c echo.Context, w *world.World) error {
	w.Journal.Clear()
	return c.NoContent(http.StatusNoContent)
}

// listWorlds is the one cross-world call: it needs the admin token.
func (a *api) listWorlds(c echo.Context) error {
	if a.AdminToken == "" || c.Request().Header.Get(TokenHeader) != a.AdminToken {
		return fail(c, http.StatusForbidden, "listing worlds needs the admin token (--admin-token) in "+TokenHeader)
	}
	out, err := DescribeWorlds(a.Worlds)
	if err != nil {
		return err
	}
	return a.answerWorlds(c, out)
}

// WorldItem is a world as GET /_sim/worlds and `simulator worlds` list it: id, token, clock
// and how many records of each kind it holds per provider.
type WorldItem struct {
	ID     string                    `json:"id"`
	Token  string                    `json:"token"`
	Now    time.Time                 `json:"now"`
	Counts map[string]map[string]int `json:"counts"`
	// Instance is the instance holding the world (GET /_sim/worlds only).
	Instance string `json:"instance,omitempty"`
}

// DescribeWorlds lists every world of reg, by id.
func DescribeWorlds(reg *world.Registry) ([]WorldItem, error) {
	out := []WorldItem{}
	for _, w := range reg.Worlds() {
		counts, err := w.Counts()
		if err != nil {
			return nil, err
		}
		out = append(out, WorldItem{ID: w.ID, Token: w.Token, Now: w.Now(), Counts: counts})
	}
	return out, nil
}
