package virtfusion

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/panelsim/panelsim/internal/state"
)

// serverView is the server object of GET /servers/{id} (seed 000), keys in the panel's order.
type serverView struct {
	ID                  int64            `json:"id"`
	OwnerID             int64            `json:"ownerId"`
	HypervisorID        int64            `json:"hypervisorId"`
	Arch                int              `json:"arch"`
	Name                string           `json:"name"`
	SelfService         int              `json:"selfService"`
	SelfServiceSettings []any            `json:"selfServiceSettings"`
	Hostname            *string          `json:"hostname"`
	CommissionStatus    int              `json:"commissionStatus"`
	UUID                string           `json:"uuid"`
	State               string           `json:"state"`
	Migratable          bool             `json:"migratable"`
	Timezone            string           `json:"timezone"`
	MigrateLevel        int              `json:"migrateLevel"`
	DeleteLevel         int              `json:"deleteLevel"`
	ConfigLevel         int              `json:"configLevel"`
	BackupLevel         int              `json:"backupLevel"`
	Elevated            bool             `json:"elevated"`
	ElevateID           *int64           `json:"elevateId"`
	Elevate             bool             `json:"elevate"`
	Destroyable         bool             `json:"destroyable"`
	Rebuild             bool             `json:"rebuild"`
	Suspended           bool             `json:"suspended"`
	Protected           bool             `json:"protected"`
	BuildFailed         bool             `json:"buildFailed"`
	PrimaryDhcp4        bool             `json:"primaryNetworkDhcp4"`
	PrimaryDhcp6        bool             `json:"primaryNetworkDhcp6"`
	Built               *string          `json:"built"`
	Created             string           `json:"created"`
	Updated             string           `json:"updated"`
	Traffic             trafficView      `json:"traffic"`
	Settings            settingsView     `json:"settings"`
	CPU                 cpuView          `json:"cpu"`
	CustomXML           customXMLView    `json:"customXML"`
	QemuCommandline     []any            `json:"qemuCommandline"`
	QemuAgent           qemuAgentView    `json:"qemuAgent"`
	Media               mediaView        `json:"media"`
	BackupPlan          idName           `json:"backupPlan"`
	VNC                 vncView          `json:"vnc"`
	Network             networkView2     `json:"network"`
	Storage             []diskView       `json:"storage"`
	HypervisorAssets    []any            `json:"hypervisorAssets"`
	Hypervisor          serverHypervisor `json:"hypervisor"`
	Owner               ownerView        `json:"owner"`
	SSHKeys             []serverSSHKey   `json:"sshKeys"`
	SharedUsers         []any            `json:"sharedUsers"`
	Tasks               tasksView        `json:"tasks"`
	// RemoteState is false, or the power state object with ?remoteState=true; the build
	// answer leaves it out.
	RemoteState any `json:"remoteState,omitempty"`
}

type trafficView struct {
	Public struct {
		CountMethod   int `json:"countMethod"`
		CurrentPeriod struct {
			Start string `json:"start"`
			End   string `json:"end"`
			Limit int    `json:"limit"`
		} `json:"currentPeriod"`
	} `json:"public"`
}

type settingsView struct {
	OSTemplateInstall   bool           `json:"osTemplateInstall"`
	OSTemplateInstallID int64          `json:"osTemplateInstallId"`
	EncryptedPassword   string         `json:"encryptedPassword"`
	BackupPlan          *int64         `json:"backupPlan"`
	UEFI                bool           `json:"uefi"`
	UEFIType            int            `json:"uefiType"`
	CloudInit           bool           `json:"cloudInit"`
	CloudInitType       int            `json:"cloudInitType"`
	Config              any            `json:"config"`
	UserConfig          []any          `json:"userConfig"`
	BootOrder           []string       `json:"bootOrder"`
	TPMType             int            `json:"tpmType"`
	NetworkBoot         bool           `json:"networkBoot"`
	BootMenu            int            `json:"bootMenu"`
	CustomISO           int            `json:"customISO"`
	SecurityDriver      int            `json:"securityDriver"`
	MemBalloon          memBalloonView `json:"memBalloon"`
	Hyperv              hypervView     `json:"hyperv"`
	Extended            extendedView   `json:"extended"`
	MachineType         string         `json:"machineType"`
	PCIPorts            int            `json:"pciPorts"`
	Resources           Resources      `json:"resources"`
	DecryptedPassword   string         `json:"decryptedPassword,omitempty"`
}

