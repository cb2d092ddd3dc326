package system_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/internal/routes/tenantos/system"
	"github.com/panelsim/panelsim/internal/state"
)

// TestStorages: create, read back, update, delete, then 404; secrets never in clear; bad
// input refused with nothing written; administrators only.
func TestStorages(t *testing.T) {
	e := newEnv(t)
	res := e.do("GET", "/system/backups/storages", nil).Expect(t, 200)
	if res.Len("result") != 1 || res.String("result", 0, "provider") != "local" || res.Int("result", 0, "enabled") != 1 ||
		res.Get("result", 0, "last_backup_date") != nil {
		t.Fatalf("default storage: %v", res)
	}

	body := map[string]any{"name": "FTP #1", "provider": "ftp", "retention": 3, "enabled": true,
		"configuration": map[string]any{"host": "10.10.3.1", "username": "backup", "password": "very-secret", "port": "2121"}}
	res = e.do("POST", "/system/backups/storages", body).Expect(t, 200)
	id := res.Int("result", "id")
	if strings.Contains(res.String(), "very-secret") || res.String("result", "configuration", "password") != "**************" ||
		res.Int("result", "configuration", "port") != 2121 || res.Int("result", "configuration", "timeout") != 10 {
		t.Fatalf("created: %v", res)
	}
	path := fmt.Sprintf("/system/backups/storages/%d", id)
	res = e.do("GET", path, nil).Expect(t, 200)
	if res.String("result", "name") != "FTP #1" || res.Int("result", "retention") != 3 || strings.Contains(res.String(), "very-secret") {
		t.Fatalf("read back: %v", res)
	}
	if n := e.do("GET", "/system/backups/storages", nil).Expect(t, 200).Len("result"); n != 2 {
		t.Fatalf("%d storages listed, want 2", n)
	}

	// Update: the mask sent back keeps the password; other keys change.
	res = e.do("PUT", path, map[string]any{"name": "FTP backup", "retention": 9999, "enabled": false,
		"configuration": map[string]any{"host": "10.10.3.2", "password": "**************"}}).Expect(t, 200)
	if res.String("result", "name") != "FTP backup" || res.Int("result", "enabled") != 0 || res.Int("result", "retention") != 9999 ||
		res.String("result", "configuration", "host") != "10.10.3.2" || res.String("result", "configuration", "username") != "backup" {
		t.Fatalf("updated: %v", res)
	}
	var stored string
	e.view(func(tx *state.Tx) error { stored, _ = system.StoredConfig(tx, id)["password"].(string); return nil })
	if stored != "very-secret" {
		t.Fatalf("the mask replaced the password: %q", stored)
	}

	// Refusals, nothing written.
	expect422(t, e.do("POST", "/system/backups/storages", map[string]any{"name": "S3", "provider": "s3", "retention": 2, "enabled": true,
		"configuration": map[string]any{"key": "AKIA", "region": "eu-central-1", "bucket": "b"}}), "configuration.secret")
	expect422(t, e.do("POST", "/system/backups/storages", map[string]any{"name": "FTP", "provider": "ftp", "retention": 2, "enabled": true}),
		"configuration")
	expect422(t, e.do("POST", "/system/backups/storages", map[string]any{"name": "x", "provider": "local", "retention": 0, "enabled": true}),
		"retention")
	expect422(t, e.do("POST", "/system/backups/storages", map[string]any{"name": "x", "provider": "dropbox", "retention": 1, "enabled": true}),
		"provider")
	expect422(t, e.do("PUT", path, map[string]any{"retention": 10000}), "retention")
	expect422(t, e.do("PUT", path, map[string]any{"configuration": map[string]any{"port": "not a port"}}), "configuration.port")
	if n := e.do("GET", "/system/backups/storages", nil).Expect(t, 200).Len("result"); n != 2 {
		t.Fatalf("a refused create stored something: %d storages", n)
	}
	if r := e.do("GET", path, nil).Expect(t, 200); r.Int("result", "retention") != 9999 || r.Int("result", "configuration", "port") != 2121 {
		t.Fatalf("a refused update changed the storage: %v", r)
	}

	// S3 works and hides its secret.
	res = e.do("POST", "/system/backups/storages", map[string]any{"name": "S3", "provider": "s3", "retention": 2, "enabled": true,
		"configuration": map[string]any{"key": "AKIA", "secret": "s3-secret", "region": "eu-central-1", "bucket": "b"}}).Expect(t, 200)
	if strings.Contains(res.String(), "s3-secret") {
		t.Fatalf("secret in clear: %v", res)
	}

	// Administrators only.
	e.do("GET", "/system/backups/storages", nil, as(reseller)...).Expect(t, 403)
	e.do("POST", "/system/backups/storages", body, as(reseller)...).Expect(t, 403)
	e.do("DELETE", path, nil, as(customer)...).Expect(t, 403)

	e.do("DELETE", path, nil).Expect(t, 200)
	e.do("GET", path, nil).Expect(t, 404)
	e.do("PUT", path, map[string]any{"name": "again"}).Expect(t, 404)
	e.do("DELETE", path, nil).Expect(t, 404)
}
