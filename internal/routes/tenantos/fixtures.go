package tenantos

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/panelsim/panelsim/fixtures"
	"github.com/panelsim/panelsim/internal/state"
)

// Fixtures is tenantos/world.yaml.
type Fixtures struct {
	Seed          uint64                `yaml:"seed"`
	Timings       Timings               `yaml:"timings"`
	Provisioning  map[string][]Step     `yaml:"provisioning"`
	Users         []FixtureUser         `yaml:"users"`
	Roles         []FixtureRole         `yaml:"roles"`
	Hardware      map[string]any        `yaml:"hardware"`
	PowerFeatures map[string][]string   `yaml:"powerFeatures"`
	Servers       []FixtureServer       `yaml:"servers"`
	Subnets       []FixtureSubnet       `yaml:"subnets"`
	RdnsProviders []FixtureRdnsProvider `yaml:"rdnsProviders"`
	RemoteAgents  []FixtureRemoteAgent  `yaml:"remoteAgents"`
	Pxe           FixturePxe            `yaml:"pxe"`
	Providers     []FixtureProvider     `yaml:"externalProviders"`
	BalancerPlans []BalancerPlan        `yaml:"balancerPlans"`
	VpsPlans      []FixturePlan         `yaml:"vpsPlans"`
}

// Timings are the durations of slow operations, in virtual seconds.
type Timings struct {
	PowerStatus int `yaml:"powerStatus"`
	VMCreate    int `yaml:"vmCreate"`
	VMDestroy   int `yaml:"vmDestroy"`
	TaskStart   int `yaml:"taskStart"`
	Backup      int `yaml:"backup"`
	Restore     int `yaml:"restore"`
	Snapshot    int `yaml:"snapshot"`
	Rollback    int `yaml:"rollback"`
	Delete      int `yaml:"delete"`
}

// Step is one step of a provisioning run.
type Step struct {
	Message string `yaml:"message"`
	Seconds int    `yaml:"seconds"`
}

// FixtureUser is a user of the default world; its password is hashed when the world is made.
type FixtureUser struct {
	ID        int64  `yaml:"id"`
	Name      string `yaml:"name"`
	Username  string `yaml:"username"`
	Email     string `yaml:"email"`
	Password  string `yaml:"password"`
	RoleID    int64  `yaml:"roleId"`
	RootOwner int64  `yaml:"rootOwner"`
	hash      string // bcrypt of Password, made once when the fixtures are loaded
}

// FixtureRole is a default role.
type FixtureRole struct {
	ID            int64  `yaml:"id"`
	Name          string `yaml:"name"`
	NotDeletable  bool   `yaml:"notDeletable"`
	NotAssignable bool   `yaml:"notAssignable"`
	Type          string `yaml:"type"`
}

// FixtureServer is a dedicated server of the inventory.
type FixtureServer struct {
	ID          int64    `yaml:"id"`
	Servername  string   `yaml:"servername"`
	Hostname    string   `yaml:"hostname"`
	Hardware    string   `yaml:"hardware"`
	Power       string   `yaml:"power"` // a key of powerFeatures
	PowerStatus string   `yaml:"powerStatus"`
	OS          string   `yaml:"os"`
	Tags        []string `yaml:"tags"`
	Description string   `yaml:"description"`
	UserID      int64    `yaml:"userId"`
	IP          string   `yaml:"ip"` // its primary IP, from a subnet of the fixtures
}

// FixtureSubnet is a subnet; IPv4 subnets get every address generated.
type FixtureSubnet struct {
	ID           int64    `yaml:"id"`
	Subnet       string   `yaml:"subnet"`
	CIDR         int      `yaml:"cidr"`
	Gateway      string   `yaml:"gw"`
	Type         string   `yaml:"type"`
	DNSResolvers []string `yaml:"dnsResolvers"`
	RdnsServerID *int64   `yaml:"rdnsServerId"`
	Description  string   `yaml:"description"`
}

// FixtureRdnsProvider is a PowerDNS server.
type FixtureRdnsProvider struct {
	ID         int64  `yaml:"id"`
	Provider   string `yaml:"provider"`
	ServerName string `yaml:"serverName"`
}

// FixtureRemoteAgent is a remote agent.
type FixtureRemoteAgent struct {
	ID       int64  `yaml:"id"`
	Name     string `yaml:"name"`
	IP       string `yaml:"ip"`
	Hostname string `yaml:"hostname"`
	SSHPort  int    `yaml:"sshport"`
}

