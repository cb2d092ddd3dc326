package virtfusion

import (
	"fmt"
	"io/fs"
	"time"

	"github.com/panelsim/panelsim/fixtures"
	"github.com/panelsim/panelsim/internal/state"
)

// Fixtures is virtfusion/world.yaml.
type Fixtures struct {
	Seed    uint64  `yaml:"seed"`
	Timings Timings `yaml:"timings"`
	Groups  []struct {
		ID               int64     `yaml:"id"`
		Name             string    `yaml:"name"`
		Description      *string   `yaml:"description"`
		Default          bool      `yaml:"default"`
		DistributionType int       `yaml:"distributionType"`
		Created          time.Time `yaml:"created"`
	} `yaml:"hypervisorGroups"`
	Hypervisors []struct {
		ID         int64     `yaml:"id"`
		Group      int64     `yaml:"group"`
		Name       string    `yaml:"name"`
		IP         string    `yaml:"ip"`
		MaxMemory  int       `yaml:"maxMemory"`
		MaxCPU     int       `yaml:"maxCpu"`
		MaxServers int       `yaml:"maxServers"`
		Storage    int       `yaml:"storage"`
		IPv4Blocks []int64   `yaml:"ipv4Blocks"`
		IPv6Blocks []int64   `yaml:"ipv6Blocks"`
		Created    time.Time `yaml:"created"`
	} `yaml:"hypervisors"`
	IPBlocks []struct {
		ID        int64     `yaml:"id"`
		Type      int       `yaml:"type"`
		Name      string    `yaml:"name"`
		Gateway   string    `yaml:"gateway"`
		Netmask   string    `yaml:"netmask"`
		Subnet    string    `yaml:"subnet"`
		Prefix    int       `yaml:"prefix"`
		Cidr      int       `yaml:"cidr"`
		Resolvers []string  `yaml:"resolvers"`
		Ranges    []IPRange `yaml:"ranges"`
		Created   time.Time `yaml:"created"`
	} `yaml:"ipBlocks"`
	TemplateGroups []struct {
		ID          int64  `yaml:"id"`
		Name        string `yaml:"name"`
		Description string `yaml:"description"`
		Icon        string `yaml:"icon"`
		Templates   []struct {
			ID         int64   `yaml:"id"`
			Name       string  `yaml:"name"`
			Version    string  `yaml:"version"`
			Variant    *string `yaml:"variant"`
			Icon       string  `yaml:"icon"`
			Type       string  `yaml:"type"`
			VNC        bool    `yaml:"vnc"`
			DeployType int     `yaml:"deployType"`
			EOLDate    string  `yaml:"eolDate"`
			Image      string  `yaml:"image"` // URL of the cloud image a build downloads
		} `yaml:"templates"`
	} `yaml:"osTemplateGroups"`
	Packages []struct {
		ID             int64      `yaml:"id"`
		Name           string     `yaml:"name"`
		Description    *string    `yaml:"description"`
		Enabled        *bool      `yaml:"enabled"`
		Memory         int        `yaml:"memory"`
		PrimaryStorage int        `yaml:"primaryStorage"`
		Traffic        int        `yaml:"traffic"`
		CPUCores       int        `yaml:"cpuCores"`
		NetworkIn      int        `yaml:"networkIn"`
		NetworkOut     int        `yaml:"networkOut"`
		TemplateGroups []int64    `yaml:"templateGroups"`
		BackupPlanID   int64      `yaml:"backupPlanId"` // 0: none
		Disk           DiskLimits `yaml:",inline"`      // primaryStorage{Read,Write}{IopsSec,BytesSec}
		Created        time.Time  `yaml:"created"`
	} `yaml:"packages"`
	Rulesets []struct {
		ID    int64          `yaml:"id"`
		Name  string         `yaml:"name"`
		Rules []FirewallRule `yaml:"rules"`
	} `yaml:"firewallRulesets"`
	Users []struct {
		ID      int64     `yaml:"id"`
		Admin   bool      `yaml:"admin"`
		Name    string    `yaml:"name"`
		Email   string    `yaml:"email"`
		Created time.Time `yaml:"created"`
	} `yaml:"users"`

	// network

	// server settings
	BackupPlans []struct {
		ID   int64  `yaml:"id"`
		Name string `yaml:"name"`
	} `yaml:"backupPlans"`
	SettingsTimings struct {
		ResetPassword int `yaml:"resetPassword"`
	} `yaml:"settingsTimings"`

	// accounts
	BackupStorages []struct {
		ID      int64     `yaml:"id"`
		Name    string    `yaml:"name"`
		Created time.Time `yaml:"created"`
	} `yaml:"backupStorages"`
	Backups []struct {
		ID      int64     `yaml:"id"`
		Storage int64     `yaml:"storage"`
		Created time.Time `yaml:"created"`
		Seconds int       `yaml:"seconds"` // how long it took
	} `yaml:"backups"`
	DNSServices []struct {
		ID           int64     `yaml:"id"`
		Type         int       `yaml:"type"`
		Name         string    `yaml:"name"`
		Username     *string   `yaml:"username"`
		URL          *string   `yaml:"url"`
		IP           *string   `yaml:"ip"`
		Port         int       `yaml:"port"`
		SubAccount   bool      `yaml:"subAccount"`
		Capabilities int       `yaml:"capabilities"`
		Enabled      *bool     `yaml:"enabled"`
		Created      time.Time `yaml:"created"`
	} `yaml:"dnsServices"`
	ISOs []struct {
		ID          int64     `yaml:"id"`
		Name        string    `yaml:"name"`
		Description *string   `yaml:"description"`
		Arch        int       `yaml:"arch"`
		URL         string    `yaml:"url"`
		Filename    string    `yaml:"filename"`
		Enabled     *bool     `yaml:"enabled"`
		Global      *bool     `yaml:"global"`
		Download    *bool     `yaml:"download"`
		Created     time.Time `yaml:"created"`
	} `yaml:"isos"`

	// self service
	SelfService SelfServiceFixtures `yaml:"selfService"`
}

