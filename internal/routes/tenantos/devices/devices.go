package devices

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// deviceInput is the body of createNetworkDevice and updateNetworkDevice; nil is "not sent".
type deviceInput struct {
	DeviceType               *string         `json:"deviceType"`
	Name                     *string         `json:"name"`
	Host                     *string         `json:"host"`
	Port                     *int64          `json:"port"`
	Username                 *string         `json:"username"`
	Password                 *string         `json:"password"`
	SnmpCommunity            *string         `json:"snmpCommunity"`
	SnmpVersion              *string         `json:"snmpVersion"`
	SnmpAuthAlgo             *string         `json:"snmpAuthAlgo"`
	SnmpAuthLevel            *string         `json:"snmpAuthLevel"`
	SnmpCryptoAlgo           *string         `json:"snmpCryptoAlgo"`
	SnmpCryptoPassword       *string         `json:"snmpCryptoPassword"`
	EnableAdvancedManagement *bool           `json:"enableAdvancedManagement"`
	ManagementVendor         *string         `json:"managementVendor"`
	ManagementPort           *int64          `json:"managementPort"`
	ManagementUser           *string         `json:"managementUser"`
	ManagementPassword       *string         `json:"managementPassword"`
	AgentID                  *int64          `json:"agentId"`
	Features                 []string        `json:"features"`
	Meta                     json.RawMessage `json:"meta"`
}

// apply copies what was sent into d.
func (in *deviceInput) apply(d *tenantos.NetworkDevice) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	setP := func(dst **string, src *string) {
		if src != nil {
			v := strings.TrimSpace(*src)
			*dst = &v
		}
	}
	set(&d.DeviceType, in.DeviceType)
	set(&d.Name, in.Name)
	set(&d.Host, in.Host)
	set(&d.Username, in.Username)
	set(&d.SnmpCommunity, in.SnmpCommunity)
	set(&d.SnmpVersion, in.SnmpVersion)
	set(&d.ManagementUser, in.ManagementUser)
	setP(&d.SnmpAuthAlgo, in.SnmpAuthAlgo)
	setP(&d.SnmpAuthLevel, in.SnmpAuthLevel)
	setP(&d.SnmpCryptoAlgo, in.SnmpCryptoAlgo)
	setP(&d.ManagementVendor, in.ManagementVendor)
	d.Password = keepSecret(d.Password, in.Password)
	d.SnmpCryptoPassword = keepSecret(d.SnmpCryptoPassword, in.SnmpCryptoPassword)
	d.ManagementPassword = keepSecret(d.ManagementPassword, in.ManagementPassword)
	if in.Port != nil {
		d.Port = in.Port
	}
	if in.ManagementPort != nil {
		d.ManagementPort = in.ManagementPort
	}
	if in.EnableAdvancedManagement != nil {
		d.EnableAdvancedManagement = in.EnableAdvancedManagement
	}
	if in.AgentID != nil {
		d.AgentID = *in.AgentID
	}
	if in.Features != nil {
		d.Features = []string{}
		for _, f := range in.Features {
			if f = strings.TrimSpace(f); f != "" && !tenantos.Contains(d.Features, f) {
				d.Features = append(d.Features, f)
			}
		}
	}
	if len(in.Meta) > 0 {
		meta := bytes.TrimSpace(in.Meta)
		switch {
		case string(meta) == "null" || string(meta) == "[]":
			d.Meta = json.RawMessage("[]")
		case meta[0] == '{':
			d.Meta = json.RawMessage(meta)
		default:
			return tenantos.Invalid("meta", "The meta must be an array.")
		}
	}
	return nil
}

