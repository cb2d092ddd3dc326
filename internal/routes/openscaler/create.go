package openscaler

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

const taskCreate = "create"

type createInput struct {
	Size          *string `json:"size"`
	VCPUs         *int    `json:"vcpus"`
	MemoryMB      *int    `json:"memoryMB"`
	StorageGB     *int    `json:"storageGB"`
	ProjectID     string  `json:"project_id"`
	Name          string  `json:"name"`
	Description   string  `json:"description"`
	Region        string  `json:"region"`
	Distro        string  `json:"distro"`
	VPCID         *int64  `json:"vpc_id"`
	AttachedDisks []struct {
		SizeGB int `json:"sizeGB"`
	} `json:"attached_disks"`
	SSHKeys    []string `json:"ssh_keys"`
	Password   string   `json:"password"`
	CloudInit  string   `json:"cloud_init_user_data"`
	SequenceID *int64   `json:"sequence_id"`
}

type createTask struct {
	VMID int64 `json:"vmId"`
	Step int   `json:"step"`
}

// coreVMCreate checks the request and reserves everything the VM needs in one transaction
// (refusals are plain JSON answers), then answers with a stream of server-sent events that
// follows the creation on the world's clock.
func (p *Provider) coreVMCreate(c echo.Context) error {
	var in createInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	var id int64
	err := provider.World(c).Update(func(tx *state.Tx) error {
		v, err := p.newVM(tx, &in)
		if err != nil {
			return err
		}
		id = v.ID
		return nil
	})
	if err != nil {
		return err
	}
	return p.streamCreation(c, id)
}

