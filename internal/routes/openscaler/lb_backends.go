package openscaler

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Backend is a pool of servers a load balancer forwards to, as the pages show it.
type Backend struct {
	Name            string         `json:"name"`
	Mode            string         `json:"mode"`
	BalancingMethod string         `json:"balancing_method"`
	Port            int            `json:"port"`
	Servers         BackendServers `json:"servers"`
	Options         BackendOptions `json:"options"`
}

// BackendServers are the backend's VMs, by id (strings, as the pages write them).
type BackendServers struct {
	Type        string   `json:"type"`
	ComputerIDs []string `json:"computer_ids"`
}

// BackendOptions are a backend's options; what a request leaves out keeps its default
// (forward_for on, the rest off or null).
type BackendOptions struct {
	TLS           bool           `json:"tls"`
	TLSVerify     bool           `json:"tls_verify"`
	ForwardFor    bool           `json:"forward_for"`
	ProxyProtocol *string        `json:"proxy_protocol"`
	StickySession *StickySession `json:"sticky_session"`
	HealthCheck   *HealthCheck   `json:"health_check"`
}

// StickySession keeps a client on one server, by cookie or by its address.
type StickySession struct {
	Type   string  `json:"type"`
	Cookie *string `json:"cookie"`
	TTL    *string `json:"ttl"`
}

// HealthCheck is how servers are checked; its port defaults to the backend's.
type HealthCheck struct {
	Type         string  `json:"type"`
	Path         *string `json:"path"`
	Method       *string `json:"method"`
	Port         int     `json:"port"`
	ExpectedCode *string `json:"expected_code"`
	HostHeader   *string `json:"host_header"`
}

// decodeBackend reads a backend from the validated body, with the defaults.
func decodeBackend(c echo.Context) (*Backend, error) {
	b := &Backend{Options: BackendOptions{ForwardFor: true}}
	if err := json.Unmarshal(provider.Input(c).BodyJSON, b); err != nil {
		return nil, apierr.Invalid(fmt.Sprintf("The request body is invalid: %v.", err))
	}
	if b.Servers.ComputerIDs == nil {
		b.Servers.ComputerIDs = []string{}
	}
	if hc := b.Options.HealthCheck; hc != nil && hc.Port == 0 {
		hc.Port = b.Port
	}
	if st := b.Options.StickySession; st != nil && st.Type == "cookie" && st.Cookie == nil {
		name := "SERVERID"
		st.Cookie = &name
	}
	return b, nil
}

// checkServers refuses (400) servers that are not VMs of the load balancer's VPC.
func checkServers(tx *state.Tx, lb *LB, b *Backend) error {
	for _, s := range b.Servers.ComputerIDs {
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || id <= 0 {
			return badRequest(fmt.Sprintf("VM '%s' not found.", s))
		}
		v, err := loadVM(tx, id)
		if err != nil {
			return badRequest(fmt.Sprintf("VM '%s' not found.", s))
		}
		switch {
		case v.ProjectID != lb.ProjectID || v.VPCID != lb.VPCID:
			return badRequest(fmt.Sprintf("VM %d is not in VPC %d of load balancer %d.", v.ID, lb.VPCID, lb.ID))
		case v.Deleting:
			return badRequest(fmt.Sprintf("VM %d is being deleted.", v.ID))
		}
	}
	return nil
}

func findBackend(lb *LB, name string) int {
	for i := range lb.Backends {
		if lb.Backends[i].Name == name {
			return i
		}
	}
	return -1
}

func errBackendNotFound(name string) error {
	return apierr.NotFound("Backend '" + name + "' not found")
}

// usedBy is the first frontend that routes to the backend, "" when none does.
func usedBy(lb *LB, backend string) string {
	for _, f := range lb.Frontends {
		if f.DefaultBackend != nil && *f.DefaultBackend == backend {
			return f.Name
		}
		for _, r := range f.Backends {
			if r.Backend == backend {
				return f.Name
			}
		}
	}
	return ""
}

