package system_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestSystemBackup: a backup run moves on the world's clock (pending, running, archive made,
// ended) with the documented log lines; the storages take the archive and keep no more than
// their retention; a second run waits for the first (409).
func TestSystemBackup(t *testing.T) {
	e := newEnv(t)
	e.do("PUT", "/system/backups/storages/1", map[string]any{"retention": 1}).Expect(t, 200)
	ftp := e.do("POST", "/system/backups/storages", map[string]any{"name": "FTP #1", "provider": "ftp", "retention": 5, "enabled": true,
		"configuration": map[string]any{"host": "10.10.3.1", "username": "backup", "password": "pw-123456"}}).Expect(t, 200).Int("result", "id")
	e.do("POST", "/system/backups/storages", map[string]any{"name": "Off", "provider": "local", "retention": 5, "enabled": false}).Expect(t, 200)

	e.do("POST", "/system/backups/create", nil).Expect(t, 200)
	res := e.do("GET", "/system/backups/history/1", nil).Expect(t, 200)
	if got := messages(res); strings.Join(got, "|") != "Task pending" || res.String("result", "current_status") != "Pending" ||
		res.Get("result", "end_date") != nil || res.Int("result", "archive_size") != 0 {
		t.Fatalf("pending: %v", res)
	}
	e.do("POST", "/system/backups/create", nil).Expect(t, 409)

	e.advance(5 * time.Second)
	res = e.do("GET", "/system/backups/history/1", nil).Expect(t, 200)
	if got := messages(res); strings.Join(got, "|") != "Task pending|Backup started" || res.String("result", "current_status") != "Running" ||
		!strings.Contains(res.String("result", "script_log"), "[START] Creating backup of the local database") {
		t.Fatalf("running: %v", res)
	}
	e.advance(30 * time.Second)
	res = e.do("GET", "/system/backups/history/1", nil).Expect(t, 200)
	if got := messages(res); got[len(got)-1] != "Backup archive created" || res.Int("result", "archive_size") == 0 ||
		!strings.Contains(res.String("result", "script_log"), "/var/www/storage/system_backups/app-") {
		t.Fatalf("archive: %v", res)
	}
	e.advance(10 * time.Second)
	res = e.do("GET", "/system/backups/history/1", nil).Expect(t, 200)
	want := "Task pending|Backup started|Backup archive created|local: Started retention task|local: Retention task completed|" +
		"FTP #1: Uploading backup archive|FTP #1: Upload completed|FTP #1: Started retention task|FTP #1: Retention task completed|Backup ended"
	if got := strings.Join(messages(res), "|"); got != want || res.String("result", "current_status") != "Executed" ||
		res.String("result", "result") != "Done" || res.String("result", "end_date") == "" || res.Int("result", "warning") != 0 {
		t.Fatalf("ended:\n got %s\nwant %s\n%v", got, want, res)
	}
	first := archiveOf(res)
	if st := e.do("GET", fmt.Sprintf("/system/backups/storages/%d", ftp), nil).Expect(t, 200); st.String("result", "last_backup_date") != res.String("result", "end_date") ||
		st.String("result", "last_status_message") != "success" {
		t.Fatalf("storage after the run: %v", st)
	}
	if st := e.do("GET", "/system/backups/storages/3", nil).Expect(t, 200); st.Get("result", "last_backup_date") != nil {
		t.Fatalf("a disabled storage took the archive: %v", st)
	}

	// A second run: the local storage keeps one archive, so it deletes the first.
	e.do("POST", "/system/backups/create", nil).Expect(t, 200)
	e.advance(time.Minute)
	res = e.do("GET", "/system/backups/history/2", nil).Expect(t, 200)
	if !contains(messages(res), "local: Deleting file "+first) || contains(messages(res), "FTP #1: Deleting file "+first) {
		t.Fatalf("retention: %v", res)
	}
	list := e.do("GET", "/system/backups/history", nil).Expect(t, 200)
	if list.Len("result") != 2 || list.Int("result", 0, "id") != 2 || list.Int("result", 1, "id") != 1 {
		t.Fatalf("history: %v", list)
	}
	e.do("GET", "/system/backups/history/3", nil).Expect(t, 404)

	// Administrators only.
	e.do("POST", "/system/backups/create", nil, as(reseller)...).Expect(t, 403)
	e.do("GET", "/system/backups/history", nil, as(customer)...).Expect(t, 403)
	e.do("GET", "/system/backups/history/1", nil, as(reseller)...).Expect(t, 403)
}

// TestSystemBackupNoStorage: with no storage enabled a run ends with a warning.
func TestSystemBackupNoStorage(t *testing.T) {
	e := newEnv(t)
	e.do("DELETE", "/system/backups/storages/1", nil).Expect(t, 200)
	e.do("POST", "/system/backups/create", nil).Expect(t, 200)
	e.advance(time.Minute)
	res := e.do("GET", "/system/backups/history/1", nil).Expect(t, 200)
	if res.Int("result", "warning") != 1 || res.String("result", "current_status") != "Executed" {
		t.Fatalf("no storage: %v", res)
	}
}

// TestSystemBackupRestart: a run survives a restart of the simulator in its middle.
func TestSystemBackupRestart(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/system/backups/create", nil).Expect(t, 200)
	e.advance(10 * time.Second)
	e.restart()
	if s := e.do("GET", "/system/backups/history/1", nil).Expect(t, 200).String("result", "current_status"); s != "Running" {
		t.Fatalf("after the restart: %s", s)
	}
	e.do("POST", "/system/backups/create", nil).Expect(t, 409)
	e.advance(time.Minute)
	res := e.do("GET", "/system/backups/history/1", nil).Expect(t, 200)
	if got := messages(res); got[len(got)-1] != "Backup ended" || res.String("result", "result") != "Done" {
		t.Fatalf("after the restart: %v", res)
	}
	e.do("POST", "/system/backups/create", nil).Expect(t, 200)
}

// archiveOf is the archive's file name, the last line of a run's script log.
func archiveOf(res interface{ String(...any) string }) string {
	lines := strings.Split(res.String("result", "script_log"), "\n")
	last := lines[len(lines)-1]
	return last[strings.LastIndex(last, "/")+1:]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
