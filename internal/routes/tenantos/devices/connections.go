package devices

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// connectionView is the connection object, keys in the documented order.
type connectionView struct {
	ID                         int64        `json:"id"`
	AgentID                    int64        `json:"agentId"`
	ServerID                   int64        `json:"serverId"`
	Types                      []string     `json:"types"`
	AgentAssignmentsRelationID int64        `json:"agentAssignmentsRelationId"`
	AgentDetails               *agentView   `json:"agent_details"`
	RelatedData                relatedDataV `json:"related_data"`
}

type agentView struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Hostname string `json:"hostname"`
}

type relatedDataV struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
	Meta any    `json:"meta"`
}

// viewConnection renders a connection: its agent's details (null without one), and its meta
// as stored, the IPMI password masked ("********"; never answered in clear), an empty meta as
// PHP's [].
func viewConnection(tx *tenantos.Tx, c *tenantos.Connection) connectionView {
	v := connectionView{ID: c.ID, AgentID: c.AgentID, ServerID: c.ServerID, Types: tenantos.List(c.Types),
		AgentAssignmentsRelationID: c.ID, RelatedData: relatedDataV{ID: c.ID, Type: c.Type}}
	if a, err := tenantos.RemoteAgents.Get(tx, c.AgentID); err == nil {
		v.AgentDetails = &agentView{ID: a.ID, Name: a.Name, Hostname: a.Hostname}
	}
	if len(c.Meta) == 0 {
		v.RelatedData.Meta = []any{}
		return v
	}
	meta := &ordered{}
	keys := append([]string(nil), metaOrder[c.Type]...)
	var rest []string
	for k := range c.Meta {
		if !tenantos.Contains(keys, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range append(keys, rest...) {
		val, ok := c.Meta[k]
		if !ok {
			continue
		}
		if k == "password" {
			val = masked(c.MetaString("password"))
		}
		meta.add(k, val)
	}
	v.RelatedData.Meta = meta
	return v
}

// metaOrder is the order of a connection's meta keys, as the vendor shows them; other keys
// follow in alphabetical order.
var metaOrder = map[string][]string{
	tenantos.ConnIPMI:   {"username", "password", "ip", "javaVersion", "bmcPort"},
	tenantos.ConnDHCP:   {"pxe_mac"},
	tenantos.ConnSwitch: {"switchId", "portId"},
	tenantos.ConnPDU:    {"pduId", "portId"},
}

// connectionInput is the body of createServerConnection and updateServerConnection.
type connectionInput struct {
	AgentID           *int64   `json:"agentId"`
	Types             []string `json:"types"`
	ConnectionDetails *struct {
		Type *string         `json:"type"`
		Meta json.RawMessage `json:"meta"`
	} `json:"connectionDetails"`
}

// kinds are the connections the panel makes, and what each may be used for.
var kinds = map[string][]string{
	tenantos.ConnIPMI:   {tenantos.UsePower, tenantos.UseConsole},
	tenantos.ConnPXE:    {tenantos.UseInstall},
	tenantos.ConnDHCP:   {tenantos.UseDHCP},
	tenantos.ConnSwitch: {},
	tenantos.ConnPDU:    {tenantos.UsePower},
}

// readMeta decodes connectionDetails.meta: an object, or PHP's [] for none.
func readMeta(raw json.RawMessage) (map[string]any, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || string(raw) == "[]" {
		return map[string]any{}, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, tenantos.Invalid("connectionDetails.meta", "The connection details.meta must be an array.")
	}
	return m, nil
}

// checkConnection checks a connection as it would be stored and normalises its meta:
//   - ipmi: meta ip (an address or host name), username and password are required;
//     javaVersion defaults to auto and bmcPort to "623";
//   - dhcp: meta pxe_mac, a MAC address;
//   - snmp_switch: meta switchId (a switch) and portId (one of its ports, by id or name;
//     kept as the id);
//   - pdu: meta pduId (a PDU) and portId (one of its outlets);
//   - pxe: no meta.
//
// IPMI, PXE and DHCP go through a remote agent (agentId must name one); a switch port or an
// outlet is reached through its device (agentId 0, or an agent). types must be uses the kind
// has (power_management and remote_console for ipmi, installation for pxe, dhcp for dhcp,
// power_management for pdu, none for snmp_switch).
func checkConnection(tx *tenantos.Tx, c *tenantos.Connection) error {
	uses, ok := kinds[c.Type]
	if !ok {
		return tenantos.Invalid("connectionDetails.type", "The selected connection details.type is invalid (ipmi, pxe, dhcp, snmp_switch or pdu).")
	}
	for i, t := range c.Types {
		if !tenantos.Contains(uses, t) {
			return tenantos.Invalidf(fmt.Sprintf("types.%d", i), "A %s connection cannot be used for %s.", c.Type, t)
		}
	}
	viaAgent := c.Type == tenantos.ConnIPMI || c.Type == tenantos.ConnPXE || c.Type == tenantos.ConnDHCP
	if (viaAgent || c.AgentID != 0) && !tenantos.RemoteAgents.Has(tx, c.AgentID) {
		return tenantos.Invalid("agentId", "The selected agent id is invalid.")
	}
	field := func(k string) string { return "connectionDetails.meta." + k }
	need := func(k string) (string, error) {
		v := strings.TrimSpace(c.MetaString(k))
		if v == "" {
			return "", tenantos.Invalidf(field(k), "The connection details.meta.%s field is required for a %s connection.", k, c.Type)
		}
		return v, nil
	}
	switch c.Type {
	case tenantos.ConnIPMI:
		ip, err := need("ip")
		if err != nil {
			return err
		}
		if net.ParseIP(ip) == nil && !validHost(ip) {
			return tenantos.Invalid(field("ip"), "The connection details.meta.ip must be an IP address or a host name.")
		}
		if _, err := need("username"); err != nil {
			return err
		}
		if _, err := need("password"); err != nil {
			return err
		}
		if c.MetaString("javaVersion") == "" {
			c.Meta["javaVersion"] = "auto"
		}
		if c.MetaString("bmcPort") == "" {
			c.Meta["bmcPort"] = "623"
		}
	case tenantos.ConnDHCP:
		mac, err := need("pxe_mac")
		if err != nil {
			return err
		}
		if !reMAC.MatchString(mac) {
			return tenantos.Invalid(field("pxe_mac"), "The connection details.meta.pxe_mac must be a MAC address.")
		}
	case tenantos.ConnSwitch, tenantos.ConnPDU:
		key, kind := "switchId", tenantos.DeviceSwitch
		if c.Type == tenantos.ConnPDU {
			key, kind = "pduId", tenantos.DevicePDU
		}
		if _, err := need(key); err != nil {
			return err
		}
		d, err := tenantos.NetworkDevices.Get(tx, c.MetaInt(key))
		if err != nil || d.Kind != kind {
			return tenantos.Invalidf(field(key), "The connection details.meta.%s names no %s.", key, map[string]string{
				tenantos.DeviceSwitch: "switch", tenantos.DevicePDU: "PDU"}[kind])
		}
		ref, err := need("portId")
		if err != nil {
			return err
		}
		p := d.FindPort(ref)
		if p == nil {
			return tenantos.Invalidf(field("portId"), "The network device %s has no port %s.", d.Name, ref)
		}
		c.Meta[key], c.Meta["portId"] = d.ID, p.ID
	}
	return nil
}

// connectionServer loads the server of a connection operation: one the caller sees (404
// otherwise) and, for a change, the caller must be an administrator (403).
func connectionServer(tx *tenantos.Tx, c echo.Context, write bool) (*tenantos.Server, error) {
	who := tenantos.CallerOf(c)
	s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
	if err != nil {
		return nil, err
	}
	if write && !who.Admin() {
		return nil, tenantos.ErrForbidden
	}
	return s, nil
}

// serverConnection loads a connection of the path's server (404 when the server has none by
// that id).
func serverConnection(tx *tenantos.Tx, s *tenantos.Server, id int64) (*tenantos.Connection, error) {
	conn, err := tenantos.Connections.Get(tx, id)
	if err != nil || conn.ServerID != s.ID {
		return nil, tenantos.ErrConnectionNotFound
	}
	return conn, nil
}

// listServerConnections answers GET /api/servers/{server_id}/connections: the server's
// connections in id order. Whoever sees the server may list them (404 otherwise).
func (g *group) listServerConnections(c echo.Context) error {
	out := []connectionView{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		s, err := connectionServer(tx, c, false)
		if err != nil {
			return err
		}
		conns, err := tenantos.ServerConnections(tx, s.ID)
		for _, conn := range conns {
			out = append(out, viewConnection(tx, conn))
		}
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getServerConnection answers GET /api/servers/{server_id}/connections/{id}: one connection
// of the server (404 when the server has none by that id).
func (g *group) getServerConnection(c echo.Context) error {
	var out connectionView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		s, err := connectionServer(tx, c, false)
		if err != nil {
			return err
		}
		conn, err := serverConnection(tx, s, pathID(c, "id"))
		if err == nil {
			out = viewConnection(tx, conn)
		}
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createServerConnection answers POST /api/servers/{server}/connections {agentId, types,
// connectionDetails: {type, meta}}: a connection is added (see checkConnection) and the
// server's providers follow its connections (tenantos.Provider.SyncConnections): an IPMI
// connection used for power management gives the IPMI power features, a PDU outlet the PDU
// ones. types defaults to what the kind is used for. The answer is the new connection.
//
// Decisions where the documentation is silent: administrators only (403); a VM's connections
// are its hypervisor's (422 on server); an activity entry is written on the server.
func (g *group) createServerConnection(c echo.Context) error {
	var in connectionInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out connectionView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := connectionServer(tx, c, true)
		if err != nil {
			return err
		}
		if s.VM != nil || s.TypeOfServer == "vm" {
			return tenantos.Invalid("server", "A virtual server's connections are its hypervisor's.")
		}
		if in.ConnectionDetails == nil || in.ConnectionDetails.Type == nil {
			return tenantos.Invalid("connectionDetails.type", "The connection details.type field is required.")
		}
		meta, err := readMeta(in.ConnectionDetails.Meta)
		if err != nil {
			return err
		}
		id, err := tenantos.Connections.NextID(tx)
		if err != nil {
			return err
		}
		conn := &tenantos.Connection{ID: id, ServerID: s.ID, Type: strings.TrimSpace(*in.ConnectionDetails.Type), Types: in.Types,
			Meta: meta, Created: tx.Now, Updated: tx.Now}
		if in.AgentID != nil {
			conn.AgentID = *in.AgentID
		}
		if conn.Types == nil {
			conn.Types = tenantos.DefaultTypes(conn.Type)
		}
		if err := checkConnection(tx, conn); err != nil {
			return err
		}
		if err := tenantos.SaveConnection(tx, conn); err != nil {
			return err
		}
		if err := g.resync(tx, s); err != nil {
			return err
		}
		if err := logServer(c, tx, s, "serverConnections", fmt.Sprintf("Created connection #%d (%s)", conn.ID, conn.Type)); err != nil {
			return err
		}
		out = viewConnection(tx, conn)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updateServerConnection answers PUT /api/servers/{server_id}/connections/{id}: what is sent
// changes (connectionDetails.meta is merged into the connection's: a password left out, sent
// empty or as its mask stays), checked as on create, and the server's providers follow. The
// answer is the connection. Administrators only (403).
func (g *group) updateServerConnection(c echo.Context) error {
	var in connectionInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out connectionView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := connectionServer(tx, c, true)
		if err != nil {
			return err
		}
		conn, err := serverConnection(tx, s, pathID(c, "id"))
		if err != nil {
			return err
		}
		if in.AgentID != nil {
			conn.AgentID = *in.AgentID
		}
		if in.Types != nil {
			conn.Types = in.Types
		}
		if d := in.ConnectionDetails; d != nil {
			if d.Type != nil && strings.TrimSpace(*d.Type) != conn.Type {
				conn.Type, conn.Meta = strings.TrimSpace(*d.Type), map[string]any{}
				if in.Types == nil {
					conn.Types = tenantos.DefaultTypes(conn.Type)
				}
			}
			meta, err := readMeta(d.Meta)
			if err != nil {
				return err
			}
			for k, v := range meta {
				if k == "password" {
					if p, _ := v.(string); p == "" || p == tenantos.Redacted {
						continue
					}
				}
				conn.Meta[k] = v
			}
		}
		if err := checkConnection(tx, conn); err != nil {
			return err
		}
		conn.Updated = tx.Now
		if err := tenantos.SaveConnection(tx, conn); err != nil {
			return err
		}
		if err := g.resync(tx, s); err != nil {
			return err
		}
		if err := logServer(c, tx, s, "serverConnections", fmt.Sprintf("Updated connection #%d (%s)", conn.ID, conn.Type)); err != nil {
			return err
		}
		out = viewConnection(tx, conn)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// deleteServerConnection answers DELETE /api/servers/{server_id}/connections/{id}: the
// connection goes (404 afterwards) and the server's providers follow: without an IPMI
// connection or a PDU outlet it has no power features left. Administrators only (403).
func (g *group) deleteServerConnection(c echo.Context) error {
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := connectionServer(tx, c, true)
		if err != nil {
			return err
		}
		conn, err := serverConnection(tx, s, pathID(c, "id"))
		if err != nil {
			return err
		}
		if err := tenantos.DeleteConnection(tx, conn); err != nil {
			return err
		}
		if err := g.resync(tx, s); err != nil {
			return err
		}
		return logServer(c, tx, s, "serverConnections", fmt.Sprintf("Deleted connection #%d (%s)", conn.ID, conn.Type))
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// resync makes a server's providers follow its connections and stores it.
func (g *group) resync(tx *tenantos.Tx, s *tenantos.Server) error {
	if err := g.p.SyncConnections(tx, s); err != nil {
		return err
	}
	s.Updated = tx.Now
	return tenantos.Servers.Put(tx, s.ID, s)
}
