// Package system is the Tenantos operations on the panel itself: global settings, the
// panel's own backups and the storages they go to, and the other routes (version, ping,
// time zones and formats, the interface's settings, texts and version).
//
// Decisions where the vendor documents nothing (the main ones; the others are beside the code
// they shape):
//   - Changing global settings, backup storages and system backups is for administrators
//     (403 for anyone else); so is reading storages and the backup history, which name the
//     panel's infrastructure. Global settings are readable by every user: the interface reads
//     its defaults from them.
//   - Unknown setting names are refused with 422 naming settings.<name>; values must be
//     strings (numbers are written as strings, booleans as on/off) among those the setting
//     allows.
//   - A backup storage's secrets (FTP password, S3 secret) are never answered: they show as
//     a mask, and a mask sent back on update keeps the stored secret.
//   - A system backup runs as a job on the world's clock (see backups.go); one at a time
//     (409 while one runs).
package system

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// group is the system operations of one provider.
type group struct {
	p *tenantos.Provider
}

// Routes is the group's route table: one handler per operation, named after it. It also
// registers the steps of a system backup as jobs, and the default records of a new world.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	g := &group{p: p}
	p.AddJob(jobBackupStep, g.runBackupStep)
	p.AddSeeder("system", seed)
	return map[string]echo.HandlerFunc{
		// System Settings
		"listGlobalSystemSettings":   g.listGlobalSystemSettings,
		"getGlobalSystemSetting":     g.getGlobalSystemSetting,
		"updateGlobalSystemSettings": g.updateGlobalSystemSettings,
		// System Backups
		"listBackupStorages":  g.listBackupStorages,
		"createBackupStorage": g.createBackupStorage,
		"getBackupStorage":    g.getBackupStorage,
		"updateBackupStorage": g.updateBackupStorage,
		"deleteBackupStorage": g.deleteBackupStorage,
		"createSystemBackup":  g.createSystemBackup,
		"listSystemBackups":   g.listSystemBackups,
		"getSystemBackup":     g.getSystemBackup,
		// Others
		"ping":                  g.ping,
		"getSystemVersion":      g.getSystemVersion,
		"listTimezones":         g.listTimezones,
		"listTimeDateFormats":   g.listTimeDateFormats,
		"getSettingsAfterLogin": g.getSettingsAfterLogin,
		"getUiSettings":         g.getUiSettings,
		"getUiLanguage":         g.getUiLanguage,
		"getUiVersion":          g.getUiVersion,
	}
}

// requireAdmin refuses anyone but an administrator (403).
func requireAdmin(c echo.Context) error {
	if !tenantos.CallerOf(c).Admin() {
		return tenantos.ErrForbidden
	}
	return nil
}

// systemEntry is an activity-log entry about the panel itself, shown to administrators only.
func systemEntry(desc string, changes any) tenantos.LogEntry {
	return tenantos.LogEntry{RelationType: "system", RootType: "system", Description: desc, Changes: changes,
		MetaHref: "/system", MetaText: "System", AdminOnly: true}
}
