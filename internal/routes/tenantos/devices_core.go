package tenantos

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Network devices, server connections and BMC users are the devices group's records; they are
// here because other groups read or change them: the servers group makes a new server's
// connections from its config, answers ipmitool's user list from the BMC users and forgets
// a deleted server's connections; the agents group lists what an agent reaches.
//
// A dedicated server's connections are the truth of its providers: SyncConnections makes the
// server's power provider (type and supportedFeatures), console and reinstallation provider
// what its connections give it.

// Errors a client sees for devices and connections that do not exist.
var (
	ErrNetworkDeviceNotFound = apierr.NotFound("Network device not found.")
	ErrConnectionNotFound    = apierr.NotFound("Connection not found.")
)

// The records of the devices group.
var (
	NetworkDevices = provider.Records[NetworkDevice]{Provider: Name, Coll: "networkDevices", NotFound: ErrNetworkDeviceNotFound}
	Connections    = provider.Records[Connection]{Provider: Name, Coll: "serverConnections", NotFound: ErrConnectionNotFound}
	// BMCs are the BMCs of IPMI servers, by server id: their user slots.
	BMCs = provider.Records[BMC]{Provider: Name, Coll: "serverBmcs", NotFound: apierr.NotFound("The server has no BMC.")}
)

// SetConnectionsByServer maps a server id to the ids of its connections.
const SetConnectionsByServer = "connectionsByServer"

// Kinds of connection (related_data.type).
const (
	ConnIPMI   = "ipmi"        // meta: ip, username, password, javaVersion, bmcPort
	ConnPXE    = "pxe"         // meta: []
	ConnDHCP   = "dhcp"        // meta: pxe_mac
	ConnSwitch = "snmp_switch" // meta: switchId, portId
	ConnPDU    = "pdu"         // meta: pduId, portId
)

// What a connection is used for (its types).
const (
	UsePower   = "power_management"
	UseConsole = "remote_console"
	UseInstall = "installation"
	UseDHCP    = "dhcp"
)

// Kinds of network device (NetworkDevice.Kind), from its deviceType.
const (
	DeviceSwitch  = "snmp_switch"
	DevicePDU     = "pdu"
	DeviceConsole = "console"
)

// Connection is how the panel reaches a part of a server: its BMC (ipmi), its PXE boot and
// DHCP through a remote agent, the switch port or PDU outlet it hangs on.
type Connection struct {
	ID       int64          `json:"id"`
	ServerID int64          `json:"serverId"`
	AgentID  int64          `json:"agentId"`
	Types    []string       `json:"types"`
	Type     string         `json:"type"`
	Meta     map[string]any `json:"meta"` // as the client sent it, ids as numbers; never nil once stored
	Created  time.Time      `json:"created"`
	Updated  time.Time      `json:"updated"`
}

// MetaString is a meta value as text ("" when absent).
func (c *Connection) MetaString(key string) string {
	switch v := c.Meta[key].(type) {
	case string:
		return v
	case float64:
		return fmt.Sprint(int64(v))
	case int64:
		return fmt.Sprint(v)
	case int:
		return fmt.Sprint(v)
	}
	return ""
}

// MetaInt is a meta value as an integer (0 when absent or not a number).
func (c *Connection) MetaInt(key string) int64 {
	switch v := c.Meta[key].(type) {
	case float64:
		return int64(v)
	case int64:
		return v
	case int:
		return int64(v)
	case string:
		var n int64
		if _, err := fmt.Sscan(strings.TrimSpace(v), &n); err == nil {
			return n
		}
	}
	return 0
}

// Uses reports whether the connection is used for what (one of its types).
func (c *Connection) Uses(what string) bool { return Contains(c.Types, what) }

// DeviceID is the network device a switch port or PDU outlet connection names (0 for other
// kinds).
func (c *Connection) DeviceID() int64 {
	switch c.Type {
	case ConnSwitch:
		return c.MetaInt("switchId")
	case ConnPDU:
		return c.MetaInt("pduId")
	}
	return 0
}

