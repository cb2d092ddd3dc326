package openscaler

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// portInput is the body of the public-port operations of VMs and load balancers: the
// internal port, and what it is for (opening only).
type portInput struct {
	Port int    `json:"port"`
	Desc string `json:"desc"`
}

type publicPortView struct {
	PublicPort int `json:"public_port"`
}

// vmPublicPortsPost forwards the lowest free port of the region's shared IP to an internal
// port of the VM; the automatic 22, 80 and 443 forwards stay as they are.
func (p *Provider) vmPublicPortsPost(c echo.Context) error {
	var in portInput
	if err := p.bind(c, &in); err != nil {
		return err
	}
	var out publicPortView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		v, err := loadVM(tx, vmID(provider.PathString(c, "vm_id")))
		if err != nil {
			return err
		}
		if err := checkSettled(v); err != nil {
			return err
		}
		r, err := loadRegion(tx, v.Region)
		if err != nil {
			return err
		}
		for _, f := range v.Forwards {
			if f.Internal == in.Port {
				return apierr.Conflict(fmt.Sprintf("Port %d of VM %d is already public: %s:%d", in.Port, v.ID, r.PublicIP, f.Port))
			}
		}
		ports, err := allocatePorts(tx, idxPublicPorts, r.ID, r.Ports, vmOwner(v.ID), 1)
		if err != nil || ports == nil {
			return firstErr(err, errNoPublicPort(r))
		}
		v.Forwards = append(v.Forwards, Forward{Port: ports[0], Internal: in.Port, Description: in.Desc})
		v.Updated = tx.Now
		out.PublicPort = ports[0]
		return saveVM(tx, v)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// vmPublicPortsDelete stops forwarding to an internal port of the VM (22 too: the page warns
// that SSH is then out of reach) and frees its public port.
func (p *Provider) vmPublicPortsDelete(c echo.Context) error {
	var in portInput
	if err := p.bind(c, &in); err != nil {
		return err
	}
	return p.done(c, provider.World(c).Update(func(tx *state.Tx) error {
		v, err := loadVM(tx, vmID(provider.PathString(c, "vm_id")))
		if err != nil {
			return err
		}
		if err := checkSettled(v); err != nil {
			return err
		}
		kept, gone := splitForwards(v.Forwards, in.Port)
		if gone == nil {
			return apierr.NotFound(fmt.Sprintf("Port %d of VM %d is not public", in.Port, v.ID))
		}
		if err := freePorts(tx, v.Region, []Forward{*gone}); err != nil {
			return err
		}
		v.Forwards, v.Updated = kept, tx.Now
		return saveVM(tx, v)
	}))
}

// splitForwards takes the forward to internal out of fw.
func splitForwards(fw []Forward, internal int) (kept []Forward, gone *Forward) {
	kept = make([]Forward, 0, len(fw))
	for i := range fw {
		if fw[i].Internal == internal && gone == nil {
			f := fw[i]
			gone = &f
			continue
		}
		kept = append(kept, fw[i])
	}
	return kept, gone
}
