// Package openscaler simulates the OpenScaler API (v1), a FastAPI application: VMs created
// over a stream of server-sent events, power actions (a synchronous shutdown among them),
// public ports and recovery consoles, load balancers (created over the same kind of stream)
// with their backends, frontends, public ports and certificates, and the catalog the VM
// object refers to (sizes, regions, distros, projects, VPCs, SSH keys), on the state of a
// world.
package openscaler

import (
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/world"
)

// Name is the provider's name in flags, URL lines and the store.
const Name = "openscaler"

// Provider is the OpenScaler API. Its credential is the bearer token (the "access_token" of
// the OpenScaler Platform).
type Provider struct {
	provider.Base
	provider.Bearer
	fx *Fixtures
	// ops are the document's operations by id (to check a body again as FastAPI reads it);
	// orders their request bodies' field order (pydantic lists errors in it).
	ops    map[string]*openapi.Operation
	orders map[string]*fieldOrder
}

// New loads the OpenScaler document and fixtures.
func New(fixtures fs.FS, log *slog.Logger) (*Provider, error) {
	fx, err := loadFixtures(fixtures)
	if err != nil {
		return nil, err
	}
	base, err := provider.NewBase(Name, "/v1", fx.Seed, log)
	if err != nil {
		return nil, err
	}
	ops, err := openapi.Operations(base.Spec())
	if err != nil {
		return nil, err
	}
	orders, err := loadFieldOrders()
	if err != nil {
		return nil, err
	}
	p := &Provider{Base: base, fx: fx, ops: map[string]*openapi.Operation{}, orders: orders}
	for _, op := range ops {
		p.ops[op.ID] = op
	}
	return p, nil
}

// Unauthorized answers 401 {"detail":…} with a Bearer challenge: "Not authenticated" when no
// token was sent, "Invalid or expired token" when the token belongs to no world.
func (p *Provider) Unauthorized(c echo.Context) error {
	msg := "Invalid or expired token"
	if p.Credential(c.Request()) == "" {
		msg = "Not authenticated"
	}
	c.Response().Header().Set(echo.HeaderWWWAuthenticate, "Bearer")
	return c.JSON(http.StatusUnauthorized, detail{msg})
}

// Runners implements provider.Provider.
func (p *Provider) Runners() map[string]world.Runner {
	return map[string]world.Runner{
		taskCreate:   p.runCreate,
		taskAction:   p.runAction,
		taskShutdown: p.runShutdown,
		taskDelete:   p.runDelete,
		taskConsole:  p.runConsole,
		taskLBCreate: p.runLBCreate,
		taskLBDelete: p.runLBDelete,
	}
}