type extendedView struct {
	CPUFlags struct {
		Topoext string `json:"topoext"`
		SVM     string `json:"svm"`
		VMX     string `json:"vmx"`
	} `json:"cpuFlags"`
}

type memBalloonView struct {
	Model             int `json:"model"`
	AutoDeflate       int `json:"autoDeflate"`
	FreePageReporting int `json:"freePageReporting"`
}

type hypervView struct {
	Enabled         bool   `json:"enabled"`
	Passthrough     bool   `json:"passthrough"`
	Relaxed         int    `json:"relaxed"`
	Vapic           int    `json:"vapic"`
	Spinlocks       int    `json:"spinlocks"`
	Vpindex         int    `json:"vpindex"`
	Runtime         int    `json:"runtime"`
	Synic           int    `json:"synic"`
	Stimer          int    `json:"stimer"`
	Reset           int    `json:"reset"`
	VendorID        int    `json:"vendorId"`
	Frequencies     int    `json:"frequencies"`
	Reenlightenment int    `json:"reenlightenment"`
	Tlbflush        int    `json:"tlbflush"`
	IPI             int    `json:"ipi"`
	Evmcs           int    `json:"evmcs"`
	VendorIDValue   string `json:"vendorIdValue"`
	SpinlocksValue  int    `json:"spinlocksValue"`
	ClockEnabled    int    `json:"clockEnabled"`
}

type cpuView struct {
	Cores     int    `json:"cores"`
	Type      string `json:"type"`
	TypeExact string `json:"typeExact"`
	Shares    int    `json:"shares"`
	Throttle  int    `json:"throttle"`
	Topology  struct {
		Enabled bool `json:"enabled"`
		Sockets int  `json:"sockets"`
		Cores   int  `json:"cores"`
		Threads int  `json:"threads"`
		Dies    int  `json:"dies"`
	} `json:"topology"`
}

type xmlPart struct {
	XML     string `json:"xml"`
	Enabled bool   `json:"enabled"`
}

type customXMLView struct {
	Domain   xmlPart `json:"domain"`
	OS       xmlPart `json:"os"`
	Devices  xmlPart `json:"devices"`
	Features xmlPart `json:"features"`
	Clock    xmlPart `json:"clock"`
	CPUTune  xmlPart `json:"cpuTune"`
}

// anyEnabled reports whether a custom XML section is in use.
func (x customXMLView) anyEnabled() bool {
	return x.Domain.Enabled || x.OS.Enabled || x.Devices.Enabled || x.Features.Enabled || x.Clock.Enabled || x.CPUTune.Enabled
}

type qemuAgentView struct {
	OS struct {
		Screen json.RawMessage `json:"screen"` // a JSON string, encoded once
	} `json:"os"`
}

type mediaView struct {
	ISOMounted  bool   `json:"isoMounted"`
	ISOType     string `json:"isoType"`
	ISOName     string `json:"isoName"`
	ISOFilename string `json:"isoFilename"`
	ISOURL      string `json:"isoUrl"`
	ISODownload bool   `json:"isoDownload"`
}

type idName struct {
	ID   *int64  `json:"id"`
	Name *string `json:"name"`
}

type vncView struct {
	IP      string `json:"ip"`
	Port    int    `json:"port"`
	Enabled bool   `json:"enabled"`
}

type networkView2 struct {
	Interfaces          []interfaceView `json:"interfaces"`
	SecondaryInterfaces []interfaceView `json:"secondaryInterfaces"`
}

