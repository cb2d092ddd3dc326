package tenantos

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/panelsim/panelsim/internal/provider"
)

// The offer rules of the PXE catalogue. The pxe group keeps, beside each PXE profile, disk
// layout and script of model.go, the settings the panel shows of it (pxeConfig, isDisabled,
// offer_if_has_tag …) in a record of its own under the same id; the rules that decide what a
// server is offered are read from those records here, so that the servers group's getProfiles
// and startReinstallation follow them. A record without settings (the fixtures' catalogue
// before anything changed it) has no rules: it is offered everywhere.

// Collections of the pxe group's settings records, by kind of PXE record.
const (
	CollPxeProfileSettings = "pxe.profileSettings"
	CollPxeLayoutSettings  = "pxe.disklayoutSettings"
	CollPxeScriptSettings  = "pxe.scriptSettings"
)

// PxeRules are the conditions under which a PXE profile, disk layout or script is offered.
// The zero value offers everywhere. The pxe group stores them inlined in its settings records.
type PxeRules struct {
	Disabled         bool     `json:"disabled,omitempty"`         // isDisabled
	NoVPS            bool     `json:"noVps,omitempty"`            // allow_for_vps false
	NoDedicated      bool     `json:"noDedicated,omitempty"`      // allow_for_dedicated false
	OfferIfTags      []string `json:"offerIfTags,omitempty"`      // the server has one of them
	DontOfferIfTags  []string `json:"dontOfferIfTags,omitempty"`  // the server has none of them
	OfferIfRoles     []string `json:"offerIfRoles,omitempty"`     // the user's role (id or name) is one of them
	DontOfferIfRoles []string `json:"dontOfferIfRoles,omitempty"` // the user's role is none of them
	// Disk layouts only: the server has at least MinDisks disks; OnlyIfHWRaid (hw_raid_handling
	// only_offer_if_hw_raid) is never met, the simulator's servers having no hardware RAID.
	MinDisks     int64 `json:"minDisks,omitempty"`
	OnlyIfHWRaid bool  `json:"onlyIfHwRaid,omitempty"`
	// Profiles only: offer only the default disk layout (enforced_default_disklayout_template)
	// and only the default scripts (default_run_scripts_hide_others).
	EnforceDefaultLayout bool `json:"enforceDefaultLayout,omitempty"`
	HideOtherScripts     bool `json:"hideOtherScripts,omitempty"`
}

// The rules of each kind of PXE record, read from the pxe group's settings records.
var (
	PxeProfileRules = provider.Records[PxeRules]{Provider: Name, Coll: CollPxeProfileSettings, NotFound: ErrProfileNotFound}
	PxeLayoutRules  = provider.Records[PxeRules]{Provider: Name, Coll: CollPxeLayoutSettings, NotFound: ErrLayoutNotFound}
	PxeScriptRules  = provider.Records[PxeRules]{Provider: Name, Coll: CollPxeScriptSettings, NotFound: ErrScriptNotFound}
)

// rulesOf loads the rules of a record, the zero rules when it has no settings record.
func rulesOf(tx *Tx, recs provider.Records[PxeRules], id int64) *PxeRules {
	r, err := recs.Get(tx, id)
	if err != nil {
		return &PxeRules{}
	}
	return r
}

// PxeProfileOffered reports whether profile pr may be run on server s by user u: it is not
// deleted and its rules allow it. A nil s or u leaves out the rules about the server or the
// user (the billing OS list asks for no server). Role rules do not restrict administrators.
func PxeProfileOffered(tx *Tx, pr *PxeProfile, s *Server, u *User) bool {
	return !pr.Deleted && rulesOf(tx, PxeProfileRules, pr.ID).allow(tx, s, u)
}

// PxeLayoutOffered reports whether disk layout id is offered with profile pr for server s
// and user u: the profile links it, it exists, its rules allow it and, when the profile
// enforces its default layout, it is that one.
func PxeLayoutOffered(tx *Tx, pr *PxeProfile, id int64, s *Server, u *User) bool {
	if !Contains(pr.DiskLayoutIDs, id) || !DiskLayouts.Has(tx, id) {
		return false
	}
	if pr.DefaultDiskLayout != 0 && id != pr.DefaultDiskLayout && rulesOf(tx, PxeProfileRules, pr.ID).EnforceDefaultLayout {
		return false
	}
	return rulesOf(tx, PxeLayoutRules, id).allow(tx, s, u)
}

// PxeScriptOffered reports whether script id is offered with profile pr for server s and
// user u: the profile links it, it exists, its rules allow it and, when the profile hides
// the scripts that are not its defaults, it is one of them.
func PxeScriptOffered(tx *Tx, pr *PxeProfile, id int64, s *Server, u *User) bool {
	if !Contains(pr.ScriptIDs, id) || !PxeScripts.Has(tx, id) {
		return false
	}
	if !Contains(pr.DefaultScripts, id) && rulesOf(tx, PxeProfileRules, pr.ID).HideOtherScripts {
		return false
	}
	return rulesOf(tx, PxeScriptRules, id).allow(tx, s, u)
}

// allow applies the rules to a server and a user.
func (r *PxeRules) allow(tx *Tx, s *Server, u *User) bool {
	if r.Disabled {
		return false
	}
	if s != nil {
		vm := s.TypeOfServer == "vm" || s.VM != nil
		switch {
		case vm && r.NoVPS, !vm && r.NoDedicated, r.OnlyIfHWRaid:
			return false
		case len(r.OfferIfTags) > 0 && !sharesTag(s.Tags, r.OfferIfTags), sharesTag(s.Tags, r.DontOfferIfTags):
			return false
		}
		if n, known := diskCount(s); r.MinDisks > 0 && known && n < r.MinDisks {
			return false
		}
	}
	if u != nil && u.RoleID != RoleAdmin {
		names := []string{strconv.FormatInt(u.RoleID, 10)}
		if role, err := Roles.Get(tx, u.RoleID); err == nil {
			names = append(names, strings.TrimSpace(role.Name))
		}
		if len(r.OfferIfRoles) > 0 && !sharesTag(names, r.OfferIfRoles) || sharesTag(names, r.DontOfferIfRoles) {
			return false
		}
	}
	return true
}

// sharesTag reports whether two lists of tags have one in common (trimmed, case-insensitive).
func sharesTag(a, b []string) bool {
	for _, x := range a {
		x = strings.TrimSpace(x)
		for _, y := range b {
			if x != "" && strings.EqualFold(x, strings.TrimSpace(y)) {
				return true
			}
		}
	}
	return false
}

// diskCount is how many disks a server has: a VM's disks, or the count of the disk entry of
// a dedicated server's hardware; known is false when the hardware does not say.
func diskCount(s *Server) (n int64, known bool) {
	if s.VM != nil {
		return int64(len(s.VM.Disks)), true
	}
	var hw struct {
		Disk *struct {
			Count json.Number `json:"count"`
		} `json:"disk"`
	}
	if len(s.Hardware) == 0 || json.Unmarshal(s.Hardware, &hw) != nil || hw.Disk == nil {
		return 0, false
	}
	c, err := hw.Disk.Count.Int64()
	return c, err == nil
}
