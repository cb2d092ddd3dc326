package tenantos

import (
	"encoding/json"
	"time"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Collections, indexes and sets of a Tenantos world.
const (
	collUsers         = "users"
	collRoles         = "roles"
	collTokens        = "tokens"
	collSSHKeys       = "sshKeys"
	collServers       = "servers"
	collSubnets       = "subnets"
	collIPs           = "ips"
	collProviders     = "externalProviders"
	collVpsPlans      = "vpsPlans"
	collBalancerPlans = "balancerPlans"
	collPxeProfiles   = "pxeProfiles"
	collDiskLayouts   = "pxeDiskLayouts"
	collPxeScripts    = "pxeScripts"
	collTasks         = "tasks"
	collActivity      = "activityLog"
	collLogins        = "loginHistory"
	collRdnsProviders = "rdnsProviders"
	collRemoteAgents  = "remoteAgents"

	IdxUsername         = "userByUsername"   // lower-case username -> user id
	IdxTokenHash        = "tokenByHash"      // sha256 of a token -> token id
	IdxIPAddress        = "ipByAddress"      // address (or CIDR) -> ip id
	IdxSSOToken         = "ssoByToken"       // SSO auth token -> user id and validity (JSON)
	SetIPsBySubnet      = "ipsBySubnet"      // subnet id -> ip ids
	SetIPsByServer      = "ipsByServer"      // server id -> ip ids
	SetActivityByServer = "activityByServer" // server id -> activity log ids
)

// Errors a client sees for records that do not exist.
var (
	ErrUserNotFound     = apierr.NotFound("User not found.")
	ErrRoleNotFound     = apierr.NotFound("Role not found.")
	ErrTokenNotFound    = apierr.NotFound("Token not found.")
	ErrSSHKeyNotFound   = apierr.NotFound("SSH key not found.")
	ErrServerNotFound   = apierr.NotFound("Server not found.")
	ErrSubnetNotFound   = apierr.NotFound("Subnet not found.")
	ErrIPNotFound       = apierr.NotFound("IP address not found.")
	ErrProviderNotFound = apierr.NotFound("External provider not found.")
	ErrPlanNotFound     = apierr.NotFound("VPS plan not found.")
	ErrBalancerNotFound = apierr.NotFound("Balancer plan not found.")
	ErrProfileNotFound  = apierr.NotFound("PXE profile not found.")
	ErrLayoutNotFound   = apierr.NotFound("Disk layout not found.")
	ErrScriptNotFound   = apierr.NotFound("PXE script not found.")
	ErrTaskNotFound     = apierr.NotFound("Task not found.")
	ErrRdnsNotFound     = apierr.NotFound("RDNS provider not found.")
	ErrAgentNotFound    = apierr.NotFound("Remote agent not found.")
)

// The records of a Tenantos world, by kind.
var (
	Users         = provider.Records[User]{Provider: Name, Coll: collUsers, NotFound: ErrUserNotFound}
	Roles         = provider.Records[Role]{Provider: Name, Coll: collRoles, NotFound: ErrRoleNotFound}
	Tokens        = provider.Records[Token]{Provider: Name, Coll: collTokens, NotFound: ErrTokenNotFound}
	SSHKeys       = provider.Records[SSHKey]{Provider: Name, Coll: collSSHKeys, NotFound: ErrSSHKeyNotFound}
	Servers       = provider.Records[Server]{Provider: Name, Coll: collServers, NotFound: ErrServerNotFound}
	Subnets       = provider.Records[Subnet]{Provider: Name, Coll: collSubnets, NotFound: ErrSubnetNotFound}
	IPs           = provider.Records[IP]{Provider: Name, Coll: collIPs, NotFound: ErrIPNotFound}
	ExtProviders  = provider.Records[ExternalProvider]{Provider: Name, Coll: collProviders, NotFound: ErrProviderNotFound}
	VpsPlans      = provider.Records[VpsPlan]{Provider: Name, Coll: collVpsPlans, NotFound: ErrPlanNotFound}
	BalancerPlans = provider.Records[BalancerPlan]{Provider: Name, Coll: collBalancerPlans, NotFound: ErrBalancerNotFound}
	PxeProfiles   = provider.Records[PxeProfile]{Provider: Name, Coll: collPxeProfiles, NotFound: ErrProfileNotFound}
	DiskLayouts   = provider.Records[DiskLayout]{Provider: Name, Coll: collDiskLayouts, NotFound: ErrLayoutNotFound}
	PxeScripts    = provider.Records[PxeScript]{Provider: Name, Coll: collPxeScripts, NotFound: ErrScriptNotFound}
	Tasks         = provider.Records[Task]{Provider: Name, Coll: collTasks, NotFound: ErrTaskNotFound}
	Activities    = provider.Records[Activity]{Provider: Name, Coll: collActivity, NotFound: apierr.NotFound("Log entry not found.")}
	Logins        = provider.Records[Login]{Provider: Name, Coll: collLogins, NotFound: apierr.NotFound("Login not found.")}
	RdnsProviders = provider.Records[RdnsProvider]{Provider: Name, Coll: collRdnsProviders, NotFound: ErrRdnsNotFound}
	RemoteAgents  = provider.Records[RemoteAgent]{Provider: Name, Coll: collRemoteAgents, NotFound: ErrAgentNotFound}
)

// Role ids of the default roles every panel has.
const (
	RoleAdmin    = 1
	RoleReseller = 2
	RoleUser     = 3
)

// The kinds of provisioning runs (PxeProfile.Kind, Install.Kind).
const (
	KindInstall       = "install"
	KindRescue        = "rescue"
	KindPasswordReset = "passwordReset"
	KindDiskWipe      = "diskwipe"
)

// AdminID is the id of the panel's first administrator, who owns everything nobody else
// does; the world's own token acts as this user.
const AdminID = 1

// User is an account: the administrator, a reseller or an end user.
type User struct {
	ID             int64      `json:"id"`
	Name           string     `json:"name"`
	Email          string     `json:"email"`
	Username       string     `json:"username"`
	PasswordHash   string     `json:"passwordHash"`
	RoleID         int64      `json:"roleId"`
	RootOwner      int64      `json:"rootOwner"` // the user who owns this one (the admin owns itself)
	AccountStatus  string     `json:"accountStatus"`
	Timezone       string     `json:"timezone"`
	DatetimeFormat string     `json:"datetimeFormat"`
	Language       string     `json:"language"`
	Description    *string    `json:"description"`
	AllowedHosts   []string   `json:"allowedHosts"`
	TwoFactor      bool       `json:"twoFactor"`
	TwoFactorCode  string     `json:"twoFactorCode,omitempty"` // the code that confirms it (the simulator's TOTP stand-in)
	Created        time.Time  `json:"created"`
	LastLoginIP    string     `json:"lastLoginIp,omitempty"`
	LastLogin      *time.Time `json:"lastLogin,omitempty"`
	// Alias users share another account's access (isSharedAccess).
	SharedUserID *int64 `json:"sharedUserId,omitempty"`
	// AliasAssignments are what an alias user may reach: {"userId": …, "roleId": …} objects
	// as the API takes them.
	AliasAssignments []json.RawMessage `json:"aliasAssignments,omitempty"`
}

// Role is a set of permissions users are given.
type Role struct {
	ID                                  int64    `json:"id"`
	Name                                string   `json:"name"`
	IsAlias                             bool     `json:"isAlias"`
	NotDeletable                        bool     `json:"notDeletable"`
	NotAssignable                       bool     `json:"notAssignable"`
	ServersIndexDisablePermissionChecks bool     `json:"serversIndexDisablePermissionChecks"`
	OwnerUserID                         int64    `json:"ownerUserId"`
	Type                                string   `json:"type"` // user_created, reseller_template, user_template
	Permissions                         []string `json:"permissions"`
	PermissionSets                      []string `json:"permissionSets,omitempty"`
}

// Token is a user's API token. Only its hash is kept: the token itself is shown once, when
// it is made.
type Token struct {
	ID           int64      `json:"id"`
	UserID       int64      `json:"userId"`
	Name         string     `json:"name"`
	Hash         string     `json:"hash"`
	Created      time.Time  `json:"created"`
	LastUsed     *time.Time `json:"lastUsed"`
	AllowedHosts []string   `json:"allowedHosts"`
}

// SSHKey is a public key a user keeps for reinstallations.
type SSHKey struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"userId"`
	Name      string    `json:"name"`
	PublicKey string    `json:"publicKey"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
}

