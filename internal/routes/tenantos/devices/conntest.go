package devices

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// connectionOnline tells whether a connection works now:
//   - ipmi: its remote agent exists and the BMC takes its credentials (an enabled user of that
//     name and password);
//   - pxe, dhcp: its remote agent exists;
//   - snmp_switch: the switch answers and the port is enabled;
//   - pdu: the PDU answers and has the outlet (an outlet that is off still answers).
func connectionOnline(tx *tenantos.Tx, c *tenantos.Connection) bool {
	switch c.Type {
	case tenantos.ConnIPMI:
		return tenantos.RemoteAgents.Has(tx, c.AgentID) && tenantos.BMCLogin(tx, c)
	case tenantos.ConnPXE, tenantos.ConnDHCP:
		return tenantos.RemoteAgents.Has(tx, c.AgentID)
	case tenantos.ConnSwitch, tenantos.ConnPDU:
		d, err := tenantos.NetworkDevices.Get(tx, c.DeviceID())
		if err != nil || !deviceOnline(tx, d) {
			return false
		}
		p := d.PortByID(c.MetaInt("portId"))
		return p != nil && (c.Type == tenantos.ConnPDU || !p.Disabled)
	}
	return false
}

// testServerConnection answers GET /api/servers/{server}/connections/{testConnectionId}/test:
// "online" when the connection works (see connectionOnline), "offline" when it does not.
// Whoever sees the server may test its connections.
func (g *group) testServerConnection(c echo.Context) error {
	result := "offline"
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		s, err := connectionServer(tx, c, false)
		if err != nil {
			return err
		}
		conn, err := serverConnection(tx, s, pathID(c, "testConnectionId"))
		if err != nil {
			return err
		}
		if connectionOnline(tx, conn) {
			result = "online"
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, result)
}

// portActions are what a switch port connection can do besides listing them.
var portActions = []string{"getPortStatus", "setPortEnabled", "setPortDisabled"}

// supportedActions answers getSupportedActions: the power actions of an IPMI connection
// (p.Fx.PowerFeatures["ipmi"]) or a PDU outlet (["pdu"]) used for power management, none for
// the others; a switch port connection adds its port actions.
func (g *group) supportedActions(c *tenantos.Connection) map[string][]string {
	out := map[string][]string{"powerActions": {}}
	switch {
	case c.Type == tenantos.ConnIPMI && c.Uses(tenantos.UsePower):
		out["powerActions"] = append(out["powerActions"], g.p.Fx.PowerFeatures["ipmi"]...)
	case c.Type == tenantos.ConnPDU && c.Uses(tenantos.UsePower):
		out["powerActions"] = append(out["powerActions"], g.p.Fx.PowerFeatures["pdu"]...)
	case c.Type == tenantos.ConnSwitch:
		out["portActions"] = append([]string{}, portActions...)
	}
	return out
}

