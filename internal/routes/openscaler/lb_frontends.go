package openscaler

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Frontend is what a load balancer listens on and how it routes, as the pages show it.
type Frontend struct {
	Name           string          `json:"name"`
	Mode           string          `json:"mode"`
	DefaultBackend *string         `json:"default_backend"`
	Binds          []Bind          `json:"binds"`
	ACLs           []ACL           `json:"acls"`
	Backends       []Route         `json:"backends"`
	Options        FrontendOptions `json:"options"`
}

// Bind is a port a frontend listens on; ssl_certificate names a certificate of the load
// balancer.
type Bind struct {
	Port           int     `json:"port"`
	SSL            bool    `json:"ssl"`
	SSLCertificate *string `json:"ssl_certificate"`
	UseHTTP3       bool    `json:"use_http3"`
}

// ACL is a named condition on a request.
type ACL struct {
	Name      string `json:"name"`
	Criterion string `json:"criterion"`
	Value     string `json:"value"`
}

// Route sends the requests that meet (cond "if") or do not meet ("unless") an ACL to a
// backend.
type Route struct {
	Backend string `json:"backend"`
	Cond    string `json:"cond"`
	Test    string `json:"test"`
}

// FrontendOptions: forwarding the client's address is on unless turned off.
type FrontendOptions struct {
	RedirectSSL bool `json:"redirect_ssl"`
	ForwardFor  bool `json:"forward_for"`
}

func decodeFrontend(c echo.Context) (*Frontend, error) {
	f := &Frontend{Options: FrontendOptions{ForwardFor: true}}
	if err := json.Unmarshal(provider.Input(c).BodyJSON, f); err != nil {
		return nil, apierr.Invalid(fmt.Sprintf("The request body is invalid: %v.", err))
	}
	if f.ACLs == nil {
		f.ACLs = []ACL{}
	}
	if f.Backends == nil {
		f.Backends = []Route{}
	}
	for i := range f.Backends {
		if f.Backends[i].Cond == "" {
			f.Backends[i].Cond = "if"
		}
	}
	return f, nil
}

func findFrontend(lb *LB, name string) int {
	for i := range lb.Frontends {
		if lb.Frontends[i].Name == name {
			return i
		}
	}
	return -1
}

func errFrontendNotFound(name string) error {
	return apierr.NotFound("Frontend '" + name + "' not found")
}

// checkFrontend refuses a frontend that routes to a backend that does not exist or has the
// other mode (400), tests an ACL it does not define, terminates TLS without a certificate of
// the load balancer, or binds a port another frontend (not skip) binds (409).
func checkFrontend(lb *LB, f *Frontend, skip int) error {
	backend := func(name string) error {
		i := findBackend(lb, name)
		if i < 0 {
			return badRequest(fmt.Sprintf("Backend '%s' not found on load balancer %d.", name, lb.ID))
		}
		if m := lb.Backends[i].Mode; m != f.Mode {
			return badRequest(fmt.Sprintf("Frontend '%s' is in %s mode and backend '%s' in %s mode; they must match.", f.Name, f.Mode, name, m))
		}
		return nil
	}
	if f.DefaultBackend != nil {
		if err := backend(*f.DefaultBackend); err != nil {
			return err
		}
	}
	acls := map[string]bool{}
	for _, a := range f.ACLs {
		acls[a.Name] = true
	}
	for _, r := range f.Backends {
		if err := backend(r.Backend); err != nil {
			return err
		}
		if !acls[r.Test] {
			return badRequest(fmt.Sprintf("ACL '%s' is not defined in frontend '%s'.", r.Test, f.Name))
		}
	}
	ports := map[int]bool{}
	for _, b := range f.Binds {
		switch {
		case ports[b.Port]:
			return badRequest(fmt.Sprintf("Port %d is bound twice in frontend '%s'.", b.Port, f.Name))
		case b.SSL && b.SSLCertificate == nil:
			return badRequest(fmt.Sprintf("Bind %d uses ssl and needs an ssl_certificate.", b.Port))
		case b.SSLCertificate != nil && findCertificate(lb, *b.SSLCertificate) < 0:
			return badRequest(fmt.Sprintf("Certificate '%s' not found on load balancer %d.", *b.SSLCertificate, lb.ID))
		case b.UseHTTP3 && (!b.SSL || f.Mode != "http"):
			return badRequest(fmt.Sprintf("Bind %d: HTTP/3 needs ssl in http mode.", b.Port))
		}
		ports[b.Port] = true
		for i, o := range lb.Frontends {
			if i == skip {
				continue
			}
			for _, ob := range o.Binds {
				if ob.Port == b.Port {
					return apierr.Conflict(fmt.Sprintf("Port %d is already bound by frontend '%s'", b.Port, o.Name))
				}
			}
		}
	}
	return nil
}

func (p *Provider) lbListFrontends(c echo.Context) error {
	var out []Frontend
	err := provider.World(c).View(func(tx *state.Tx) error {
		lb, err := lbFromPath(tx, c)
		if err == nil {
			out = append([]Frontend{}, lb.Frontends...)
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"frontends": out})
}

func (p *Provider) lbGetFrontend(c echo.Context) error {
	var out Frontend
	err := provider.World(c).View(func(tx *state.Tx) error {
		lb, err := lbFromPath(tx, c)
		if err != nil {
			return err
		}
		name := provider.PathString(c, "frontend_name")
		i := findFrontend(lb, name)
		if i < 0 {
			return errFrontendNotFound(name)
		}
		out = lb.Frontends[i]
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (p *Provider) lbCreateFrontend(c echo.Context) error {
	f, err := decodeFrontend(c)
	if err != nil {
		return err
	}
	err = p.changeLB(c, func(tx *state.Tx, lb *LB) error {
		if findFrontend(lb, f.Name) >= 0 {
			return apierr.Conflict(fmt.Sprintf("Frontend '%s' already exists on load balancer %d", f.Name, lb.ID))
		}
		if len(lb.Frontends) >= maxLBItems {
			return badRequest(fmt.Sprintf("Load balancer %d has %d frontends, the most it can have.", lb.ID, maxLBItems))
		}
		if err := checkFrontend(lb, f, -1); err != nil {
			return err
		}
		lb.Frontends = append(lb.Frontends, *f)
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, f)
}

// lbUpdateFrontend replaces a frontend (and may rename it).
func (p *Provider) lbUpdateFrontend(c echo.Context) error {
	f, err := decodeFrontend(c)
	if err != nil {
		return err
	}
	name := provider.PathString(c, "frontend_name")
	err = p.changeLB(c, func(tx *state.Tx, lb *LB) error {
		i := findFrontend(lb, name)
		if i < 0 {
			return errFrontendNotFound(name)
		}
		if f.Name != name && findFrontend(lb, f.Name) >= 0 {
			return apierr.Conflict(fmt.Sprintf("Frontend '%s' already exists on load balancer %d", f.Name, lb.ID))
		}
		if err := checkFrontend(lb, f, i); err != nil {
			return err
		}
		lb.Frontends[i] = *f
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, f)
}

func (p *Provider) lbDeleteFrontend(c echo.Context) error {
	name := provider.PathString(c, "frontend_name")
	return p.done(c, p.changeLB(c, func(tx *state.Tx, lb *LB) error {
		i := findFrontend(lb, name)
		if i < 0 {
			return errFrontendNotFound(name)
		}
		lb.Frontends = append(lb.Frontends[:i], lb.Frontends[i+1:]...)
		return nil
	}))
}