type interfaceView struct {
	ID                     int64              `json:"id"`
	Order                  int                `json:"order"`
	Enabled                bool               `json:"enabled"`
	Tag                    int64              `json:"tag"`
	Name                   string             `json:"name"`
	Type                   string             `json:"type"`
	Driver                 int                `json:"driver"`
	ProcessQueues          *int               `json:"processQueues"`
	MAC                    string             `json:"mac"`
	IPv4ToMac              *string            `json:"ipv4ToMac"`
	IPv6ToMac              *string            `json:"ipv6ToMac"`
	InTrafficCount         bool               `json:"inTrafficCount"`
	OutTrafficCount        bool               `json:"outTrafficCount"`
	InAverage              int                `json:"inAverage"`
	InPeak                 int                `json:"inPeak"`
	InBurst                int                `json:"inBurst"`
	OutAverage             int                `json:"outAverage"`
	OutPeak                int                `json:"outPeak"`
	OutBurst               int                `json:"outBurst"`
	IPFilter               bool               `json:"ipFilter"`
	VLANs                  []any              `json:"vlans"`
	IPFilterType           *string            `json:"ipFilterType"`
	PortIsolated           bool               `json:"portIsolated"`
	IPv4Resolver1          int                `json:"ipv4_resolver_1"`
	IPv4Resolver2          int                `json:"ipv4_resolver_2"`
	IPv6Resolver1          int                `json:"ipv6_resolver_1"`
	IPv6Resolver2          int                `json:"ipv6_resolver_2"`
	NetworkProfile         int                `json:"networkProfile"`
	DHCPv4                 int                `json:"dhcpV4"`
	DHCPv6                 int                `json:"dhcpV6"`
	FirewallEnabled        bool               `json:"firewallEnabled"`
	HypervisorNetwork      int64              `json:"hypervisorNetwork"`
	IsNat                  bool               `json:"isNat"`
	Nat                    bool               `json:"nat"`
	Firewall               []firewallRuleView `json:"firewall"`
	HypervisorConnectivity connectivity       `json:"hypervisorConnectivity"`
	IPWhitelist            []WhitelistEntry   `json:"ipWhitelist"`
	Actions                []any              `json:"actions"`
	IPv4                   []ipv4View         `json:"ipv4"`
	IPv6                   []ipv6View         `json:"ipv6"`
}

type connectivity struct {
	ID      int64  `json:"id"`
	Type    string `json:"type"`
	Bridge  string `json:"bridge"`
	MTU     *int   `json:"mtu"`
	Primary bool   `json:"primary"`
	Default bool   `json:"default"`
}

type ipv4View struct {
	ID        int64   `json:"id"`
	Order     int     `json:"order"`
	Enabled   bool    `json:"enabled"`
	BlockID   int64   `json:"blockId"`
	Address   string  `json:"address"`
	Gateway   string  `json:"gateway"`
	Netmask   string  `json:"netmask"`
	Resolver1 string  `json:"resolver1"`
	Resolver2 string  `json:"resolver2"`
	RDNS      *string `json:"rdns"`
	MAC       *string `json:"mac"`
}

