package servers

import (
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// profileView is an OS profile as offered for an installation (InstallProfile).
type profileView struct {
	ID                        int64          `json:"id"`
	Name                      string         `json:"name"`
	DiskLayouts               []namedRef     `json:"disklayouts"`
	Scripts                   []namedRef     `json:"scripts"`
	IsRescue                  int            `json:"isRescue"`
	IsPasswordResetProfile    int            `json:"isPasswordResetProfile"`
	Features                  map[string]int `json:"features"`
	DefaultDisklayoutTemplate int64          `json:"default_disklayout_template"`
	DefaultRunScripts         []int64        `json:"default_run_scripts"`
	GroupName                 string         `json:"groupname"`
	GroupLogo                 string         `json:"grouplogo"`
}

// namedRef is a disk layout or script of a profile.
type namedRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// viewProfile renders a profile with the names of the disk layouts and scripts it offers for
// server s and user u (nil: any), as the PXE catalogue's rules say (tenantos.PxeLayoutOffered:
// ones deleted or disabled meanwhile are left out).
func viewProfile(tx *tenantos.Tx, pr *tenantos.PxeProfile, s *tenantos.Server, u *tenantos.User) profileView {
	v := profileView{ID: pr.ID, Name: pr.Name, DiskLayouts: []namedRef{}, Scripts: []namedRef{},
		IsRescue: tenantos.Flag(pr.Kind == tenantos.KindRescue), IsPasswordResetProfile: tenantos.Flag(pr.Kind == tenantos.KindPasswordReset),
		Features: map[string]int{"follow_install_progress": tenantos.Flag(pr.FollowProgress), "allow_ssh_keys": tenantos.Flag(pr.AllowSSHKeys),
			"allow_set_hostname": tenantos.Flag(pr.AllowHostname), "set_root_password": tenantos.Flag(pr.SetRootPassword)},
		DefaultDisklayoutTemplate: pr.DefaultDiskLayout, DefaultRunScripts: tenantos.List(pr.DefaultScripts),
		GroupName: pr.GroupName, GroupLogo: pr.GroupLogo}
	for _, id := range pr.DiskLayoutIDs {
		if d, err := tenantos.DiskLayouts.Get(tx, id); err == nil && tenantos.PxeLayoutOffered(tx, pr, id, s, u) {
			v.DiskLayouts = append(v.DiskLayouts, namedRef{d.ID, d.Name})
		}
	}
	for _, id := range pr.ScriptIDs {
		if sc, err := tenantos.PxeScripts.Get(tx, id); err == nil && tenantos.PxeScriptOffered(tx, pr, id, s, u) {
			v.Scripts = append(v.Scripts, namedRef{sc.ID, sc.Name})
		}
	}
	return v
}

// profiles lists the profiles offered for server s and user u (nil: any) that keep() accepts,
// in id order: not deleted, and allowed by the PXE catalogue's rules (tenantos.PxeProfileOffered:
// not disabled, allowed for the server's type, tags and the user's role).
func profiles(tx *tenantos.Tx, s *tenantos.Server, u *tenantos.User, keep func(*tenantos.PxeProfile) bool) ([]profileView, error) {
	out := []profileView{}
	err := tenantos.PxeProfiles.Each(tx, func(pr *tenantos.PxeProfile) error {
		if tenantos.PxeProfileOffered(tx, pr, s, u) && keep(pr) {
			out = append(out, viewProfile(tx, pr, s, u))
		}
		return nil
	})
	return out, err
}

// listInstallProfiles answers GET /api/servers/{server}/provisioning/getProfiles: the PXE
// profiles the server can be provisioned with (installs, rescue, password reset, disk wipe),
// deleted ones left out. A server without a reinstallation provider (one added without a PXE
// connection) is offered none.
func (g *group) listInstallProfiles(c echo.Context) error {
	who := tenantos.CallerOf(c)
	var out []profileView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
		if err != nil {
			return err
		}
		reinstallable := canReinstall(s)
		out, err = profiles(tx, s, who.User, func(*tenantos.PxeProfile) bool { return reinstallable })
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// canReinstall reports whether a server has a way to be provisioned.
func canReinstall(s *tenantos.Server) bool {
	return s.ReinstallationProvider != "" && s.ReinstallationProvider != "none"
}

// listOperatingSystems answers POST /api/os/list {type: "pxe"}: the operating systems billing
// modules offer their customers, i.e. the install profiles (not the rescue, password reset
// and disk wipe tools, which a customer does not order), deleted ones left out, in the shape
// of getProfiles.
func (g *group) listOperatingSystems(c echo.Context) error {
	var out []profileView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		var err error
		out, err = profiles(tx, nil, nil, func(pr *tenantos.PxeProfile) bool { return pr.Kind == tenantos.KindInstall })
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getOsLogo answers POST /api/servers/{server}/provisioning/getOsLogo {os}: the path of the
// logo of an operating system, as the panel shows it next to the server's OS. The logo is
// that of the profile whose OS, name or group name is os (case-insensitive), else of the
// first one whose group name appears in it ("Debian 12.5" → Debian's); an OS no profile
// knows gets "/storage/oslogos/<name>.png" with the os reduced to lower-case letters and
// digits, or "/storage/oslogos/unknown.png".
func (g *group) getOsLogo(c echo.Context) error {
	var in struct {
		OS string `json:"os"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	want := strings.ToLower(strings.TrimSpace(in.OS))
	who := tenantos.CallerOf(c)
	logo := ""
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		if _, err := tenantos.VisibleServer(tx, who.User, serverID(c)); err != nil {
			return err
		}
		list, err := tenantos.PxeProfiles.All(tx)
		if err != nil {
			return err
		}
		for _, pr := range list {
			if pr.GroupLogo != "" && (strings.EqualFold(pr.OS, want) || strings.EqualFold(pr.Name, want) || strings.EqualFold(pr.GroupName, want)) {
				logo = pr.GroupLogo
				return nil
			}
		}
		for _, pr := range list {
			if grp := strings.ToLower(pr.GroupName); pr.GroupLogo != "" && grp != "" && strings.Contains(want, grp) {
				logo = pr.GroupLogo
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if logo == "" {
		name := nonAlnum.ReplaceAllString(want, "")
		if name == "" {
			name = "unknown"
		}
		logo = "/storage/oslogos/" + name + ".png"
	}
	return tenantos.OK(c, logo)
}

var nonAlnum = regexp.MustCompile(`[^a-z0-9]+`)

// executePostCommand answers GET /api/servers/{server}/provisioning/executePostCommand: the
// step that follows an installation made by a hosting provider's API (OVH and the like),
// e.g. fetching the root password. The simulator's servers are installed over PXE or by the
// VPS provider, which need no such step: the answer is no post task ({postTask: [],
// postTaskAction: "none"}), consistent with the server object's empty
// postReinstallationActionAvailable.
func (g *group) executePostCommand(c echo.Context) error {
	who := tenantos.CallerOf(c)
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		_, err := tenantos.VisibleServer(tx, who.User, serverID(c))
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, map[string]any{"postTask": []any{}, "postTaskAction": "none"})
}