// NetworkDevice is a switch, a PDU or a console server the panel reaches over SNMP (or SSH for
// a switch's advanced management), through a remote agent.
type NetworkDevice struct {
	ID                       int64           `json:"id"`
	Name                     string          `json:"name"`
	Host                     string          `json:"host"`
	DeviceType               string          `json:"deviceType"`
	Kind                     string          `json:"kind"` // DeviceSwitch, DevicePDU or DeviceConsole
	SnmpCommunity            string          `json:"snmpCommunity"`
	SnmpVersion              string          `json:"snmpVersion"`
	AgentID                  int64           `json:"agentId"`
	Features                 []string        `json:"features"`
	Meta                     json.RawMessage `json:"meta"` // an object, or [] when none
	Username                 string          `json:"username"`
	Password                 string          `json:"password"`
	Port                     *int64          `json:"port"`
	SnmpAuthAlgo             *string         `json:"snmpAuthAlgo"`
	SnmpAuthLevel            *string         `json:"snmpAuthLevel"`
	SnmpCryptoAlgo           *string         `json:"snmpCryptoAlgo"`
	SnmpCryptoPassword       string          `json:"snmpCryptoPassword"`
	EnableAdvancedManagement *bool           `json:"enableAdvancedManagement"`
	ManagementVendor         *string         `json:"managementVendor"`
	ManagementPort           *int64          `json:"managementPort"`
	ManagementUser           string          `json:"managementUser"`
	ManagementPassword       string          `json:"managementPassword"`
	Ports                    []DevicePort    `json:"ports"`
	Vlans                    []Vlan          `json:"vlans"`
	Status                   *DeviceStatus   `json:"status"` // the status cache; nil before the first poll
	Logs                     []DeviceLog     `json:"logs"`   // the action log, oldest first
	NextLogID                int64           `json:"nextLogId"`
	Created                  time.Time       `json:"created"`
	Updated                  time.Time       `json:"updated"`
}

// AdvancedManagement reports whether the device's VLANs and interfaces are managed over SSH.
func (d *NetworkDevice) AdvancedManagement() bool {
	return d.Kind == DeviceSwitch && d.EnableAdvancedManagement != nil && *d.EnableAdvancedManagement
}

// FindPort finds a port by its id or its name ("ge-0/0/1", "1").
func (d *NetworkDevice) FindPort(ref string) *DevicePort {
	ref = strings.TrimSpace(ref)
	for i := range d.Ports {
		if d.Ports[i].Name == ref {
			return &d.Ports[i]
		}
	}
	for i := range d.Ports {
		if fmt.Sprint(d.Ports[i].ID) == ref {
			return &d.Ports[i]
		}
	}
	return nil
}

// PortByID finds a port by its id.
func (d *NetworkDevice) PortByID(id int64) *DevicePort {
	for i := range d.Ports {
		if d.Ports[i].ID == id {
			return &d.Ports[i]
		}
	}
	return nil
}

// DevicePort is a switch port (an interface), a PDU outlet or a console server's serial port.
// Disabled is its administrative state (an outlet switched off); Down lists the spans it was
// disabled, for its statistics.
type DevicePort struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Description string  `json:"description"` // ifDescr
	Alias       string  `json:"alias"`       // ifAlias, what setInterfaceDescription sets
	Disabled    bool    `json:"disabled"`
	LinkSpeed   string  `json:"linkSpeed"`
	IfType      string  `json:"ifType"`
	Mode        string  `json:"mode"` // access or trunk (switches)
	AccessVlan  int64   `json:"accessVlan"`
	NativeVlan  int64   `json:"nativeVlan"`
	TrunkVlans  []int64 `json:"trunkVlans"`
	Down        []Span  `json:"down,omitempty"`
}

