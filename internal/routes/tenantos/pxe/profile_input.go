package pxe

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// profileInput is the body of createPxeProfile and updatePxeProfile: a field that is absent
// (or null) leaves the profile's setting as it is, or at its default on create.
type profileInput struct {
	Tags                 *[]string `json:"tags"`
	OsName               *string   `json:"osName"`
	PxeType              *string   `json:"pxeType"`
	PxeConfig            *string   `json:"pxeConfig"`
	DefaultDiskLayout    *string   `json:"defaultDiskLayout"`
	Packages             *string   `json:"packages"`
	Language             *string   `json:"language"`
	AutoInstallTemplate  *string   `json:"autoInstallTemplate"`
	Timezone             *string   `json:"timezone"`
	MirrorURL            *string   `json:"mirrorUrl"`
	AdditionalDriversURL *string   `json:"additionalDriversUrl"`
	CacheDirectory       *string   `json:"cacheDirectory"`
	NetworkConfigMode    *string   `json:"networkConfigMode"`
	HTTPDirectory        *string   `json:"httpdirectory"`
	Version              *string   `json:"version"`
	CustomFirstBoot      *string   `json:"customFirstBoot"`
	CustomPostScript     *string   `json:"customPostScript"`
	IsDisabled           *bool     `json:"isDisabled"`
	AllowSSHKeys         *bool     `json:"allow_ssh_keys"`
	AllowSetHostname     *bool     `json:"allow_set_hostname"`
	AllowForVPS          *bool     `json:"allow_for_vps"`
	AllowForDedicated    *bool     `json:"allow_for_dedicated"`
	SetRootPassword      *bool     `json:"set_root_password"`
	UpdateHWInventory    *bool     `json:"updateServerHardwareInventory"`
	CompletedEvent       *string   `json:"mark_installation_completed_event"`
	DefaultLayout        *int64    `json:"default_disklayout_template"`
	FallbackToDefault    *bool     `json:"fallback_to_default_disklayout_if_unset"`
	EnforceDefaultLayout *bool     `json:"enforced_default_disklayout_template"`
	DefaultScripts       *[]any    `json:"default_run_scripts"`
	EnforceDefaultScript *bool     `json:"enforced_default_run_scripts"`
	HideOtherScripts     *bool     `json:"default_run_scripts_hide_others"`
	IPv4AskUser          *bool     `json:"configure_all_ipvfour_ask_user"`
	IPv4Enforce          *bool     `json:"configure_all_ipvfour_enforce"`
	IPv4OutsideGateway   *bool     `json:"configure_ipvfour_even_if_outside_of_gateway"`
	IPv6AskUser          *bool     `json:"configure_all_ipvsix_ask_user"`
	IPv6Enforce          *bool     `json:"configure_all_ipvsix_enforce"`
	OfferIfHasTag        *[]string `json:"offer_if_has_tag"`
	DontOfferIfHasTag    *[]string `json:"dont_offer_if_has_tag"`
	OfferIfUserHasRole   *[]string `json:"offer_if_user_has_role"`
	DontOfferIfUserRole  *[]string `json:"dont_offer_if_user_has_role"`
	WinActivationKey     *string   `json:"windows_activation_key"`
	WinEmptyKey          *bool     `json:"windows_use_empty_activation_key"`
	WinKeyUserdata       *bool     `json:"windows_key_location_userdata"`
	WinKeySpecialize     *bool     `json:"windows_key_location_specialize"`
	WinBypassChecks      *bool     `json:"windows_bypass_system_requirements_check"`
	WinSkipOOBE          *bool     `json:"windows_skip_oobe"`
	PxeComboot           *bool     `json:"pxe_enable_comboot"`
	IpxeBiosFile         *string   `json:"ipxe_bios_file"`
	IpxeEfiFile          *string   `json:"ipxe_efi_file"`
	LicenseKey           *string   `json:"licensekey"`
	KeepDhcpMinutes      *int64    `json:"keep_dhcp_minutes"`
	CachingPolicy        *string   `json:"pxe_file_caching_policy"`
}

// newProfile is a profile with the defaults of a created one: offered for every server, with
// every feature its installer family has.
func newProfile(pxeType string) (*tenantos.PxeProfile, *profileSettings) {
	pr := &tenantos.PxeProfile{Kind: kindOf(pxeType), Tags: []string{}, DiskLayoutIDs: []int64{}, ScriptIDs: []int64{},
		DefaultScripts: []int64{}, FollowProgress: true, AllowSSHKeys: pxeType != "windows", AllowHostname: true, SetRootPassword: true}
	st := &profileSettings{PxeType: pxeType, Language: "en_US", Timezone: "Etc/UTC", CompletedEvent: "firstBootAfterScriptExecution",
		CachingPolicy: "smartCaching", FallbackToDefault: true, IPv4Enforce: true, IPv6Enforce: true}
	return pr, st
}

