package devices

import (
	"encoding/json"
	"strconv"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// deviceView is the network device object, keys in the documented order. created_at,
// updated_at and extendedDetails are in extendedDetails' answer only.
type deviceView struct {
	ID                       int64            `json:"id"`
	CreatedAt                string           `json:"created_at,omitempty"`
	UpdatedAt                string           `json:"updated_at,omitempty"`
	Name                     string           `json:"name"`
	Host                     string           `json:"host"`
	DeviceType               string           `json:"deviceType"`
	SnmpCommunity            string           `json:"snmpCommunity"`
	SnmpVersion              string           `json:"snmpVersion"`
	AgentID                  int64            `json:"agentId"`
	Features                 []string         `json:"features"`
	Meta                     json.RawMessage  `json:"meta"`
	Username                 string           `json:"username"`
	Password                 string           `json:"password"`
	Port                     *int64           `json:"port"`
	StatusCache              any              `json:"statusCache"`
	SnmpAuthAlgo             *string          `json:"snmpAuthAlgo"`
	SnmpAuthLevel            *string          `json:"snmpAuthLevel"`
	SnmpCryptoAlgo           *string          `json:"snmpCryptoAlgo"`
	SnmpCryptoPassword       string           `json:"snmpCryptoPassword"`
	EnableAdvancedManagement *int             `json:"enableAdvancedManagement"`
	ManagementVendor         *string          `json:"managementVendor"`
	ManagementPort           *string          `json:"managementPort"`
	ManagementUser           string           `json:"managementUser"`
	ManagementPassword       string           `json:"managementPassword"`
	Ports                    []portView       `json:"ports"`
	ExtendedDetails          *extendedDetails `json:"extendedDetails,omitempty"`
	RootType                 string           `json:"rootType"`
	ExtendedDetailsAvailable bool             `json:"extendedDetailsAvailable"`
}

// portView is a port with the servers connected to it.
type portView struct {
	ID          int64        `json:"id"`
	Name        string       `json:"name"`
	Assignments []assignment `json:"assignments"`
}

// assignment is a server's connection to a port.
type assignment struct {
	Type         string `json:"type"`
	RelID        int64  `json:"relId"`
	ConnectionID int64  `json:"connectionId"`
}

// statusView is the status cache: {content: {success, result}, time}.
type statusView struct {
	Content statusContent `json:"content"`
	Time    int64         `json:"time"`
}

type statusContent struct {
	Success int    `json:"success"`
	Result  string `json:"result"`
}

// extendedDetails is what the device answers live: its ports' status and, with advanced
// management, its interfaces' VLANs and its VLANs.
type extendedDetails struct {
	Ports                       []extendedPort  `json:"ports"`
	AdvancedManagementAvailable int             `json:"advancedManagementAvailable"`
	Interfaces                  []interfaceView `json:"interfaces,omitempty"`
	Vlans                       []vlanView      `json:"vlans,omitempty"`
}

type extendedPort struct {
	Name            string       `json:"name"`
	PortOperStatus  string       `json:"portOperStatus"`
	PortAdminStatus string       `json:"portAdminStatus"`
	Description     string       `json:"description"`
	Alias           string       `json:"alias"`
	LinkSpeed       string       `json:"linkSpeed"`
	IfType          string       `json:"ifType"`
	ID              int64        `json:"id"`
	Assignments     []assignment `json:"assignments"`
}

type interfaceView struct {
	ID              int64           `json:"id"`
	Name            string          `json:"name"`
	Description     string          `json:"description"`
	PortAdminStatus string          `json:"portAdminStatus"`
	Mode            string          `json:"mode"`
	Vlans           []interfaceVlan `json:"vlans"`
}

type interfaceVlan struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	IsAccessVlan bool   `json:"isAccessVlan"`
	IsNativeVlan bool   `json:"isNativeVlan"`
	IsTrunkVlan  bool   `json:"isTrunkVlan"`
}