// check refuses what the document cannot say: a size together with custom resources, or
// neither.
func (in *createInput) check() error {
	custom := in.VCPUs != nil || in.MemoryMB != nil || in.StorageGB != nil
	switch {
	case in.Size != nil && custom:
		return apierr.Invalid("body: Give either size or vcpus, memoryMB and storageGB, not both")
	case in.Size == nil && !custom:
		return apierr.Invalid("body.size: Field required")
	case in.Size == nil:
		var missing []string
		for name, v := range map[string]*int{"vcpus": in.VCPUs, "memoryMB": in.MemoryMB, "storageGB": in.StorageGB} {
			if v == nil {
				missing = append(missing, "body."+name+": Field required")
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			return apierr.Invalid(missing...)
		}
	}
	return nil
}

// newVM creates a VM record: it checks what the request refers to, reserves the region's
// resources, a private address and three public ports, and queues the creation.
func (p *Provider) newVM(tx *state.Tx, in *createInput) (*VM, error) {
	acct, err := loadAccount(tx)
	if err != nil {
		return nil, err
	}
	if _, err := loadProject(tx, in.ProjectID); err != nil {
		var ae *apierr.Error
		if errors.As(err, &ae) && ae.Kind == apierr.KindNotFound {
			return nil, badRequest("Project '" + in.ProjectID + "' not found.")
		}
		return nil, err
	}
	region, err := loadRegion(tx, in.Region)
	if err != nil {
		return nil, err
	}
	distro := p.distro(in.Distro)
	if distro == nil {
		return nil, badRequest("Distro '" + in.Distro + "' not found.")
	}
	v := &VM{Name: in.Name, Description: in.Description, UserID: acct.UserID, ProjectID: in.ProjectID, Region: region.ID,
		Distro: distro.ID, Password: in.Password, CloudInit: in.CloudInit, SequenceID: in.SequenceID,
		Created: tx.Now, Updated: tx.Now, State: stateNoState, Creating: true}
	if v.FailCreate, err = takeCreateFault(tx); err != nil {
		return nil, err
	}
	if in.Size != nil {
		s := p.size(*in.Size)
		if s == nil {
			return nil, badRequest("Size '" + *in.Size + "' not found.")
		}
		if !s.available() {
			return nil, badRequest("Size '" + s.ID + "' is not available.")
		}
		v.Size, v.VCPUs, v.MemoryMB, v.StorageGB = s.ID, s.VCPUs, int(math.Round(s.Memory*1024)), s.Disk
		v.TransferGB = int(math.Round(s.Transfer * 1024))
		v.PriceMonthly, _ = parsePrice(s.PriceMonthly)
	} else {
		cp := p.fx.Custom
		v.Size, v.VCPUs, v.MemoryMB, v.StorageGB = "custom", *in.VCPUs, *in.MemoryMB, *in.StorageGB
		v.TransferGB = cp.TransferGB
		price := float64(v.VCPUs)*cp.VCPUMonthly + float64(v.MemoryMB)/1024*cp.MemoryGBMonthly + float64(v.StorageGB)*cp.StorageGBMonthly
		v.PriceMonthly = math.Round(price*100) / 100
	}
	vpc, err := p.vpcFor(tx, in, region.ID)
	if err != nil {
		return nil, err
	}
	v.VPCID = vpc.ID
	if v.SSHKeys, err = resolveKeys(tx, in.SSHKeys); err != nil {
		return nil, err
	}
	n, err := tx.Coll(Name, collVMs).NextID()
	if err != nil {
		return nil, err
	}
	v.ID = int64(n)
	f := p.Faker("vm", v.ID)
	v.UUID = f.UUID()
	v.MAC = fmt.Sprintf("02:00:00:%02x:%02x:%02x", (v.ID>>16)&0xff, (v.ID>>8)&0xff, v.ID&0xff)
	v.Disks = append(v.Disks, Disk{Main: true, CapacityBytes: int64(v.StorageGB) << 30,
		AllocationBytes: distro.ImageBytes + int64(f.IntN(64<<20)), Path: "/", Target: "vda"})
	for i, d := range in.AttachedDisks {
		dev := "vd" + string(rune('c'+i))
		v.Disks = append(v.Disks, Disk{CapacityBytes: int64(d.SizeGB) << 30, AllocationBytes: 196608,
			Path: "/mnt/" + dev + "1", Target: dev})
	}
	need := v.resources()
	if !need.fitsIn(region.Capacity, region.Used) {
		return nil, badRequest(fmt.Sprintf("Not enough capacity left in region %s for %d vCPUs, %d MB of memory and %d GB of storage.",
			region.ID, need.VCPUs, need.MemoryMB, need.StorageGB))
	}
	region.Used.add(need, 1)
	region.VMs++
	if err := saveRegion(tx, region); err != nil {
		return nil, err
	}
	if v.PrivateIP, err = allocatePrivateIP(tx, vpc, v.ID); err != nil {
		return nil, err
	}
	if v.Ports, err = allocatePorts(tx, region, v.ID); err != nil {
		return nil, err
	}
	if err := tx.Set(Name, setVMsByProject).Add(state.Key(v.ProjectID), state.ID(uint64(v.ID))); err != nil {
		return nil, err
	}
	if err := p.createStep(tx, v, distro, 0); err != nil {
		return nil, err
	}
	return v, saveVM(tx, v)
}

// vpcFor is the VPC the request names, or the project's default VPC in the region.
func (p *Provider) vpcFor(tx *state.Tx, in *createInput, region string) (*VPC, error) {
	if in.VPCID != nil {
		vpc, err := loadVPC(tx, *in.VPCID)
		if err != nil || vpc.ProjectID != in.ProjectID || vpc.Region != region {
			return nil, badRequest(fmt.Sprintf("VPC %d not found in project '%s' and region '%s'.", *in.VPCID, in.ProjectID, region))
		}
		return vpc, nil
	}
	raw := tx.Index(Name, idxDefaultVPC).Get([]byte(in.ProjectID + "/" + region))
	if raw == nil {
		return nil, badRequest(fmt.Sprintf("Project '%s' has no VPC in region '%s'.", in.ProjectID, region))
	}
	return loadVPC(tx, int64(state.IDOf(raw)))
}

// resolveKeys turns ssh_keys into public keys: each entry is an OpenSSH public key or the id
// of a saved SSH key.
func resolveKeys(tx *state.Tx, entries []string) ([]string, error) {
	var out []string
	for i, e := range entries {
		if key, _, ok := parsePublicKey(e); ok {
			out = append(out, key)
			continue
		}
		id, err := strconv.ParseInt(strings.TrimSpace(e), 10, 64)
		if err != nil {
			return nil, apierr.Invalid(fmt.Sprintf("body.ssh_keys.%d: Value is neither an OpenSSH public key nor the id of a saved SSH key", i))
		}
		k, err := loadKey(tx, id)
		if err != nil {
			return nil, badRequest(fmt.Sprintf("SSH key %d not found.", id))
		}
		out = append(out, k.PublicKey)
	}
	return out, nil
}

// createStep carries out step i of a creation: it records the step's progress event and
// state, then queues the next step or, after the last one, marks the VM created and booted.
// A distro marked to fail fails at the step that fetches the image (the last step when none
// is marked).
func (p *Provider) createStep(tx *state.Tx, v *VM, distro *Distro, i int) error {
	steps := p.fx.Create
	st := steps[i]
	last := i == len(steps)-1
	if distro != nil && (distro.Fail || v.FailCreate) && (st.Image || (last && !anyImageStep(steps))) {
		v.Creating, v.State, v.Updated = false, stateCrashed, tx.Now
		v.Failed = fmt.Sprintf("VM %d could not be created: the %s image could not be fetched.", v.ID, distro.ID)
		return nil
	}
	msg := strings.NewReplacer("{name}", v.Name, "{distro}", v.Distro, "{size}", v.Size, "{region}", v.Region).Replace(st.Message)
	v.Steps = append(v.Steps, Progress{Percentage: st.Percentage, Message: msg})
	if st.State != "" {
		v.State, v.Updated = st.State, tx.Now
	}
	if last {
		v.Creating, v.BootedAt, v.Updated = false, tx.Now, tx.Now
		if v.State == stateNoState {
			v.State = stateRunning
		}
		return nil
	}
	_, err := tx.Enqueue(Name, taskCreate, tx.Now.Add(seconds(steps[i+1].After)), createTask{VMID: v.ID, Step: i + 1})
	return err
}

func anyImageStep(steps []CreateStep) bool {
	for _, s := range steps {
		if s.Image {
			return true
		}
	}
	return false
}

// runCreate carries out the next step of a creation; a VM deleted meanwhile is left alone.
func (p *Provider) runCreate(tx *state.Tx, task *state.Task) error {
	var t createTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	v, err := loadVM(tx, t.VMID)
	if err != nil {
		return nil
	}
	if !v.Creating || v.Deleting || t.Step >= len(p.fx.Create) {
		return nil
	}
	if err := p.createStep(tx, v, p.distro(v.Distro), t.Step); err != nil {
		return err
	}
	return saveVM(tx, v)
}
