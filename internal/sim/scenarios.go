package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/scenarios"
	"github.com/panelsim/panelsim/internal/world"
)

// maxHang is how long a hung request is held when the client never gives up.
const maxHang = 10 * time.Minute

// scenarioRequest describes a request for rule matching.
func scenarioRequest(c echo.Context, p provider.Provider, op *openapi.Operation, body []byte) *scenarios.Request {
	r := &scenarios.Request{Provider: p.Name(), Operation: op.ID, Method: c.Request().Method, Path: c.Request().URL.Path,
		Params: map[string]string{}, Query: c.Request().URL.Query(), Body: map[string]any{}}
	for i, name := range c.ParamNames() {
		r.Params[name] = c.ParamValues()[i]
	}
	if len(body) > 0 {
		json.Unmarshal(body, &r.Body) // a body that is not a JSON object simply has no fields
	}
	return r
}

// applyScenarios runs the rules of the world's active scenarios that fire for the request.
// It reports whether one of them answered the request (the handler must not run); after,
// when not nil, is to run once the handler has answered (a truncated answer).
func (s *Simulator) applyScenarios(c echo.Context, p provider.Provider, w *world.World, req *scenarios.Request) (answered bool, after func(), err error) {
	firings := s.scenarios.Fire(w.ID, req)
	if len(firings) == 0 {
		return false, nil, nil
	}
	labels := make([]string, len(firings))
	for i, f := range firings {
		labels[i] = f.Label
	}
	provider.SetRule(c, strings.Join(labels, ","))
	for _, f := range firings {
		a := f.Action
		if a.Latency != nil {
			ctx, cancel := s.untilStopping(c)
			err := s.opts.Sleep(ctx, s.scenarios.Delay(w.ID, a.Latency))
			cancel()
			if err != nil && !s.stopping() {
				return true, nil, nil // the client gave up while waiting
			}
		}
		if a.Fault != "" {
			faulter, ok := p.(provider.Faulter)
			if !ok {
				return false, nil, fmt.Errorf("%s has no domain faults", p.Name())
			}
			undo, err := faulter.Fault(w, a.Fault, a.Params, req)
			if err != nil {
				return false, nil, err
			}
			if undo != nil {
				if err := f.AddUndo(s.scenarios, w.ID, scenarios.Undo{Provider: p.Name(), Data: undo}); err != nil {
					return false, nil, err
				}
			}
		}
		for k, v := range a.Headers {
			c.Response().Header().Set(k, v)
		}
		if a.Truncate {
			after = truncate(c)
		}
		if answered, err := s.answer(c, p, a); answered || err != nil {
			return answered, nil, err
		}
	}
	return false, after, nil
}

// answer carries out an action that answers the request itself.
func (s *Simulator) answer(c echo.Context, p provider.Provider, a *scenarios.Action) (bool, error) {
	switch {
	case a.Drop:
		return true, dropConnection(c)
	case a.Hang:
		select {
		case <-c.Request().Context().Done():
		case <-s.closing:
		case <-time.After(maxHang):
		}
		return true, dropConnection(c)
	case a.Malformed:
		return true, c.Blob(http.StatusOK, echo.MIMEApplicationJSON, []byte(`{"data":{"id":1,"state":"compl`))
	case a.Unauthorized:
		return true, p.Unauthorized(c)
	case a.RetryAfter > 0:
		c.Response().Header().Set("Retry-After", strconv.Itoa(a.RetryAfter))
		p.WriteError(c, apierr.Status(http.StatusTooManyRequests, a.Message))
		return true, nil
	case a.Status != 0 && a.Body != nil:
		if raw, ok := a.Body.(string); ok {
			return true, c.Blob(a.Status, contentType(c, echo.MIMEApplicationJSON), []byte(raw))
		}
		return true, c.JSON(a.Status, a.Body)
	case a.Status != 0:
		p.WriteError(c, apierr.Status(a.Status, a.Message))
		return true, nil
	}
	return false, nil
}

func contentType(c echo.Context, def string) string {
	if ct := c.Response().Header().Get(echo.HeaderContentType); ct != "" {
		return ct
	}
	return def
}

// dropConnection closes the client's connection without an answer; over HTTP/2, where a
// connection carries other requests too, it resets the request's stream instead.
func dropConnection(c echo.Context) error {
	if c.Request().ProtoMajor >= 2 {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := http.NewResponseController(c.Response().Writer).Hijack()
	if err != nil {
		return err
	}
	return conn.Close()
}

// truncate lets the handler answer into a buffer; the function it returns sends half of the
// answer under the full Content-Length and closes the connection, as when a proxy or the
// panel dies mid-answer.
func truncate(c echo.Context) func() {
	buf := &truncatingWriter{ResponseWriter: c.Response().Writer, http2: c.Request().ProtoMajor >= 2}
	c.Response().Writer = buf
	return buf.finish
}

type truncatingWriter struct {
	http.ResponseWriter
	http2  bool
	status int
	body   bytes.Buffer
}

func (w *truncatingWriter) WriteHeader(code int) { w.status = code }

// Unwrap lets http.ResponseController reach the connection.
func (w *truncatingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
func (w *truncatingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// finish writes the cut answer straight to the connection and closes it; over HTTP/2 it
// sends half the body under the full Content-Length and resets the stream.
func (w *truncatingWriter) finish() {
	if w.http2 {
		w.Header().Set("Content-Length", strconv.Itoa(w.body.Len()))
		w.ResponseWriter.WriteHeader(w.status)
		w.ResponseWriter.Write(w.body.Bytes()[:w.body.Len()/2])
		http.NewResponseController(w.ResponseWriter).Flush()
		panic(http.ErrAbortHandler)
	}
	conn, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	out := rw.Writer
	fmt.Fprintf(out, "HTTP/1.1 %d %s\r\n", w.status, http.StatusText(w.status))
	h := w.Header().Clone()
	h.Set("Content-Length", strconv.Itoa(w.body.Len()))
	h.Set("Connection", "close")
	h.Write(out)
	out.WriteString("\r\n")
	out.Write(w.body.Bytes()[:w.body.Len()/2])
	out.Flush()
}

// untilStopping is the request's context, ended early when the simulator begins to shut
// down: a scenario's latency then stops and the request is answered within the grace.
func (s *Simulator) untilStopping(c echo.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(c.Request().Context())
	go func() {
		select {
		case <-s.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// stopping reports whether the simulator has begun to shut down.
func (s *Simulator) stopping() bool {
	select {
	case <-s.closing:
		return true
	default:
		return false
	}
}

// sleepWall waits d on the wall clock, or until ctx ends.
func sleepWall(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
