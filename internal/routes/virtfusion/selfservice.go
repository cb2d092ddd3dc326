package virtfusion

import (
	"fmt"
	"math"
	"time"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/state"
)

// Self service: what users may deploy by themselves (group profiles, resource packs), the
// credit they hold, and what their servers use by the hour.

// Collections and sets of self service.
const (
	collCurrencies       = "ssCurrencies"
	collHourlyProfiles   = "ssHourlyGroupProfiles"
	collResourceProfiles = "ssResourceGroupProfiles"
	collPackDefs         = "ssPackDefinitions" // the packs on offer (fixtures)
	collPacks            = "ssResourcePacks"   // packs given to users
	collCredits          = "ssCredits"
	collServerHistory    = "ssServerHistory" // deleted servers, for usage

	setPacksByUser    = "ssPacksByUser"
	setServersByPack  = "ssServersByPack"
	setCreditsByUser  = "ssCreditsByUser"
	setHistoryByOwner = "ssHistoryByOwner"
)

// SelfServiceFixtures is the self service part of virtfusion/world.yaml.
type SelfServiceFixtures struct {
	Currencies []struct {
		ID      int64   `yaml:"id"`
		Code    string  `yaml:"code"`
		Value   float64 `yaml:"value"`
		Prefix  string  `yaml:"prefix"`
		Suffix  *string `yaml:"suffix"`
		Default bool    `yaml:"default"`
		Enabled *bool   `yaml:"enabled"`
	} `yaml:"currencies"`
	HourlyGroupProfiles   []GroupProfile   `yaml:"hourlyGroupProfiles"`
	ResourceGroupProfiles []GroupProfile   `yaml:"resourceGroupProfiles"`
	ResourcePacks         []PackDefinition `yaml:"resourcePacks"`
	// HourlyRates is what a server of each package costs an hour, in tokens, by package id.
	HourlyRates map[int64]float64 `yaml:"hourlyRates"`
	// MonthToHourRate caps the hours a server is billed in a month.
	MonthToHourRate int `yaml:"monthToHourRate"`
}

// Currency is a currency of the self service settings; Value is what one token is worth in it.
type Currency struct {
	ID      int64   `json:"id"`
	Code    string  `json:"code"`
	Value   float64 `json:"value"`
	Prefix  string  `json:"prefix"`
	Suffix  *string `json:"suffix"`
	Default bool    `json:"default"`
	Enabled bool    `json:"enabled"`
}

// GroupProfile is an hourly or a resource group profile.
type GroupProfile struct {
	ID   int64  `json:"id" yaml:"id"`
	Name string `json:"name" yaml:"name"`
}

// PackLimits are what a resource pack allows: totals for all its servers and maxima for one
// server. 0 means no limit. Memory in MB, storage and traffic in GB, cpu in cores.
type PackLimits struct {
	TotalServers int `json:"total_servers" yaml:"total_servers"`
	TotalMemory  int `json:"total_memory" yaml:"total_memory"`
	TotalStorage int `json:"total_storage" yaml:"total_storage"`
	TotalCPU     int `json:"total_cpu" yaml:"total_cpu"`
	TotalTraffic int `json:"total_traffic" yaml:"total_traffic"`
	MaxMemory    int `json:"max_memory" yaml:"max_memory"`
	MaxStorage   int `json:"max_storage" yaml:"max_storage"`
	MaxCPU       int `json:"max_cpu" yaml:"max_cpu"`
	MaxTraffic   int `json:"max_traffic" yaml:"max_traffic"`
}

// PackDefinition is a resource pack on offer.
type PackDefinition struct {
	ID     int64      `json:"id" yaml:"id"`
	Name   string     `json:"name" yaml:"name"`
	Limits PackLimits `json:"limits" yaml:"limits"`
}

// ResourcePack is a pack given to a user; its limits are the definition's at that time.
type ResourcePack struct {
	ID      int64      `json:"id"`
	PackID  int64      `json:"pid"`
	UserID  int64      `json:"userId"`
	Label   *string    `json:"label"`
	Name    string     `json:"name"`
	Limits  PackLimits `json:"limits"`
	Enabled bool       `json:"enabled"`
	Created time.Time  `json:"created"`
	Updated time.Time  `json:"updated"`
}

