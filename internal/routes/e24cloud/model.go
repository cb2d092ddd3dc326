package e24cloud

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Collections of an e24cloud world.
const (
	collAccount   = "account" // one record, keyAccount
	collZones     = "zones"
	collTemplates = "templates"
	collVMs       = "virtualMachines"
	collVolumes   = "storageVolumes"
	collIPs       = "ipv4Addresses"
	collVLANs     = "vlans"
	collImages    = "diskImages"
	collSSHKeys   = "sshKeys"
	collVXLANs    = "vxlans"
	collGroups    = "groups"
	collRuleIDs   = "firewallRules" // only its sequence: firewall rule ids
	collRecovery  = "recoveryPoints"
	collUsers     = "users" // accounts made through the reseller API, keyed by sequence

	idxUser = "userId" // user UUID -> key in collUsers

	keyAccount = "account"
	idxAddress = "ipv4Address" // dotted address -> ip id
)

// Account is the customer account behind the API keys.
type Account struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Email       string   `json:"email"`
	Phone       string   `json:"phone"`
	FirstName   string   `json:"firstName"`
	LastName    string   `json:"lastName"`
	NotifyEmail bool     `json:"notifyEmail"`
	NotifyPhone bool     `json:"notifyPhone"`
	APIKeys     []APIKey `json:"apiKeys"`
	FilesKey    string   `json:"filesKey"` // e24files S3 access id and secret
	FilesSecret string   `json:"filesSecret"`
	SwiftKey    string   `json:"swiftKey"` // e24files Swift id and secret
	SwiftSecret string   `json:"swiftSecret"`
	Password    string   `json:"password"` // SHA-256 of the panel password, hex; "" until set
}

// APIKey is a key pair that signs requests.
type APIKey struct {
	Key    string `json:"key"`
	Secret string `json:"secret"`
	// Rotated: the secret was replaced through the API, so a secret given for this key on the
	// command line no longer signs.
	Rotated bool `json:"rotated,omitempty"`
}

// Range is an inclusive range of IPv4 addresses.
type Range struct {
	Start string `json:"start" yaml:"start"`
	End   string `json:"end" yaml:"end"`
}

func (r Range) check() error {
	s, err1 := netip.ParseAddr(r.Start)
	e, err2 := netip.ParseAddr(r.End)
	if err1 != nil || err2 != nil || !s.Is4() || !e.Is4() || e.Less(s) {
		return fmt.Errorf("bad range %s-%s", r.Start, r.End)
	}
	return nil
}

// Zone is a compute zone with its pool of public addresses.
type Zone struct {
	ID     string `json:"id"`
	Label  string `json:"label"`
	Name   string `json:"name"`
	Region string `json:"region"`
	Order  int    `json:"order"` // the fixtures' order, in which regions and zones are listed
	Pool   Range  `json:"pool"`
	Next   int    `json:"next"`
	// Exhausted makes the pool hand out nothing (a scenario's fault).
	Exhausted bool `json:"exhausted,omitempty"`
}

// Template is an installable operating system.
type Template struct {
	ID       string   `json:"id"`
	Label    string   `json:"label"`
	Supports []string `json:"supports"`
	Disk     int      `json:"disk"`
}

func (t *Template) supports(feature string) bool {
	for _, s := range t.Supports {
		if s == feature {
			return true
		}
	}
	return false
}

// VM states as the API reports them.
const (
	stateInstalling = "installing"
	stateOnline     = "online"
	stateOffline    = "offline"
	stateDeleting   = "deleting"
)

// VM is a virtual machine.
type VM struct {
	ID              string      `json:"id"`
	Label           string      `json:"label"`
	Cores           int         `json:"cores"`
	RAM             int         `json:"ram"`
	ZoneID          string      `json:"zoneId"`
	TemplateID      string      `json:"templateId"`
	SystemID        string      `json:"systemId"`
	SystemName      string      `json:"systemName"`
	BootType        string      `json:"bootType"`
	ISO             string      `json:"iso"`
	KeyID           int64       `json:"keyId"`
	UserData        string      `json:"userData"`
	State           string      `json:"state"`
	MAC             string      `json:"mac"`
	PrimaryIP       string      `json:"primaryIp"` // ip id, "" until the install assigns one
	IPs             []string    `json:"ips"`       // ip ids, primary first
	Volumes         []string    `json:"volumes"`   // volume ids, system disk first
	VLANs           []VLANPort  `json:"vlans"`
	VXLANs          []VXLANPort `json:"vxlans"`
	Task            string      `json:"task"` // the action in progress, "" when idle
	PoweredOn       *time.Time  `json:"poweredOn"`
	OnlineSeconds   float64     `json:"onlineSeconds"` // before PoweredOn
	ConsolePort     int         `json:"consolePort"`
	ConsolePassword string      `json:"consolePassword"`
	DeleteResources bool        `json:"deleteResources"`
	Created         time.Time   `json:"created"`
}