// runServerConnectionAction answers POST /api/servers/{server}/connections/{testConnectionId}/
// {serverConnectionAction}: getSupportedActions answers {powerActions: […]} (and a switch
// port's {portActions: […]}); the actions it lists run through the connection:
//
//   - power actions of an IPMI connection or a PDU outlet: getPowerStatus answers the
//     server's power ("online" or "offline"); setPowerOn, setPowerOff, setPowerReset and
//     setPowerCycle switch it ("executed"; an outlet is switched with the server) and the
//     cached status follows on the clock; setBootType {params} sets the next boot device
//     (pxe, disk, bios, cdrom, floppy, safe, diag or none); setBmcReset and
//     executeCustomCommand leave the power as it is. Each but getPowerStatus writes an
//     activity entry (rootType serverPower, "Executed Power Action <action>").
//   - a switch port's getPortStatus answers {portAdminStatus, portOperStatus} ("enabled" or
//     "disabled", "up" or "down"); setPortEnabled and setPortDisabled switch the port as the
//     device action does ("ok").
//
// Decisions where the documentation is silent: an action the connection does not list is
// 422 on serverConnectionAction; a connection that does not work (see testServerConnection)
// cannot run actions (422); while a provisioning run is running, actions that switch the
// power are refused with 422; a user the server is suspended for is refused with 403, and
// port actions are for administrators and resellers (end users 403). Whoever sees the server
// may list the actions and read the power or port status.
func (g *group) runServerConnectionAction(c echo.Context) error {
	action := strings.TrimSpace(provider.PathString(c, "serverConnectionAction"))
	body := provider.Input(c).Body
	who := tenantos.CallerOf(c)
	var out any
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := connectionServer(tx, c, false)
		if err != nil {
			return err
		}
		conn, err := serverConnection(tx, s, pathID(c, "testConnectionId"))
		if err != nil {
			return err
		}
		supported := g.supportedActions(conn)
		if action == "getSupportedActions" {
			out = supported
			return nil
		}
		if !tenantos.Contains(supported["powerActions"], action) && !tenantos.Contains(supported["portActions"], action) {
			return tenantos.Invalidf("serverConnectionAction", "The action %s is not supported by this %s connection.", action, conn.Type)
		}
		if conn.Type == tenantos.ConnSwitch {
			// A port that is down is still switched through its switch.
			d, err := tenantos.NetworkDevices.Get(tx, conn.DeviceID())
			if err != nil || !deviceOnline(tx, d) || d.PortByID(conn.MetaInt("portId")) == nil {
				return tenantos.Invalid("serverConnectionAction", "The switch of the connection does not answer.")
			}
		} else if !connectionOnline(tx, conn) {
			return tenantos.Invalidf("serverConnectionAction", "The %s connection does not answer; test it and check its settings.", conn.Type)
		}
		if conn.Type == tenantos.ConnSwitch {
			out, err = g.portAction(c, tx, s, conn, action)
			return err
		}
		if action == "getPowerStatus" {
			out = s.Power
			if s.PowerStatus != s.Power && s.PowerType != "none" {
				s.PowerStatus = s.Power
				return tenantos.Servers.Put(tx, s.ID, s)
			}
			return nil
		}
		if suspendedFor(who, s) {
			return errSuspended
		}
		switching := action == "setPowerOn" || action == "setPowerOff" || action == "setPowerReset" || action == "setPowerCycle"
		if switching && s.Install != nil && s.Install.Running {
			return tenantos.Invalid("serverConnectionAction", "The server is busy with a provisioning task.")
		}
		if err := g.powerAction(tx, s, conn, action, body); err != nil {
			return err
		}
		out = "executed"
		return logServer(c, tx, s, "serverPower", "Executed Power Action "+action)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// bootDevices are the devices setBootType takes through a BMC.
var bootDevices = []string{"pxe", "disk", "bios", "cdrom", "floppy", "safe", "diag", "none"}

// powerAction carries out a power action through a connection.
func (g *group) powerAction(tx *tenantos.Tx, s *tenantos.Server, conn *tenantos.Connection, action string, body map[string]any) error {
	switch action {
	case "setPowerOff":
		if err := g.setOutlet(tx, conn, false); err != nil {
			return err
		}
		return g.setPower(tx, s, "offline")
	case "setPowerOn", "setPowerReset", "setPowerCycle":
		if err := g.setOutlet(tx, conn, true); err != nil {
			return err
		}
		if s.Power == "online" {
			return g.schedulePowerStatus(tx, s.ID) // a reset or cycle: the poll sees it on again
		}
		return g.setPower(tx, s, "online")
	case "setBootType":
		dev, _ := str(body["params"])
		dev = strings.ToLower(dev)
		if dev == "" {
			return tenantos.Invalid("params", "The params field is required for setBootType.")
		}
		if !tenantos.Contains(bootDevices, dev) {
			return tenantos.Invalidf("params", "The boot device must be one of %s.", strings.Join(bootDevices, ", "))
		}
		s.BootType, s.Updated = dev, tx.Now
		return tenantos.Servers.Put(tx, s.ID, s)
	}
	return nil // setBmcReset, executeCustomCommand: the power stays as it is
}

// setOutlet switches the outlet of a PDU connection (nothing for other connections).
func (g *group) setOutlet(tx *tenantos.Tx, conn *tenantos.Connection, on bool) error {
	if conn.Type != tenantos.ConnPDU {
		return nil
	}
	d, err := tenantos.NetworkDevices.Get(tx, conn.DeviceID())
	if err != nil {
		return err
	}
	p := d.PortByID(conn.MetaInt("portId"))
	if p == nil || p.Disabled == !on {
		return nil
	}
	now := tx.Now
	p.Disabled = !on
	if on && len(p.Down) > 0 && p.Down[len(p.Down)-1].To == nil {
		p.Down[len(p.Down)-1].To = &now
	} else if !on {
		p.Down = append(p.Down, tenantos.Span{From: now})
	}
	verb := "Enabled"
	if !on {
		verb = "Disabled"
	}
	d.AddLog(tenantos.DeviceLog{Action: map[bool]string{true: "setPortEnabled", false: "setPortDisabled"}[on],
		Description: fmt.Sprintf("%s outlet %s (power action of server #%d)", verb, portLabel(p), conn.ServerID),
		PortID:      &p.ID, Success: true, RelationID: conn.ServerID, Created: now})
	d.Updated = now
	return tenantos.NetworkDevices.Put(tx, d.ID, d)
}

// portStatusView is a switch port's status through a connection.
type portStatusView struct {
	PortID          int64  `json:"portId"`
	PortName        string `json:"portName"`
	PortAdminStatus string `json:"portAdminStatus"`
	PortOperStatus  string `json:"portOperStatus"`
}

// portAction runs a switch port connection's action.
func (g *group) portAction(c echo.Context, tx *tenantos.Tx, s *tenantos.Server, conn *tenantos.Connection, action string) (any, error) {
	d, err := tenantos.NetworkDevices.Get(tx, conn.DeviceID())
	if err != nil {
		return nil, err
	}
	w, err := loadWiring(tx)
	if err != nil {
		return nil, err
	}
	p := d.PortByID(conn.MetaInt("portId"))
	if action == "getPortStatus" {
		v := portStatusView{PortID: p.ID, PortName: p.Name, PortAdminStatus: "enabled", PortOperStatus: "down"}
		if !w.portOn(d, p) {
			v.PortAdminStatus = "disabled"
		}
		if w.linkUp(d, p) {
			v.PortOperStatus = "up"
		}
		return v, nil
	}
	who := tenantos.CallerOf(c)
	if who.User.RoleID == tenantos.RoleUser {
		return nil, errEndUser
	}
	if suspendedFor(who, s) {
		return nil, errSuspended
	}
	a := &actionRun{g: g, c: c, tx: tx, d: d, body: map[string]any{}, w: w}
	if err := a.setPortState(p, action == "setPortEnabled", action); err != nil {
		return nil, err
	}
	d.Updated = tx.Now
	return "ok", tenantos.NetworkDevices.Put(tx, d.ID, d)
}
