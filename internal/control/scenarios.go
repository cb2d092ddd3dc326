package control

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/scenarios"
	"github.com/panelsim/panelsim/internal/world"
)

func (a *api) listScenarios(c echo.Context, w *world.World) error {
	return c.JSON(http.StatusOK, a.Scenarios.List(w.ID))
}

// postScenario adds a scenario of the world's own, in JSON or YAML.
func (a *api) postScenario(c echo.Context, w *world.World) error {
	limit := a.MaxScenarioBytes
	if limit <= 0 {
		limit = 256 << 10
	}
	raw, err := io.ReadAll(io.LimitReader(c.Request().Body, limit+1))
	if err != nil {
		return fail(c, http.StatusBadRequest, "cannot read the body")
	}
	if int64(len(raw)) > limit {
		return fail(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("a scenario may be at most %d bytes", limit))
	}
	s, err := scenarios.Parse(raw)
	if err != nil {
		return fail(c, http.StatusBadRequest, err.Error())
	}
	err = a.Scenarios.Post(w.ID, s, "posted")
	if errors.Is(err, scenarios.ErrTooMany) {
		return fail(c, http.StatusConflict, err.Error()+"; delete one first (DELETE /_sim/scenarios/{name})")
	}
	if err != nil {
		return fail(c, http.StatusBadRequest, err.Error())
	}
	return c.JSON(http.StatusCreated, scenarios.Summary{Name: s.Name, Description: s.Description, Source: s.Source, Rules: len(s.Rules)})
}

// switchScenario is POST /_sim/scenarios/<provider>/<name>/activate (or deactivate).
func (a *api) switchScenario(c echo.Context, w *world.World) error {
	tail := c.Param("*")
	name, verb, ok := cutLast(tail)
	if !ok || (verb != "activate" && verb != "deactivate") {
		return fail(c, http.StatusNotFound, "want POST /_sim/scenarios/<provider>/<name>/activate or …/deactivate")
	}
	var err error
	if verb == "activate" {
		err = a.Scenarios.Activate(w.ID, name)
	} else {
		_, err = a.Scenarios.Deactivate(w.ID, name)
	}
	if errors.Is(err, scenarios.ErrUnknown) {
		return fail(c, http.StatusNotFound, "no scenario named "+name)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a.Scenarios.List(w.ID))
}

// deleteScenario removes a posted scenario.
func (a *api) deleteScenario(c echo.Context, w *world.World) error {
	err := a.Scenarios.Delete(w.ID, c.Param("*"))
	if errors.Is(err, scenarios.ErrUnknown) {
		return fail(c, http.StatusNotFound, "no posted scenario named "+c.Param("*"))
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func cutLast(s string) (string, string, bool) {
	i := strings.LastIndex(s, "/")
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}
