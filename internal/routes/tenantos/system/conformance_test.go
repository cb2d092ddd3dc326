package system_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// operations are the group's operations (the System Settings, System Backups and Others tags
// of specs/tenantos.yaml).
var operations = map[string]bool{
	"listGlobalSystemSettings": true, "getGlobalSystemSetting": true, "updateGlobalSystemSettings": true,
	"listBackupStorages": true, "createBackupStorage": true, "getBackupStorage": true, "updateBackupStorage": true,
	"deleteBackupStorage": true, "createSystemBackup": true, "listSystemBackups": true, "getSystemBackup": true,
	"ping": true, "getSystemVersion": true, "listTimezones": true, "listTimeDateFormats": true, "getSettingsAfterLogin": true,
	"getUiSettings": true, "getUiLanguage": true, "getUiVersion": true,
}

// TestConformance sends every operation of the group its documented example request (with the
// world's ids) in a fresh world that has a finished system backup and a second storage, and
// expects the documented success status; simtest checks every answer against
// specs/tenantos.yaml.
func TestConformance(t *testing.T) {
	e := newEnv(t)
	seen := 0
	simtest.Conformance(t, "tenantos", func(t *testing.T, c *simtest.Case) {
		if !operations[c.Operation] {
			t.Skip("not an operation of the system group")
		}
		seen++
		e.t = t
		e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
		ftp := e.do("POST", "/system/backups/storages", map[string]any{"name": "FTP #1", "provider": "ftp", "retention": 1,
			"enabled": true, "configuration": map[string]any{"host": "10.10.3.1", "username": "backup", "password": "secret-pass"}}).
			Expect(t, 200).Int("result", "id")
		e.do("POST", "/system/backups/create", nil).Expect(t, 200)
		e.advance(time.Minute)
		paths := map[string]string{"id": fmt.Sprint(ftp), "settingname": "default_datetime_format", "backupTaskId": "1"}
		c.Send(t, e.c, strings.TrimPrefix(c.URL(t, paths), "/api"), c.Body, c.Status)
	})
	if seen != len(operations) {
		t.Fatalf("the document has %d of the group's %d operations", seen, len(operations))
	}
}
