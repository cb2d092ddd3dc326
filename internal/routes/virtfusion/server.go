package virtfusion

import (
	"time"

	"github.com/labstack/echo/v4"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Server states and commission statuses as the panel reports them.
const (
	stateAllocated = "allocated" // created, not built (commissionStatus 0)
	stateQueued    = "queued"    // build queued or running (1)
	stateFailed    = "failed"    // build failed (2)
	stateComplete  = "complete"  // built (3)
)

// Power states of a built server (remoteState.state).
const (
	powerRunning = "running"
	powerStopped = "shutoff"
)

// DiskLimits are a disk's I/O limits, from its package: operations and bytes a second; nil
// is no limit.
type DiskLimits struct {
	ReadIOPS      *int64 `json:"readIops,omitempty" yaml:"primaryStorageReadIopsSec"`
	WriteIOPS     *int64 `json:"writeIops,omitempty" yaml:"primaryStorageWriteIopsSec"`
	ReadBytesSec  *int64 `json:"readBytesSec,omitempty" yaml:"primaryStorageReadBytesSec"`
	WriteBytesSec *int64 `json:"writeBytesSec,omitempty" yaml:"primaryStorageWriteBytesSec"`
}

// Resources are what a server takes from its hypervisor.
type Resources struct {
	Memory   int `json:"memory"`   // MB
	Storage  int `json:"storage"`  // GB
	Traffic  int `json:"traffic"`  // GB a month, 0 = unmetered
	CPUCores int `json:"cpuCores"` // cores
}

// Server is a virtual server.
type Server struct {
	ID                int64        `json:"id"`
	OwnerID           int64        `json:"ownerId"`
	HypervisorID      int64        `json:"hypervisorId"`
	PackageID         int64        `json:"packageId"`
	Name              string       `json:"name"`
	Hostname          *string      `json:"hostname"`
	UUID              string       `json:"uuid"`
	State             string       `json:"state"`
	CommissionStatus  int          `json:"commissionStatus"`
	ConfigLevel       int          `json:"configLevel"`
	Suspended         bool         `json:"suspended"`
	Protected         bool         `json:"protected"`
	BuildFailed       bool         `json:"buildFailed"`
	Built             *time.Time   `json:"built"`
	Created           time.Time    `json:"created"`
	Updated           time.Time    `json:"updated"`
	Resources         Resources    `json:"resources"`
	NetworkIn         int          `json:"networkIn"`
	NetworkOut        int          `json:"networkOut"`
	StorageProfile    int          `json:"storageProfile"`
	Rulesets          []int64      `json:"rulesets"`
	OSTemplateID      int64        `json:"osTemplateId"`
	EncryptedPassword string       `json:"encryptedPassword"`
	InterfaceID       int64        `json:"interfaceId"`
	MAC               string       `json:"mac"`
	Tag               int64        `json:"tag"`
	IPv4              []IPv4Assign `json:"ipv4"`
	IPv6              []IPv6Assign `json:"ipv6"`
	WantIPv6          bool         `json:"wantIpv6"`
	DiskID            int64        `json:"diskId"`
	SSHKeys           []int64      `json:"sshKeys"`
	VNCPort           int          `json:"vncPort"`
	VNCEnabled        bool         `json:"vncEnabled"`
	Swap              int          `json:"swap"`
	Timezone          string       `json:"timezone"`
	Power             string       `json:"power"`
	PoweredOn         *time.Time   `json:"poweredOn"`
	ActiveQueue       int64        `json:"activeQueue"` // queue item running for the server, 0 when idle
	LastTaskOn        *time.Time   `json:"lastTaskOn"`
	DeleteAt          *time.Time   `json:"deleteAt"`
	ExtraDisks        []ExtraDisk  `json:"extraDisks,omitempty"`
	// FailBuild, when set, is why the server's next build fails (a scenario's fault).
	FailBuild string `json:"failBuild,omitempty"`

	// network
	FirewallEnabled bool             `json:"firewallEnabled"`
	Whitelist       []WhitelistEntry `json:"whitelist"`

	// server settings
	BackupPlanID  int64           `json:"backupPlanId,omitempty"`   // 0 = none
	Disk          DiskLimits      `json:"diskLimits"`               // the primary disk's I/O limits
	BackupAccess  string          `json:"backupAccess,omitempty"`   // backup manager access type, "" = inherit
	CPUThrottle   int             `json:"cpuThrottle,omitempty"`    // percent
	CustomXML     customXMLView   `json:"customXml"`                // custom libvirt XML sections
	VNCPassword   string          `json:"vncPassword,omitempty"`    // generated at create
	VNCToken      string          `json:"vncToken,omitempty"`       // websocket token, new on each enable
	TrafficBlocks []TrafficBlock  `json:"trafficBlocks,omitempty"`  // extra traffic bought for a period
	Pending       []PendingAction `json:"pendingActions,omitempty"` // changes waiting for a power event
	Uptime        Uptime          `json:"uptime"`                   // when it ran, for traffic statistics

	// accounts

	// self service
	ResourcePackID int64 `json:"resourcePackId,omitempty"` // the user's resource pack the server is in, 0 for none
	// Hourly: the server is billed by the hour (its owner had an hourly group profile when it
	// was created or given to them, and it is in no resource pack).
	Hourly bool `json:"hourly,omitempty"`
	// RunningWhenSuspended: suspending stopped the server, so unsuspending boots it again.
	RunningWhenSuspended bool `json:"runningWhenSuspended,omitempty"`
}

// CloneRecord copies the server (state.Cloner): a server is saved by one request and loaded
// again by the next (create, then build), so the store keeps it decoded.
func (s *Server) CloneRecord() any { return state.DeepCopy(s) }

func loadServer(tx *state.Tx, id int64) (*Server, error) {
	var s Server
	if err := get(tx, collServers, id, &s, errServerNotFound); err != nil {
		return nil, err
	}
	return &s, nil
}

func saveServer(tx *state.Tx, s *Server) error {
	s.trackUptime(tx.Now)
	key := state.ID(uint64(s.ID))
	if err := tx.Coll(Name, collServers).Put(key, s); err != nil {
		return err
	}
	entry, err := provider.AnswerJSON(listItem(s))
	if err != nil {
		return err
	}
	return tx.Coll(Name, collServerList).PutRaw(key, entry)
}

// listItem is a server as GET /servers?type=simple shows it. Each server's item is kept
// beside it, encoded as the answer encodes it (collServerList), so that a page of the list
// reads a hundred small records instead of decoding a hundred whole servers.
func listItem(s *Server) serverListItem {
	return serverListItem{ID: s.ID, UUID: s.UUID, Name: s.Name, Commissioned: s.CommissionStatus,
		Owner: s.OwnerID, HypervisorID: s.HypervisorID, Suspended: s.Suspended, Protected: s.Protected,
		Updated: fmtTime(s.Updated, tsOffset), Created: fmtTime(s.Created, tsOffset)}
}

// addresses groups a server's IPv4 addresses and IPv6 subnets by block, for release.
func (s *Server) addresses() (v4, v6 map[int64][]string) {
	v4, v6 = map[int64][]string{}, map[int64][]string{}
	for _, a := range s.IPv4 {
		v4[a.BlockID] = append(v4[a.BlockID], a.Address)
	}
	for _, a := range s.IPv6 {
		v6[a.BlockID] = append(v6[a.BlockID], a.Subnet)
	}
	return v4, v6
}

// updateServer loads the server the path names, lets change alter it and saves it, all in
// one transaction.
func updateServer(c echo.Context, change func(tx *state.Tx, s *Server) error) error {
	return provider.World(c).Update(func(tx *state.Tx) error {
		s, err := loadServer(tx, provider.PathInt(c, "serverId"))
		if err != nil {
			return err
		}
		if err := change(tx, s); err != nil {
			return err
		}
		return saveServer(tx, s)
	})
}
