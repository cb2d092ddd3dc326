// Package e24cloud simulates the e24cloud REST API v2: signed requests, virtual machines and
// their asynchronous state machine, regions, templates, storage volumes, disk images,
// recovery points, IPv4 addresses, VLANs and VxLANs, security groups with their firewall
// rules, the account and the reseller's accounts.
package e24cloud

import (
	"io/fs"
	"log/slog"
	"time"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/world"
)

// Name is the provider's name in flags, URL lines and the store.
const Name = "e24cloud"

// DefaultKey is the API key that works out of the box (with the fixtures' default secret).
const DefaultKey = "panelsim"

// Config is what the simulator tells the provider.
type Config struct {
	// Keys are the API keys declared on the command line, with their secrets.
	Keys map[string]string
	// Skew is how far a request's X-Date may be from the host's clock (default 15 min).
	Skew time.Duration
	// Wall is the host's clock, for the skew check.
	Wall func() time.Time
	// Alias makes an API key created through PUT /v2/account/api a way into world w, and
	// Forget drops a deleted key (the simulator's world registry, set by sim.New). When nil,
	// created keys are kept in the account but reach no world.
	Alias  func(token string, w *world.World) error
	Forget func(token string) error
}

// Provider is the e24cloud API.
type Provider struct {
	provider.Base
	fx  *Fixtures
	cfg Config
}

// New loads the e24cloud document and fixtures.
func New(fixtures fs.FS, cfg Config, log *slog.Logger) (*Provider, error) {
	fx, err := loadFixtures(fixtures)
	if err != nil {
		return nil, err
	}
	base, err := provider.NewBase(Name, "/v2", fx.Seed, log)
	if err != nil {
		return nil, err
	}
	if cfg.Skew <= 0 {
		cfg.Skew = 15 * time.Minute
	}
	if cfg.Wall == nil {
		cfg.Wall = time.Now
	}
	return &Provider{Base: base, fx: fx, cfg: cfg}, nil
}

// Runners implements provider.Provider.
func (p *Provider) Runners() map[string]world.Runner {
	return map[string]world.Runner{taskVM: p.runVMTask, taskIP: p.runIPTask, taskGroup: p.runGroupTask,
		taskRecovery: p.runRecoveryTask, taskUser: p.runUserTask}
}

// secretOf is the secret a key signs with when it was not created through the API: the one
// declared on the command line, else the fixtures' default.
func (p *Provider) secretOf(key string) string {
	if s, ok := p.cfg.Keys[key]; ok {
		return s
	}
	return p.fx.DefaultSecret
}