// FixturePxe is the PXE catalogue.
type FixturePxe struct {
	DiskLayouts []struct {
		ID   int64    `yaml:"id"`
		Name string   `yaml:"name"`
		Tags []string `yaml:"tags"`
	} `yaml:"disklayouts"`
	Scripts []struct {
		ID   int64    `yaml:"id"`
		Name string   `yaml:"name"`
		Tags []string `yaml:"tags"`
	} `yaml:"scripts"`
	Profiles []struct {
		ID                int64    `yaml:"id"`
		Name              string   `yaml:"name"`
		OS                string   `yaml:"os"`
		Kind              string   `yaml:"kind"`
		GroupName         string   `yaml:"groupname"`
		GroupLogo         string   `yaml:"grouplogo"`
		Tags              []string `yaml:"tags"`
		DiskLayouts       []int64  `yaml:"disklayouts"`
		Scripts           []int64  `yaml:"scripts"`
		DefaultDiskLayout int64    `yaml:"defaultDisklayout"`
		DefaultScripts    []int64  `yaml:"defaultScripts"`
	} `yaml:"profiles"`
}

// FixtureProvider is a Proxmox cluster.
type FixtureProvider struct {
	ID       int64     `yaml:"id"`
	Provider string    `yaml:"provider"`
	Name     string    `yaml:"name"`
	APIURL   string    `yaml:"apiUrl"`
	APIUser  string    `yaml:"apiUser"`
	HAGroups []HAGroup `yaml:"haGroups"`
	Nodes    []struct {
		Name         string   `yaml:"name"`
		CPUCores     int      `yaml:"cpuCores"`
		MemoryMB     int64    `yaml:"memoryMb"`
		BaseMemoryMB int64    `yaml:"baseMemoryMb"`
		CPUUtil      float64  `yaml:"cpuUtil"`
		Bridges      []string `yaml:"bridges"`
		Storages     []struct {
			Name    string `yaml:"name"`
			Type    string `yaml:"type"`
			TotalGB int64  `yaml:"totalGb"`
			UsedGB  int64  `yaml:"usedGb"`
		} `yaml:"storages"`
	} `yaml:"nodes"`
}

// FixturePlan is a VPS plan, from which the planconfig Tenantos shows is made.
type FixturePlan struct {
	ID         int64          `yaml:"id"`
	Name       string         `yaml:"planname"`
	ProviderID int64          `yaml:"providerId"`
	Cores      int            `yaml:"cores"`
	Memory     int            `yaml:"memory"`
	Disk       int            `yaml:"disk"`
	Backup     map[string]any `yaml:"backup"`
	Snapshot   map[string]any `yaml:"snapshot"`
}

func loadFixtures(fsys fs.FS) (*Fixtures, error) {
	var fx Fixtures
	if err := fixtures.Decode(fsys, "tenantos/world.yaml", &fx); err != nil {
		return nil, err
	}
	bad := func(format string, a ...any) error { return fmt.Errorf("fixtures: tenantos: "+format, a...) }
	for _, kind := range []string{"install", "rescue", "passwordReset", "diskwipe"} {
		if len(fx.Provisioning[kind]) == 0 {
			return nil, bad("provisioning.%s needs at least one step", kind)
		}
	}
	if len(fx.Users) == 0 || fx.Users[0].ID != AdminID || fx.Users[0].RoleID != RoleAdmin {
		return nil, bad("the first user must be the administrator, id %d with role %d", AdminID, RoleAdmin)
	}
	for _, s := range fx.Servers {
		if fx.Hardware[s.Hardware] == nil {
			return nil, bad("server %d: unknown hardware %q", s.ID, s.Hardware)
		}
		if fx.PowerFeatures[s.Power] == nil {
			return nil, bad("server %d: unknown power %q", s.ID, s.Power)
		}
	}
	for i := range fx.Users {
		// Hashed once for every world the simulator makes: bcrypt is the slow part of a new
		// world otherwise.
		hash, err := bcrypt.GenerateFromPassword([]byte(fx.Users[i].Password), bcrypt.MinCost)
		if err != nil {
			return nil, err
		}
		fx.Users[i].hash = string(hash)
	}
	for _, s := range fx.Subnets {
		if _, err := netip.ParsePrefix(fmt.Sprintf("%s/%d", s.Subnet, s.CIDR)); err != nil {
			return nil, bad("subnet %d: %v", s.ID, err)
		}
	}
	return &fx, nil
}

