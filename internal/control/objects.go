package control

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// Object pages: defaultObjectPage records unless ?limit= says otherwise, at most
// maxObjectPage.
const (
	defaultObjectPage = 50
	maxObjectPage     = 500
)

// registerObjects mounts the reads of a world's records by provider and kind.
func (a *api) registerObjects(g *echo.Group) {
	g.GET("/objects", a.withWorld(a.listKinds))
	g.GET("/objects/:provider/:kind", a.withWorld(a.listObjects))
	g.GET("/objects/:provider/:kind/:id", a.withWorld(a.getObject))
}

// listKinds answers how many records of each kind the world holds, per provider.
func (a *api) listKinds(c echo.Context, w *world.World) error {
	counts, err := w.Counts()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"world": w.ID, "providers": counts})
}

// objectPage is the answer of GET /_sim/objects/{provider}/{kind}.
type objectPage struct {
	Provider string `json:"provider"`
	Kind     string `json:"kind"`
	Offset   int    `json:"offset"`
	state.BrowsePage
}

// listObjects answers a page of one kind's records, in key order.
func (a *api) listObjects(c echo.Context, w *world.World) error {
	offset, ok := queryInt(c, "offset", 0, 0, 1<<31)
	if !ok {
		return fail(c, http.StatusBadRequest, "offset must be a whole number from 0")
	}
	limit, ok := queryInt(c, "limit", defaultObjectPage, 1, maxObjectPage)
	if !ok {
		return fail(c, http.StatusBadRequest, "limit must be a whole number from 1 to "+strconv.Itoa(maxObjectPage))
	}
	out := objectPage{Provider: c.Param("provider"), Kind: c.Param("kind"), Offset: offset}
	if !a.knownProvider(out.Provider) {
		return fail(c, http.StatusNotFound, "no provider named "+strconv.Quote(out.Provider))
	}
	err := w.View(func(tx *state.Tx) error {
		out.BrowsePage = tx.Browse(out.Provider, out.Kind, offset, limit)
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// getObject answers one record by its id (or string key).
func (a *api) getObject(c echo.Context, w *world.World) error {
	var rec state.DocRecord
	found := false
	if !a.knownProvider(c.Param("provider")) {
		return fail(c, http.StatusNotFound, "no provider named "+strconv.Quote(c.Param("provider")))
	}
	err := w.View(func(tx *state.Tx) error {
		rec, found = tx.BrowseOne(c.Param("provider"), c.Param("kind"), c.Param("id"))
		return nil
	})
	if err != nil {
		return err
	}
	if !found {
		return fail(c, http.StatusNotFound, "no "+c.Param("provider")+" "+c.Param("kind")+" record "+strconv.Quote(c.Param("id")))
	}
	return c.JSON(http.StatusOK, rec)
}

// knownProvider reports whether records may be kept under name: a provider of the simulator,
// or "panelsim" (the world's own scenarios).
func (a *api) knownProvider(name string) bool {
	return name == "panelsim" || slices.Contains(a.Providers, name)
}

// queryInt reads the whole-number query parameter name, def when absent, and whether it is
// one from lo to hi.
func queryInt(c echo.Context, name string, def, lo, hi int) (int, bool) {
	s := c.QueryParam(name)
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= lo && n <= hi
}