// VLANPort is a VM's interface on a VLAN.
type VLANPort struct {
	VLAN int64  `json:"vlan"`
	MAC  string `json:"mac"`
}

// Volume is a storage volume.
type Volume struct {
	ID         string     `json:"id"`
	Label      string     `json:"label"`
	Size       int        `json:"size"`
	Type       string     `json:"type"` // hdd, ssd
	SystemDisk bool       `json:"systemDisk"`
	Shared     bool       `json:"shared"`
	ZoneID     string     `json:"zoneId"`
	VMs        []string   `json:"vms"`
	AttachTime *time.Time `json:"attachTime"` // the earliest attachment of those in VMs
	// AttachTimes: when it was attached to each VM of VMs.
	AttachTimes map[string]time.Time `json:"attachTimes"`
	Task        string               `json:"task"`
	Seq         uint64               `json:"seq"` // creation order in the world
	Created     time.Time            `json:"created"`
}

// IPv4 is a public address.
type IPv4 struct {
	ID         string     `json:"id"`
	Address    string     `json:"address"`
	ZoneID     string     `json:"zoneId"`
	VMID       string     `json:"vmId"`
	AttachTime *time.Time `json:"attachTime"`
	DHCP       bool       `json:"dhcp"`
	Task       string     `json:"task"`
	Seq        uint64     `json:"seq"` // creation order in the world
	Created    time.Time  `json:"created"`
}

// VLAN is a private network.
type VLAN struct {
	ID     int64    `json:"id"`
	Label  string   `json:"label"`
	ZoneID string   `json:"zoneId"`
	VMs    []string `json:"vms"`
}

// SSHKey is an account's public key.
type SSHKey struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Fingerprint string `json:"fingerprint"`
	Content     string `json:"content"`
}

// DiskImage is an image taken from a volume.
type DiskImage struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Size     int    `json:"size"`
	VolumeID string `json:"volumeId"`
	// Supports: what a VM created from the image honours, from the template its volume's VM
	// was installed from (nothing for an image of a data volume).
	Supports []string  `json:"supports"`
	Seq      uint64    `json:"seq"` // creation order in the world
	Created  time.Time `json:"created"`
}

// Errors a client sees.
var (
	errVMNotFound       = apierr.NotFound("Virtual machine not found.")
	errZoneNotFound     = apierr.NotFound("Compute zone not found.")
	errVolumeNotFound   = apierr.NotFound("Storage volume not found.")
	errIPNotFound       = apierr.NotFound("IPv4 address not found.")
	errVLANNotFound     = apierr.NotFound("VLAN network not found.")
	errImageNotFound    = apierr.NotFound("Disk image not found.")
	errSSHKeyNotFound   = apierr.NotFound("SSH key not found.")
	errAccountNotFound  = apierr.NotFound("Account not found.")
	errTemplateNotFound = apierr.NotFound("Template not found.")
	errVXLANNotFound    = apierr.NotFound("VxLAN network not found.")
	errGroupNotFound    = apierr.NotFound("Group not found.")
	errRecoveryNotFound = apierr.NotFound("Recovery point not found.")
)

func getRecord(tx *state.Tx, coll string, key []byte, v any, notFound error) error {
	return provider.GetRecord(tx, Name, coll, key, v, notFound)
}

func putRecord(tx *state.Tx, coll string, key []byte, v any) error {
	return tx.Coll(Name, coll).Put(key, v)
}

func loadVM(tx *state.Tx, id string) (*VM, error) {
	var vm VM
	if err := getRecord(tx, collVMs, state.Key(id), &vm, errVMNotFound); err != nil {
		return nil, err
	}
	return &vm, nil
}

func saveVM(tx *state.Tx, vm *VM) error { return putRecord(tx, collVMs, state.Key(vm.ID), vm) }

func loadAccount(tx *state.Tx) (*Account, error) {
	var a Account
	if err := getRecord(tx, collAccount, state.Key(keyAccount), &a, errAccountNotFound); err != nil {
		return nil, err
	}
	return &a, nil
}

// tsPlain is e24cloud's timestamp: 2018-08-15 14:34:14.
const tsPlain = "2006-01-02 15:04:05"

func fmtTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(tsPlain)
	return &s
}