// Span is a time span; To is nil while it lasts.
type Span struct {
	From time.Time  `json:"from"`
	To   *time.Time `json:"to"`
}

// Vlan is a VLAN of a switch.
type Vlan struct {
	ID    int64    `json:"id"`
	Name  string   `json:"name"`
	L3IPs []string `json:"l3Ips"`
}

// DeviceStatus is the last poll of a device: whether it answered and what (its sysDescr, or
// the error).
type DeviceStatus struct {
	Success bool      `json:"success"`
	Result  string    `json:"result"`
	Time    time.Time `json:"time"`
}

// DeviceLog is an entry of a device's action log.
type DeviceLog struct {
	ID          int64     `json:"id"`
	Action      string    `json:"action"`
	Description string    `json:"description"`
	PortID      *int64    `json:"portId,omitempty"`
	Success     bool      `json:"success"`
	UserID      int64     `json:"userId"`
	RelationID  int64     `json:"relationId,omitempty"` // the server it was done for, if any
	Created     time.Time `json:"created"`
}

// MaxDeviceLogs is how many entries a device's action log keeps (the oldest go first).
const MaxDeviceLogs = 200

// AddLog appends an entry to the device's action log (the caller stores the device).
func (d *NetworkDevice) AddLog(e DeviceLog) {
	d.NextLogID++
	e.ID = d.NextLogID
	d.Logs = append(d.Logs, e)
	if n := len(d.Logs) - MaxDeviceLogs; n > 0 {
		d.Logs = append([]DeviceLog(nil), d.Logs[n:]...)
	}
}

// BMC is the BMC of a server: its IPMI user slots, 1 to BMCSlots (slot 1 is the anonymous
// user). A slot without a name holds no user.
type BMC struct {
	ID    int64     `json:"id"` // the server's id
	Users []BMCUser `json:"users"`
}

// BMCSlots is how many user slots a BMC has.
const BMCSlots = 10

// IPMI privilege levels.
const (
	PrivCallback = 1
	PrivUser     = 2
	PrivOperator = 3
	PrivAdmin    = 4
	PrivNoAccess = 15
)

// PrivilegeName is ipmitool's name of a privilege level.
func PrivilegeName(p int) string {
	switch p {
	case PrivCallback:
		return "CALLBACK"
	case PrivUser:
		return "USER"
	case PrivOperator:
		return "OPERATOR"
	case PrivAdmin:
		return "ADMINISTRATOR"
	case 5:
		return "OEM"
	}
	return "NO ACCESS"
}

// BMCUser is one user slot. The password is kept as a hash only.
type BMCUser struct {
	Slot         int    `json:"slot"`
	Name         string `json:"name"`
	PasswordHash string `json:"passwordHash"`
	Privilege    int    `json:"privilege"`
	Enabled      bool   `json:"enabled"`
	Callin       bool   `json:"callin"`
	LinkAuth     bool   `json:"linkAuth"`
	IpmiMsg      bool   `json:"ipmiMsg"`
}

// Slot is the user in slot n (1-based), nil outside the BMC's slots.
func (b *BMC) Slot(n int) *BMCUser {
	if n < 1 || n > len(b.Users) {
		return nil
	}
	return &b.Users[n-1]
}

// ByName finds the slot holding a user name (case-sensitive, as BMCs compare them).
func (b *BMC) ByName(name string) *BMCUser {
	if name == "" {
		return nil
	}
	for i := range b.Users {
		if b.Users[i].Name == name {
			return &b.Users[i]
		}
	}
	return nil
}

// HashBMCPassword is how a BMC user's password is kept.
func HashBMCPassword(serverID int64, password string) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("bmc:%d:%s", serverID, password)))
	return hex.EncodeToString(sum[:])
}