type ipv6View struct {
	ID    int64 `json:"id"`
	Block struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"block"`
	Order             int    `json:"order"`
	Enabled           bool   `json:"enabled"`
	Addresses         []any  `json:"addresses"`
	AddressesDetailed []any  `json:"addressesDetailed"`
	Subnet            string `json:"subnet"`
	Cidr              int    `json:"cidr"`
	Exhausted         bool   `json:"exhausted"`
	Gateway           string `json:"gateway"`
	Resolver1         string `json:"resolver1"`
	Resolver2         string `json:"resolver2"`
	RouteNet          bool   `json:"routeNet"`
}

type diskView struct {
	MongoID             int64     `json:"_id"`
	ID                  int64     `json:"id"`
	Cache               *string   `json:"cache"`
	Bus                 *string   `json:"bus"`
	Capacity            int       `json:"capacity"`
	Drive               string    `json:"drive"`
	DatastoreDiskID     *int64    `json:"datastoreDiskId"`
	Filesystem          *string   `json:"filesystem"`
	IOPS                readWrite `json:"iops"`
	Bytes               readWrite `json:"bytes"`
	Type                string    `json:"type"`
	Profile             int       `json:"profile"`
	Status              int       `json:"status"`
	Enabled             bool      `json:"enabled"`
	Primary             bool      `json:"primary"`
	Created             string    `json:"created"`
	Updated             string    `json:"updated"`
	Datastore           []any     `json:"datastore"`
	Name                string    `json:"name"`
	Filename            string    `json:"filename"`
	HypervisorStorageID *int64    `json:"hypervisorStorageId"`
	Local               bool      `json:"local"`
	LocationType        string    `json:"locationType"`
	Path                string    `json:"path"`
}

// readWrite is a disk's read and write limits; null is no limit.
type readWrite struct {
	Read  *int64 `json:"read"`
	Write *int64 `json:"write"`
}

type serverHypervisor struct {
	ID          int64   `json:"id"`
	IP          string  `json:"ip"`
	Hostname    *string `json:"hostname"`
	Port        int     `json:"port"`
	Maintenance bool    `json:"maintenance"`
	GroupID     int64   `json:"groupId"`
	Group       struct {
		Name string  `json:"name"`
		Icon *string `json:"icon"`
	} `json:"group"`
	Timezone             string        `json:"timezone"`
	ForceIPv6            bool          `json:"forceIPv6"`
	VNCListenType        int           `json:"vncListenType"`
	DisplayName          *string       `json:"displayName"`
	CPUSet               *string       `json:"cpuSet"`
	NFType               int           `json:"nfType"`
	BackupStorageType    int           `json:"backupStorageType"`
	DefaultDiskType      string        `json:"defaultDiskType"`
	DefaultDiskCacheType string        `json:"defaultDiskCacheType"`
	DefaultCPU           string        `json:"defaultCPU"`
	DefaultMachineType   string        `json:"defaultMachineType"`
	Created              string        `json:"created"`
	Updated              string        `json:"updated"`
	Name                 string        `json:"name"`
	DataDir              string        `json:"dataDir"`
	Resources            resourcesView `json:"resources"`
}

type ownerView struct {
	ID            int64  `json:"id"`
	Admin         bool   `json:"admin"`
	ExtRelationID *int64 `json:"extRelationId"`
	Name          string `json:"name"`
	Email         string `json:"email"`
	Timezone      string `json:"timezone"`
	Suspended     bool   `json:"suspended"`
	TwoFactorAuth bool   `json:"twoFactorAuth"`
	Created       string `json:"created"`
	Updated       string `json:"updated"`
}

type serverSSHKey struct {
	ID      int64  `json:"id"`
	OwnerID int64  `json:"ownerId"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Public  string `json:"public"`
	Enabled bool   `json:"enabled"`
	Created string `json:"created"`
}

type tasksView struct {
	Active  bool    `json:"active"`
	LastOn  *string `json:"lastOn"`
	Actions struct {
		Pending []any `json:"pending"`
	} `json:"actions"`
}

// remoteStateView is what the hypervisor reports about a running (or stopped) domain.
type remoteStateView struct {
	State  string  `json:"state"`
	CPU    float64 `json:"cpu"`
	Memory struct {
		Actual    int64 `json:"actual"`
		Unused    int64 `json:"unused"`
		Available int64 `json:"available"`
		RSS       int64 `json:"rss"`
	} `json:"memory"`
	Disk struct {
		Vda struct {
			RdBytes int64 `json:"rd.bytes"`
			WrBytes int64 `json:"wr.bytes"`
		} `json:"vda"`
	} `json:"disk"`
	Agent struct {
		FSInfo []any `json:"fsinfo"`
	} `json:"agent"`
}

// renderOptions say which variant of the server object to produce.
type renderOptions struct {
	remoteState bool   // ?remoteState=true
	build       bool   // the build answer: no remoteState key
	password    string // settings.decryptedPassword (build answer only)
}

