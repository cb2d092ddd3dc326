package openscaler

import (
	"fmt"
	"io/fs"
	"time"

	"github.com/panelsim/panelsim/fixtures"
	"github.com/panelsim/panelsim/internal/state"
)

// Fixtures is openscaler/world.yaml.
type Fixtures struct {
	Seed     uint64         `yaml:"seed"`
	Timings  Timings        `yaml:"timings"`
	Create   []CreateStep   `yaml:"create"`
	LBCreate []CreateStep   `yaml:"lbCreate"`
	Regions  []RegionFx     `yaml:"regions"`
	Distros  []Distro       `yaml:"distros"`
	Projects []ProjectFx    `yaml:"projects"`
	Custom   CustomPricing  `yaml:"custom"`
	Sizes    []Size         `yaml:"sizes"`
	LBSizes  []LBSize       `yaml:"lbSizes"`
	Password PasswordPolicy `yaml:"passwordPolicy"`
}

// PasswordPolicy is what a VM's password must have: at least MinLength characters of at
// least Classes of the four kinds (lower-case, upper-case, digits, others).
type PasswordPolicy struct {
	MinLength int `yaml:"minLength"`
	Classes   int `yaml:"classes"`
}

// LBSize is a load balancer flavour.
type LBSize struct {
	ID             string `yaml:"id"`
	Name           string `yaml:"name"`
	MaxConnections int    `yaml:"maxConnections"`
}

