package pxe

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// profileSettings is what the panel keeps of a PXE profile besides tenantos.PxeProfile, under
// the profile's id. Its offer rules are inlined, where the core reads them.
type profileSettings struct {
	tenantos.PxeRules
	Stock                bool       `json:"stock,omitempty"`
	PxeType              string     `json:"pxeType"`
	PxeConfig            string     `json:"pxeConfig"`
	DefaultDiskLayout    string     `json:"defaultDiskLayout"` // the layout text of the installer
	Packages             string     `json:"packages"`
	Language             string     `json:"language"`
	AutoInstallTemplate  string     `json:"autoInstallTemplate"`
	Timezone             string     `json:"timezone"`
	MirrorURL            string     `json:"mirrorUrl"`
	AdditionalDriversURL *string    `json:"additionalDriversUrl"`
	CacheDirectory       string     `json:"cacheDirectory"`
	NetworkConfigMode    *string    `json:"networkConfigMode"`
	HTTPDirectory        string     `json:"httpdirectory"`
	Version              *string    `json:"version"`
	CustomFirstBoot      string     `json:"customFirstBoot"`
	CustomPostScript     string     `json:"customPostScript"`
	UpdateHWInventory    bool       `json:"updateServerHardwareInventory,omitempty"`
	CompletedEvent       string     `json:"markInstallationCompletedEvent"`
	FallbackToDefault    bool       `json:"fallbackToDefaultDisklayout"`
	EnforceDefaultScript bool       `json:"enforceDefaultScripts,omitempty"`
	IPv4AskUser          *bool      `json:"ipv4AskUser"`
	IPv4Enforce          bool       `json:"ipv4Enforce"`
	IPv4OutsideGateway   *bool      `json:"ipv4OutsideGateway"`
	IPv6AskUser          *bool      `json:"ipv6AskUser"`
	IPv6Enforce          bool       `json:"ipv6Enforce"`
	WinActivationKey     *string    `json:"windowsActivationKey"`
	WinEmptyKey          *bool      `json:"windowsUseEmptyActivationKey"`
	WinKeyUserdata       *bool      `json:"windowsKeyLocationUserdata"`
	WinKeySpecialize     *bool      `json:"windowsKeyLocationSpecialize"`
	WinSkipOOBE          *bool      `json:"windowsSkipOobe"`
	WinBypassChecks      *bool      `json:"windowsBypassSystemRequirementsCheck"`
	PxeComboot           *bool      `json:"pxeEnableComboot"`
	IpxeBiosFile         string     `json:"ipxeBiosFile,omitempty"`
	IpxeEfiFile          string     `json:"ipxeEfiFile,omitempty"`
	LicenseKey           *string    `json:"licensekey"`
	KeepDhcpMinutes      int64      `json:"keepDhcpMinutes,omitempty"`
	CachingPolicy        string     `json:"pxeFileCachingPolicy"`
	CacheCleared         *time.Time `json:"cacheCleared,omitempty"` // the last clearPxeProfileCache
}

// layoutSettings is what the panel keeps of a disk layout besides tenantos.DiskLayout.
type layoutSettings struct {
	tenantos.PxeRules
	Stock             bool   `json:"stock,omitempty"`
	InternalKey       string `json:"internalKey"`
	AutoRaid          bool   `json:"autoRaid,omitempty"`
	HWRaidHandling    string `json:"hwRaidHandling"`
	PartitionSizeBoot int64  `json:"partitionSizeBoot,omitempty"`
	PartitionSizeEFI  int64  `json:"partitionSizeEfi,omitempty"`
}

// scriptSettings is what the panel keeps of a script besides tenantos.PxeScript.
type scriptSettings struct {
	tenantos.PxeRules
	Stock bool `json:"stock,omitempty"`
}

// The settings records, under the ids of the records they belong to.
var (
	profileSettingsOf = provider.Records[profileSettings]{Provider: tenantos.Name, Coll: tenantos.CollPxeProfileSettings, NotFound: tenantos.ErrProfileNotFound}
	layoutSettingsOf  = provider.Records[layoutSettings]{Provider: tenantos.Name, Coll: tenantos.CollPxeLayoutSettings, NotFound: tenantos.ErrLayoutNotFound}
	scriptSettingsOf  = provider.Records[scriptSettings]{Provider: tenantos.Name, Coll: tenantos.CollPxeScriptSettings, NotFound: tenantos.ErrScriptNotFound}
)

// settingsOfProfile loads a profile's settings, or the stock ones of a fixture profile that
// has none yet.
func settingsOfProfile(tx *tenantos.Tx, pr *tenantos.PxeProfile) *profileSettings {
	if st, err := profileSettingsOf.Get(tx, pr.ID); err == nil {
		return st
	}
	return stockProfileSettings(pr)
}

func settingsOfLayout(tx *tenantos.Tx, d *tenantos.DiskLayout) *layoutSettings {
	if st, err := layoutSettingsOf.Get(tx, d.ID); err == nil {
		return st
	}
	return &layoutSettings{Stock: true, InternalKey: internalKey(d.Name), AutoRaid: strings.Contains(strings.ToLower(d.Name), "raid"),
		HWRaidHandling: "always_offer"}
}

func settingsOfScript(tx *tenantos.Tx, s *tenantos.PxeScript) *scriptSettings {
	if st, err := scriptSettingsOf.Get(tx, s.ID); err == nil {
		return st
	}
	return &scriptSettings{Stock: true}
}

