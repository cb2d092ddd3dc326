package devices

import (
	"fmt"
	"strings"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// setPortEnabled brings a port up (an outlet on).
func setPortEnabled(a *actionRun) (any, error) {
	p, err := a.port()
	if err != nil {
		return nil, err
	}
	return "ok", a.setPortState(p, true, "setPortEnabled")
}

// setPortDisabled takes a port down (an outlet off).
func setPortDisabled(a *actionRun) (any, error) {
	p, err := a.port()
	if err != nil {
		return nil, err
	}
	return "ok", a.setPortState(p, false, "setPortDisabled")
}

// setPortState switches a port and carries it to the servers on it:
//   - a switch port: the servers' switch port connections test offline while it is down, and
//     each server's activity log says what happened to its port;
//   - a PDU outlet: switched off, the servers on it lose their power (unless another outlet
//     of theirs is on); switched on, the servers whose power provider is the PDU come back on
//     (the others keep their BMC's power restore policy, always-off). Their cached power
//     status follows on the clock.
//
// The change goes into the device's action log.
func (a *actionRun) setPortState(p *tenantos.DevicePort, enabled bool, action string) error {
	now := a.tx.Now
	if p.Disabled == enabled { // a change
		if enabled && len(p.Down) > 0 && p.Down[len(p.Down)-1].To == nil {
			p.Down[len(p.Down)-1].To = &now
		}
		if !enabled {
			p.Down = append(p.Down, tenantos.Span{From: now})
			if n := len(p.Down) - 50; n > 0 {
				p.Down = append([]tenantos.Span(nil), p.Down[n:]...)
			}
		}
	}
	p.Disabled = !enabled
	verb, what := "Enabled", "port"
	if !enabled {
		verb = "Disabled"
	}
	if a.d.Kind == tenantos.DevicePDU {
		what = "outlet"
	}
	var first int64
	for _, conn := range a.w.at(a.d, p.ID) {
		s, err := tenantos.Servers.Get(a.tx, conn.ServerID)
		if err != nil {
			continue
		}
		if first == 0 {
			first = s.ID
		}
		if a.d.Kind == tenantos.DevicePDU {
			if err := a.powerFromOutlet(s, enabled); err != nil {
				return err
			}
		}
		desc := fmt.Sprintf("%s %s %s of network device %s", verb, what, p.Name, a.d.Name)
		if err := logServer(a.c, a.tx, s, "serverNetwork", desc); err != nil {
			return err
		}
	}
	a.log(action, fmt.Sprintf("%s %s %s", verb, what, portLabel(p)), p, first)
	return logDevice(a.c, a.tx, a.d, fmt.Sprintf("%s %s %s", verb, what, p.Name), nil)
}

// powerFromOutlet carries an outlet switched on or off to a server on it.
func (a *actionRun) powerFromOutlet(s *tenantos.Server, on bool) error {
	if on {
		if s.PowerType == "pdu" {
			return a.g.setPower(a.tx, s, "online")
		}
		return nil
	}
	powered, err := otherOutletOn(a.tx, a.d, s.ID)
	if err != nil || powered {
		return err
	}
	return a.g.setPower(a.tx, s, "offline")
}

// otherOutletOn reports whether a server has another PDU outlet than those of d (as d is in
// this transaction) that is on.
func otherOutletOn(tx *tenantos.Tx, d *tenantos.NetworkDevice, serverID int64) (bool, error) {
	conns, err := tenantos.ServerConnections(tx, serverID)
	if err != nil {
		return false, err
	}
	for _, conn := range conns {
		if conn.Type != tenantos.ConnPDU {
			continue
		}
		dev := d
		if conn.DeviceID() != d.ID {
			if dev, err = tenantos.NetworkDevices.Get(tx, conn.DeviceID()); err != nil {
				continue
			}
		}
		if p := dev.PortByID(conn.MetaInt("portId")); p != nil && !p.Disabled {
			return true, nil
		}
	}
	return false, nil
}

// setInterfaceDescription sets a port's alias (ifAlias; the description the switch shows).
func setInterfaceDescription(a *actionRun) (any, error) {
	p, err := a.port()
	if err != nil {
		return nil, err
	}
	desc, ok := str(a.body["description"])
	if !ok {
		return nil, tenantos.Invalid("description", "The description field is required.")
	}
	if len(desc) > 255 {
		return nil, tenantos.Invalid("description", "The description may not be greater than 255 characters.")
	}
	p.Alias = desc
	a.log("setInterfaceDescription", fmt.Sprintf("Set the description of %s to %q", portLabel(p), desc), p, 0)
	return "ok", nil
}

// updateInterface changes a switch interface: its administrative status (portAdminStatus
// enabled or disabled, as setPortEnabled and setPortDisabled), its description, and its
// VLANs: accessVlan makes it an access port of that VLAN; trunkNativeVlan and trunkVlans make
// it a trunk (native VLAN, tagged VLANs). "0" (or nothing) leaves a VLAN unset; every VLAN
// named must exist on the switch (createVlan), else 422. Sending both an access VLAN and
// trunk VLANs is refused with 422 on accessVlan.
func updateInterface(a *actionRun) (any, error) {
	p, err := a.port()
	if err != nil {
		return nil, err
	}
	var notes []string
	if st, ok := str(a.body["portAdminStatus"]); ok && st != "" {
		switch strings.ToLower(st) {
		case "enabled", "enable", "up", "1":
			if err := a.setPortState(p, true, "setPortEnabled"); err != nil {
				return nil, err
			}
		case "disabled", "disable", "down", "2":
			if err := a.setPortState(p, false, "setPortDisabled"); err != nil {
				return nil, err
			}
		default:
			return nil, tenantos.Invalid("portAdminStatus", "The port admin status must be enabled or disabled.")
		}
	}
	if desc, ok := str(a.body["description"]); ok {
		p.Alias = desc
		notes = append(notes, fmt.Sprintf("description %q", desc))
	}
	access, hasAccess, err := a.vlanField("accessVlan")
	if err != nil {
		return nil, err
	}
	native, hasNative, err := a.vlanField("trunkNativeVlan")
	if err != nil {
		return nil, err
	}
	var trunk []int64
	raw, hasTrunk := a.body["trunkVlans"]
	if hasTrunk && raw != nil {
		list, ok := raw.([]any)
		if !ok {
			return nil, tenantos.Invalid("trunkVlans", "The trunk vlans must be an array.")
		}
		for i, v := range list {
			id, ok := integer(v)
			if !ok || id < 1 || id > 4094 {
				return nil, tenantos.Invalidf(fmt.Sprintf("trunkVlans.%d", i), "The trunk vlans.%d must be a VLAN id between 1 and 4094.", i)
			}
			if findVlan(a.d, id) == nil {
				return nil, tenantos.Invalidf(fmt.Sprintf("trunkVlans.%d", i), "The switch has no VLAN %d.", id)
			}
			if !contains64(trunk, id) {
				trunk = append(trunk, id)
			}
		}
	}
	trunking := (hasNative && native > 0) || len(trunk) > 0
	switch {
	case hasAccess && access > 0 && trunking:
		return nil, tenantos.Invalid("accessVlan", "An interface is either an access port or a trunk: send accessVlan or the trunk VLANs.")
	case hasAccess && access > 0:
		p.Mode, p.AccessVlan, p.NativeVlan, p.TrunkVlans = "access", access, 0, []int64{}
		notes = append(notes, fmt.Sprintf("access VLAN %d", access))
	case trunking:
		if p.Mode != "trunk" {
			p.NativeVlan, p.TrunkVlans = 0, []int64{}
		}
		p.Mode, p.AccessVlan = "trunk", 0
		if hasNative {
			p.NativeVlan = native
		}
		if hasTrunk {
			p.TrunkVlans = trunk
		}
		notes = append(notes, fmt.Sprintf("trunk (native VLAN %d, VLANs %v)", p.NativeVlan, p.TrunkVlans))
	case hasAccess || hasNative: // "0": the VLAN is taken off
		if hasAccess {
			p.AccessVlan = 0
		}
		if hasNative {
			p.NativeVlan = 0
		}
		notes = append(notes, "VLAN removed")
	}
	if p.TrunkVlans == nil {
		p.TrunkVlans = []int64{}
	}
	if len(notes) > 0 {
		a.log("updateInterface", fmt.Sprintf("Updated interface %s: %s", portLabel(p), strings.Join(notes, ", ")), p, 0)
	}
	a.changed = true
	return "ok", nil
}

// vlanField reads an optional VLAN id field: absent, 0 ("none") or a VLAN of the switch.
func (a *actionRun) vlanField(field string) (int64, bool, error) {
	raw, ok := a.body[field]
	if !ok || raw == nil {
		return 0, false, nil
	}
	id, ok := integer(raw)
	if !ok || id < 0 || id > 4094 {
		return 0, true, tenantos.Invalidf(field, "The %s must be a VLAN id between 1 and 4094, or 0.", field)
	}
	if id > 0 && findVlan(a.d, id) == nil {
		return 0, true, tenantos.Invalidf(field, "The switch has no VLAN %d.", id)
	}
	return id, true, nil
}

func contains64(list []int64, v int64) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