type vlanView struct {
	ID    int64    `json:"id"`
	Name  string   `json:"name"`
	L3IPs []string `json:"l3Ips"`
}

// wiring is what is connected to the devices: the connections by device and port, and the
// servers they belong to.
type wiring struct {
	byPort  map[[2]int64][]*tenantos.Connection
	servers map[int64]*tenantos.Server
}

// loadWiring reads every switch port and PDU outlet connection.
func loadWiring(tx *tenantos.Tx) (*wiring, error) {
	w := &wiring{byPort: map[[2]int64][]*tenantos.Connection{}, servers: map[int64]*tenantos.Server{}}
	err := tenantos.Connections.Each(tx, func(c *tenantos.Connection) error {
		dev := c.DeviceID()
		if dev == 0 {
			return nil
		}
		if _, ok := w.servers[c.ServerID]; !ok {
			s, err := tenantos.Servers.Get(tx, c.ServerID)
			if err != nil {
				return nil // a connection left of a deleted server
			}
			w.servers[c.ServerID] = s
		}
		key := [2]int64{dev, c.MetaInt("portId")}
		w.byPort[key] = append(w.byPort[key], c)
		return nil
	})
	return w, err
}

// at lists the connections to one port.
func (w *wiring) at(d *tenantos.NetworkDevice, portID int64) []*tenantos.Connection {
	return w.byPort[[2]int64{d.ID, portID}]
}

// assignments are the servers connected to a port.
func (w *wiring) assignments(d *tenantos.NetworkDevice, portID int64) []assignment {
	out := []assignment{}
	for _, c := range w.at(d, portID) {
		out = append(out, assignment{Type: "server", RelID: c.ServerID, ConnectionID: c.ID})
	}
	return out
}

// portOn reports whether a port is administratively up. An outlet that powers servers whose
// power provider is the PDU is on when they are: switching such a server is switching its
// outlet, whichever way it is done.
func (w *wiring) portOn(d *tenantos.NetworkDevice, p *tenantos.DevicePort) bool {
	if d.Kind == tenantos.DevicePDU {
		powers, on := false, true
		for _, c := range w.at(d, p.ID) {
			if s := w.servers[c.ServerID]; s != nil && s.PowerType == "pdu" {
				powers, on = true, on && s.Power == "online"
			}
		}
		if powers {
			return on
		}
	}
	return !p.Disabled
}

// linkUp reports whether a port's link is up: a switch port that is enabled and has a server
// that is on at its other end; an outlet that is on; a console port with a server connected.
func (w *wiring) linkUp(d *tenantos.NetworkDevice, p *tenantos.DevicePort) bool {
	if !w.portOn(d, p) {
		return false
	}
	if d.Kind == tenantos.DevicePDU {
		return true
	}
	for _, c := range w.at(d, p.ID) {
		if s := w.servers[c.ServerID]; s != nil && s.Power == "online" {
			return true
		}
	}
	return false
}

// snmpStatus writes a boolean as SNMP's ifAdminStatus/ifOperStatus: "1" up, "2" down.
func snmpStatus(up bool) string {
	if up {
		return "1"
	}
	return "2"
}