// Timings are the durations of asynchronous work, in virtual seconds.
type Timings struct {
	Start           int `yaml:"start"`
	Boot            int `yaml:"boot"`
	Shutdown        int `yaml:"shutdown"`
	ShutdownTimeout int `yaml:"shutdownTimeout"`
	PowerOff        int `yaml:"powerOff"`
	Reboot          int `yaml:"reboot"`
	Reset           int `yaml:"reset"`
	Delete          int `yaml:"delete"`
	ConsoleIdle     int `yaml:"consoleIdle"`
	LBDelete        int `yaml:"lbDelete"`
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

// CreateStep is one progress event of a creation.
type CreateStep struct {
	After      int    `yaml:"after"`
	Percentage int    `yaml:"percentage"`
	Message    string `yaml:"message"`
	State      string `yaml:"state"`
	// Image marks the step that fetches the distro's image: a distro with fail: true fails
	// there.
	Image bool `yaml:"image"`
}

// RegionFx is a region of the fixtures.
type RegionFx struct {
	ID       string    `yaml:"id"`
	Name     string    `yaml:"name"`
	Country  string    `yaml:"country"`
	PublicIP string    `yaml:"publicIp"`
	Ports    PortRange `yaml:"ports"`
	LBPorts  PortRange `yaml:"lbPorts"`
	Console  struct {
		Address string    `yaml:"address"`
		Ports   PortRange `yaml:"ports"`
	} `yaml:"console"`
	Capacity Resources `yaml:"capacity"`
}

// Distro is an installable operating system image.
type Distro struct {
	ID         string `yaml:"id"`
	Name       string `yaml:"name"`
	Family     string `yaml:"family"`
	Version    string `yaml:"version"`
	ImageBytes int64  `yaml:"imageBytes"`
	Fail       bool   `yaml:"fail"`
	// Regions are where the distro's image is available; empty means everywhere.
	Regions []string `yaml:"regions"`
}

// availableIn reports whether the distro's image is offered in the region.
func (d *Distro) availableIn(region string) bool {
	if len(d.Regions) == 0 {
		return true
	}
	for _, r := range d.Regions {
		if r == region {
			return true
		}
	}
	return false
}

// ProjectFx is a project of the fixtures.
type ProjectFx struct {
	ID          string    `yaml:"id"`
	Description string    `yaml:"description"`
	Created     time.Time `yaml:"created"`
}

// CustomPricing prices VMs created without a size.
type CustomPricing struct {
	VCPUMonthly      float64 `yaml:"vcpuMonthly"`
	MemoryGBMonthly  float64 `yaml:"memoryGBMonthly"`
	StorageGBMonthly float64 `yaml:"storageGBMonthly"`
	TransferGB       int     `yaml:"transferGB"`
}

// Size is a predefined VM size, as GET /v1/sizes shows it.
type Size struct {
	ID           string  `yaml:"id"`
	Name         string  `yaml:"name"`
	Description  *string `yaml:"description"`
	Memory       float64 `yaml:"memory"`   // GB
	VCPUs        int     `yaml:"vcpus"`    //
	Disk         int     `yaml:"disk"`     // GB
	Transfer     float64 `yaml:"transfer"` // TB
	Units        int     `yaml:"units"`
	Category     string  `yaml:"category"`
	DiskType     string  `yaml:"diskType"`
	Architecture string  `yaml:"architecture"`
	PriceMonthly string  `yaml:"priceMonthly"`
	PriceHourly  string  `yaml:"priceHourly"`
	Available    *bool   `yaml:"available"`
	TestOnly     bool    `yaml:"testOnly"`
}

func (s *Size) available() bool { return s.Available == nil || *s.Available }

func loadFixtures(fsys fs.FS) (*Fixtures, error) {
	var fx Fixtures
	if err := fixtures.Decode(fsys, "openscaler/world.yaml", &fx); err != nil {
		return nil, err
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("fixtures: openscaler: "+format, a...)
	}
	if len(fx.Create) == 0 || len(fx.LBCreate) == 0 {
		return nil, bad("create and lbCreate need at least one step each")
	}
	if len(fx.LBSizes) == 0 {
		return nil, bad("at least one lbSize")
	}
	if fx.Timings.ConsoleIdle <= 0 {
		return nil, bad("timings.consoleIdle must be positive")
	}
	if fx.Timings.ShutdownTimeout <= 0 {
		return nil, bad("timings.shutdownTimeout must be positive")
	}
	if len(fx.Regions) == 0 || len(fx.Projects) == 0 {
		return nil, bad("at least one region and one project")
	}
	for i := range fx.Sizes {
		s := &fx.Sizes[i]
		if s.Category == "" {
			s.Category = "basic"
		}
		if s.DiskType == "" {
			s.DiskType = "nvme"
		}
		if s.Architecture == "" {
			s.Architecture = "x86_64"
		}
		if _, err := parsePrice(s.PriceMonthly); err != nil {
			return nil, bad("size %s: priceMonthly %q: %v", s.ID, s.PriceMonthly, err)
		}
	}
	for _, st := range fx.Create {
		switch st.State {
		case "", stateNoState, stateRunning, stateShutoff:
		default:
			return nil, bad("create step %q: state %q (nostate, running or shutoff)", st.Message, st.State)
		}
	}
	for _, st := range fx.LBCreate {
		if st.State != "" || st.Image {
			return nil, bad("lbCreate step %q: no state or image", st.Message)
		}
	}
	for _, r := range fx.Regions {
		if r.Ports.First <= 0 || r.Ports.Last < r.Ports.First+2 || r.Ports.Last > 65535 {
			return nil, bad("region %s: ports %d-%d", r.ID, r.Ports.First, r.Ports.Last)
		}
		for name, rng := range map[string]PortRange{"lbPorts": r.LBPorts, "console.ports": r.Console.Ports} {
			if rng.First <= 0 || rng.Last < rng.First || rng.Last > 65535 {
				return nil, bad("region %s: %s %d-%d", r.ID, name, rng.First, rng.Last)
			}
		}
		if r.LBPorts.First <= r.Ports.Last && r.LBPorts.Last >= r.Ports.First { // one index holds both
			return nil, bad("region %s: lbPorts %d-%d overlap ports %d-%d", r.ID, r.LBPorts.First, r.LBPorts.Last, r.Ports.First, r.Ports.Last)
		}
		if r.Console.Address == "" {
			return nil, bad("region %s: console.address", r.ID)
		}
	}
	return &fx, nil
}

func (p *Provider) size(id string) *Size {
	for i := range p.fx.Sizes {
		if p.fx.Sizes[i].ID == id {
			return &p.fx.Sizes[i]
		}
	}
	return nil
}

func (p *Provider) lbSize(id string) *LBSize {
	for i := range p.fx.LBSizes {
		if p.fx.LBSizes[i].ID == id {
			return &p.fx.LBSizes[i]
		}
	}
	return nil
}

func (p *Provider) distro(id string) *Distro {
	for i := range p.fx.Distros {
		if p.fx.Distros[i].ID == id {
			return &p.fx.Distros[i]
		}
	}
	return nil
}

// Seed writes the fixtures into a new world: the account, the regions and the projects with
// their default VPCs.
func (p *Provider) Seed(tx *state.Tx) error {
	f := p.Faker("account", 0)
	acct := Account{UserID: f.UUID()}
	if err := tx.Coll(Name, collAccount).Put(state.Key(keyAccount), &acct); err != nil {
		return err
	}
	for _, r := range p.fx.Regions {
		rec := Region{ID: r.ID, Name: r.Name, Country: r.Country, PublicIP: r.PublicIP, Ports: r.Ports, LBPorts: r.LBPorts,
			ConsoleAddr: r.Console.Address, ConsolePorts: r.Console.Ports, Capacity: r.Capacity}
		if err := saveRegion(tx, &rec); err != nil {
			return err
		}
	}
	for _, pr := range p.fx.Projects {
		if _, err := p.newProject(tx, acct.UserID, pr.ID, pr.Description, pr.Created); err != nil {
			return err
		}
	}
	return nil
}
