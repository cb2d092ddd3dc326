package e24cloud

import (
	"fmt"
	"io/fs"
	"time"

	"github.com/panelsim/panelsim/fixtures"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Fixtures is e24cloud/world.yaml.
type Fixtures struct {
	Seed          uint64  `yaml:"seed"`
	DefaultSecret string  `yaml:"defaultSecret"`
	Timings       Timings `yaml:"timings"`
	Prices        Prices  `yaml:"prices"`
	Limits        struct {
		CPUs     int `yaml:"cpus"`
		RAMMB    int `yaml:"ramMB"`
		VolumeGB int `yaml:"volumeGB"` // the largest storage volume
	} `yaml:"limits"`
	Account struct {
		ID    string `yaml:"id"`
		Name  string `yaml:"name"`
		Email string `yaml:"email"`
		Phone string `yaml:"phone"`
	} `yaml:"account"`
	Regions []struct {
		Name  string `yaml:"name"`
		Zones []struct {
			ID    string `yaml:"id"`
			Label string `yaml:"label"`
			Name  string `yaml:"name"`
			Pool  Range  `yaml:"pool"`
		} `yaml:"zones"`
	} `yaml:"regions"`
	Templates []struct {
		ID       string   `yaml:"id"`
		Label    string   `yaml:"label"`
		Supports []string `yaml:"supports"`
		Disk     int      `yaml:"disk"`
	} `yaml:"templates"`
	ISOs  []string `yaml:"isos"`
	VLANs []struct {
		ID    int64  `yaml:"id"`
		Label string `yaml:"label"`
		Zone  string `yaml:"zone"`
	} `yaml:"vlans"`
}

// Timings are the durations of asynchronous work, in virtual seconds.
type Timings struct {
	Install  int `yaml:"install"`
	PowerOn  int `yaml:"poweron"`
	Shutdown int `yaml:"shutdown"`
	PowerOff int `yaml:"poweroff"`
	Reboot   int `yaml:"reboot"`
	Reset    int `yaml:"reset"`
	Resize   int `yaml:"resize"`
	Delete   int `yaml:"delete"`
	IPDetach int `yaml:"ipDetach"`
	// RecoveryPoint: PUT /v2/recovery-points; AccountCreate: PUT /v2/accounts (creating ->
	// created); GroupDetachUser: POST /v2/groups/{id}/group-detach-user.
	RecoveryPoint   int `yaml:"recoveryPoint"`
	AccountCreate   int `yaml:"accountCreate"`
	GroupDetachUser int `yaml:"groupDetachUser"`
}

func (t Timings) of(action string) time.Duration {
	s := map[string]int{actInstall: t.Install, actPowerOn: t.PowerOn, actShutdown: t.Shutdown, actPowerOff: t.PowerOff,
		actReboot: t.Reboot, actReset: t.Reset, actResize: t.Resize, actDelete: t.Delete}[action]
	return time.Duration(s) * time.Second
}

// Prices make up cost_per_hour.
type Prices struct {
	Core    float64 `yaml:"core"`
	RAMGB   float64 `yaml:"ramGB"`
	HDDGB   float64 `yaml:"hddGB"`
	SSDGB   float64 `yaml:"ssdGB"`
	IPv4    float64 `yaml:"ipv4"`
	VLAN    float64 `yaml:"vlan"`
	ImageGB float64 `yaml:"imageGB"`
	VXLAN   float64 `yaml:"vxlan"`
	// RecoveryPointGB: per GB of recovery point.
	RecoveryPointGB float64 `yaml:"recoveryPointGB"`
}

func loadFixtures(fsys fs.FS) (*Fixtures, error) {
	var fx Fixtures
	if err := fixtures.Decode(fsys, "e24cloud/world.yaml", &fx); err != nil {
		return nil, err
	}
	if fx.DefaultSecret == "" || fx.Timings.Install <= 0 {
		return nil, fmt.Errorf("fixtures: e24cloud: defaultSecret and timings.install are required")
	}
	if fx.Limits.VolumeGB <= 0 {
		fx.Limits.VolumeGB = 2048
	}
	return &fx, nil
}

// Seed writes the fixtures into a new world. The world's own token becomes the account's
// first API key, with its configured secret (or the default one).
func (p *Provider) Seed(tx *state.Tx) error {
	fx := p.fx
	info, err := tx.Info()
	if err != nil {
		return err
	}
	acct := Account{ID: fx.Account.ID, Name: fx.Account.Name, Email: fx.Account.Email, Phone: fx.Account.Phone,
		NotifyEmail: true, APIKeys: []APIKey{{Key: info.Token, Secret: p.secretOf(info.Token)}}}
	f := provider.Credentials() // e24files credentials: a client could sign with them
	acct.FilesKey, acct.FilesSecret = f.LetterN(20), f.LetterN(40)
	acct.SwiftKey, acct.SwiftSecret = f.LetterN(20), f.LetterN(40)
	if err := tx.Coll(Name, collAccount).Put(state.Key(keyAccount), &acct); err != nil {
		return err
	}
	order := 0
	for _, r := range fx.Regions {
		for _, z := range r.Zones {
			order++
			zone := Zone{ID: z.ID, Label: z.Label, Name: z.Name, Region: r.Name, Order: order, Pool: z.Pool}
			if err := zone.Pool.check(); err != nil {
				return fmt.Errorf("zone %s: %w", z.ID, err)
			}
			if err := tx.Coll(Name, collZones).Put(state.Key(z.ID), &zone); err != nil {
				return err
			}
		}
	}
	for _, t := range fx.Templates {
		if err := tx.Coll(Name, collTemplates).Put(state.Key(t.ID), &Template{ID: t.ID, Label: t.Label, Supports: t.Supports, Disk: t.Disk}); err != nil {
			return err
		}
	}
	for _, v := range fx.VLANs {
		c := tx.Coll(Name, collVLANs)
		if err := c.SetNextID(uint64(v.ID) + 1); err != nil {
			return err
		}
		if err := c.Put(state.ID(uint64(v.ID)), &VLAN{ID: v.ID, Label: v.Label, ZoneID: v.Zone, VMs: []string{}}); err != nil {
			return err
		}
	}
	return nil
}
