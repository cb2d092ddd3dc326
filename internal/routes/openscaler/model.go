package openscaler

import (
	"errors"
	"time"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/state"
)

// Collections, indexes and sets of an OpenScaler world.
const (
	collAccount  = "account" // one record, keyAccount
	collRegions  = "regions"
	collProjects = "projects"
	collVPCs     = "vpcs"
	collVMs      = "vms"
	collSSHKeys  = "sshKeys"
	collLBs      = "lbs"

	keyAccount = "account"

	idxPublicPorts  = "publicPorts"    // <region>/<port> -> vm id, or "lb/<id>" (the load balancers' range)
	idxConsolePorts = "consolePorts"   // <region>/<port> -> vm id
	idxPrivateIPs   = "privateIps"     // <vpc id>/<address> -> vm id
	idxDefaultVPC   = "defaultVpc"     // <project>/<region> -> vpc id
	idxKeyPrint     = "sshFingerprint" // fingerprint -> key id
	setVMsByProject = "vmsByProject"   // project -> vm ids
	setVPCsByProj   = "vpcsByProject"  // project -> vpc ids
)

// Account is the OpenScaler user a world stands for.
type Account struct {
	UserID string `json:"userId"`
}

func loadAccount(tx *state.Tx) (*Account, error) {
	var a Account
	if err := tx.Coll(Name, collAccount).Get(state.Key(keyAccount), &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// Resources are what a VM takes from its region.
type Resources struct {
	VCPUs     int `json:"vcpus" yaml:"vcpus"`
	MemoryMB  int `json:"memoryMB" yaml:"memoryMB"`
	StorageGB int `json:"storageGB" yaml:"storageGB"`
}

func (r *Resources) add(o Resources, sign int) {
	r.VCPUs += sign * o.VCPUs
	r.MemoryMB += sign * o.MemoryMB
	r.StorageGB += sign * o.StorageGB
}

func (r Resources) fitsIn(capacity, used Resources) bool {
	return used.VCPUs+r.VCPUs <= capacity.VCPUs && used.MemoryMB+r.MemoryMB <= capacity.MemoryMB &&
		used.StorageGB+r.StorageGB <= capacity.StorageGB
}

// PortRange is the inclusive range of public ports a region forwards to its VMs.
type PortRange struct {
	First int `json:"first" yaml:"first"`
	Last  int `json:"last" yaml:"last"`
}

// Region is a data centre: a shared public IP whose ports forward to VMs (Ports) and to
// load balancers (LBPorts), the recovery consoles' proxy, and the capacity its VMs draw on.
type Region struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Country      string    `json:"country"`
	PublicIP     string    `json:"publicIp"`
	Ports        PortRange `json:"ports"`
	LBPorts      PortRange `json:"lbPorts"`
	ConsoleAddr  string    `json:"consoleAddress"`
	ConsolePorts PortRange `json:"consolePorts"`
	Capacity     Resources `json:"capacity"`
	Used         Resources `json:"used"`
	VMs          int       `json:"vms"`
}

func loadRegion(tx *state.Tx, id string) (*Region, error) {
	var r Region
	err := tx.Coll(Name, collRegions).Get(state.Key(id), &r)
	if errors.Is(err, state.ErrNotFound) {
		return nil, badRequest("Region '" + id + "' not found.")
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

func saveRegion(tx *state.Tx, r *Region) error {
	return tx.Coll(Name, collRegions).Put(state.Key(r.ID), r)
}

// Project groups VMs and VPCs of the account.
type Project struct {
	ID          string    `json:"id"`
	Description string    `json:"description"`
	UserID      string    `json:"userId"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
}

func loadProject(tx *state.Tx, id string) (*Project, error) {
	var pr Project
	err := tx.Coll(Name, collProjects).Get(state.Key(id), &pr)
	if errors.Is(err, state.ErrNotFound) {
		return nil, errProjectNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	return &pr, nil
}

// VPC is a private network of a project in a region; its VMs take addresses from its subnet.
type VPC struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	ProjectID string    `json:"projectId"`
	Region    string    `json:"region"`
	Subnet    string    `json:"subnet"`
	Gateway   string    `json:"gateway"`
	Default   bool      `json:"default"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
}

func loadVPC(tx *state.Tx, id int64) (*VPC, error) {
	var v VPC
	if id <= 0 {
		return nil, errVPCNotFound
	}
	err := tx.Coll(Name, collVPCs).Get(state.ID(uint64(id)), &v)
	if errors.Is(err, state.ErrNotFound) {
		return nil, errVPCNotFound
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// SSHKey is a public key saved in the account.
type SSHKey struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	PublicKey   string    `json:"publicKey"`
	Fingerprint string    `json:"fingerprint"`
	Created     time.Time `json:"created"`
}

// Errors a client sees.
var (
	errVMNotFound     = apierr.NotFound("VM not found")
	errVPCNotFound    = apierr.NotFound("VPC not found")
	errSSHKeyNotFound = apierr.NotFound("SSH key not found")
)

var errLBNotFound = apierr.NotFound("Load balancer not found")

func errProjectNotFound(id string) error { return apierr.NotFound("Project '" + id + "' not found") }

// tsLayout is how the API writes times: ISO 8601 without a zone ("2024-04-19T15:02:04").
const tsLayout = "2006-01-02T15:04:05"

func fmtTime(t time.Time) string { return t.UTC().Format(tsLayout) }