// renderServer builds the server object from the server and the records it refers to.
func (p *Provider) renderServer(tx *state.Tx, s *Server, o renderOptions) (*serverView, error) {
	var h Hypervisor
	if err := get(tx, collHypervisors, s.HypervisorID, &h, errHypervisorNotFound); err != nil {
		return nil, err
	}
	var g HypervisorGroup
	if err := get(tx, collGroups, h.GroupID, &g, errGroupNotFound); err != nil {
		return nil, err
	}
	var owner User
	if err := get(tx, collUsers, s.OwnerID, &owner, errUserNotFound); err != nil {
		return nil, err
	}
	v := &serverView{
		ID: s.ID, OwnerID: s.OwnerID, HypervisorID: s.HypervisorID, Arch: 1, Name: s.Name, SelfServiceSettings: []any{},
		SelfService: owner.SelfService, // the server follows its owner's self service level
		Hostname:    s.Hostname, CommissionStatus: s.CommissionStatus, UUID: s.UUID, State: s.State, Migratable: true,
		Timezone: "_default", ConfigLevel: s.ConfigLevel, Destroyable: true, Suspended: s.Suspended, Protected: s.Protected,
		BuildFailed: s.BuildFailed, Built: fmtTimePtr(s.Built, tsOffset), Created: fmtTime(s.Created, tsOffset),
		Updated: fmtTime(s.Updated, tsOffset), Settings: p.settings(s), CPU: viewCPU(s),
		QemuCommandline: []any{}, Media: mediaView{ISOType: "local"}, VNC: vncView{IP: h.IP, Port: s.VNCPort, Enabled: s.VNCEnabled},
		HypervisorAssets: []any{}, SharedUsers: []any{}, Owner: viewOwner(&owner), Hypervisor: viewServerHypervisor(&h, &g),
	}
	v.Traffic.Public.CountMethod = 1
	start, end := trafficPeriod(s.Created, tx.Now)
	v.Traffic.Public.CurrentPeriod.Start, v.Traffic.Public.CurrentPeriod.End = fmtTime(start, tsMicro), fmtTime(end, tsMicro)
	v.Traffic.Public.CurrentPeriod.Limit = s.Resources.Traffic
	v.QemuAgent.OS.Screen = screenJSON
	iface, err := viewInterface(tx, s, &h)
	if err != nil {
		return nil, err
	}
	v.Network = networkView2{Interfaces: []interfaceView{iface}, SecondaryInterfaces: []interfaceView{}}
	v.Storage = []diskView{viewDisk(s, &h)}
	for i, d := range s.ExtraDisks {
		v.Storage = append(v.Storage, viewExtraDisk(s, &h, d, i+2))
	}
	if v.SSHKeys, err = viewSSHKeys(tx, s); err != nil {
		return nil, err
	}
	v.Tasks.Active = s.ActiveQueue != 0
	v.Tasks.LastOn = fmtTimePtr(s.LastTaskOn, tsPlain)
	v.Tasks.Actions.Pending = []any{}
	v.Settings.DecryptedPassword = o.password
	if err := p.renderSettings(tx, s, v); err != nil {
		return nil, err
	}
	switch {
	case o.build:
	case o.remoteState && s.Built != nil && s.State == stateComplete:
		v.RemoteState = viewRemoteState(s, tx.Now)
	default:
		v.RemoteState = false
	}
	return v, nil
}

func (p *Provider) settings(s *Server) settingsView {
	st := settingsView{
		OSTemplateInstall: true, OSTemplateInstallID: s.OSTemplateID, EncryptedPassword: s.EncryptedPassword,
		CloudInit: true, CloudInitType: 1, Config: []any{}, UserConfig: []any{}, BootOrder: []string{"hd", "cdrom"},
		BootMenu: 1, CustomISO: 1, SecurityDriver: 3, MemBalloon: memBalloonView{Model: 1},
		Hyperv:      hypervView{VendorIDValue: "KVM VM", SpinlocksValue: 8191},
		MachineType: "inherit", PCIPorts: 16, Resources: s.Resources,
	}
	st.Extended.CPUFlags.Topoext, st.Extended.CPUFlags.SVM, st.Extended.CPUFlags.VMX = "1", "1", "1"
	if s.OSTemplateID != 0 {
		st.Config = cloudInitConfig
	}
	return st
}

// cloudInitConfig is the cloud-init configuration the panel records once a server is built.
// It is encoded once.
var cloudInitConfig = func() json.RawMessage {
	routes := map[string]any{"netplan_routes_v4": true, "netplan_routes_v6": true}
	runcmd := func(cmds ...string) map[string]any {
		return map[string]any{"user.data": map[string]any{"runcmd": cmds}}
	}
	cfg := map[string]any{"cloud.init": map[string]any{
		"on.network":               routes,
		"on.network.libvirtrouted": routes,
		"on.all":                   map[string]any{"user.data": map[string]any{"runcmd": cloudInitCommands}},
		"on.password": runcmd(
			`/usr/bin/sed -i "s/#PermitRootLogin prohibit-password/PermitRootLogin yes/g" /etc/ssh/sshd_config`,
			"/usr/bin/systemctl restart sshd",
		),
		"on.sshkey":  map[string]any{"user.data": []any{}},
		"on.allpre":  map[string]any{"user.data": []any{}},
		"on.allpost": map[string]any{"user.data": []any{}},
	}}
	raw, err := json.Marshal(cfg)
	if err != nil {
		panic(err)
	}
	return raw
}()

