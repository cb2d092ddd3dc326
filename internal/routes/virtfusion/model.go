package virtfusion

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Collections, indexes and sets of a VirtFusion world.
const (
	collGroups         = "hypervisorGroups"
	collHypervisors    = "hypervisors"
	collIPBlocks       = "ipBlocks"
	collTemplateGroups = "templateGroups"
	collPackages       = "packages"
	collRulesets       = "firewallRulesets"
	collUsers          = "users"
	collServers        = "servers"
	collServerList     = "serverList" // each server's entry of the simple list (listEntry)
	collQueue          = "queue"
	collSSHKeys        = "sshKeys"
	// collAddresses only numbers IP assignments (ipv4/ipv6 ids); it holds no records.
	collAddresses = "addresses"

	idxUserExt    = "userByExtRelationId"
	idxUserRelStr = "userByRelStr"
	idxUserEmail  = "userByEmail"
	idxIPv4       = "ipv4"       // address -> server id
	idxIPv6       = "ipv6Subnet" // subnet -> server id

	setServersByHypervisor = "serversByHypervisor"
	setServersByOwner      = "serversByOwner"
)

// HypervisorGroup is a group of hypervisors that servers are placed in.
type HypervisorGroup struct {
	ID               int64     `json:"id"`
	Name             string    `json:"name"`
	Label            *string   `json:"label"`
	Description      *string   `json:"description"`
	Icon             *string   `json:"icon"`
	DistributionType int       `json:"distributionType"`
	Enabled          bool      `json:"enabled"`
	Default          bool      `json:"default"`
	Created          time.Time `json:"created"`
	Updated          time.Time `json:"updated"`
}

// Hypervisor is a compute node, with what is allocated on it kept in step with its servers.
type Hypervisor struct {
	ID             int64     `json:"id"`
	GroupID        int64     `json:"groupId"`
	Name           string    `json:"name"`
	IP             string    `json:"ip"`
	Hostname       *string   `json:"hostname"`
	Port           int       `json:"port"`
	SSHPort        int       `json:"sshPort"`
	Maintenance    bool      `json:"maintenance"`
	Enabled        bool      `json:"enabled"`
	Prohibit       bool      `json:"prohibit"`
	NFType         int       `json:"nfType"`
	MaxServers     int       `json:"maxServers"`
	MaxCPU         int       `json:"maxCpu"`
	MaxMemory      int       `json:"maxMemory"`
	StorageMax     int       `json:"storageMax"`
	IPv4Blocks     []int64   `json:"ipv4Blocks"`
	IPv6Blocks     []int64   `json:"ipv6Blocks"`
	NetworkID      int64     `json:"networkId"`
	Timezone       string    `json:"timezone"`
	DataDir        string    `json:"dataDir"`
	EncryptedToken string    `json:"encryptedToken"`
	Created        time.Time `json:"created"`
	Updated        time.Time `json:"updated"`
	Alloc          Alloc     `json:"alloc"`
	// Exhausted makes the hypervisor refuse new servers as if it were full (a scenario's
	// fault); nothing shows it.
	Exhausted bool `json:"exhausted,omitempty"`
}

// CloneRecord copies the hypervisor (state.Cloner): every server created on it changes its
// allocation, and placement reads it again for the next.
func (h *Hypervisor) CloneRecord() any { return state.DeepCopy(h) }

// Alloc is what the servers on a hypervisor take from it.
type Alloc struct {
	Servers  int `json:"servers"`
	Memory   int `json:"memory"`
	CPUCores int `json:"cpuCores"`
	Storage  int `json:"storage"`
}

func (a *Alloc) add(r Resources, sign int) {
	a.Servers += sign
	a.Memory += sign * r.Memory
	a.CPUCores += sign * r.CPUCores
	a.Storage += sign * r.Storage
}

// IPRange is an inclusive range of IPv4 addresses.
type IPRange struct {
	Start string `json:"start" yaml:"start"`
	End   string `json:"end" yaml:"end"`
}

