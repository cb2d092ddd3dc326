package openscaler

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/state"
)

// lbOpenPort forwards the lowest free port of the region's load-balancer range on the shared
// IP to an internal port of a public load balancer.
func (p *Provider) lbOpenPort(c echo.Context) error {
	var in portInput
	if err := p.bind(c, &in); err != nil {
		return err
	}
	var out publicPortView
	err := p.changeLB(c, func(tx *state.Tx, lb *LB) error {
		if lb.Visibility != "public" {
			return apierr.Conflict(fmt.Sprintf("Load balancer %d is private: it has no public ports", lb.ID))
		}
		r, err := loadRegion(tx, lb.Region)
		if err != nil {
			return err
		}
		for _, f := range lb.Forwards {
			if f.Internal == in.Port {
				return apierr.Conflict(fmt.Sprintf("Port %d of load balancer %d is already public: %s:%d", in.Port, lb.ID, r.PublicIP, f.Port))
			}
		}
		ports, err := allocatePorts(tx, idxPublicPorts, r.ID, r.LBPorts, lbOwner(lb.ID), 1)
		if err != nil || ports == nil {
			return firstErr(err, errNoPublicPort(r))
		}
		lb.Forwards = append(lb.Forwards, Forward{Port: ports[0], Internal: in.Port, Description: in.Desc})
		out.PublicPort = ports[0]
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// lbClosePort stops forwarding to an internal port of the load balancer.
func (p *Provider) lbClosePort(c echo.Context) error {
	var in portInput
	if err := p.bind(c, &in); err != nil {
		return err
	}
	return p.done(c, p.changeLB(c, func(tx *state.Tx, lb *LB) error {
		kept, gone := splitForwards(lb.Forwards, in.Port)
		if gone == nil {
			return apierr.NotFound(fmt.Sprintf("Port %d of load balancer %d is not public", in.Port, lb.ID))
		}
		lb.Forwards = kept
		return freePorts(tx, lb.Region, []Forward{*gone})
	}))
}
