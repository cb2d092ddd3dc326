// Package pxe is the Tenantos operations on the PXE catalogue: profiles (the operating
// systems and tools a server can be booted into), disk layouts, post-installation scripts and
// Windows profiles imported from install media, linked by tags.
//
// The records are the core's tenantos.PxeProfiles, DiskLayouts and PxeScripts, which the
// servers group offers through GET /api/servers/{server}/provisioning/getProfiles and runs
// through startReinstallation; what the panel shows of them besides (pxeConfig, isDisabled,
// offer_if_has_tag …) is kept in a settings record of this group under the same id (see
// store.go), whose offer rules the core reads (tenantos.PxeRules). The fixtures' catalogue has
// no settings records: its settings are derived from the profile's kind and name, and it is
// the panel's stock catalogue (isStockTemplate 1).
//
// Decisions where the vendor documents nothing:
//   - Everything here is for administrators: the permission catalogue puts the PXE manager
//     (listing included) at the admin level; resellers and users get 403. Customers see the
//     catalogue through getProfiles and /api/os/list only.
//   - Links. "If the tags match with the tags of a script or disk layout, they are considered
//     linked" (the vendor's PXE manager documentation): a profile offers the disk layouts and
//     scripts that share a tag with it (trimmed, case-insensitive), plus the ones it names as
//     its defaults (default_disklayout_template, default_run_scripts). The links are stored on
//     the profile (DiskLayoutIDs, ScriptIDs) and worked out again whenever either side is
//     written through this API: a profile's links when it is created, updated or restored, a
//     layout's or script's place in every profile when it is created, duplicated or updated.
//     The fixtures' links stay as seeded until then.
//   - Deleting a profile marks it deleted (tenantos.PxeProfile.Deleted): it is no longer
//     listed, shown (404), offered or startable; restorePxeProfile brings it back with its
//     settings and links; a stock profile is restored with its shipped settings and links, and
//     restoring a stock profile that is not deleted puts its shipped settings back. Restoring
//     a custom profile that is not deleted changes nothing. A profile a server is being
//     provisioned with is not deleted (409).
//   - Disk layouts and scripts are deleted for good: stock ones are refused (409), as is one a
//     live profile names as a default (409); otherwise it is unlinked from every profile (and
//     cleared from the defaults of deleted profiles).
//   - Duplicates are custom records (isStockTemplate 0) named as the request says (the
//     operation takes the new name; a copy keeps the tags, settings and, for a profile, its
//     links and defaults); a duplicated layout or script is linked by its tags.
//   - /api/pxe/tags lists the tags of the PXE profiles that are not deleted ("aggregated from
//     all PXE profiles", says the vendor), each once, in order of profile id; and
//     getPxeProfilesByTags answers the profiles (not deleted) that carry every tag asked for
//     (AND, as POST /api/servers/getByTags).
//   - A profile's pxeType decides its kind: grml is a rescue system (isRescue 1), the others
//     install an OS, whose name (osName) the server's os becomes. A created profile gets the
//     group name of its osName without the version ("Rocky Linux 9" → "Rocky Linux") and that
//     group's logo.
//   - clearPxeProfileCache drops the profile's cached files (recorded as the time it was
//     done, and in the activity log); a Windows profile's files come from an imported ISO and
//     cannot be dropped (409), as the vendor's description says.
//   - Windows: the media are the ISO uploaded to the panel (mode iso: Windows Server 2022) or
//     the disc in its drive (mode cdrom: Windows Server 2019), each with four editions;
//     importWindows copies the chosen editions (builds or names from getWindowsInformation) as
//     a job on the world's clock (pxe.importWindows, 2 minutes plus 1 per edition) that makes
//     one profile per edition (pxeType windows, tags [windows]).
//   - Every change writes an administrators' entry to the system activity log.
package pxe

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// group is the PXE operations of one provider.
type group struct {
	p *tenantos.Provider
}

// jobImportWindows makes the profiles of a Windows import when its copy is done.
const jobImportWindows = "pxe.importWindows"

// Routes is the group's route table: one handler per operation, named after it. It also
// registers the group's job.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	g := &group{p: p}
	p.AddJob(jobImportWindows, g.importWindowsJob)
	return map[string]echo.HandlerFunc{
		// PXE Profiles
		"listPxeProfiles":      g.listPxeProfiles,
		"createPxeProfile":     g.createPxeProfile,
		"getPxeProfile":        g.getPxeProfile,
		"updatePxeProfile":     g.updatePxeProfile,
		"deletePxeProfile":     g.deletePxeProfile,
		"clearPxeProfileCache": g.clearPxeProfileCache,
		"restorePxeProfile":    g.restorePxeProfile,
		"listPxeTags":          g.listPxeTags,
		"getPxeProfilesByTags": g.getPxeProfilesByTags,
		// PXE Disklayouts
		"listDiskLayouts":  g.listDiskLayouts,
		"createDiskLayout": g.createDiskLayout,
		"getDiskLayout":    g.getDiskLayout,
		"updateDiskLayout": g.updateDiskLayout,
		"deleteDiskLayout": g.deleteDiskLayout,
		// PXE Scripts
		"listPxeScripts":  g.listPxeScripts,
		"createPxeScript": g.createPxeScript,
		"getPxeScript":    g.getPxeScript,
		"updatePxeScript": g.updatePxeScript,
		"deletePxeScript": g.deletePxeScript,
		// PXE Basic Operations (listOperatingSystems is the servers group's)
		"duplicateDiskLayout": g.duplicateDiskLayout,
		"duplicatePxeProfile": g.duplicatePxeProfile,
		"duplicatePxeScript":  g.duplicatePxeScript,
		// PXE Windows Profiles
		"getWindowsInformation": g.getWindowsInformation,
		"importWindows":         g.importWindows,
	}
}

// requireAdmin refuses everyone but administrators (403).
func requireAdmin(c echo.Context) error {
	if !tenantos.CallerOf(c).Admin() {
		return tenantos.ErrForbidden
	}
	return nil
}

// logPxe writes an administrators' entry of the system activity log about a PXE record.
func logPxe(c echo.Context, tx *tenantos.Tx, root string, id int64, desc string, changes any) error {
	return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "system", RootType: root, RootID: id,
		Description: desc, Changes: changes, AdminOnly: true})
}

// Root types of the activity entries.
const (
	rootProfiles = "pxeProfiles"
	rootLayouts  = "pxeDisklayouts"
	rootScripts  = "pxeScripts"
)
