// Package tenantos simulates the Tenantos API: a bare-metal and VPS panel whose servers sit
// in an inventory, are assigned to customers, reinstalled over PXE, switched through IPMI,
// given IPs from subnets, and sold as VPSes on Proxmox from plans; on the state of a world.
//
// This package is the provider's core: its records, fixtures, errors, who a request acts as,
// the activity and access logs, jobs on the world's clock and the views several operations
// share. The operations themselves come in groups, one package each below this one
// (accounts, servers, network, vps), which New puts together.
package tenantos

import (
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/world"
)

// Name is the provider's name in flags, URL lines and the store.
const Name = "tenantos"

// Config is what the simulator tells the provider.
type Config struct {
	// Alias makes an API token created through POST /api/users/{user}/tokens a way into
	// world w (for Tenantos only), and Forget drops a deleted one (the simulator's world
	// registry, set by sim.New). When nil, created tokens are kept but reach no world.
	Alias  func(token string, w *world.World) error
	Forget func(token string) error
	// AliasScoped makes token a way into world w for scope only, a scope of the provider's
	// own ("tenantos-<purpose>", refused otherwise): a secret that a route outside the
	// document resolves with its find (see Hooks.Extra), and that opens nothing else, not
	// the API. Forget drops it. When nil, such secrets reach no world.
	AliasScoped func(token string, w *world.World, scope string) error
}

// Group is a group of operations: it returns its handlers by operationId, and may add jobs
// and hooks to the provider.
type Group func(p *Provider) map[string]echo.HandlerFunc

// Hooks are what one group does for another, or for the core: the servers group creates
// and destroys VMs through the VPS group; the accounts group says what a role may call.
type Hooks struct {
	// Authorize refuses (with an error, usually ErrForbidden) a call the acting user's role
	// does not allow; it runs before every handler. Nil allows everything.
	Authorize func(c echo.Context, who *Caller) error
	// Extra registers routes outside the document (see provider.Extra): the hardware
	// detection script and its callback. find resolves a token of a scope to its world.
	Extra []func(e *echo.Echo, find func(token, scope string) (*world.World, bool))
	// CreateVM makes the VM of a POST /api/servers with servertype vm (or a vpsplan) in tx:
	// it places it on a node, stores it and queues its provisioning.
	CreateVM func(c echo.Context, tx *Tx, s *Server, planID int64, overrides map[string]any) error
	// DestroyVM removes a VM from its node (DELETE /api/servers/{id} with destroy).
	DestroyVM func(c echo.Context, tx *Tx, s *Server) error
}

// Provider is the Tenantos API. Its credential is a bearer token: the world's own token
// acts as the admin user, a token made through the API as the user it belongs to.
type Provider struct {
	provider.Base
	provider.Bearer
	Fx       *Fixtures
	Cfg      Config
	Hooks    Hooks
	access   accessLog
	jobs     map[string]JobFunc
	handlers map[string]echo.HandlerFunc
	// seeders and serverCleanups are what the groups add to a new world and to a server's
	// deletion, by group name.
	seeders        map[string]Seeder
	serverCleanups map[string]ServerCleanup
}

// New loads the Tenantos document and fixtures and puts the groups of operations together.
func New(fixtures fs.FS, cfg Config, log *slog.Logger, groups ...Group) (*Provider, error) {
	fx, err := loadFixtures(fixtures)
	if err != nil {
		return nil, err
	}
	base, err := provider.NewBase(Name, "", fx.Seed, log)
	if err != nil {
		return nil, err
	}
	p := &Provider{Base: base, Fx: fx, Cfg: cfg, jobs: map[string]JobFunc{}, handlers: map[string]echo.HandlerFunc{},
		seeders: map[string]Seeder{}, serverCleanups: map[string]ServerCleanup{}}
	for _, g := range groups {
		for id, h := range g(p) {
			p.handlers[id] = p.handle(h)
		}
	}
	return p, nil
}

// Handlers implements provider.Provider: every operation of the groups, each behind the
// wrapper that finds who the request acts as.
func (p *Provider) Handlers() map[string]echo.HandlerFunc { return p.handlers }

// ExtraRoutes implements provider.Extra with the routes the groups add.
func (p *Provider) ExtraRoutes(e *echo.Echo, find func(token, scope string) (*world.World, bool)) {
	for _, add := range p.Hooks.Extra {
		add(e, find)
	}
}

// ForgetWorld implements provider.WorldForgetter: the world's access log goes.
func (p *Provider) ForgetWorld(id string) { p.access.forget(id) }

// AddJob names a slow operation that Schedule can queue.
func (p *Provider) AddJob(op string, fn JobFunc) { p.jobs[op] = fn }

// Unauthorized answers Laravel's 401 under Accept: application/json.
func (p *Provider) Unauthorized(c echo.Context) error {
	return c.JSON(http.StatusUnauthorized, MessageBody{"Unauthenticated."})
}

// Runners implements provider.Provider.
func (p *Provider) Runners() map[string]world.Runner {
	return map[string]world.Runner{taskKind: p.runTask}
}