// Seed writes the fixtures into a new world.
func (p *Provider) Seed(tx *state.Tx) error {
	fx, now := p.Fx, tx.Now
	for _, r := range fx.Roles {
		role := &Role{ID: r.ID, Name: r.Name, NotDeletable: r.NotDeletable, NotAssignable: r.NotAssignable, Type: r.Type,
			OwnerUserID: AdminID, Permissions: []string{}}
		if err := Roles.Put(tx, r.ID, role); err != nil {
			return err
		}
	}
	for _, fu := range fx.Users {
		u := &User{ID: fu.ID, Name: fu.Name, Email: fu.Email, Username: fu.Username, PasswordHash: fu.hash, RoleID: fu.RoleID,
			RootOwner: fu.RootOwner, AccountStatus: "enabled", Timezone: "Europe/Berlin", DatetimeFormat: "DD.MM.YYYY HH:mm:ss",
			Language: "en-us", AllowedHosts: []string{}, Created: now.Add(-90 * 24 * time.Hour)}
		if err := SaveNewUser(tx, u); err != nil {
			return err
		}
	}
	for _, a := range fx.RemoteAgents {
		if err := RemoteAgents.Put(tx, a.ID, &RemoteAgent{ID: a.ID, Name: a.Name, IP: a.IP, Hostname: a.Hostname, SSHPort: a.SSHPort,
			InstallStatus: "installed", Created: now, Updated: now}); err != nil {
			return err
		}
	}
	for _, r := range fx.RdnsProviders {
		data, _ := json.Marshal(map[string]any{"serverName": r.ServerName, "mysql_host": "10.10.10.2", "mysql_port": 3306,
			"mysql_username": "powerdns", "mysql_database": "powerdns", "record_ttl": 86400})
		if err := RdnsProviders.Put(tx, r.ID, &RdnsProvider{ID: r.ID, Provider: r.Provider, ServerName: r.ServerName, Data: data,
			Created: now, Updated: now}); err != nil {
			return err
		}
	}
	if err := p.seedPxe(tx); err != nil {
		return err
	}
	for _, fs := range fx.Subnets {
		if err := seedSubnet(tx, fs, now); err != nil {
			return err
		}
	}
	for _, fsrv := range fx.Servers {
		if err := p.seedServer(tx, fsrv); err != nil {
			return err
		}
	}
	for _, fp := range fx.Providers {
		ep := &ExternalProvider{ID: fp.ID, Provider: fp.Provider, Name: fp.Name, APIURL: fp.APIURL, APIUser: fp.APIUser,
			APIPassword: p.Faker("proxmox-password", fp.ID).Password(true, true, true, false, false, 16), Meta: json.RawMessage("null"),
			HAGroups: fp.HAGroups, Created: now, Updated: now}
		for _, n := range fp.Nodes {
			node := Node{Name: n.Name, CPUCores: n.CPUCores, MemoryMB: n.MemoryMB, UsedMemMB: n.BaseMemoryMB, CPUUtil: n.CPUUtil,
				Bridges: n.Bridges, UptimeFrom: now.Add(-400 * 24 * time.Hour), Status: "online"}
			for _, s := range n.Storages {
				node.Storages = append(node.Storages, Storage{Name: s.Name, Type: s.Type, TotalGB: s.TotalGB, UsedGB: s.UsedGB,
					Content: []string{"images", "rootdir", "iso", "backup", "snippets", "vztmpl"}})
			}
			ep.Nodes = append(ep.Nodes, node)
		}
		if err := ExtProviders.Put(tx, fp.ID, ep); err != nil {
			return err
		}
	}
	for _, b := range fx.BalancerPlans {
		b := b
		b.Created, b.Updated = now, now
		if err := BalancerPlans.Put(tx, b.ID, &b); err != nil {
			return err
		}
	}
	for _, fp := range fx.VpsPlans {
		if err := VpsPlans.Put(tx, fp.ID, planOf(fp, now)); err != nil {
			return err
		}
	}
	return p.runSeeders(tx)
}

// SaveNewUser stores a user with its username index; a taken username is refused.
func SaveNewUser(tx *state.Tx, u *User) error {
	key := []byte(strings.ToLower(u.Username))
	if raw := tx.Index(Name, IdxUsername).Get(key); raw != nil && int64(state.IDOf(raw)) != u.ID {
		return Invalid("username", "The username has already been taken.")
	}
	if err := tx.Index(Name, IdxUsername).Put(key, state.ID(uint64(u.ID))); err != nil {
		return err
	}
	return Users.Put(tx, u.ID, u)
}