// Server is a dedicated server of the inventory or a VM on an external provider.
type Server struct {
	ID                     int64     `json:"id"`
	Hostname               string    `json:"hostname"`
	Servername             string    `json:"servername"`
	UserID                 int64     `json:"userId"` // the owner; the admin when nobody holds it
	AssignedAt             time.Time `json:"assignedAt"`
	OS                     string    `json:"os"`
	ServerType             string    `json:"servertype"`   // auto, dedicated or vm, as set
	TypeOfServer           string    `json:"typeOfServer"` // dedicated or vm, as it is
	SuspendedUserIDs       []int64   `json:"suspendedUserIds"`
	ReinstallationProvider string    `json:"reinstallationProvider"` // pxe, proxmox
	PowerType              string    `json:"powerType"`              // ipmi, proxmox
	SupportedFeatures      []string  `json:"supportedFeatures"`
	ConsoleType            string    `json:"consoleType"`
	Tags                   []string  `json:"tags"`
	Description            string    `json:"description"`
	// Power is the state the server is in; PowerStatus is what the panel last polled
	// (cachedPowerstatus), which follows Power when the power task runs.
	Power       string `json:"power"`
	PowerStatus string `json:"powerStatus"`
	BootType    string `json:"bootType,omitempty"`
	// What is running on the server: at most one provisioning at a time.
	Install  *Install        `json:"install,omitempty"`
	Hardware json.RawMessage `json:"hardware"` // detailedHardwareInformation, as the fixtures give it
	External bool            `json:"external"`
	Traffic  Traffic         `json:"traffic"`
	AgentID  int64           `json:"agentId,omitempty"`
	VM       *VM             `json:"vm,omitempty"`
	Created  time.Time       `json:"created"`
	Updated  time.Time       `json:"updated"`

	// HardwareCollect is set while a hardware-detection command (inventory group) awaits its
	// callback (hardwarecollectRunning).
	HardwareCollect bool `json:"hardwareCollect,omitempty"`
}