// Credit is credit added to a user, in tokens.
type Credit struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"userId"`
	Tokens     float64   `json:"tokens"`
	Reference1 *int64    `json:"reference1"`
	Reference2 *string   `json:"reference2"`
	Created    time.Time `json:"created"`
}

// ServerHistory is a deleted server, kept for the usage of the periods it lived in.
type ServerHistory struct {
	ServerID  int64     `json:"serverId"`
	OwnerID   int64     `json:"ownerId"`
	PackageID int64     `json:"packageId"`
	PackID    int64     `json:"packId"`
	Hourly    bool      `json:"hourly,omitempty"`
	Name      string    `json:"name"`
	UUID      string    `json:"uuid"`
	Created   time.Time `json:"created"`
	Deleted   time.Time `json:"deleted"`
}

var (
	errPackNotFound   = apierr.NotFound("resource pack not found")
	errCreditNotFound = apierr.NotFound("credit not found")
)

// seedSelfService writes the self service catalogue into a new world.
func (p *Provider) seedSelfService(tx *state.Tx) error {
	fx := p.fx.SelfService
	defaults := 0
	for _, c := range fx.Currencies {
		rec := Currency{ID: c.ID, Code: c.Code, Value: c.Value, Prefix: c.Prefix, Suffix: c.Suffix, Default: c.Default,
			Enabled: c.Enabled == nil || *c.Enabled}
		if rec.Default {
			defaults++
		}
		if err := put(tx, collCurrencies, c.ID, &rec); err != nil {
			return err
		}
	}
	if len(fx.Currencies) > 0 && defaults != 1 {
		return fmt.Errorf("fixtures: virtfusion: selfService.currencies needs exactly one default, has %d", defaults)
	}
	for _, g := range fx.HourlyGroupProfiles {
		if err := put(tx, collHourlyProfiles, g.ID, &g); err != nil {
			return err
		}
	}
	for _, g := range fx.ResourceGroupProfiles {
		if err := put(tx, collResourceProfiles, g.ID, &g); err != nil {
			return err
		}
	}
	for _, d := range fx.ResourcePacks {
		if err := put(tx, collPackDefs, d.ID, &d); err != nil {
			return err
		}
	}
	return nil
}

// monthToHourRate is the most hours a server is billed in a month.
func (p *Provider) monthToHourRate() int64 {
	if r := p.fx.SelfService.MonthToHourRate; r > 0 {
		return int64(r)
	}
	return 730
}

// hourlyRate is what a server of a package costs an hour, in thousandths of a token.
func (p *Provider) hourlyRate(packageID int64) int64 {
	return int64(math.Round(p.fx.SelfService.HourlyRates[packageID] * 1000))
}

// packUse is what the servers of a pack take from it.
type packUse struct {
	Servers int `json:"servers"`
	Memory  int `json:"memory"`
	Storage int `json:"storage"`
	CPU     int `json:"cpu"`
	Traffic int `json:"traffic"`
}

// packServers calls fn for every server of a pack, in id order.
func packServers(tx *state.Tx, packID int64, fn func(*Server) error) error {
	var ids []int64
	err := tx.Set(Name, setServersByPack).Members(state.ID(uint64(packID)), 0, -1, func(m []byte) error {
		ids = append(ids, int64(state.IDOf(m)))
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		s, err := loadServer(tx, id)
		if err != nil {
			return err
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}

// packUsed sums the resources of a pack's servers.
func packUsed(tx *state.Tx, packID int64) (packUse, error) {
	var u packUse
	err := packServers(tx, packID, func(s *Server) error {
		u.Servers++
		u.Memory += s.Resources.Memory
		u.Storage += s.Resources.Storage
		u.CPU += s.Resources.CPUCores
		u.Traffic += s.Resources.Traffic
		return nil
	})
	return u, err
}

// fit lists why a server with resources r does not fit limits l, used being what the pack's
// servers already take. An unmetered server (traffic 0) does not fit a pack that limits
// traffic.
func (l PackLimits) fit(used packUse, r Resources) []string {
	var msgs []string
	if l.TotalServers > 0 && used.Servers+1 > l.TotalServers {
		msgs = append(msgs, fmt.Sprintf("The resource pack has no server left (%d of %d used).", used.Servers, l.TotalServers))
	}
	check := func(what, unit string, need, max, total, inUse int) {
		if max > 0 && need > max {
			msgs = append(msgs, fmt.Sprintf("The server's %s (%d %s) is over the resource pack's limit of %d %s per server.", what, need, unit, max, unit))
		}
		if total > 0 && inUse+need > total {
			msgs = append(msgs, fmt.Sprintf("The resource pack has %d %s of %s left; the server needs %d %s.", max0(total-inUse), unit, what, need, unit))
		}
	}
	check("memory", "MB", r.Memory, l.MaxMemory, l.TotalMemory, used.Memory)
	check("storage", "GB", r.Storage, l.MaxStorage, l.TotalStorage, used.Storage)
	check("cpu", "cores", r.CPUCores, l.MaxCPU, l.TotalCPU, used.CPU)
	if r.Traffic == 0 && (l.MaxTraffic > 0 || l.TotalTraffic > 0) {
		msgs = append(msgs, "The server's traffic is unmetered; the resource pack only takes servers with a traffic allowance.")
	} else {
		check("traffic", "GB", r.Traffic, l.MaxTraffic, l.TotalTraffic, used.Traffic)
	}
	return msgs
}

func max0(n int) int { return max(n, 0) }

// packForServer checks that a new server of owner with resources r may go into pack id: the
// pack is the owner's, enabled, and has room. It returns nil when id is nil.
func packForServer(tx *state.Tx, id *int64, owner int64, r Resources) (*ResourcePack, error) {
	if id == nil {
		return nil, nil
	}
	var pk ResourcePack
	if err := get(tx, collPacks, *id, &pk, errPackNotFound); err != nil || pk.UserID != owner {
		return nil, apierr.Invalid("The selected resource pack id is invalid.")
	}
	if !pk.Enabled {
		return nil, apierr.Invalid("The selected resource pack is disabled.")
	}
	used, err := packUsed(tx, pk.ID)
	if err != nil {
		return nil, err
	}
	if msgs := pk.Limits.fit(used, r); len(msgs) > 0 {
		return nil, apierr.Invalid(msgs...)
	}
	return &pk, nil
}

// billedHourly says whether a server of owner, in the given pack (0 for none), is billed by
// the hour: a user with an hourly group profile deploys hourly servers; servers in a resource
// pack are paid by the pack.
func billedHourly(owner *User, packID int64) bool {
	return packID == 0 && len(owner.HourlyGroupProfiles) > 0
}

// joinPack records a new server as one of pack's servers (nothing when pack is nil).
func joinPack(tx *state.Tx, s *Server, pack *ResourcePack) error {
	if pack == nil {
		return nil
	}
	s.ResourcePackID = pack.ID
	return tx.Set(Name, setServersByPack).Add(state.ID(uint64(pack.ID)), state.ID(uint64(s.ID)))
}

// serverGone is called as a server is destroyed: it frees the server's share of its pack and
// keeps what usage needs to know of it.
func serverGone(tx *state.Tx, s *Server) error {
	if s.ResourcePackID != 0 {
		if err := tx.Set(Name, setServersByPack).Remove(state.ID(uint64(s.ResourcePackID)), state.ID(uint64(s.ID))); err != nil {
			return err
		}
	}
	h := ServerHistory{ServerID: s.ID, OwnerID: s.OwnerID, PackageID: s.PackageID, PackID: s.ResourcePackID, Hourly: s.Hourly, Name: s.Name,
		UUID: s.UUID, Created: s.Created, Deleted: tx.Now}
	if err := tx.Coll(Name, collServerHistory).Put(state.ID(uint64(s.ID)), &h); err != nil {
		return err
	}
	return tx.Set(Name, setHistoryByOwner).Add(state.ID(uint64(s.OwnerID)), state.ID(uint64(s.ID)))
}

// creditBalance is the sum of a user's credits, in thousandths of a token.
func creditBalance(tx *state.Tx, userID int64) (int64, error) {
	var sum int64
	credits := tx.Coll(Name, collCredits)
	err := tx.Set(Name, setCreditsByUser).Members(state.ID(uint64(userID)), 0, -1, func(m []byte) error {
		var cr Credit
		if err := credits.Get(m, &cr); err != nil {
			return err
		}
		sum += milli(cr.Tokens)
		return nil
	})
	return sum, err
}

// currencies lists the enabled currencies and the default one (zero when there is none).
func currencies(tx *state.Tx) (enabled []Currency, def Currency, err error) {
	err = tx.Coll(Name, collCurrencies).ForEach(func(k, _ []byte) error {
		var c Currency
		if err := tx.Coll(Name, collCurrencies).Get(k, &c); err != nil {
			return err
		}
		if c.Enabled {
			enabled = append(enabled, c)
		}
		if c.Default {
			def = c
		}
		return nil
	})
	return enabled, def, err
}

// round2 rounds to hundredths.
func round2(f float64) float64 { return math.Round(f*100) / 100 }

// Tokens are counted in thousandths so that sums are exact, and money in cents.

func milli(tokens float64) int64 { return int64(math.Round(tokens * 1000)) }

func tokensOf(m int64) float64 { return float64(m) / 1000 }

// tokensRounded is m thousandths of a token rounded to hundredths.
func tokensRounded(m int64) float64 { return math.Round(float64(m)/10) / 100 }

// cents is what m thousandths of a token are worth in cur, to the cent (the currency's value
// has ten decimals, as the panel lists it).
func cents(m int64, cur Currency) int64 {
	return int64(math.Round(float64(m) * math.Round(cur.Value*1e10) / 1e11))
}

// money formats cents as the panel does: "12.34".
func money(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

func amount(c int64) float64 { return float64(c) / 100 }

// members lists the members of a set's key.
func members(tx *state.Tx, set string, key int64) ([]int64, error) {
	var ids []int64
	err := tx.Set(Name, set).Members(state.ID(uint64(key)), 0, -1, func(m []byte) error {
		ids = append(ids, int64(state.IDOf(m)))
		return nil
	})
	return ids, err
}

// deleteUserSelfService removes what self service keeps of a user who is being deleted: their
// resource packs, their credit and the usage history of their deleted servers. A server still
// in one of the packs (given to another user since) leaves the pack and stays with its owner.
func deleteUserSelfService(tx *state.Tx, userID int64) error {
	user := state.ID(uint64(userID))
	packs, err := members(tx, setPacksByUser, userID)
	if err != nil {
		return err
	}
	for _, id := range packs {
		servers, err := members(tx, setServersByPack, id)
		if err != nil {
			return err
		}
		for _, sid := range servers {
			if err := tx.Set(Name, setServersByPack).Remove(state.ID(uint64(id)), state.ID(uint64(sid))); err != nil {
				return err
			}
			if s, err := loadServer(tx, sid); err == nil {
				s.ResourcePackID = 0
				if err := saveServer(tx, s); err != nil {
					return err
				}
			}
		}
		if err := tx.Set(Name, setPacksByUser).Remove(user, state.ID(uint64(id))); err != nil {
			return err
		}
		if err := tx.Coll(Name, collPacks).Delete(state.ID(uint64(id))); err != nil {
			return err
		}
	}
	for _, c := range []struct{ set, coll string }{{setCreditsByUser, collCredits}, {setHistoryByOwner, collServerHistory}} {
		ids, err := members(tx, c.set, userID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := tx.Set(Name, c.set).Remove(user, state.ID(uint64(id))); err != nil {
				return err
			}
			if err := tx.Coll(Name, c.coll).Delete(state.ID(uint64(id))); err != nil {
				return err
			}
		}
	}
	return nil
}