// validate checks a device as it would be stored: the fields its kind needs, a host name or
// address, a remote agent that exists, and advanced management's vendor and user.
func validate(tx *tenantos.Tx, d *tenantos.NetworkDevice) error {
	switch {
	case d.Name == "":
		return tenantos.Invalid("name", "The name field is required.")
	case d.Host == "":
		return tenantos.Invalid("host", "The host field is required.")
	case !validHost(d.Host):
		return tenantos.Invalid("host", "The host must be a valid host name or IP address.")
	case d.DeviceType == "telejetDigiOne" && d.Port == nil:
		return tenantos.Invalid("port", "The port field is required when device type is telejetDigiOne.")
	case d.DeviceType == "telejetDigiOne" && d.Username == "":
		return tenantos.Invalid("username", "The username field is required when device type is telejetDigiOne.")
	case needsCommunity(d.DeviceType) && d.SnmpCommunity == "":
		return tenantos.Invalidf("snmpCommunity", "The snmp community field is required when device type is %s.", d.DeviceType)
	case d.DeviceType == "snmp_switch" && d.SnmpVersion == "":
		return tenantos.Invalid("snmpVersion", "The snmp version field is required when device type is snmp_switch.")
	case d.SnmpVersion != "" && !tenantos.Contains([]string{"1", "2c", "3"}, d.SnmpVersion):
		return tenantos.Invalid("snmpVersion", "The selected snmp version is invalid (1, 2c or 3).")
	case !tenantos.RemoteAgents.Has(tx, d.AgentID):
		return tenantos.Invalid("agentId", "The selected agent id is invalid.")
	}
	if d.EnableAdvancedManagement != nil && *d.EnableAdvancedManagement {
		if d.ManagementVendor == nil || *d.ManagementVendor == "" {
			return tenantos.Invalid("managementVendor", "The management vendor field is required when advanced management is enabled.")
		}
		if d.ManagementUser == "" {
			return tenantos.Invalid("managementUser", "The management user field is required when advanced management is enabled.")
		}
		if d.ManagementPort == nil {
			port := int64(22)
			d.ManagementPort = &port
		}
	}
	if len(d.Meta) == 0 {
		d.Meta = json.RawMessage("[]")
	}
	if d.Features == nil {
		d.Features = []string{}
	}
	return nil
}