// Traffic is the bandwidth a server used, in GB, and its last rate in Mbit/s.
type Traffic struct {
	Day, Week, Fortnight, Month float64
	P95In, P95Out, P95Total     float64
	RateIn, RateOut             float64
}

// Install is a provisioning in progress or just finished: an OS install, a rescue boot, a
// password reset or a disk wipe, run as a task with steps on the world's clock.
type Install struct {
	ProfileID int64     `json:"profileId"`
	Kind      string    `json:"kind"` // KindInstall, KindRescue, KindPasswordReset or KindDiskWipe
	Step      int       `json:"step"`
	Steps     int       `json:"steps"`
	Progress  []string  `json:"progress"`
	Running   bool      `json:"running"`
	Completed bool      `json:"completed"`
	Started   time.Time `json:"started"`
	TaskID    int64     `json:"taskId"` // the world task that runs the next step
}

// VM is what a virtual server has besides the server record: where it runs and its
// resources, backups and snapshots.
type VM struct {
	PlanID     int64      `json:"planId"`
	ProviderID int64      `json:"providerId"`
	Node       string     `json:"node"`
	VMID       int64      `json:"vmid"`
	Sockets    int        `json:"sockets"`
	Cores      int        `json:"cores"`
	CPULimit   string     `json:"cpulimit"`
	CPUUnits   string     `json:"cpuunits"`
	MemoryMB   int        `json:"memoryMb"`
	Balloon    string     `json:"balloon"`
	Disks      []VMDisk   `json:"disks"`
	Backups    []Backup   `json:"backups"`
	Snapshots  []Snapshot `json:"snapshots"`
	Deleting   bool       `json:"deleting,omitempty"`
}