// Timings are the durations of asynchronous work, in virtual seconds.
type Timings struct {
	Build    int `yaml:"build"`
	Boot     int `yaml:"boot"`
	Shutdown int `yaml:"shutdown"`
	Restart  int `yaml:"restart"`
	Poweroff int `yaml:"poweroff"`
	Delete   int `yaml:"delete"`
}

func (t Timings) power(action string) time.Duration {
	s := map[string]int{"boot": t.Boot, "shutdown": t.Shutdown, "restart": t.Restart, "poweroff": t.Poweroff}[action]
	return time.Duration(s) * time.Second
}

func loadFixtures(fsys fs.FS) (*Fixtures, error) {
	var fx Fixtures
	if err := fixtures.Decode(fsys, "virtfusion/world.yaml", &fx); err != nil {
		return nil, err
	}
	if fx.Timings.Build <= 0 {
		return nil, fmt.Errorf("fixtures: virtfusion: timings.build must be positive")
	}
	plans := map[int64]bool{}
	for _, b := range fx.BackupPlans {
		plans[b.ID] = true
	}
	for _, pk := range fx.Packages {
		if pk.BackupPlanID != 0 && !plans[pk.BackupPlanID] {
			return nil, fmt.Errorf("fixtures: virtfusion: package %d: unknown backup plan %d", pk.ID, pk.BackupPlanID)
		}
	}
	return &fx, nil
}

