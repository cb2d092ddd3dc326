package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/metrics"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// metricsPath is where every listener serves the metrics, at its root (no provider's
// document has a path there: their APIs live under /api, /v1 and /v2).
const metricsPath = "/metrics"

// newMetrics makes the simulator's registry, reading the worlds, tasks and store of s when
// scraped; nil under NoMetrics.
func (s *Simulator) newMetrics() *metrics.Metrics {
	if s.opts.NoMetrics {
		return nil
	}
	return metrics.New(metrics.Sources{
		Worlds:       func() int { return s.worlds.Count() },
		TasksPending: func() int64 { return s.store.PendingTasks() },
		StoreBytes:   func() int64 { return s.store.Size() },
	})
}

// commitHook is what the store tells each commit's duration to (nil without metrics).
func (s *Simulator) commitHook() func(time.Duration) {
	if s.metrics == nil {
		return nil
	}
	return s.metrics.Commit
}

// countRuns wraps a provider's task runner so that each task it carries out is counted once
// its transaction commits (a batch rolled back counts nothing).
func (s *Simulator) countRuns(provider, kind string, run world.Runner) world.Runner {
	if s.metrics == nil {
		return run
	}
	done := s.metrics.TaskRun(provider, kind)
	return func(tx *state.Tx, task *state.Task) error {
		if err := run(tx, task); err != nil {
			return err
		}
		tx.AfterCommit(done)
		return nil
	}
}

// serveMetrics adds GET /metrics to a listener, refusing to hide a route of the provider's.
func (s *Simulator) serveMetrics(p provider.Provider, e *echo.Echo) error {
	if s.metrics == nil {
		return nil
	}
	for _, r := range e.Routes() {
		if r.Path == metricsPath {
			return fmt.Errorf("%s: %s %s is a route of the provider's, where the metrics are served", p.Name(), r.Method, r.Path)
		}
	}
	e.GET(metricsPath, echo.WrapHandler(s.metrics.Handler()))
	return nil
}

// observer counts a listener's requests in the metrics: by operationId for an operation of
// the provider's document, by route path for the control API (as provider "control") and for
// the provider's routes outside its document, and as metrics.NoOperation when no route
// matched. Scrapes of /metrics are not counted.
type observer struct {
	m        *metrics.Metrics
	provider string
	base     string // the provider's base path, under which the control API is mounted too
}

// newObserver is the observer of p's listener, nil without metrics.
func (s *Simulator) newObserver(p provider.Provider) *observer {
	if s.metrics == nil {
		return nil
	}
	return &observer{m: s.metrics, provider: p.Name(), base: p.BasePath()}
}

// observe counts a request answered; err is what the handler returned (echo's not-found
// and method-not-allowed errors say that no route matched).
func (o *observer) observe(c echo.Context, start time.Time, err error) {
	if o == nil {
		return
	}
	prov, op := o.provider, provider.Operation(c)
	if op == "" {
		if prov, op = o.route(c.Path(), err); op == "" {
			return
		}
	}
	o.m.Operation(prov, op).Observe(c.Response().Status, time.Since(start))
}

// route labels a request that reached no operation of the document; op "" is not counted.
func (o *observer) route(path string, err error) (prov, op string) {
	switch {
	case path == metricsPath:
		return "", ""
	case path == "" || err == echo.ErrNotFound || err == echo.ErrMethodNotAllowed:
		return o.provider, metrics.NoOperation
	}
	// The control API has the same labels under the base path as at the root.
	if rest := strings.TrimPrefix(path, o.base); strings.HasPrefix(rest, "/_sim/") {
		return metrics.Control, rest
	}
	return o.provider, path
}

// ruleHitHook is what the scenario engine tells each rule that fires to (nil without
// metrics).
func (s *Simulator) ruleHitHook() func(provider, scenario string) {
	if s.metrics == nil {
		return nil
	}
	return s.metrics.RuleHit
}