// VMDisk is one disk of a VM.
type VMDisk struct {
	ID      string `json:"id"` // scsi0
	SizeGB  int    `json:"sizeGb"`
	Storage string `json:"storage"`
}

// Backup is a backup of a VM (a vzdump archive).
type Backup struct {
	ID            string    `json:"id"`
	Size          int64     `json:"size"`
	Created       time.Time `json:"created"`
	Format        string    `json:"format"`
	Note          string    `json:"note"`
	Storage       string    `json:"storage"`
	Mode          string    `json:"mode"`
	Compression   string    `json:"compression"`
	Ready         bool      `json:"ready"` // false while its create task runs
	DeleteTaskID  *int64    `json:"deleteTaskId"`
	RestoreTaskID *int64    `json:"restoreTaskId"`
}

// Snapshot is a snapshot of a VM; snapshots form a tree through Parent.
type Snapshot struct {
	ID             string    `json:"id"`
	Description    string    `json:"description"`
	Created        time.Time `json:"created"`
	Parent         *string   `json:"parent"`
	IncludesMemory bool      `json:"includesMemory"`
	Size           int64     `json:"size"`
	Ready          bool      `json:"ready"`
	DeleteTaskID   *int64    `json:"deleteTaskId"`
	RollbackTaskID *int64    `json:"rollbackTaskId"`
}

// Subnet is an IPv4 or IPv6 network the panel hands addresses out of.
type Subnet struct {
	ID                    int64     `json:"id"`
	Subnet                string    `json:"subnet"` // network address
	CIDR                  int       `json:"cidr"`
	Netmask               string    `json:"netmask"`
	Gateway               string    `json:"gw"`
	Type                  string    `json:"type"` // v4, v6
	Priority              *int64    `json:"priority"`
	RootSubnetID          *int64    `json:"rootSubnetId"`
	External              bool      `json:"external"`
	Reserved              bool      `json:"reserved"`
	OfferIfTags           []string  `json:"offerIfTags"`
	DontOfferIfTags       []string  `json:"dontOfferIfTags"`
	OnlyIfAgents          []int64   `json:"onlyIfAgents"`
	ApplyRestrictionsDown bool      `json:"applyRestrictionsDown"`
	DNSResolvers          []string  `json:"dnsResolvers"`
	UserID                int64     `json:"userId"` // owner
	RdnsServerID          *int64    `json:"rdnsServerId"`
	Description           *string   `json:"description"`
	ExcludeFromDynamic    bool      `json:"excludeFromDynamic"`
	Created               time.Time `json:"created"`
	Updated               time.Time `json:"updated"`
}

// IP is one address (or, in IPv6, a child network given as CIDR) the panel knows: generated
// with its subnet, added by a split or assigned to a server. ServerID is the server it is
// assigned to (0: free); the assignment's id is the IP's id.
type IP struct {
	ID          int64     `json:"id"`
	SubnetID    int64     `json:"subnetId"`
	Address     string    `json:"address"` // 10.0.0.5, 2001:db8::5, or 2001:db8:1::/64
	Reserved    bool      `json:"reserved"`
	Comment     string    `json:"comment"`
	ServerID    int64     `json:"serverId"`
	Primary     bool      `json:"primary"`
	Description *string   `json:"description"`
	PTR         string    `json:"ptr"`
	Updated     time.Time `json:"updated"`
}

// ExternalProvider is a hypervisor cluster (Proxmox) or a provider API the panel drives.
type ExternalProvider struct {
	ID          int64           `json:"id"`
	Provider    string          `json:"provider"` // proxmox
	Name        string          `json:"name"`
	APIURL      string          `json:"apiUrl"`
	APIUser     string          `json:"apiUser"`
	APIPassword string          `json:"apiPassword"`
	Meta        json.RawMessage `json:"meta"`
	Nodes       []Node          `json:"nodes"`
	HAGroups    []HAGroup       `json:"haGroups"`
	Created     time.Time       `json:"created"`
	Updated     time.Time       `json:"updated"`
}