// Seed writes the fixtures into a new world.
func (p *Provider) Seed(tx *state.Tx) error {
	fx := p.fx
	f := p.Faker("seed", 0)
	for _, g := range fx.Groups {
		rec := HypervisorGroup{ID: g.ID, Name: g.Name, Description: g.Description, DistributionType: g.DistributionType,
			Enabled: true, Default: g.Default, Created: g.Created, Updated: g.Created}
		if err := put(tx, collGroups, g.ID, &rec); err != nil {
			return err
		}
	}
	for _, b := range fx.IPBlocks {
		rec := IPBlock{ID: b.ID, Type: b.Type, Name: b.Name, Gateway: b.Gateway, Netmask: b.Netmask, Subnet: b.Subnet,
			Prefix: b.Prefix, Cidr: b.Cidr, Resolvers: b.Resolvers, Ranges: b.Ranges, Enabled: true, Created: b.Created, Updated: b.Created}
		if err := rec.check(); err != nil {
			return err
		}
		if err := put(tx, collIPBlocks, b.ID, &rec); err != nil {
			return err
		}
	}
	for i, h := range fx.Hypervisors {
		rec := Hypervisor{ID: h.ID, GroupID: h.Group, Name: h.Name, IP: h.IP, Port: 8892, SSHPort: 22, Enabled: true,
			NFType: 4, MaxServers: h.MaxServers, MaxCPU: h.MaxCPU, MaxMemory: h.MaxMemory, StorageMax: h.Storage,
			IPv4Blocks: h.IPv4Blocks, IPv6Blocks: h.IPv6Blocks, NetworkID: int64(i + 1), Timezone: "Europe/London",
			DataDir: "/home/vf-data", EncryptedToken: laravelCipher(f), Created: h.Created, Updated: h.Created}
		if err := put(tx, collHypervisors, h.ID, &rec); err != nil {
			return err
		}
	}
	for _, g := range fx.TemplateGroups {
		rec := TemplateGroup{ID: g.ID, Name: g.Name, Description: g.Description, Icon: g.Icon}
		for _, t := range g.Templates {
			tpl := Template{ID: t.ID, Name: t.Name, Version: t.Version, Variant: t.Variant, Arch: 1, Icon: t.Icon, Type: t.Type,
				VNC: t.VNC, DeployType: t.DeployType, EOLDate: t.EOLDate, Description: g.Description, Image: t.Image}
			if tpl.Icon == "" {
				tpl.Icon = g.Icon
			}
			if tpl.Type == "" {
				tpl.Type = "linux"
			}
			if tpl.DeployType == 0 {
				tpl.DeployType = 1
			}
			rec.Templates = append(rec.Templates, tpl)
		}
		if err := put(tx, collTemplateGroups, g.ID, &rec); err != nil {
			return err
		}
	}
	for _, pk := range fx.Packages {
		rec := Package{ID: pk.ID, Name: pk.Name, Description: pk.Description, Enabled: pk.Enabled == nil || *pk.Enabled,
			Memory: pk.Memory, PrimaryStorage: pk.PrimaryStorage, Traffic: pk.Traffic, CPUCores: pk.CPUCores,
			NetworkIn: pk.NetworkIn, NetworkOut: pk.NetworkOut, TemplateGroups: pk.TemplateGroups, StorageProfile: 1,
			BackupPlanID: pk.BackupPlanID, Disk: pk.Disk, Created: pk.Created}
		if err := put(tx, collPackages, pk.ID, &rec); err != nil {
			return err
		}
	}
	for _, r := range fx.Rulesets {
		if err := put(tx, collRulesets, r.ID, &Ruleset{ID: r.ID, Name: r.Name, Enabled: true, Rules: r.Rules}); err != nil {
			return err
		}
	}
	for _, u := range fx.Users {
		rec := User{ID: u.ID, Admin: u.Admin, Name: u.Name, Email: u.Email, Timezone: "Europe/London", Created: u.Created, Updated: u.Created}
		if err := saveUser(tx, &rec, nil); err != nil {
			return err
		}
	}
	// network

	// server settings
	if err := p.seedSettings(tx); err != nil {
		return err
	}

	// accounts
	if err := p.seedAccounts(tx); err != nil {
		return err
	}

	// self service
	if err := p.seedSelfService(tx); err != nil {
		return err
	}

	return nil
}

func orTrue(b *bool) bool { return b == nil || *b }

// seedAccounts writes the backup storages, backups, DNS services and ISOs of the fixtures.
func (p *Provider) seedAccounts(tx *state.Tx) error {
	fx := p.fx
	storages := map[int64]bool{}
	for _, s := range fx.BackupStorages {
		if err := put(tx, collBackupStorages, s.ID, &BackupStorage{ID: s.ID, Name: s.Name, Enabled: true, Created: s.Created}); err != nil {
			return err
		}
		storages[s.ID] = true
	}
	for _, b := range fx.Backups {
		if !storages[b.Storage] {
			return fmt.Errorf("fixtures: virtfusion: backup %d: unknown storage %d", b.ID, b.Storage)
		}
		rec := Backup{ID: b.ID, StorageID: b.Storage, Complete: true, Created: b.Created,
			Updated: b.Created.Add(time.Duration(b.Seconds) * time.Second)}
		if err := put(tx, collBackups, b.ID, &rec); err != nil {
			return err
		}
	}
	for _, d := range fx.DNSServices {
		rec := DNSService{ID: d.ID, Type: d.Type, Name: d.Name, Username: d.Username, URL: d.URL, IP: d.IP, Port: d.Port,
			EncryptedPassword: laravelCipher(p.Faker("dns-password", d.ID)), SubAccount: d.SubAccount,
			Capabilities: d.Capabilities, Enabled: orTrue(d.Enabled), Created: d.Created, Updated: d.Created}
		if err := put(tx, collDNSServices, d.ID, &rec); err != nil {
			return err
		}
	}
	for _, i := range fx.ISOs {
		rec := ISO{ID: i.ID, Name: i.Name, Description: i.Description, Arch: i.Arch, URL: i.URL, Filename: i.Filename,
			Enabled: orTrue(i.Enabled), Global: orTrue(i.Global), Download: orTrue(i.Download), Created: i.Created, Updated: i.Created}
		if rec.Arch == 0 {
			rec.Arch = 1
		}
		if err := put(tx, collISOs, i.ID, &rec); err != nil {
			return err
		}
	}
	return nil
}
