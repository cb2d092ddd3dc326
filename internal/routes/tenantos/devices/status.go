package devices

import (
	"fmt"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// statusTTL is how long a device's status stays cached (the vendor: "at least 15 minutes").
const statusTTL = 15 * time.Minute

// reachable tells whether the panel reaches a device, and what the device answers: its
// sysDescr, or why it does not answer. A device is reached through its remote agent, which
// must exist; a host under the .invalid domain (RFC 2606) never answers, so that clients can
// add a device that is down.
func reachable(tx *tenantos.Tx, d *tenantos.NetworkDevice) (bool, string) {
	if !tenantos.RemoteAgents.Has(tx, d.AgentID) {
		return false, fmt.Sprintf("The remote agent #%d is not available.", d.AgentID)
	}
	host := strings.ToLower(strings.TrimSuffix(d.Host, "."))
	if host == "invalid" || strings.HasSuffix(host, ".invalid") {
		return false, fmt.Sprintf("Timeout: No Response from %s.", d.Host)
	}
	return true, sysDescr(d)
}

// poll asks the device for its status and caches the answer (the caller stores d).
func poll(tx *tenantos.Tx, d *tenantos.NetworkDevice) *tenantos.DeviceStatus {
	ok, text := reachable(tx, d)
	d.Status = &tenantos.DeviceStatus{Success: ok, Result: text, Time: tx.Now}
	return d.Status
}

// fresh reports whether a device's cached status is recent enough to be answered.
func fresh(tx *tenantos.Tx, d *tenantos.NetworkDevice) bool {
	return d.Status != nil && tx.Now.Sub(d.Status.Time) < statusTTL
}

// deviceOnline reports whether the device answers now (switch port and outlet connections
// are online only then); it does not touch the cache.
func deviceOnline(tx *tenantos.Tx, d *tenantos.NetworkDevice) bool {
	ok, _ := reachable(tx, d)
	return ok
}

// testNetworkDeviceConnectivity answers POST /api/networkDevices/{networkDevice}/actions/
// testConnectivity {useCache}: "ok" when the panel reaches the device. The answer is cached
// for 15 minutes (statusCache); useCache true answers a cached status of that age without
// asking the device again.
//
// Decisions where the documentation is silent: a device that does not answer (its remote
// agent is gone, or its host does not exist) is refused with 422 on host, with the reason,
// and the failure is cached like a success; administrators only (403).
func (g *group) testNetworkDeviceConnectivity(c echo.Context) error {
	if err := adminOnly(c); err != nil {
		return err
	}
	var in struct {
		UseCache bool `json:"useCache"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var st tenantos.DeviceStatus
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		d, err := tenantos.NetworkDevices.Get(tx, pathID(c, "networkDevice"))
		if err != nil {
			return err
		}
		if in.UseCache && fresh(tx, d) {
			st = *d.Status
			return nil
		}
		st = *poll(tx, d)
		return tenantos.NetworkDevices.Put(tx, d.ID, d)
	})
	if err != nil {
		return err
	}
	if !st.Success {
		return tenantos.Invalidf("host", "The network device does not answer: %s", st.Result)
	}
	return tenantos.Done(c)
}

// getNetworkDeviceExtendedDetails answers GET /api/networkDevices/{networkDevice}/
// extendedDetails: the device with its timestamps, its status cache (polled again when older
// than 15 minutes) and its live details: every port with its operational and administrative
// status ("1" up, "2" down), description (ifDescr), alias (ifAlias), speed, type and the
// servers connected to it; with advanced management, its interfaces with their VLANs and its
// VLANs (what the VLAN automation and the VLAN actions read and change).
//
// Decisions where the documentation is silent: a switch port's link is up when it is enabled
// and a server that is on hangs on it; an outlet's is up when it is on; a device that does
// not answer still shows what the panel last knew of its ports (cachePorts), with its
// failure in the status cache. Administrators only (403).
func (g *group) getNetworkDeviceExtendedDetails(c echo.Context) error {
	if err := adminOnly(c); err != nil {
		return err
	}
	var out *deviceView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		d, err := tenantos.NetworkDevices.Get(tx, pathID(c, "networkDevice", "id"))
		if err != nil {
			return err
		}
		if !fresh(tx, d) {
			poll(tx, d)
			if err := tenantos.NetworkDevices.Put(tx, d.ID, d); err != nil {
				return err
			}
		}
		w, err := loadWiring(tx)
		if err != nil {
			return err
		}
		out = viewDevice(w, d, true)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