// Node is a hypervisor of a provider, with its capacity and what its VMs take of it.
type Node struct {
	Name       string    `json:"name"`
	CPUCores   int       `json:"cpuCores"`
	MemoryMB   int64     `json:"memoryMb"`
	UsedMemMB  int64     `json:"usedMemMb"` // taken by VMs the panel made, plus the fixtures' base load
	CPUUtil    float64   `json:"cpuUtil"`
	VMs        int       `json:"vms"`
	UsedCores  int       `json:"usedCores"`
	Storages   []Storage `json:"storages"`
	Bridges    []string  `json:"bridges"`
	UptimeFrom time.Time `json:"uptimeFrom"`
	Status     string    `json:"status"`
}

// Storage is a storage of a node.
type Storage struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Shared  bool     `json:"shared"`
	TotalGB int64    `json:"totalGb"`
	UsedGB  int64    `json:"usedGb"`
	Content []string `json:"content"`
}

// HAGroup is a Proxmox high-availability group.
type HAGroup struct {
	Group   string `json:"group"`
	Comment string `json:"comment"`
}

// VpsPlan is what a VM is made from. The plan's configuration is kept as the client sent it
// (Tenantos gives numbers as strings in places: "memory": "1024"), and read through the
// accessors of vps_plan.go.
type VpsPlan struct {
	ID                 int64           `json:"id"`
	Name               string          `json:"planname"`
	Config             json.RawMessage `json:"planconfig"`
	AdditionalHardware json.RawMessage `json:"additionalHardware"`
	Backup             json.RawMessage `json:"backup"`
	Snapshot           json.RawMessage `json:"snapshot"`
	ProviderID         int64           `json:"providerId"`
	BalancerPlanID     *int64          `json:"balancerPlanId,omitempty"`
	Created            time.Time       `json:"created"`
	Updated            time.Time       `json:"updated"`
}

// BalancerPlan weighs a provider's nodes to pick the one a new VM goes on.
type BalancerPlan struct {
	ID                       int64     `json:"id" yaml:"id"`
	Name                     string    `json:"planname" yaml:"planname"`
	CPUPriority              float64   `json:"cpuPriority" yaml:"cpuPriority"`
	CPURequireIdlePercentage float64   `json:"cpuRequireIdlePercentage" yaml:"cpuRequireIdlePercentage"`
	StoragePriority          float64   `json:"storagePriority" yaml:"storagePriority"`
	StorageReserveFreeAmount float64   `json:"storageReserveFreeAmount" yaml:"storageReserveFreeAmount"`
	RAMPriority              float64   `json:"ramPriority" yaml:"ramPriority"`
	RAMReserveFreeAmount     float64   `json:"ramReserveFreeAmount" yaml:"ramReserveFreeAmount"`
	VMCountPriority          float64   `json:"vmCountPriority" yaml:"vmCountPriority"`
	VMMaxAmount              *int64    `json:"vmMaxAmount" yaml:"vmMaxAmount"`
	VMMaxAmountPerCore       *float64  `json:"vmMaxAmountPerCore" yaml:"vmMaxAmountPerCore"`
	NodeMustMatchRegex       *string   `json:"nodeMustMatchRegex" yaml:"nodeMustMatchRegex"`
	NodeMustNotMatchRegex    *string   `json:"nodeMustNotMatchRegex" yaml:"nodeMustNotMatchRegex"`
	Created                  time.Time `json:"created" yaml:"created"`
	Updated                  time.Time `json:"updated" yaml:"updated"`
}

