package pxe

import (
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// profileView is a PXE profile as the panel shows it, keys in the documented order.
type profileView struct {
	ID                          int64      `json:"id"`
	Tags                        []string   `json:"tags"`
	OsName                      string     `json:"osName"`
	PxeConfig                   string     `json:"pxeConfig"`
	PxeType                     string     `json:"pxeType"`
	NetworkConfigMode           *string    `json:"networkConfigMode"`
	DefaultDiskLayout           string     `json:"defaultDiskLayout"`
	CustomPostScript            string     `json:"customPostScript"`
	CustomFirstBoot             string     `json:"customFirstBoot"`
	Packages                    string     `json:"packages"`
	Language                    string     `json:"language"`
	AutoInstallTemplate         string     `json:"autoInstallTemplate"`
	Timezone                    string     `json:"timezone"`
	MirrorURL                   string     `json:"mirrorUrl"`
	CacheDirectory              string     `json:"cacheDirectory"`
	HTTPDirectory               string     `json:"httpdirectory"`
	Version                     *string    `json:"version"`
	IsStockTemplate             int        `json:"isStockTemplate"`
	IsDisabled                  int        `json:"isDisabled"`
	AllowSSHKeys                int        `json:"allow_ssh_keys"`
	DefaultDisklayoutTemplate   int64      `json:"default_disklayout_template"`
	EnforcedDefaultDisklayout   int        `json:"enforced_default_disklayout_template"`
	DefaultRunScripts           []int64    `json:"default_run_scripts"`
	EnforcedDefaultRunScripts   int        `json:"enforced_default_run_scripts"`
	DefaultRunScriptsHideOthers int        `json:"default_run_scripts_hide_others"`
	AllowSetHostname            int        `json:"allow_set_hostname"`
	SetRootPassword             int        `json:"set_root_password"`
	CompletedEvent              string     `json:"mark_installation_completed_event"`
	CachingPolicy               string     `json:"pxe_file_caching_policy"`
	IPv4AskUser                 *int       `json:"configure_all_ipvfour_ask_user"`
	IPv4Enforce                 int        `json:"configure_all_ipvfour_enforce"`
	IPv4OutsideGateway          *int       `json:"configure_ipvfour_even_if_outside_of_gateway"`
	IPv6AskUser                 *int       `json:"configure_all_ipvsix_ask_user"`
	IPv6Enforce                 int        `json:"configure_all_ipvsix_enforce"`
	OfferIfHasTag               []string   `json:"offer_if_has_tag"`
	DontOfferIfHasTag           []string   `json:"dont_offer_if_has_tag"`
	OfferIfUserHasRole          []string   `json:"offer_if_user_has_role"`
	DontOfferIfUserHasRole      []string   `json:"dont_offer_if_user_has_role"`
	WinActivationKey            *string    `json:"windows_activation_key"`
	WinEmptyKey                 *int       `json:"windows_use_empty_activation_key"`
	WinKeyUserdata              *int       `json:"windows_key_location_userdata"`
	WinKeySpecialize            *int       `json:"windows_key_location_specialize"`
	WinSkipOOBE                 *int       `json:"windows_skip_oobe"`
	WinBypassChecks             *int       `json:"windows_bypass_system_requirements_check"`
	AllowForVPS                 int        `json:"allow_for_vps"`
	AllowForDedicated           int        `json:"allow_for_dedicated"`
	FallbackToDefault           int        `json:"fallback_to_default_disklayout_if_unset"`
	PxeComboot                  *int       `json:"pxe_enable_comboot"`
	LicenseKey                  *string    `json:"licensekey"`
	AdditionalDriversURL        *string    `json:"additionalDriversUrl"`
	DiskLayouts                 []namedRef `json:"disklayouts"`
	Scripts                     []namedRef `json:"scripts"`
	IsRescue                    int        `json:"isRescue"`
}

// namedRef is a disk layout or script a profile links.
type namedRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// flagOf is an optional setting as 0/1, null when it was never set.
func flagOf(b *bool) *int {
	if b == nil {
		return nil
	}
	n := tenantos.Flag(*b)
	return &n
}

// viewProfile renders a profile with its settings and the names of what it links.
func viewProfile(tx *tenantos.Tx, pr *tenantos.PxeProfile) *profileView {
	st := settingsOfProfile(tx, pr)
	v := &profileView{ID: pr.ID, Tags: tenantos.List(pr.Tags), OsName: pr.Name, PxeConfig: st.PxeConfig, PxeType: st.PxeType,
		NetworkConfigMode: st.NetworkConfigMode, DefaultDiskLayout: st.DefaultDiskLayout, CustomPostScript: st.CustomPostScript,
		CustomFirstBoot: st.CustomFirstBoot, Packages: st.Packages, Language: st.Language, AutoInstallTemplate: st.AutoInstallTemplate,
		Timezone: st.Timezone, MirrorURL: st.MirrorURL, CacheDirectory: st.CacheDirectory, HTTPDirectory: st.HTTPDirectory,
		Version: st.Version, IsStockTemplate: tenantos.Flag(st.Stock), IsDisabled: tenantos.Flag(st.Disabled),
		AllowSSHKeys: tenantos.Flag(pr.AllowSSHKeys), DefaultDisklayoutTemplate: pr.DefaultDiskLayout,
		EnforcedDefaultDisklayout: tenantos.Flag(st.EnforceDefaultLayout), DefaultRunScripts: tenantos.List(pr.DefaultScripts),
		EnforcedDefaultRunScripts: tenantos.Flag(st.EnforceDefaultScript), DefaultRunScriptsHideOthers: tenantos.Flag(st.HideOtherScripts),
		AllowSetHostname: tenantos.Flag(pr.AllowHostname), SetRootPassword: tenantos.Flag(pr.SetRootPassword),
		CompletedEvent: st.CompletedEvent, CachingPolicy: st.CachingPolicy, IPv4AskUser: flagOf(st.IPv4AskUser),
		IPv4Enforce: tenantos.Flag(st.IPv4Enforce), IPv4OutsideGateway: flagOf(st.IPv4OutsideGateway), IPv6AskUser: flagOf(st.IPv6AskUser),
		IPv6Enforce: tenantos.Flag(st.IPv6Enforce), OfferIfHasTag: tenantos.List(st.OfferIfTags),
		DontOfferIfHasTag: tenantos.List(st.DontOfferIfTags), OfferIfUserHasRole: tenantos.List(st.OfferIfRoles),
		DontOfferIfUserHasRole: tenantos.List(st.DontOfferIfRoles), WinActivationKey: st.WinActivationKey,
		WinEmptyKey: flagOf(st.WinEmptyKey), WinKeyUserdata: flagOf(st.WinKeyUserdata), WinKeySpecialize: flagOf(st.WinKeySpecialize),
		WinSkipOOBE: flagOf(st.WinSkipOOBE), WinBypassChecks: flagOf(st.WinBypassChecks), AllowForVPS: tenantos.Flag(!st.NoVPS),
		AllowForDedicated: tenantos.Flag(!st.NoDedicated), FallbackToDefault: tenantos.Flag(st.FallbackToDefault),
		PxeComboot: flagOf(st.PxeComboot), LicenseKey: st.LicenseKey, AdditionalDriversURL: st.AdditionalDriversURL,
		DiskLayouts: []namedRef{}, Scripts: []namedRef{}, IsRescue: tenantos.Flag(pr.Kind == tenantos.KindRescue)}
	for _, id := range pr.DiskLayoutIDs {
		if d, err := tenantos.DiskLayouts.Get(tx, id); err == nil {
			v.DiskLayouts = append(v.DiskLayouts, namedRef{d.ID, d.Name})
		}
	}
	for _, id := range pr.ScriptIDs {
		if s, err := tenantos.PxeScripts.Get(tx, id); err == nil {
			v.Scripts = append(v.Scripts, namedRef{s.ID, s.Name})
		}
	}
	return v
}

// layoutView is a disk layout as the panel shows it, keys in the documented order.
type layoutView struct {
	ID                     int64    `json:"id"`
	Tags                   []string `json:"tags"`
	DiskLayout             string   `json:"disklayout"`
	Name                   string   `json:"name"`
	IsDisabled             int      `json:"isDisabled"`
	IsStockTemplate        int      `json:"isStockTemplate"`
	InternalKey            string   `json:"internal_key"`
	IsAutoRaid             int      `json:"isAutoRaid"`
	MinDisks               *int64   `json:"min_disks"`
	OfferIfHasTag          []string `json:"offer_if_has_tag"`
	DontOfferIfHasTag      []string `json:"dont_offer_if_has_tag"`
	OfferIfUserHasRole     []string `json:"offer_if_user_has_role"`
	DontOfferIfUserHasRole []string `json:"dont_offer_if_user_has_role"`
	AllowForVPS            int      `json:"allow_for_vps"`
	AllowForDedicated      int      `json:"allow_for_dedicated"`
}

func viewLayout(tx *tenantos.Tx, d *tenantos.DiskLayout) *layoutView {
	st := settingsOfLayout(tx, d)
	v := &layoutView{ID: d.ID, Tags: tenantos.List(d.Tags), DiskLayout: d.Layout, Name: d.Name, IsDisabled: tenantos.Flag(st.Disabled),
		IsStockTemplate: tenantos.Flag(st.Stock), InternalKey: st.InternalKey, IsAutoRaid: tenantos.Flag(st.AutoRaid),
		OfferIfHasTag: tenantos.List(st.OfferIfTags), DontOfferIfHasTag: tenantos.List(st.DontOfferIfTags),
		OfferIfUserHasRole: tenantos.List(st.OfferIfRoles), DontOfferIfUserHasRole: tenantos.List(st.DontOfferIfRoles),
		AllowForVPS: tenantos.Flag(!st.NoVPS), AllowForDedicated: tenantos.Flag(!st.NoDedicated)}
	if st.MinDisks > 0 {
		n := st.MinDisks
		v.MinDisks = &n
	}
	return v
}

// scriptView is a script as the panel shows it, keys in the documented order.
type scriptView struct {
	ID                     int64    `json:"id"`
	Tags                   []string `json:"tags"`
	Script                 string   `json:"script"`
	Name                   string   `json:"name"`
	IsDisabled             int      `json:"isDisabled"`
	IsStockTemplate        int      `json:"isStockTemplate"`
	OfferIfHasTag          []string `json:"offer_if_has_tag"`
	DontOfferIfHasTag      []string `json:"dont_offer_if_has_tag"`
	OfferIfUserHasRole     []string `json:"offer_if_user_has_role"`
	DontOfferIfUserHasRole []string `json:"dont_offer_if_user_has_role"`
	AllowForVPS            int      `json:"allow_for_vps"`
	AllowForDedicated      int      `json:"allow_for_dedicated"`
}

func viewScript(tx *tenantos.Tx, s *tenantos.PxeScript) *scriptView {
	st := settingsOfScript(tx, s)
	return &scriptView{ID: s.ID, Tags: tenantos.List(s.Tags), Script: s.Content, Name: s.Name, IsDisabled: tenantos.Flag(st.Disabled),
		IsStockTemplate: tenantos.Flag(st.Stock), OfferIfHasTag: tenantos.List(st.OfferIfTags),
		DontOfferIfHasTag: tenantos.List(st.DontOfferIfTags), OfferIfUserHasRole: tenantos.List(st.OfferIfRoles),
		DontOfferIfUserHasRole: tenantos.List(st.DontOfferIfRoles), AllowForVPS: tenantos.Flag(!st.NoVPS),
		AllowForDedicated: tenantos.Flag(!st.NoDedicated)}
}