// viewDevice renders a device; extended adds the timestamps and the live details.
func viewDevice(w *wiring, d *tenantos.NetworkDevice, extended bool) *deviceView {
	v := &deviceView{ID: d.ID, Name: d.Name, Host: d.Host, DeviceType: d.DeviceType, SnmpCommunity: d.SnmpCommunity,
		SnmpVersion: d.SnmpVersion, AgentID: d.AgentID, Features: tenantos.List(d.Features), Meta: d.Meta, Username: d.Username,
		Password: masked(d.Password), Port: d.Port, StatusCache: []any{}, SnmpAuthAlgo: d.SnmpAuthAlgo, SnmpAuthLevel: d.SnmpAuthLevel,
		SnmpCryptoAlgo: d.SnmpCryptoAlgo, SnmpCryptoPassword: masked(d.SnmpCryptoPassword), ManagementVendor: d.ManagementVendor,
		ManagementUser: d.ManagementUser, ManagementPassword: masked(d.ManagementPassword), Ports: []portView{},
		RootType: rootType(d), ExtendedDetailsAvailable: d.Kind != tenantos.DeviceConsole}
	if len(v.Meta) == 0 {
		v.Meta = json.RawMessage("[]")
	}
	if d.Status != nil {
		v.StatusCache = statusView{Content: statusContent{Success: tenantos.Flag(d.Status.Success), Result: d.Status.Result},
			Time: d.Status.Time.Unix()}
	}
	if d.EnableAdvancedManagement != nil {
		n := tenantos.Flag(*d.EnableAdvancedManagement)
		v.EnableAdvancedManagement = &n
	}
	if d.ManagementPort != nil {
		s := strconv.FormatInt(*d.ManagementPort, 10)
		v.ManagementPort = &s
	}
	for i := range d.Ports {
		p := &d.Ports[i]
		v.Ports = append(v.Ports, portView{ID: p.ID, Name: p.Name, Assignments: w.assignments(d, p.ID)})
	}
	if !extended {
		return v
	}
	v.CreatedAt, v.UpdatedAt = tenantos.LaravelTime(d.Created), tenantos.LaravelTime(d.Updated)
	ext := &extendedDetails{Ports: []extendedPort{}, AdvancedManagementAvailable: tenantos.Flag(d.AdvancedManagement())}
	for i := range d.Ports {
		p := &d.Ports[i]
		ext.Ports = append(ext.Ports, extendedPort{Name: p.Name, PortOperStatus: snmpStatus(w.linkUp(d, p)),
			PortAdminStatus: snmpStatus(w.portOn(d, p)), Description: p.Description, Alias: p.Alias, LinkSpeed: p.LinkSpeed,
			IfType: p.IfType, ID: p.ID, Assignments: w.assignments(d, p.ID)})
	}
	if d.AdvancedManagement() {
		ext.Interfaces, ext.Vlans = []interfaceView{}, []vlanView{}
		for i := range d.Ports {
			ext.Interfaces = append(ext.Interfaces, viewInterface(w, d, &d.Ports[i]))
		}
		for _, vl := range d.Vlans {
			ext.Vlans = append(ext.Vlans, vlanView{ID: vl.ID, Name: vl.Name, L3IPs: tenantos.List(vl.L3IPs)})
		}
	}
	v.ExtendedDetails = ext
	return v
}

// viewInterface renders a switch interface with its VLANs (access, native and trunk).
func viewInterface(w *wiring, d *tenantos.NetworkDevice, p *tenantos.DevicePort) interfaceView {
	out := interfaceView{ID: p.ID, Name: p.Name, Description: p.Alias, PortAdminStatus: "enabled", Mode: p.Mode, Vlans: []interfaceVlan{}}
	if !w.portOn(d, p) {
		out.PortAdminStatus = "disabled"
	}
	name := func(id int64) string {
		if vl := findVlan(d, id); vl != nil {
			return vl.Name
		}
		return ""
	}
	if p.Mode == "trunk" {
		if p.NativeVlan > 0 {
			out.Vlans = append(out.Vlans, interfaceVlan{ID: p.NativeVlan, Name: name(p.NativeVlan), IsNativeVlan: true})
		}
		for _, id := range p.TrunkVlans {
			if id != p.NativeVlan {
				out.Vlans = append(out.Vlans, interfaceVlan{ID: id, Name: name(id), IsTrunkVlan: true})
			}
		}
	} else if p.AccessVlan > 0 {
		out.Vlans = append(out.Vlans, interfaceVlan{ID: p.AccessVlan, Name: name(p.AccessVlan), IsAccessVlan: true})
	}
	return out
}

// findVlan finds a switch's VLAN.
func findVlan(d *tenantos.NetworkDevice, id int64) *tenantos.Vlan {
	for i := range d.Vlans {
		if d.Vlans[i].ID == id {
			return &d.Vlans[i]
		}
	}
	return nil
}