// stockProfileSettings are the settings a fixture profile ships with, from its kind and name.
func stockProfileSettings(pr *tenantos.PxeProfile) *profileSettings {
	name := strings.ToLower(pr.Name)
	st := &profileSettings{Stock: true, PxeType: pxeTypeOf(pr.Kind, name), Language: "en_US", Timezone: "Etc/UTC",
		CacheDirectory: cacheDirOf(pr.Name), CompletedEvent: "firstBootAfterScriptExecution", CachingPolicy: "smartCaching",
		FallbackToDefault: true, IPv4Enforce: true, IPv6Enforce: true}
	st.PxeConfig = ipxeConfig(st.PxeType)
	switch {
	case strings.Contains(name, "debian"):
		st.MirrorURL, st.Packages = "http://deb.debian.org/debian", "openssh-server curl"
		st.AutoInstallTemplate = "d-i debian-installer/locale string en_US"
	case strings.Contains(name, "ubuntu"):
		st.MirrorURL, st.Packages = "http://archive.ubuntu.com/ubuntu", "openssh-server curl"
		st.AutoInstallTemplate = "#cloud-config\nautoinstall:\n  version: 1"
		if v := versionOf(pr.Name); v != "" {
			st.Version = &v
		}
	case st.PxeType == "kickstart":
		st.MirrorURL, st.Packages = "https://dl.rockylinux.org/pub/rocky/9/BaseOS/x86_64/os", "@core\nopenssh-server"
		st.AutoInstallTemplate, st.DefaultDiskLayout = "network --bootproto=static", "autopart --type=lvm"
	}
	return st
}

// pxeTypeOf is the installer family of a fixture profile.
func pxeTypeOf(kind, name string) string {
	switch {
	case kind != tenantos.KindInstall:
		return "grml"
	case strings.Contains(name, "debian"):
		return "preseed"
	case strings.Contains(name, "ubuntu"):
		return "autoinstall"
	case strings.Contains(name, "windows"):
		return "windows"
	case strings.Contains(name, "vmware"), strings.Contains(name, "esxi"):
		return "vmware"
	}
	return "kickstart"
}

// kindOf is the kind of run a pxeType makes: grml boots a rescue system, the others install.
func kindOf(pxeType string) string {
	if pxeType == "grml" {
		return tenantos.KindRescue
	}
	return tenantos.KindInstall
}

// ipxeConfig is the iPXE script a profile of a family boots its installer with.
func ipxeConfig(pxeType string) string {
	switch pxeType {
	case "windows":
		return "#!ipxe\nkernel ${base-url}/wimboot\ninitrd ${base-url}/boot/bcd BCD\ninitrd ${base-url}/boot/boot.sdi boot.sdi\ninitrd ${base-url}/sources/boot.wim boot.wim\nboot"
	case "grml":
		return "#!ipxe\nkernel ${base-url}/vmlinuz boot=live fetch=${base-url}/grml.squashfs\ninitrd ${base-url}/initrd.img\nboot"
	}
	return "#!ipxe\nkernel ${base-url}/vmlinuz ${kernel-params}\ninitrd ${base-url}/initrd.img\nboot"
}

var nonAlnum = regexp.MustCompile(`[^a-z0-9]+`)

// cacheDirOf is a cache directory made of a name ("Ubuntu 22.04" → "ubuntu2204").
func cacheDirOf(name string) string {
	return nonAlnum.ReplaceAllString(strings.ToLower(name), "")
}

// internalKey is a stock layout's key ("RAID 1" → "raid_1").
func internalKey(name string) string {
	return strings.Trim(nonAlnum.ReplaceAllString(strings.ToLower(name), "_"), "_")
}

// versionOf is the first word of a name that starts with a digit ("Ubuntu 22.04" → "22.04").
func versionOf(name string) string {
	for _, w := range strings.Fields(name) {
		if w[0] >= '0' && w[0] <= '9' {
			return w
		}
	}
	return ""
}

// groupOf is the group an OS name belongs to: its words up to the first that starts with a
// digit ("Rocky Linux 9" → "Rocky Linux"); the name itself when it starts with one.
func groupOf(name string) string {
	var words []string
	for _, w := range strings.Fields(name) {
		if w[0] >= '0' && w[0] <= '9' {
			break
		}
		words = append(words, w)
	}
	if len(words) == 0 {
		return strings.TrimSpace(name)
	}
	return strings.Join(words, " ")
}

// logoOf is the logo of a group: the one a profile of the same group has, or
// /storage/oslogos/<group>.png.
func logoOf(tx *tenantos.Tx, group string) string {
	list, _ := tenantos.PxeProfiles.All(tx)
	for _, pr := range list {
		if pr.GroupLogo != "" && strings.EqualFold(pr.GroupName, group) {
			return pr.GroupLogo
		}
	}
	name := cacheDirOf(group)
	if name == "" {
		name = "unknown"
	}
	return "/storage/oslogos/" + name + ".png"
}

// cleanTags trims tags and drops blank and repeated ones (case-insensitive), keeping order.
func cleanTags(tags []string) []string {
	out := []string{}
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t != "" && !hasTag(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// hasTag reports whether tags has tag (case-insensitive).
func hasTag(tags []string, tag string) bool {
	for _, t := range tags {
		if strings.EqualFold(strings.TrimSpace(t), strings.TrimSpace(tag)) {
			return true
		}
	}
	return false
}

// sharesTag reports whether two lists of tags have one in common.
func sharesTag(a, b []string) bool {
	for _, t := range a {
		if strings.TrimSpace(t) != "" && hasTag(b, t) {
			return true
		}
	}
	return false
}

// pathID is an id path parameter taken as sent (restorePxeProfile documents it as a
// string); 0 when it is not a number.
func pathID(c interface{ Param(string) string }, name string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(c.Param(name)), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