func (p *Provider) lbListBackends(c echo.Context) error {
	var out []Backend
	err := provider.World(c).View(func(tx *state.Tx) error {
		lb, err := lbFromPath(tx, c)
		if err == nil {
			out = append([]Backend{}, lb.Backends...)
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"backends": out})
}

func (p *Provider) lbGetBackend(c echo.Context) error {
	var out Backend
	err := provider.World(c).View(func(tx *state.Tx) error {
		lb, err := lbFromPath(tx, c)
		if err != nil {
			return err
		}
		name := provider.PathString(c, "backend_name")
		i := findBackend(lb, name)
		if i < 0 {
			return errBackendNotFound(name)
		}
		out = lb.Backends[i]
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// lbCreateBackend adds a backend; names are unique in the load balancer.
func (p *Provider) lbCreateBackend(c echo.Context) error {
	b, err := decodeBackend(c)
	if err != nil {
		return err
	}
	err = p.changeLB(c, func(tx *state.Tx, lb *LB) error {
		if findBackend(lb, b.Name) >= 0 {
			return apierr.Conflict(fmt.Sprintf("Backend '%s' already exists on load balancer %d", b.Name, lb.ID))
		}
		if len(lb.Backends) >= maxLBItems {
			return badRequest(fmt.Sprintf("Load balancer %d has %d backends, the most it can have.", lb.ID, maxLBItems))
		}
		if err := checkServers(tx, lb, b); err != nil {
			return err
		}
		lb.Backends = append(lb.Backends, *b)
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, b)
}

// lbUpdateBackend replaces a backend. It may rename it, unless a frontend routes to it; it
// may not change its mode while a frontend of the other mode routes to it.
func (p *Provider) lbUpdateBackend(c echo.Context) error {
	b, err := decodeBackend(c)
	if err != nil {
		return err
	}
	name := provider.PathString(c, "backend_name")
	err = p.changeLB(c, func(tx *state.Tx, lb *LB) error {
		i := findBackend(lb, name)
		if i < 0 {
			return errBackendNotFound(name)
		}
		if b.Name != name {
			if findBackend(lb, b.Name) >= 0 {
				return apierr.Conflict(fmt.Sprintf("Backend '%s' already exists on load balancer %d", b.Name, lb.ID))
			}
			if f := usedBy(lb, name); f != "" {
				return apierr.Conflict(fmt.Sprintf("Backend '%s' is used by frontend '%s'; it cannot be renamed", name, f))
			}
		}
		if b.Mode != lb.Backends[i].Mode {
			if f := usedBy(lb, name); f != "" {
				return apierr.Conflict(fmt.Sprintf("Backend '%s' is used by frontend '%s' (mode %s); its mode cannot change", name, f, lb.Backends[i].Mode))
			}
		}
		if err := checkServers(tx, lb, b); err != nil {
			return err
		}
		lb.Backends[i] = *b
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, b)
}

// lbDeleteBackend removes a backend no frontend routes to.
func (p *Provider) lbDeleteBackend(c echo.Context) error {
	name := provider.PathString(c, "backend_name")
	return p.done(c, p.changeLB(c, func(tx *state.Tx, lb *LB) error {
		i := findBackend(lb, name)
		if i < 0 {
			return errBackendNotFound(name)
		}
		if f := usedBy(lb, name); f != "" {
			return apierr.Conflict(fmt.Sprintf("Backend '%s' is used by frontend '%s'", name, f))
		}
		lb.Backends = append(lb.Backends[:i], lb.Backends[i+1:]...)
		return nil
	}))
}

// changeLB changes the load balancer the path names, once it is created and while it is not
// being deleted.
func (p *Provider) changeLB(c echo.Context, fn func(tx *state.Tx, lb *LB) error) error {
	return provider.World(c).Update(func(tx *state.Tx) error {
		lb, err := lbFromPath(tx, c)
		if err != nil {
			return err
		}
		if err := checkLBSettled(lb); err != nil {
			return err
		}
		if err := fn(tx, lb); err != nil {
			return err
		}
		lb.Updated = tx.Now
		return saveLB(tx, lb)
	})
}