// PxeProfile is something the panel can boot a server into: an OS install, a rescue system,
// a password reset or a disk wipe.
type PxeProfile struct {
	ID                int64     `json:"id"`
	Name              string    `json:"name"`
	Kind              string    `json:"kind"` // install, rescue, passwordReset, diskwipe
	GroupName         string    `json:"groupname"`
	GroupLogo         string    `json:"grouplogo"`
	OS                string    `json:"os"` // what the server's os becomes
	Tags              []string  `json:"tags"`
	DiskLayoutIDs     []int64   `json:"disklayoutIds"`
	ScriptIDs         []int64   `json:"scriptIds"`
	DefaultDiskLayout int64     `json:"defaultDisklayout"`
	DefaultScripts    []int64   `json:"defaultScripts"`
	FollowProgress    bool      `json:"followProgress"`
	AllowSSHKeys      bool      `json:"allowSshKeys"`
	AllowHostname     bool      `json:"allowHostname"`
	SetRootPassword   bool      `json:"setRootPassword"`
	Deleted           bool      `json:"deleted,omitempty"` // deleted profiles can be restored
	Created           time.Time `json:"created"`
	Updated           time.Time `json:"updated"`
}

// DiskLayout is a partitioning template of PXE installs.
type DiskLayout struct {
	ID      int64     `json:"id"`
	Name    string    `json:"name"`
	Tags    []string  `json:"tags"`
	Layout  string    `json:"layout"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// PxeScript is a script run after a PXE install.
type PxeScript struct {
	ID      int64     `json:"id"`
	Name    string    `json:"name"`
	Tags    []string  `json:"tags"`
	Content string    `json:"content"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Task is what GET /api/tasks/{id} shows: a backup or snapshot operation of a VM (and the
// other slow operations that report through it), pending → running → completed or failed.
type Task struct {
	ID       int64           `json:"id"`
	Action   string          `json:"action"` // createBackup, deleteBackup, restoreBackup, createSnapshot, …
	Status   string          `json:"status"`
	Progress int             `json:"progress"`
	Message  *string         `json:"message"`
	ServerID int64           `json:"serverId"`
	UserID   int64           `json:"userId"`
	Target   string          `json:"target,omitempty"` // the backup or snapshot it acts on
	Data     json.RawMessage `json:"data,omitempty"`
	Created  time.Time       `json:"created"`
	Updated  time.Time       `json:"updated"`
}

// Activity is an entry of the activity log.
type Activity struct {
	ID           int64           `json:"id"`
	UserID       int64           `json:"userId"`
	RelationID   int64           `json:"relationId"`
	RelationType string          `json:"relationType"` // servers, users, subnets, agents, system
	RootID       int64           `json:"rootId"`
	RootType     string          `json:"rootType"` // serverPower, servers, subnet, …
	Description  string          `json:"description"`
	ModelChanges json.RawMessage `json:"modelchanges"`
	UserIP       string          `json:"userIp"`
	VisibleFor   string          `json:"visibleFor"` // all, admin
	LogLevel     string          `json:"loglevel"`
	PostData     string          `json:"postdata"`
	Endpoint     string          `json:"endpoint"`
	Method       string          `json:"method"`
	MetaHref     string          `json:"metaHref"`
	MetaText     string          `json:"metaText"`
	Created      time.Time       `json:"created"`
}

// Login is an entry of a user's login history.
type Login struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"userId"`
	IP        string    `json:"ip"`
	UserAgent string    `json:"userAgent"`
	Created   time.Time `json:"created"`
}

// RdnsProvider is a DNS server the panel writes PTR records to.
type RdnsProvider struct {
	ID         int64           `json:"id"`
	Provider   string          `json:"provider"` // powerdns
	ServerName string          `json:"serverName"`
	Data       json.RawMessage `json:"data"`
	Created    time.Time       `json:"created"`
	Updated    time.Time       `json:"updated"`
}

// RemoteAgent is a machine in a data centre that the panel reaches servers through (PXE,
// DHCP, IPMI).
type RemoteAgent struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name"`
	IP            string    `json:"ip"`
	Hostname      string    `json:"hostname"`
	SSHPort       int       `json:"sshport"`
	InstallStatus string    `json:"installStatus"`
	Created       time.Time `json:"created"`
	Updated       time.Time `json:"updated"`
}

// Tx is a transaction on a world's records (an alias, so that the groups need not import
// internal/state for it).
type Tx = state.Tx