func viewCPU(s *Server) cpuView {
	c := cpuView{Cores: s.Resources.CPUCores, Type: "inherit", TypeExact: "host-model", Shares: 1024}
	c.Topology.Sockets, c.Topology.Cores, c.Topology.Threads, c.Topology.Dies = 1, 1, 1, 1
	return c
}

func viewOwner(u *User) ownerView {
	return ownerView{ID: u.ID, Admin: u.Admin, ExtRelationID: u.ExtRelationID, Name: u.Name, Email: u.Email, Timezone: u.Timezone,
		Suspended: u.Suspended, TwoFactorAuth: u.TwoFactorAuth, Created: fmtTime(u.Created, tsOffset), Updated: fmtTime(u.Updated, tsOffset)}
}

func viewServerHypervisor(h *Hypervisor, g *HypervisorGroup) serverHypervisor {
	v := serverHypervisor{ID: h.ID, IP: h.IP, Hostname: h.Hostname, Port: h.Port, Maintenance: h.Maintenance, GroupID: h.GroupID,
		Timezone: h.Timezone, VNCListenType: 1, NFType: h.NFType, BackupStorageType: 2, DefaultDiskType: "inherit",
		DefaultDiskCacheType: "inherit", DefaultCPU: "inherit", DefaultMachineType: "inherit",
		Created: fmtTime(h.Created, tsOffset), Updated: fmtTime(h.Updated, tsOffset), Name: h.Name, DataDir: h.DataDir,
		Resources: viewResources(h)}
	v.Group.Name, v.Group.Icon = g.Name, g.Icon
	return v
}

func viewInterface(tx *state.Tx, s *Server, h *Hypervisor) (interfaceView, error) {
	v := interfaceView{ID: s.InterfaceID, Order: 1, Enabled: true, Tag: s.Tag, Name: "eth0", Type: "public", Driver: 1, MAC: s.MAC,
		InTrafficCount: true, InAverage: s.NetworkIn, OutAverage: s.NetworkOut, VLANs: []any{}, IPv4Resolver1: 1, IPv4Resolver2: 2,
		IPv6Resolver1: 1, IPv6Resolver2: 2, HypervisorNetwork: h.NetworkID, FirewallEnabled: s.FirewallEnabled,
		HypervisorConnectivity: connectivity{ID: h.NetworkID, Type: "simpleBridge", Bridge: "br0", Primary: true, Default: true},
		IPWhitelist:            s.Whitelist, Actions: []any{}, IPv4: []ipv4View{}, IPv6: []ipv6View{}}
	if v.IPWhitelist == nil {
		v.IPWhitelist = []WhitelistEntry{}
	}
	// The interface filters what its addresses may send (ipFilter), IPv4 and, once the
	// server has an IPv6 subnet, IPv6 too: "4" or "4-6", as the vendor's examples show them.
	filter := "4"
	if len(s.IPv6) > 0 {
		filter = "4-6"
	}
	v.IPFilter, v.IPFilterType = true, &filter
	var err error
	if v.Firewall, err = firewallRules(tx, s); err != nil {
		return v, err
	}
	blocks := map[int64]*IPBlock{}
	block := func(id int64) (*IPBlock, error) {
		if b := blocks[id]; b != nil {
			return b, nil
		}
		bs, err := loadBlocks(tx, []int64{id})
		if err != nil {
			return nil, err
		}
		blocks[id] = bs[0]
		return bs[0], nil
	}
	for _, a := range s.IPv4 {
		b, err := block(a.BlockID)
		if err != nil {
			return v, err
		}
		v.IPv4 = append(v.IPv4, ipv4View{ID: a.ID, Order: a.Order, Enabled: true, BlockID: a.BlockID, Address: a.Address,
			Gateway: b.Gateway, Netmask: b.Netmask, Resolver1: b.resolver(0), Resolver2: b.resolver(1)})
	}
	for _, a := range s.IPv6 {
		b, err := block(a.BlockID)
		if err != nil {
			return v, err
		}
		iv := ipv6View{ID: a.ID, Order: a.Order, Enabled: true, Addresses: []any{}, AddressesDetailed: []any{}, Subnet: a.Subnet,
			Cidr: a.Cidr, Gateway: b.Gateway, Resolver1: b.resolver(0), Resolver2: b.resolver(1)}
		iv.Block.ID, iv.Block.Name = b.ID, b.Name
		v.IPv6 = append(v.IPv6, iv)
	}
	return v, nil
}