// ServerConnections lists a server's connections in id order.
func ServerConnections(tx *Tx, serverID int64) ([]*Connection, error) {
	var out []*Connection
	err := tx.Set(Name, SetConnectionsByServer).Members(state.ID(uint64(serverID)), 0, -1, func(m []byte) error {
		c, err := Connections.Get(tx, int64(state.IDOf(m)))
		if err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// SaveConnection stores a connection (new or changed) with its server's set.
func SaveConnection(tx *Tx, c *Connection) error {
	if c.Meta == nil {
		c.Meta = map[string]any{}
	}
	if c.Types == nil {
		c.Types = []string{}
	}
	if err := Connections.Put(tx, c.ID, c); err != nil {
		return err
	}
	return tx.Set(Name, SetConnectionsByServer).Add(state.ID(uint64(c.ServerID)), state.ID(uint64(c.ID)))
}

// DeleteConnection removes a connection.
func DeleteConnection(tx *Tx, c *Connection) error {
	if err := tx.Set(Name, SetConnectionsByServer).Remove(state.ID(uint64(c.ServerID)), state.ID(uint64(c.ID))); err != nil {
		return err
	}
	return Connections.Delete(tx, c.ID)
}

// DefaultTypes are what a connection of a kind is used for when the client names nothing.
func DefaultTypes(kind string) []string {
	switch kind {
	case ConnIPMI:
		return []string{UsePower, UseConsole}
	case ConnPXE:
		return []string{UseInstall}
	case ConnDHCP:
		return []string{UseDHCP}
	case ConnPDU:
		return []string{UsePower}
	}
	return []string{}
}

// NewConnection stores a new connection of server s.
func NewConnection(tx *Tx, s *Server, agentID int64, kind string, types []string, meta map[string]any) (*Connection, error) {
	id, err := Connections.NextID(tx)
	if err != nil {
		return nil, err
	}
	if types == nil {
		types = DefaultTypes(kind)
	}
	c := &Connection{ID: id, ServerID: s.ID, AgentID: agentID, Types: types, Type: kind, Meta: meta, Created: tx.Now, Updated: tx.Now}
	return c, SaveConnection(tx, c)
}

// SyncConnections makes a dedicated server's providers what its connections give it (the
// caller stores s): an IPMI connection used for power management gives the power provider
// ipmi with the features of p.Fx.PowerFeatures["ipmi"]; otherwise a PDU outlet used for power
// management gives pdu with those of p.Fx.PowerFeatures["pdu"]; otherwise the server has no
// power provider ("none", no features, cached status "unknown"). An IPMI connection used as
// remote console gives the console ipmi, a PXE connection used for installation the
// reinstallation provider pxe. The first IPMI connection of a server without a BMC record
// makes its BMC: slot 2 is the connection's user (administrator), and with a remote console
// slot 3 the panel's own console user (tos_<server>_<connection>, operator). VMs are left
// alone (their providers are the hypervisor's).
func (p *Provider) SyncConnections(tx *Tx, s *Server) error {
	if s.VM != nil || s.TypeOfServer == "vm" {
		return nil
	}
	conns, err := ServerConnections(tx, s.ID)
	if err != nil {
		return err
	}
	power, console, reinstall := "none", "none", "none"
	var ipmi *Connection
	for _, c := range conns {
		switch c.Type {
		case ConnIPMI:
			if ipmi == nil {
				ipmi = c
			}
			if c.Uses(UsePower) {
				power = "ipmi"
			}
			if c.Uses(UseConsole) {
				console = "ipmi"
			}
		case ConnPDU:
			if c.Uses(UsePower) && power == "none" {
				power = "pdu"
			}
		case ConnPXE:
			if c.Uses(UseInstall) {
				reinstall = "pxe"
			}
		}
	}
	was := s.PowerType
	s.PowerType, s.ConsoleType, s.ReinstallationProvider = power, console, reinstall
	s.SupportedFeatures = []string{}
	if power != "none" {
		s.SupportedFeatures = append(s.SupportedFeatures, p.Fx.PowerFeatures[power]...)
	}
	switch {
	case power == "none":
		s.PowerStatus = "unknown"
	case was == "none" || was == "":
		s.PowerStatus = s.Power
	}
	if ipmi == nil || BMCs.Has(tx, s.ID) {
		return nil
	}
	b := &BMC{ID: s.ID}
	for i := 1; i <= BMCSlots; i++ {
		b.Users = append(b.Users, BMCUser{Slot: i, Privilege: PrivNoAccess})
	}
	b.Users[0] = BMCUser{Slot: 1, Privilege: PrivAdmin, Callin: true}
	name := ipmi.MetaString("username")
	if name == "" {
		name = "ADMIN"
	}
	b.Users[1] = BMCUser{Slot: 2, Name: name, PasswordHash: HashBMCPassword(s.ID, ipmi.MetaString("password")), Privilege: PrivAdmin,
		Enabled: true, Callin: true, LinkAuth: true, IpmiMsg: true}
	if ipmi.Uses(UseConsole) {
		b.Users[2] = BMCUser{Slot: 3, Name: fmt.Sprintf("tos_%d_%d", s.ID, ipmi.ID),
			PasswordHash: HashBMCPassword(s.ID, provider.Credentials().Password(true, true, true, false, false, 16)),
			Privilege:    PrivOperator, Enabled: true, IpmiMsg: true}
	}
	return BMCs.Put(tx, s.ID, b)
}

// IPMIConnection is a server's first IPMI connection, nil when it has none.
func IPMIConnection(tx *Tx, serverID int64) (*Connection, error) {
	conns, err := ServerConnections(tx, serverID)
	if err != nil {
		return nil, err
	}
	for _, c := range conns {
		if c.Type == ConnIPMI {
			return c, nil
		}
	}
	return nil, nil
}

// BMCLogin reports whether an IPMI connection's credentials open a session on its server's
// BMC: an enabled user of that name and password with at least the user privilege.
func BMCLogin(tx *Tx, c *Connection) bool {
	b, err := BMCs.Get(tx, c.ServerID)
	if err != nil {
		return false
	}
	u := b.ByName(c.MetaString("username"))
	return u != nil && u.Enabled && u.Privilege >= PrivUser && u.Privilege <= PrivAdmin &&
		u.PasswordHash == HashBMCPassword(c.ServerID, c.MetaString("password"))
}

// ForgetServerConnections removes a deleted server's connections and BMC.
func ForgetServerConnections(tx *Tx, serverID int64) error {
	conns, err := ServerConnections(tx, serverID)
	if err != nil {
		return err
	}
	for _, c := range conns {
		if err := DeleteConnection(tx, c); err != nil {
			return err
		}
	}
	return BMCs.Delete(tx, serverID)
}

// IpmitoolUserList is ipmitool's "user list" of a BMC.
func IpmitoolUserList(b *BMC) string {
	var sb strings.Builder
	sb.WriteString("ID  Name\t     Callin  Link Auth\tIPMI Msg   Channel Priv Limit")
	for _, u := range b.Users {
		priv := PrivilegeName(u.Privilege)
		if u.Privilege == PrivNoAccess {
			priv = "NO ACCESS"
		}
		fmt.Fprintf(&sb, "\n%-4d%-17s%-8t%-11t%-11t%s", u.Slot, u.Name, u.Callin, u.LinkAuth, u.IpmiMsg, priv)
	}
	return sb.String()
}

// IpmitoolUserSummary is ipmitool's "user summary" of a BMC.
func IpmitoolUserSummary(b *BMC) string {
	enabled, fixed := 0, 0
	for _, u := range b.Users {
		if u.Enabled {
			enabled++
		}
	}
	if len(b.Users) > 0 {
		fixed = 1 // the anonymous user's name cannot be changed
	}
	return fmt.Sprintf("Maximum IDs\t    : %d\nEnabled User Count  : %d\nFixed Name Count    : %d", len(b.Users), enabled, fixed)
}
