package servers

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// Boot devices setBootType takes: those of ipmitool's chassis bootdev for IPMI, PXE or disk
// for a VM.
var (
	bootTypesIPMI = []string{"pxe", "disk", "bios", "cdrom", "floppy", "safe", "diag", "none"}
	bootTypesVM   = []string{"pxe", "disk"}
)

// powerInput is what a power method takes, from the query string or a JSON body.
type powerInput struct {
	Params     string `json:"params"`
	NoFailover bool   `json:"noFailover"`
}

// runServerPowerAction answers GET /api/servers/{server}/power/{serverPowerMethod}: a power
// method among the server's powerprovider.supportedFeatures. The action changes the server's
// power at once and the panel's cached status (cachedPowerstatus) follows after
// p.Fx.Timings.PowerStatus seconds; it answers "executed". getPowerStatus polls: it answers
// the power state ("online" or "offline") and refreshes the cached status.
//
// Decisions where the documentation is silent:
//   - A method the server does not support is 422 on serverPowerMethod.
//   - setPowerOff makes the server offline; setPowerOn, setPowerReset and setPowerCycle
//     online. setBootType needs params (a boot device: pxe, disk, bios, cdrom, floppy, safe,
//     diag or none for IPMI; pxe or disk for a VM), else 422 on params. setBmcReset and
//     executeCustomCommand leave the power as it is.
//   - While a provisioning run is running, methods that change the power are refused with
//     409 (the run reboots the server itself); getPowerStatus is not.
//   - A user the server is suspended for is refused with 403; administrators never are.
//   - Every method but getPowerStatus writes an activity entry (rootType serverPower,
//     "Executed Power Action <method>"); status polls, which billing modules make often, do
//     not.
func (g *group) runServerPowerAction(c echo.Context) error {
	var in powerInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	method := provider.PathString(c, "serverPowerMethod")
	who := tenantos.CallerOf(c)
	var result string
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
		if err != nil {
			return err
		}
		if !tenantos.Contains(s.SupportedFeatures, method) {
			return tenantos.Invalidf("serverPowerMethod", "The power method %s is not supported by this server.", method)
		}
		if suspendedFor(who, s) {
			return errSuspended
		}
		if method == "getPowerStatus" {
			result = s.Power
			if s.PowerStatus != s.Power {
				s.PowerStatus = s.Power
				return tenantos.Servers.Put(tx, s.ID, s)
			}
			return nil
		}
		if s.Install != nil && s.Install.Running && changesPower(method) {
			return apierr.Conflict("The server is busy with a provisioning task.")
		}
		if err := g.applyPower(tx, s, method, in.Params); err != nil {
			return err
		}
		s.Updated = tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		result = "executed"
		return logServer(c, tx, s, "serverPower", "Executed Power Action "+method, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, result)
}

// changesPower reports whether a power method switches the server.
func changesPower(method string) bool {
	switch method {
	case "setPowerOff", "setPowerOn", "setPowerReset", "setPowerCycle":
		return true
	}
	return false
}

// applyPower carries out a power method on s (the caller stores s): the power state changes
// at once, and a job makes the cached status follow.
func (g *group) applyPower(tx *tenantos.Tx, s *tenantos.Server, method, params string) error {
	switch method {
	case "setPowerOff":
		s.Power = "offline"
	case "setPowerOn", "setPowerReset", "setPowerCycle":
		s.Power = "online"
	case "setBootType":
		dev := strings.ToLower(strings.TrimSpace(params))
		allowed := bootTypesIPMI
		if s.TypeOfServer == "vm" {
			allowed = bootTypesVM
		}
		if dev == "" {
			return tenantos.Invalid("params", "The params field is required when serverPowerMethod is setBootType.")
		}
		if !tenantos.Contains(allowed, dev) {
			return tenantos.Invalidf("params", "The selected params is invalid: the boot device must be one of %s.", strings.Join(allowed, ", "))
		}
		s.BootType = dev
		return nil
	default: // setBmcReset, executeCustomCommand: the power stays as it is
		return nil
	}
	return schedulePowerStatus(tx, s.ID, g.p.Fx.Timings.PowerStatus)
}

// schedulePowerStatus queues the job that makes the cached status follow the power state.
func schedulePowerStatus(tx *tenantos.Tx, serverID int64, seconds int) error {
	_, err := tenantos.Schedule(tx, tenantos.Seconds(seconds), tenantos.Job{Op: jobPowerStatus, ServerID: serverID})
	return err
}

// powerStatusJob makes a server's cached power status what its power is (the panel's poll).
// A server deleted meanwhile is skipped.
func (g *group) powerStatusJob(tx *tenantos.Tx, j *tenantos.Job) error {
	s, err := tenantos.Servers.Get(tx, j.ServerID)
	if err == tenantos.ErrServerNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if s.PowerStatus == s.Power || s.PowerType == "none" {
		return nil
	}
	s.PowerStatus = s.Power
	return tenantos.Servers.Put(tx, s.ID, s)
}
