package sim

import (
	"bytes"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/journal"
	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/world"
)

// pipeline is the way every API request goes, whatever the provider: response check against
// full, the operation of the full document (tests; nil: none), error translation, body
// limit, authentication to a world, due tasks, validation, handler.
func (s *Simulator) pipeline(p provider.Provider, op, full *openapi.Operation, h echo.HandlerFunc) echo.HandlerFunc {
	next := func(c echo.Context) error {
		provider.SetOperation(c, op.ID)
		if s.opts.Strict {
			provider.SetStrict(c)
		}
		body := requestBody(c)
		w, checked := s.worldOf(c, p, body)
		if w == nil {
			return p.Unauthorized(c)
		}
		provider.SetWorld(c, w)
		if err := w.EnsureSeeded(p.Name()); err != nil {
			return err
		}
		if !s.scenarios.Idle() {
			answered, after, err := s.applyScenarios(c, p, w, scenarioRequest(c, p, op, body))
			if answered || err != nil {
				return err
			}
			if after != nil {
				c.Set(keyAfter, after)
			}
			provider.KeepWriting(c) // a scenario's latency does not eat the answer's time
		}
		if auth, ok := p.(provider.Authenticator); ok && !checked {
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
		if r, ok := p.(provider.Reuser); ok && c.Request().Method == http.MethodGet {
			if who, ok := r.ReusableAnswer(c); ok {
				return provider.Reused(c, who, func() error { return h(c) })
			}
		}
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
	if full == nil {
		return translated
	}
	return func(c echo.Context) error {
		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		translated(c)
		if provider.Rule(c) != "" {
			return nil // a scenario answered on purpose off the document
		}
		if err := full.CheckResponse(c.Response().Status, c.Response().Header().Get(echo.HeaderContentType), rec.body.Bytes()); err != nil && s.opts.OnResponseViolation != nil {
			s.opts.OnResponseViolation(p.Name(), op.ID, err)
		}
		return nil
	}
}

// keyAfter holds what runs once the answer is written (a scenario's truncation).
const keyAfter = "panelsim.after"

// worldOf is the world the request's credential opens on this provider, nil when none. An
// unknown credential gets a fresh world under AnyToken, but only once a provider that signs
// requests has checked the signature against the secret that world would have (checked
// then reports that the check is done): a badly signed request never makes a world.
func (s *Simulator) worldOf(c echo.Context, p provider.Provider, body []byte) (w *world.World, checked bool) {
	token := p.Credential(c.Request())
	if w, ok := s.worlds.Find(token, p.Name()); ok {
		return w, false
	}
	if !s.opts.AnyToken || token == "" {
		return nil, false
	}
	if auth, ok := p.(provider.Authenticator); ok {
		if err := auth.Authenticate(c, nil, body); err != nil {
			return nil, false
		}
		checked = true
	}
	w, err := s.worlds.Create(token, p.Name())
	if err != nil {
		return nil, false
	}
	return w, checked
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

// journal records every request that reached a world in that world's journal, even one a
// scenario ended by resetting its HTTP/2 stream, and counts every request in obs (nil: none).
func (s *Simulator) journal(p provider.Provider, obs *observer) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			var err error
			var capture *bodyCapture
			if s.bodies != nil {
				capture = &bodyCapture{ResponseWriter: c.Response().Writer, c: c, all: s.opts.KeepAllBodies}
				c.Response().Writer = capture
			}
			defer func() {
				obs.observe(c, start, err)
				w := provider.World(c)
				if w == nil {
					return
				}
				req := c.Request()
				w.Journal.Add(journal.Entry{
					Time: w.Now(), WallTime: start.UTC(), Provider: p.Name(), Operation: provider.Operation(c),
					Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Status: c.Response().Status,
					Millis: float64(time.Since(start).Microseconds()) / 1000, Rule: provider.Rule(c),
					Leniency: provider.LeniencyText(c),
				}, capture.exchange(c, w))
			}()
			if err = next(c); err != nil {
				c.Error(err)
			}
			return nil
		}
	}
}
