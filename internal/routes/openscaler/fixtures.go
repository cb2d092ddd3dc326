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
	Seed     uint64        `yaml:"seed"`
	Timings  Timings       `yaml:"timings"`
	Create   []CreateStep  `yaml:"create"`
	Regions  []RegionFx    `yaml:"regions"`
	Distros  []Distro      `yaml:"distros"`
	Projects []ProjectFx   `yaml:"projects"`
	Custom   CustomPricing `yaml:"custom"`
	Sizes    []Size        `yaml:"sizes"`
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
	if len(fx.Create) == 0 {
		return nil, bad("create needs at least one step")
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
	for _, r := range fx.Regions {
		if r.Ports.First <= 0 || r.Ports.Last < r.Ports.First+2 || r.Ports.Last > 65535 {
			return nil, bad("region %s: ports %d-%d", r.ID, r.Ports.First, r.Ports.Last)
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
		rec := Region{ID: r.ID, Name: r.Name, Country: r.Country, PublicIP: r.PublicIP, Ports: r.Ports, Capacity: r.Capacity}
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