func (p *Provider) seedPxe(tx *state.Tx) error {
	now := tx.Now
	for _, d := range p.Fx.Pxe.DiskLayouts {
		if err := DiskLayouts.Put(tx, d.ID, &DiskLayout{ID: d.ID, Name: d.Name, Tags: d.Tags, Layout: "autopart", Created: now, Updated: now}); err != nil {
			return err
		}
	}
	for _, s := range p.Fx.Pxe.Scripts {
		if err := PxeScripts.Put(tx, s.ID, &PxeScript{ID: s.ID, Name: s.Name, Tags: s.Tags, Content: "#!/bin/sh\n", Created: now, Updated: now}); err != nil {
			return err
		}
	}
	for _, f := range p.Fx.Pxe.Profiles {
		install := f.Kind == "install"
		pr := &PxeProfile{ID: f.ID, Name: f.Name, Kind: f.Kind, GroupName: f.GroupName, GroupLogo: f.GroupLogo, OS: f.OS,
			Tags: f.Tags, DiskLayoutIDs: List(f.DiskLayouts), ScriptIDs: List(f.Scripts), DefaultDiskLayout: f.DefaultDiskLayout,
			DefaultScripts: List(f.DefaultScripts), FollowProgress: true, AllowSSHKeys: install, AllowHostname: install,
			SetRootPassword: install || f.Kind == "passwordReset", Created: now, Updated: now}
		if err := PxeProfiles.Put(tx, f.ID, pr); err != nil {
			return err
		}
	}
	return nil
}

// seedSubnet stores a subnet and, for IPv4, every address in it; the network address, the
// gateway and the broadcast address are reserved.
func seedSubnet(tx *state.Tx, f FixtureSubnet, now time.Time) error {
	prefix := netip.MustParsePrefix(fmt.Sprintf("%s/%d", f.Subnet, f.CIDR))
	var desc *string
	if f.Description != "" {
		desc = &f.Description
	}
	s := &Subnet{ID: f.ID, Subnet: prefix.Addr().String(), CIDR: f.CIDR, Netmask: Netmask(prefix), Gateway: f.Gateway, Type: f.Type,
		OfferIfTags: []string{}, DontOfferIfTags: []string{}, OnlyIfAgents: []int64{}, DNSResolvers: f.DNSResolvers,
		UserID: AdminID, RdnsServerID: f.RdnsServerID, Description: desc, Created: now, Updated: now}
	if err := Subnets.Put(tx, s.ID, s); err != nil {
		return err
	}
	if f.Type != "v4" {
		return nil
	}
	return GenerateIPs(tx, s, true, true, true, false, false)
}

// GenerateIPs adds every address of an IPv4 subnet; the flags reserve the network address,
// the gateway, the broadcast address, the first and the last usable address.
func GenerateIPs(tx *state.Tx, s *Subnet, network, gateway, broadcast, first, last bool) error {
	prefix := netip.MustParsePrefix(fmt.Sprintf("%s/%d", s.Subnet, s.CIDR)).Masked()
	all := []netip.Addr{}
	for a := prefix.Addr(); prefix.Contains(a); a = a.Next() {
		all = append(all, a)
	}
	for i, a := range all {
		reserved := (i == 0 && network) || (a.String() == s.Gateway && gateway) || (i == len(all)-1 && broadcast) ||
			(i == 1 && first) || (i == len(all)-2 && last)
		if _, err := AddIP(tx, s.ID, a.String(), reserved, tx.Now); err != nil {
			return err
		}
	}
	return nil
}

// AddIP stores a new address of a subnet.
func AddIP(tx *state.Tx, subnetID int64, addr string, reserved bool, now time.Time) (*IP, error) {
	if raw := tx.Index(Name, IdxIPAddress).Get([]byte(addr)); raw != nil {
		return nil, Invalidf("ip", "The IP %s is already known.", addr)
	}
	id, err := IPs.NextID(tx)
	if err != nil {
		return nil, err
	}
	ip := &IP{ID: id, SubnetID: subnetID, Address: addr, Reserved: reserved, Updated: now}
	if err := IPs.Put(tx, id, ip); err != nil {
		return nil, err
	}
	if err := tx.Index(Name, IdxIPAddress).Put([]byte(addr), state.ID(uint64(id))); err != nil {
		return nil, err
	}
	return ip, tx.Set(Name, SetIPsBySubnet).Add(state.ID(uint64(subnetID)), state.ID(uint64(id)))
}

// Netmask is the dotted mask of an IPv4 prefix, or the prefix length of an IPv6 one.
func Netmask(p netip.Prefix) string {
	if !p.Addr().Is4() {
		return fmt.Sprint(p.Bits())
	}
	m := ^uint32(0) << (32 - p.Bits())
	return fmt.Sprintf("%d.%d.%d.%d", m>>24, m>>16&0xff, m>>8&0xff, m&0xff)
}

