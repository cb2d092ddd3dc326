package sim

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/journal"
	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/internal/provider"
)

// pipeline is the way every API request goes, whatever the provider: response check (tests),
// error translation, body limit, authentication to a world, due tasks, validation, handler.
func (s *Simulator) pipeline(p provider.Provider, op *openapi.Operation, h echo.HandlerFunc) echo.HandlerFunc {
	next := func(c echo.Context) error {
		provider.SetOperation(c, op.ID)
		body, err := readBody(c.Request(), s.opts.BodyLimit)
		if err != nil {
			return err
		}
		token := p.Credential(c.Request())
		w, ok := s.worlds.Lookup(token)
		if !ok {
			return p.Unauthorized(c)
		}
		provider.SetWorld(c, w)
		if !s.scenarios.Idle() {
			answered, after, err := s.applyScenarios(c, p, w, scenarioRequest(c, p, op, body))
			if answered || err != nil {
				return err
			}
			if after != nil {
				c.Set(keyAfter, after)
			}
		}
		if auth, ok := p.(provider.Authenticator); ok {
			if err := auth.Authenticate(c, w, body); err != nil {
				return p.Unauthorized(c)
			}
		}
		if err := w.CatchUp(); err != nil {
			return err
		}
		in, err := op.Check(c.Request(), c.Param, body)
		if err != nil {
			return err
		}
		provider.SetInput(c, in)
		return h(c)
	}
	translated := func(c echo.Context) error {
		if err := next(c); err != nil && !c.Response().Committed {
			p.WriteError(c, err)
		}
		if after, ok := c.Get(keyAfter).(func()); ok {
			after()
		}
		return nil
	}
	if !s.opts.CheckResponses {
		return translated
	}
	return func(c echo.Context) error {
		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		translated(c)
		if provider.Rule(c) != "" {
			return nil // a scenario answered on purpose off the document
		}
		if err := op.CheckResponse(c.Response().Status, c.Response().Header().Get(echo.HeaderContentType), rec.body.Bytes()); err != nil && s.opts.OnResponseViolation != nil {
			s.opts.OnResponseViolation(p.Name(), op.ID, err)
		}
		return nil
	}
}

// keyAfter holds what runs once the answer is written (a scenario's truncation).
const keyAfter = "panelsim.after"

// readBody reads the whole body, refusing one over limit with 413.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, echo.ErrStatusRequestEntityTooLarge
	}
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, echo.NewHTTPError(http.StatusBadRequest, "cannot read body")
	}
	if int64(len(b)) > limit {
		return nil, echo.ErrStatusRequestEntityTooLarge
	}
	return b, nil
}

// recorder keeps a copy of what a handler writes.
type recorder struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection: echo's Flush (server-sent
// events flush through the recorder) and scenarios that take the connection over.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// journal records every request that reached a world in that world's journal.
func (s *Simulator) journal(p provider.Provider) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			w := provider.World(c)
			if w == nil {
				return nil
			}
			req := c.Request()
			w.Journal.Add(journal.Entry{
				Time: w.Now(), WallTime: start.UTC(), Provider: p.Name(), Operation: provider.Operation(c),
				Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Status: c.Response().Status,
				Millis: float64(time.Since(start).Microseconds()) / 1000, Rule: provider.Rule(c),
			})
			return nil
		}
	}
}