func viewDisk(s *Server, h *Hypervisor) diskView {
	status := 1
	if s.Built != nil {
		status = 3
	}
	return diskView{MongoID: s.DiskID, ID: 1, Capacity: s.Resources.Storage, Drive: "a",
		IOPS:    readWrite{Read: s.Disk.ReadIOPS, Write: s.Disk.WriteIOPS},
		Bytes:   readWrite{Read: s.Disk.ReadBytesSec, Write: s.Disk.WriteBytesSec},
		Type:    "qcow2",
		Profile: s.StorageProfile, Status: status, Enabled: true, Primary: true, Created: fmtTime(s.Created, tsOffset),
		Updated: fmtTime(s.Updated, tsOffset), Datastore: []any{}, Name: s.UUID + "_1", Filename: s.UUID + "_1.img",
		Local: true, LocationType: "mountpoint", Path: h.DataDir + "/disk"}
}

func viewSSHKeys(tx *state.Tx, s *Server) ([]serverSSHKey, error) {
	out := []serverSSHKey{}
	for _, id := range s.SSHKeys {
		var k SSHKey
		if err := tx.Coll(Name, collSSHKeys).Get(state.ID(uint64(id)), &k); err != nil {
			continue // a key deleted since the build no longer shows
		}
		out = append(out, serverSSHKey{ID: k.ID, OwnerID: k.OwnerID, Type: k.Type, Name: k.Name, Public: k.Public,
			Enabled: k.Enabled, Created: fmtTime(k.Created, tsOffset)})
	}
	return out, nil
}

// viewRemoteState derives the hypervisor's view of a domain from its power state and how
// long it has been up, so that the numbers grow with the world's clock.
func viewRemoteState(s *Server, now time.Time) remoteStateView {
	var r remoteStateView
	r.State = s.Power
	mem := int64(s.Resources.Memory) * 1024 // KiB
	r.Memory.Actual, r.Memory.Available = mem, mem-mem/32
	r.Agent.FSInfo = []any{}
	if s.Power == powerRunning && s.PoweredOn != nil {
		up := int64(now.Sub(*s.PoweredOn).Seconds())
		r.CPU = float64(2+up%7) + 0.5
		r.Memory.RSS = mem/3 + min(up*16, mem/3)
		r.Memory.Unused = mem - r.Memory.RSS
		r.Disk.Vda.RdBytes = 180<<20 + up*4096
		r.Disk.Vda.WrBytes = 95<<20 + up*12288
		r.Agent.FSInfo = []any{map[string]any{"name": "vda1", "mountpoint": "/", "type": "ext4",
			"total-bytes": int64(s.Resources.Storage) << 30, "used-bytes": int64(1800)<<20 + up*2048}}
	}
	return r
}

// trafficPeriod is the monthly traffic period that contains now; periods start on the day
// of the month the server was created (see periodStart).
func trafficPeriod(created, now time.Time) (time.Time, time.Time) {
	start, next := periodBounds(created, periodIndex(created, now))
	return start, next.Add(-time.Microsecond)
}

// screenPNG is the console thumbnail of qemuAgent.os.screen: a small dark screen.
var screenPNG = func() string {
	img := image.NewGray(image.Rect(0, 0, 150, 83))
	for y := 0; y < 83; y++ {
		for x := 0; x < 150; x++ {
			img.SetGray(x, y, color.Gray{Y: 24})
		}
	}
	for x := 6; x < 70; x++ { // a login prompt's worth of light pixels
		img.SetGray(x, 8, color.Gray{Y: 200})
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}()

var screenJSON, _ = json.Marshal(screenPNG)