func (p *Provider) seedServer(tx *state.Tx, f FixtureServer) error {
	now := tx.Now
	hw, err := json.Marshal(p.Fx.Hardware[f.Hardware])
	if err != nil {
		return err
	}
	owner := f.UserID
	if owner == 0 {
		owner = AdminID
	}
	status := f.PowerStatus
	if status == "" {
		status = "online"
	}
	fk := p.Faker("traffic", f.ID)
	s := &Server{ID: f.ID, Hostname: f.Hostname, Servername: f.Servername, UserID: owner, AssignedAt: now.Add(-30 * 24 * time.Hour),
		OS: f.OS, ServerType: "auto", TypeOfServer: "dedicated", SuspendedUserIDs: []int64{}, ReinstallationProvider: "pxe",
		PowerType: "ipmi", SupportedFeatures: p.Fx.PowerFeatures[f.Power], ConsoleType: "ipmi", Tags: List(f.Tags),
		Description: f.Description, Power: status, PowerStatus: status, Hardware: hw, AgentID: 1,
		Traffic: Traffic{Day: fk.Float64Range(1, 20), Week: fk.Float64Range(50, 150), Fortnight: fk.Float64Range(150, 300),
			Month: fk.Float64Range(300, 900), P95In: fk.Float64Range(1, 10), P95Out: fk.Float64Range(0.1, 3), RateIn: fk.Float64Range(0, 2), RateOut: fk.Float64Range(0, 5)},
		Created: now.Add(-60 * 24 * time.Hour), Updated: now}
	s.Traffic.P95Total = s.Traffic.P95In + s.Traffic.P95Out
	if f.Power == "pdu" {
		s.PowerType = "pdu"
	}
	if err := Servers.Put(tx, s.ID, s); err != nil {
		return err
	}
	if f.IP == "" {
		return nil
	}
	raw := tx.Index(Name, IdxIPAddress).Get([]byte(f.IP))
	if raw == nil {
		return fmt.Errorf("fixtures: tenantos: server %d: IP %s is in no subnet", f.ID, f.IP)
	}
	ip, err := IPs.Get(tx, int64(state.IDOf(raw)))
	if err != nil {
		return err
	}
	return AssignIP(tx, s, ip, nil, now)
}

// planOf makes the stored plan of a fixture: the planconfig as Tenantos shows it.
func planOf(f FixturePlan, now time.Time) *VpsPlan {
	cfg := map[string]any{
		"bios": "seabios", "display": "std", "machine": "pc-i440fx", "scsi_controller": "virtio-scsi-pci", "qemu_version": "6.0",
		"os_type": "l26",
		"ifaces": map[string]any{"iface0": map[string]any{"network_type": "virtio", "interface": "vmbr1", "subnets": []int{2},
			"amount_ipv4": "1", "firewall": true, "ipspoof_filter": true}},
		"disks": map[string]any{"disk0": map[string]any{"disk_bus": "scsi", "disk_cache": "none", "discard": 1, "storage": "local",
			"disk_size": fmt.Sprint(f.Disk), "disk_format": "qcow2"}},
		"cpu_type": "kvm64", "cpu_flags": []string{"aes"}, "cpu_units": 1024, "memory_ballooning": 1,
		"features": map[string]any{"enable_console_access": 1, "enable_power_control": 1, "auto_sync_hw": 1},
		"firewall": map[string]any{"policy_in": "ACCEPT", "policy_out": "ACCEPT"},
		"agent":    map[string]any{"pxeAgent": 1, "pxe_iface": "iface0", "dhcpAgent": 1},
		"sockets":  "1", "cores": fmt.Sprint(f.Cores), "memory": fmt.Sprint(f.Memory), "memory_min": fmt.Sprint(f.Memory),
		"node": "", "startVmid": "9000",
	}
	raw := func(v any) json.RawMessage { b, _ := json.Marshal(v); return b }
	backup := map[string]any{"enabled": f.Backup["enabled"], "availableBackupStorages": []string{"local"},
		"defaultBackupStorage": "local", "defaultBackupMode": "snapshot", "defaultBackupCompression": "zstd",
		"maxBackups": fmt.Sprint(f.Backup["maxBackups"])}
	snapshot := map[string]any{"enabled": f.Snapshot["enabled"], "maxSnapshots": f.Snapshot["maxSnapshots"]}
	return &VpsPlan{ID: f.ID, Name: f.Name, Config: raw(cfg), AdditionalHardware: raw(map[string]any{"cdrom": map[string]any{"cdrom0": map[string]any{"bus": "none"}}}),
		Backup: raw(backup), Snapshot: raw(snapshot), ProviderID: f.ProviderID, Created: now, Updated: now}
}
