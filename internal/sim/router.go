package sim

import (
	"fmt"
	"sort"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/panelsim/panelsim/internal/control"
	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/ui"
)

// buildEcho makes a provider's HTTP handler: the control API under /_sim and one route per
// operation of the provider's document, each behind the shared request pipeline.
func (s *Simulator) buildEcho(p provider.Provider) (*echo.Echo, error) {
	ops, err := openapi.Operations(p.Spec())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Name(), err)
	}
	handlers := p.Handlers()
	if err := matchHandlers(p.Name(), ops, handlers); err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.JSONSerializer = provider.JSONSerializer{}
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if !c.Response().Committed {
			p.WriteError(c, err)
		}
	}
	e.Pre(nameInstance(s.opts.instanceName()), provider.KeepRequestURI, middleware.RemoveTrailingSlash(), s.limits(p))
	e.Use(s.journal(p, s.newObserver(p)))
	deps := control.Deps{Worlds: s.worlds, AdminToken: s.opts.AdminToken, Providers: s.Providers(), Clock: s.opts.Clock, Scenarios: s.scenarios,
		MaxScenarioBytes: s.opts.MaxScenarioBytes, OnReset: s.forgetWorld, OnRestore: s.loadWorldScenarios,
		OnImport: s.worldImported, ImportCheck: s.importCheck,
		InstanceName: s.opts.instanceName(), Peers: s.opts.Peers}
	// At the root, and under the API's base path for clients that only know the API's URL.
	control.Register(e.Group("/_sim"), deps)
	if p.BasePath() != "" {
		control.Register(e.Group(p.BasePath()+"/_sim"), deps)
	}
	ui.Register(e, s.opts.AdminToken) // the dashboard, at /_sim/ui on the root only
	if upstream := s.opts.RecordUpstream[p.Name()]; upstream != "" {
		proxy, err := s.recordingProxy(p, upstream)
		if err != nil {
			return nil, err
		}
		e.Any(p.BasePath(), proxy)
		e.Any(p.BasePath()+"/*", proxy)
		return e, nil
	}
	if x, ok := p.(provider.Extra); ok {
		x.ExtraRoutes(e, s.worlds.Find)
	}
	for _, op := range ops {
		var full *openapi.Operation
		if s.opts.CheckResponses {
			if full, err = fullOperation(p.Name(), op.ID); err != nil {
				return nil, err
			}
		}
		h := s.pipeline(p, op, full, handlers[op.ID])
		for _, path := range append([]string{op.EchoPath}, op.Aliases...) {
			e.Add(op.Method, p.BasePath()+path, h)
		}
	}
	return e, nil
}

// matchHandlers insists that the document and the route table name the same operations.
func matchHandlers(name string, ops []*openapi.Operation, handlers map[string]echo.HandlerFunc) error {
	inSpec := map[string]bool{}
	var missing, extra []string
	for _, op := range ops {
		inSpec[op.ID] = true
		if handlers[op.ID] == nil {
			missing = append(missing, op.ID)
		}
	}
	for id := range handlers {
		if !inSpec[id] {
			extra = append(extra, id)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		return fmt.Errorf("%s: operations without a handler %v; handlers without an operation %v", name, missing, extra)
	}
	return nil
}