// listNetworkDevices answers GET /api/networkDevices: every device with its ports and the
// servers connected to them, in id order (the vendor's sample is one bare device; the list is
// answered in the envelope). Administrators only (403).
func (g *group) listNetworkDevices(c echo.Context) error {
	if err := adminOnly(c); err != nil {
		return err
	}
	out := []*deviceView{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		w, err := loadWiring(tx)
		if err != nil {
			return err
		}
		return tenantos.NetworkDevices.Each(tx, func(d *tenantos.NetworkDevice) error {
			out = append(out, viewDevice(w, d, false))
			return nil
		})
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getNetworkDevice answers GET /api/networkDevices/{id}: one device with its ports.
// Administrators only (403).
func (g *group) getNetworkDevice(c echo.Context) error {
	if err := adminOnly(c); err != nil {
		return err
	}
	var out *deviceView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		d, err := tenantos.NetworkDevices.Get(tx, pathID(c, "id"))
		if err != nil {
			return err
		}
		w, err := loadWiring(tx)
		if err != nil {
			return err
		}
		out = viewDevice(w, d, false)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createNetworkDevice answers POST /api/networkDevices: a switch, PDU or console server is
// added and its ports discovered (switches 24 ports, named after the management vendor:
// ge-0/0/N for Juniper, EthernetN for Arista …; PDUs 8 outlets; console servers 16 ports);
// a switch starts with VLAN 1 (default) on every port. The answer is the new device.
//
// Decisions where the documentation is silent: the fields the vendor says a kind needs are
// required (422 on the field): port and username for telejetDigiOne, snmpCommunity for the
// SNMP devices, snmpVersion (1, 2c or 3) for snmp_switch; host must be a host name or an IP;
// agentId must name a remote agent; with enableAdvancedManagement, managementVendor and
// managementUser are required and managementPort defaults to 22. Passwords are answered
// masked ("********", "" when unset), never in clear; the SNMP community is shown, as the
// vendor does. Administrators only (403); an activity entry is written.
func (g *group) createNetworkDevice(c echo.Context) error {
	if err := adminOnly(c); err != nil {
		return err
	}
	var in deviceInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *deviceView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		id, err := tenantos.NetworkDevices.NextID(tx)
		if err != nil {
			return err
		}
		d := &tenantos.NetworkDevice{ID: id, Features: []string{}, Meta: json.RawMessage("[]"), Logs: []tenantos.DeviceLog{},
			Created: tx.Now, Updated: tx.Now}
		if err := in.apply(d); err != nil {
			return err
		}
		if err := validate(tx, d); err != nil {
			return err
		}
		d.Kind = kindOf(d.DeviceType)
		discoverPorts(d)
		if err := tenantos.NetworkDevices.Put(tx, d.ID, d); err != nil {
			return err
		}
		if err := logDevice(c, tx, d, "Created network device "+d.Name, nil); err != nil {
			return err
		}
		out = viewDevice(&wiring{}, d, false)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updateNetworkDevice answers PUT /api/networkDevices/{id}: the fields sent change, the others
// stay (a password sent empty or as its mask stays as it is). A switch whose management
// vendor changes renames its ports (same ids and state). The answer is the device.
//
// Decisions where the documentation is silent: the same checks as create; a device whose kind
// changes (a switch made a PDU) gets new ports, which is refused with 422 on deviceType while
// servers are connected to it; the status cache is dropped when the host, the agent or the
// SNMP settings change. Administrators only (403).
func (g *group) updateNetworkDevice(c echo.Context) error {
	if err := adminOnly(c); err != nil {
		return err
	}
	var in deviceInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *deviceView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		d, err := tenantos.NetworkDevices.Get(tx, pathID(c, "id"))
		if err != nil {
			return err
		}
		before := *d
		vendor := vendorOf(d)
		if err := in.apply(d); err != nil {
			return err
		}
		if err := validate(tx, d); err != nil {
			return err
		}
		w, err := loadWiring(tx)
		if err != nil {
			return err
		}
		if kind := kindOf(d.DeviceType); kind != d.Kind {
			for i := range d.Ports {
				if len(w.at(d, d.Ports[i].ID)) > 0 {
					return tenantos.Invalid("deviceType", "Servers are connected to the device; remove their connections before changing its kind.")
				}
			}
			d.Kind = kind
			discoverPorts(d)
		} else if d.Kind == tenantos.DeviceSwitch && vendorOf(d) != vendor {
			renamePorts(d)
		}
		if d.Host != before.Host || d.AgentID != before.AgentID || d.SnmpCommunity != before.SnmpCommunity ||
			d.SnmpVersion != before.SnmpVersion || d.DeviceType != before.DeviceType {
			d.Status = nil
		}
		d.Updated = tx.Now
		if err := tenantos.NetworkDevices.Put(tx, d.ID, d); err != nil {
			return err
		}
		if err := logDevice(c, tx, d, "Updated network device "+d.Name, nil); err != nil {
			return err
		}
		out = viewDevice(w, d, false)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// deleteNetworkDevice answers DELETE /api/networkDevices/{id}: the device leaves the panel
// (404 afterwards) with the connections of servers to its ports, in one transaction; servers
// that took their power from one of its outlets lose that power provider (see
// SyncConnections), and each such server's activity log says so.
//
// Decisions where the documentation is silent: deleting a device with connected servers is
// not refused (the vendor documents no refusal); administrators only (403).
func (g *group) deleteNetworkDevice(c echo.Context) error {
	if err := adminOnly(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		d, err := tenantos.NetworkDevices.Get(tx, pathID(c, "id"))
		if err != nil {
			return err
		}
		var gone []*tenantos.Connection
		if err := tenantos.Connections.Each(tx, func(conn *tenantos.Connection) error {
			if conn.DeviceID() == d.ID {
				gone = append(gone, conn)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, conn := range gone {
			if err := tenantos.DeleteConnection(tx, conn); err != nil {
				return err
			}
		}
		for _, conn := range gone {
			s, err := tenantos.Servers.Get(tx, conn.ServerID)
			if err != nil {
				continue
			}
			if err := g.p.SyncConnections(tx, s); err != nil {
				return err
			}
			s.Updated = tx.Now
			if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
				return err
			}
			desc := fmt.Sprintf("Deleted connection #%d (%s): network device %s removed", conn.ID, conn.Type, d.Name)
			if err := logServer(c, tx, s, "serverConnections", desc); err != nil {
				return err
			}
		}
		if err := tenantos.NetworkDevices.Delete(tx, d.ID); err != nil {
			return err
		}
		return logDevice(c, tx, d, "Deleted network device "+d.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}
