package openscaler

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

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
	if err := p.bind(c, &in); err != nil {
		return err
	}
	if err := in.check(sentObject(c)); err != nil {
		return err
	}
	if err := in.checkKeys(); err != nil {
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
		return streamRefused(c, err)
	}
	return p.streamCreation(c, p.vmCreation(id))
}

// check is the model's own validator (pydantic's value_error on the body): a size, or a
// custom size of vcpus, memoryMB and storageGB, not both and not half of one.
func (in *createInput) check(body any) error {
	custom := in.VCPUs != nil || in.MemoryMB != nil || in.StorageGB != nil
	var msg string
	switch {
	case in.Size != nil && custom:
		msg = "Give either size or vcpus, memoryMB and storageGB, not both"
	case in.Size == nil && !custom:
		msg = "Give either size or vcpus, memoryMB and storageGB"
	case in.Size == nil:
		var missing []string
		for _, f := range []struct {
			name string
			v    *int
		}{{"vcpus", in.VCPUs}, {"memoryMB", in.MemoryMB}, {"storageGB", in.StorageGB}} {
			if f.v == nil {
				missing = append(missing, f.name)
			}
		}
		if len(missing) > 0 {
			msg = "A custom size needs vcpus, memoryMB and storageGB; missing: " + strings.Join(missing, ", ")
		}
	}
	if msg != "" {
		return valueError([]any{"body"}, body, msg)
	}
	return nil
}

// checkKeys is the validator of ssh_keys: each entry is an OpenSSH public key ssh would
// accept, or the id of a saved key (digits).
func (in *createInput) checkKeys() error {
	var items []pyError
	for i, e := range in.SSHKeys {
		if _, ok := provider.ParseSSHPublicKey(e); ok || isKeyID(e) {
			continue
		}
		items = append(items, valueErrorItem([]any{"body", "ssh_keys", i}, e, "Value is neither an OpenSSH public key nor the id of a saved SSH key"))
	}
	if len(items) > 0 {
		return refuse422(items...)
	}
	return nil
}

func isKeyID(s string) bool {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return err == nil && n > 0
}

// vmCreation is how the stream reads a VM's creation.
func (p *Provider) vmCreation(id int64) creation {
	return creation{
		stopping: fmt.Sprintf("The server is shutting down; VM %d is still being created: GET /vms/%d shows how far it got.", id, id),
		poll: func(tx *state.Tx) ([]Progress, string, any, error) {
			v, err := loadVM(tx, id)
			if errors.Is(err, errVMNotFound) {
				return nil, "500", detail{fmt.Sprintf("VM %d no longer exists.", id)}, nil
			}
			if err != nil {
				return nil, "", nil, err
			}
			switch {
			case v.Failed != "":
				return v.Steps, "500", detail{v.Failed}, nil
			case v.Creating && v.Deleting:
				return v.Steps, "500", detail{fmt.Sprintf("VM %d was deleted before its creation finished.", id)}, nil
			case !v.Creating:
				view, err := renderVM(tx, v, allParts)
				return v.Steps, "200", view, err
			}
			return v.Steps, "", nil, nil
		},
	}
}

// refusedOnStream checks what OpenScaler refuses once the creation's stream has started
// (the event "400"): a password that does not meet the policy, a distro not offered in the
// region.
func (p *Provider) refusedOnStream(v *VM, distro *Distro) error {
	msg := ""
	switch {
	case v.Password != "" && !p.fx.Password.met(v.Password):
		msg = p.fx.Password.String()
	case !distro.availableIn(v.Region):
		msg = fmt.Sprintf("Distro '%s' is not available in region '%s'.", distro.ID, v.Region)
	default:
		return nil
	}
	return &streamRefusal{first: p.firstStep(p.fx.Create, v.Name, v.Distro, v.Size, v.Region, ""), msg: msg}
}

// firstStep is the first progress event of a creation.
func (p *Provider) firstStep(steps []CreateStep, name, distro, size, region, vpc string) Progress {
	return Progress{Percentage: steps[0].Percentage, Message: stepMessage(steps[0].Message, name, distro, size, region, vpc)}
}

func stepMessage(msg, name, distro, size, region, vpc string) string {
	return strings.NewReplacer("{name}", name, "{distro}", distro, "{size}", size, "{region}", region, "{vpc}", vpc).Replace(msg)
}

// met reports whether a password meets the policy.
func (pp PasswordPolicy) met(pw string) bool {
	var lower, upper, digit, other int
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return len([]rune(pw)) >= pp.MinLength && lower+upper+digit+other >= pp.Classes
}

func (pp PasswordPolicy) String() string {
	return fmt.Sprintf("The password does not meet the policy: at least %d characters, of at least %d kinds among lower-case letters, upper-case letters, digits and other characters.",
		pp.MinLength, pp.Classes)
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
	if err := p.refusedOnStream(v, distro); err != nil {
		return nil, err
	}
	region.Used.add(need, 1)
	region.VMs++
	if err := saveRegion(tx, region); err != nil {
		return nil, err
	}
	if v.PrivateIP, err = allocatePrivateIP(tx, vpc, vmOwner(v.ID)); err != nil {
		return nil, err
	}
	if v.Forwards, err = vmForwards(tx, region, v.ID); err != nil {
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
	for _, e := range entries {
		if key, ok := provider.ParseSSHPublicKey(e); ok {
			out = append(out, key.Line)
			continue
		}
		id, _ := strconv.ParseInt(strings.TrimSpace(e), 10, 64)
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
	msg := stepMessage(st.Message, v.Name, v.Distro, v.Size, v.Region, strconv.FormatInt(v.VPCID, 10))
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