// IPBlock is a block of addresses that hypervisors hand out: IPv4 ranges, or an IPv6 prefix
// cut into per-server subnets.
type IPBlock struct {
	ID        int64     `json:"id"`
	Type      int       `json:"type"`
	Name      string    `json:"name"`
	Gateway   string    `json:"gateway"`
	Netmask   string    `json:"netmask"`
	Subnet    string    `json:"subnet"`
	Prefix    int       `json:"prefix"`
	Cidr      int       `json:"cidr"`
	Resolvers []string  `json:"resolvers"`
	Ranges    []IPRange `json:"ranges"`
	Enabled   bool      `json:"enabled"`
	Used      int       `json:"used"`
	Next      int       `json:"next"` // where the next search for a free address starts
	// Exhausted makes the block hand out nothing and count nothing free (a scenario's fault).
	Exhausted bool      `json:"exhausted,omitempty"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
}

// CloneRecord copies the block (state.Cloner): every address handed out changes it.
func (b *IPBlock) CloneRecord() any { return state.DeepCopy(b) }

func (b *IPBlock) check() error {
	for _, r := range b.Ranges {
		s, err1 := netip.ParseAddr(r.Start)
		e, err2 := netip.ParseAddr(r.End)
		if err1 != nil || err2 != nil || !s.Is4() || !e.Is4() || e.Less(s) {
			return fmt.Errorf("ip block %d: bad range %s-%s", b.ID, r.Start, r.End)
		}
	}
	if b.Type == 6 {
		if _, err := netip.ParseAddr(b.Subnet); err != nil || b.Cidr <= b.Prefix || b.Cidr > 128 {
			return fmt.Errorf("ip block %d: bad IPv6 subnet %s/%d cut into /%d", b.ID, b.Subnet, b.Prefix, b.Cidr)
		}
	}
	return nil
}

func (b *IPBlock) resolver(i int) string {
	if i < len(b.Resolvers) {
		return b.Resolvers[i]
	}
	return ""
}

// TemplateGroup is an OS family with its templates.
type TemplateGroup struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Icon        string     `json:"icon"`
	Templates   []Template `json:"templates"`
}

// Template is an installable operating system.
type Template struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Version     string  `json:"version"`
	Variant     *string `json:"variant"`
	Arch        int     `json:"arch"`
	Description string  `json:"description"`
	Icon        string  `json:"icon"`
	EOLDate     string  `json:"eolDate"`
	DeployType  int     `json:"deployType"`
	VNC         bool    `json:"vnc"`
	Type        string  `json:"type"`
	Image       string  `json:"image,omitempty"` // the cloud image a build downloads
}

// Package is a server plan.
type Package struct {
	ID             int64   `json:"id"`
	Name           string  `json:"name"`
	Description    *string `json:"description"`
	Enabled        bool    `json:"enabled"`
	Memory         int     `json:"memory"`
	PrimaryStorage int     `json:"primaryStorage"`
	Traffic        int     `json:"traffic"`
	CPUCores       int     `json:"cpuCores"`
	NetworkIn      int     `json:"networkIn"`
	NetworkOut     int     `json:"networkOut"`
	StorageProfile int     `json:"storageProfile"`
	TemplateGroups []int64 `json:"templateGroups"`
	// BackupPlanID is the backup plan a server of the package gets (0: none); Disk the
	// primary disk's I/O limits.
	BackupPlanID int64      `json:"backupPlanId,omitempty"`
	Disk         DiskLimits `json:"disk"`
	Created      time.Time  `json:"created"`
}

// Ruleset is a firewall ruleset that servers can be created with.
type Ruleset struct {
	ID      int64          `json:"id"`
	Name    string         `json:"name"`
	Enabled bool           `json:"enabled"`
	Rules   []FirewallRule `json:"rules"`
}

// FirewallRule is one rule of a ruleset.
type FirewallRule struct {
	Direction string  `json:"direction" yaml:"direction"` // in, out
	Action    string  `json:"action" yaml:"action"`       // accept, drop
	Protocol  string  `json:"protocol" yaml:"protocol"`   // tcp, udp, icmp, any
	Port      *string `json:"port" yaml:"port"`
	Source    string  `json:"source" yaml:"source"`
	Comment   string  `json:"comment" yaml:"comment"`
}

// User is a panel account.
type User struct {
	ID                    int64     `json:"id"`
	Admin                 bool      `json:"admin"`
	ExtRelationID         *int64    `json:"extRelationId"`
	RelStr                *string   `json:"relStr"`
	SelfService           int       `json:"selfService"`
	HourlyCredit          bool      `json:"selfServiceHourlyCredit"`
	HourlyGroupProfiles   []int64   `json:"selfServiceHourlyGroupProfiles"`
	ResourceGroupProfiles []int64   `json:"selfServiceResourceGroupProfiles"`
	HourlyResourcePack    *int64    `json:"selfServiceHourlyResourcePack"`
	Name                  string    `json:"name"`
	Email                 string    `json:"email"`
	Timezone              string    `json:"timezone"`
	Suspended             bool      `json:"suspended"`
	TwoFactorAuth         bool      `json:"twoFactorAuth"`
	Created               time.Time `json:"created"`
	Updated               time.Time `json:"updated"`
}

// SSHKey is a user's public key.
type SSHKey struct {
	ID      int64     `json:"id"`
	OwnerID int64     `json:"ownerId"`
	Name    string    `json:"name"`
	Public  string    `json:"public"`
	Type    string    `json:"type"`
	Enabled bool      `json:"enabled"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// put stores a record under its integer id and keeps the collection's id counter past it.
func put(tx *state.Tx, coll string, id int64, v any) error {
	return provider.PutRecord(tx, Name, coll, id, v)
}

// peek is get for a record only read, never changed in place (provider.PeekRecord).
func peek(tx *state.Tx, coll string, id int64, v any, notFound error) error {
	if id <= 0 {
		return notFound
	}
	return provider.PeekRecord(tx, Name, coll, state.ID(uint64(id)), v, notFound)
}

// get loads a record; a missing one is the apierr notFound given.
func get(tx *state.Tx, coll string, id int64, v any, notFound error) error {
	if id <= 0 {
		return notFound
	}
	return provider.GetRecord(tx, Name, coll, state.ID(uint64(id)), v, notFound)
}

// Errors a client sees, worded as VirtFusion words them.
var (
	errServerNotFound     = apierr.NotFound("server not found")
	errExtRelNotFound     = apierr.NotFound("ext_relation_id not found")
	errUserNotFound       = apierr.NotFound("user not found")
	errHypervisorNotFound = apierr.NotFound("hypervisor not found")
	errGroupNotFound      = apierr.NotFound("hypervisor group not found")
	errPackageNotFound    = apierr.NotFound("package not found")
	errQueueNotFound      = apierr.NotFound("queue item not found")
)

// Timestamp formats the panel uses in different places.
const (
	tsOffset = "2006-01-02T15:04:05+00:00"   // server objects: 2025-01-15T15:00:49+00:00
	tsMicro  = "2006-01-02T15:04:05.000000Z" // users, packages: 2025-01-20T12:41:28.000000Z
	tsPlain  = "2006-01-02 15:04:05"         // tasks.lastOn, traffic periods
)

func fmtTime(t time.Time, layout string) string { return t.UTC().Format(layout) }

func fmtTimePtr(t *time.Time, layout string) *string {
	if t == nil {
		return nil
	}
	s := fmtTime(*t, layout)
	return &s
}