// apply checks the input against the world and writes it into the profile and its settings
// (nothing is stored). create says whether the profile is new (its required fields are then
// all present, the validator having checked them).
func (in *profileInput) apply(tx *tenantos.Tx, pr *tenantos.PxeProfile, st *profileSettings, create bool) error {
	if in.Tags != nil {
		tags := cleanTags(*in.Tags)
		if create && len(tags) == 0 {
			return tenantos.Invalid("tags", "The tags field is required.")
		}
		pr.Tags = tags
	}
	if in.OsName != nil {
		name := strings.TrimSpace(*in.OsName)
		if name == "" {
			return tenantos.Invalid("osName", "The os name field is required.")
		}
		pr.Name = name
	}
	if in.PxeType != nil && *in.PxeType != st.PxeType {
		st.PxeType, pr.Kind = *in.PxeType, kindOf(*in.PxeType)
	}
	// What the server's os becomes: an install's OS name; the tools install none.
	switch {
	case pr.Kind != tenantos.KindInstall:
		pr.OS = ""
	case in.OsName != nil || pr.OS == "":
		pr.OS = pr.Name
	}
	if in.AdditionalDriversURL != nil {
		u, err := url.Parse(strings.TrimSpace(*in.AdditionalDriversURL))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ftp") || u.Host == "" {
			return tenantos.Invalid("additionalDriversUrl", "The additional drivers url must be a valid URL.")
		}
		s := u.String()
		st.AdditionalDriversURL = &s
	}
	if in.DefaultLayout != nil {
		id := *in.DefaultLayout
		if id != 0 && !tenantos.DiskLayouts.Has(tx, id) {
			return tenantos.Invalid("default_disklayout_template", "The selected default disklayout template is invalid.")
		}
		pr.DefaultDiskLayout = id
	}
	if in.DefaultScripts != nil {
		ids := []int64{}
		for i, v := range *in.DefaultScripts {
			id, err := strconv.ParseInt(strings.TrimSpace(fmt.Sprint(v)), 10, 64)
			if err != nil || !tenantos.PxeScripts.Has(tx, id) {
				return tenantos.Invalidf(fmt.Sprintf("default_run_scripts.%d", i), "The selected default run scripts.%d is invalid.", i)
			}
			if !tenantos.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		pr.DefaultScripts = ids
	}
	setString(&st.PxeConfig, in.PxeConfig)
	setString(&st.DefaultDiskLayout, in.DefaultDiskLayout)
	setString(&st.Packages, in.Packages)
	setString(&st.Language, in.Language)
	setString(&st.AutoInstallTemplate, in.AutoInstallTemplate)
	setString(&st.Timezone, in.Timezone)
	setString(&st.MirrorURL, in.MirrorURL)
	setString(&st.CacheDirectory, in.CacheDirectory)
	setString(&st.HTTPDirectory, in.HTTPDirectory)
	setString(&st.CustomFirstBoot, in.CustomFirstBoot)
	setString(&st.CustomPostScript, in.CustomPostScript)
	setString(&st.CompletedEvent, in.CompletedEvent)
	setString(&st.CachingPolicy, in.CachingPolicy)
	setString(&st.IpxeBiosFile, in.IpxeBiosFile)
	setString(&st.IpxeEfiFile, in.IpxeEfiFile)
	setOptString(&st.NetworkConfigMode, in.NetworkConfigMode)
	setOptString(&st.Version, in.Version)
	setOptString(&st.WinActivationKey, in.WinActivationKey)
	setOptString(&st.LicenseKey, in.LicenseKey)
	setBool(&st.Disabled, in.IsDisabled)
	setBool(&pr.AllowSSHKeys, in.AllowSSHKeys)
	setBool(&pr.AllowHostname, in.AllowSetHostname)
	setBool(&pr.SetRootPassword, in.SetRootPassword)
	setNotBool(&st.NoVPS, in.AllowForVPS)
	setNotBool(&st.NoDedicated, in.AllowForDedicated)
	setBool(&st.UpdateHWInventory, in.UpdateHWInventory)
	setBool(&st.FallbackToDefault, in.FallbackToDefault)
	setBool(&st.EnforceDefaultLayout, in.EnforceDefaultLayout)
	setBool(&st.EnforceDefaultScript, in.EnforceDefaultScript)
	setBool(&st.HideOtherScripts, in.HideOtherScripts)
	setBool(&st.IPv4Enforce, in.IPv4Enforce)
	setBool(&st.IPv6Enforce, in.IPv6Enforce)
	setOptBool(&st.IPv4AskUser, in.IPv4AskUser)
	setOptBool(&st.IPv4OutsideGateway, in.IPv4OutsideGateway)
	setOptBool(&st.IPv6AskUser, in.IPv6AskUser)
	setOptBool(&st.WinEmptyKey, in.WinEmptyKey)
	setOptBool(&st.WinKeyUserdata, in.WinKeyUserdata)
	setOptBool(&st.WinKeySpecialize, in.WinKeySpecialize)
	setOptBool(&st.WinBypassChecks, in.WinBypassChecks)
	setOptBool(&st.WinSkipOOBE, in.WinSkipOOBE)
	setOptBool(&st.PxeComboot, in.PxeComboot)
	setTags(&st.OfferIfTags, in.OfferIfHasTag)
	setTags(&st.DontOfferIfTags, in.DontOfferIfHasTag)
	setTags(&st.OfferIfRoles, in.OfferIfUserHasRole)
	setTags(&st.DontOfferIfRoles, in.DontOfferIfUserRole)
	if in.KeepDhcpMinutes != nil {
		st.KeepDhcpMinutes = *in.KeepDhcpMinutes
	}
	return nil
}

func setString(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func setOptString(dst **string, v *string) {
	if v != nil {
		s := *v
		*dst = &s
	}
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

// setNotBool sets a negative flag (NoVPS) from its positive setting (allow_for_vps).
func setNotBool(dst *bool, v *bool) {
	if v != nil {
		*dst = !*v
	}
}

func setOptBool(dst **bool, v *bool) {
	if v != nil {
		b := *v
		*dst = &b
	}
}

// setTags sets a list of tags or roles, trimmed, without blanks and repeats.
func setTags(dst *[]string, v *[]string) {
	if v != nil {
		*dst = cleanTags(*v)
	}
}
