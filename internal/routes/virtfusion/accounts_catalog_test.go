package virtfusion_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/virtfusion"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

func TestServerBackups(t *testing.T) {
	e := newEnv(t)
	c := e.c
	user := e.user(1)
	srv := e.built(user)
	other := e.server(user, pkgS, groupDefault)

	// The fixtures' backups belong to no server: a new server has none.
	res := c.Do("GET", fmt.Sprintf("/backups/server/%d", srv), nil).Expect(t, 200)
	if res.Len("data") != 0 || !strings.Contains(string(res.Body), `{"data":[]}`) {
		t.Fatalf("backups of a fresh server: %v", res)
	}

	// Backups recorded for a server list oldest first, with their storage.
	day := time.Date(2025, 1, 21, 2, 0, 0, 0, time.UTC)
	err := e.s.World(simtest.DefaultToken).Update(func(tx *state.Tx) error {
		if err := virtfusion.AddBackup(tx, srv, 1, day, time.Minute); err != nil {
			return err
		}
		return virtfusion.AddBackup(tx, srv, 1, day.Add(24*time.Hour), 90*time.Second)
	})
	if err != nil {
		t.Fatal(err)
	}
	res = c.Do("GET", fmt.Sprintf("/backups/server/%d", srv), "[]").Expect(t, 200)
	if res.Len("data") != 2 || res.Int("data", 0, "id") != 4 || res.Int("data", 0, "serverId") != srv ||
		res.Int("data", 0, "storage", "id") != 1 || res.String("data", 0, "storage", "name") != "Backup Server 1" ||
		res.Get("data", 0, "complete") != true || res.Get("data", 0, "progress") != false || res.Get("data", 0, "deleteAfter") != nil ||
		res.String("data", 0, "created") != "2025-01-21T02:00:00+00:00" || res.String("data", 0, "updated") != "2025-01-21T02:01:00+00:00" ||
		res.String("data", 1, "updated") != "2025-01-22T02:01:30+00:00" {
		t.Fatalf("backups: %v", res)
	}
	if res = c.Do("GET", fmt.Sprintf("/backups/server/%d", other), nil).Expect(t, 200); res.Len("data") != 0 {
		t.Fatalf("another server's backups: %v", res)
	}

	for _, path := range []string{"/backups/server/987654", "/backups/server/abc", "/backups/server/0"} {
		if res := c.Do("GET", path, nil).Expect(t, 404); res.String("msg") != "server not found" {
			t.Fatalf("%s: %v", path, res)
		}
	}
	// Once the server is gone, so is its list.
	c.Do("DELETE", fmt.Sprintf("/servers/%d?delay=0", srv), nil).Expect(t, 204)
	c.Do("GET", fmt.Sprintf("/backups/server/%d", srv), nil).Expect(t, 200)
	e.advance(time.Minute)
	c.Do("GET", fmt.Sprintf("/backups/server/%d", srv), nil).Expect(t, 404)
}

func TestDnsServices(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		path   string
		status int
		check  func(r *simtest.Response) bool
	}{
		{"/dns/services/1", 200, func(r *simtest.Response) bool {
			return r.Int("data", "id") == 1 && r.Int("data", "type") == 2 && r.String("data", "name") == "PowerDNS" &&
				r.Get("data", "username") == nil && r.Get("data", "ip") == nil && r.Int("data", "port") == 8081 &&
				r.Len("data", "config") == 0 && r.Get("data", "enabled") == true && r.String("data", "created") == "2024-03-12T23:10:42+00:00" &&
				strings.HasPrefix(r.String("data", "password"), "eyJpdiI6")
		}},
		{"/dns/services/2", 200, func(r *simtest.Response) bool {
			return r.String("data", "name") == "ClouDNS" && r.String("data", "username") == "456754" && r.Get("data", "subAccount") == true &&
				r.String("data", "url") == "https://api.cloudns.net"
		}},
		{"/dns/services/3", 404, nil},
		{"/dns/services/0", 404, nil},
		{"/dns/services/-1", 404, nil},
		{"/dns/services/abc", 404, nil},
		{"/dns/services/1.0", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := e.c.Do("GET", tt.path, nil).Expect(t, tt.status)
			if tt.status == 404 && res.String("msg") != "dns service not found" {
				t.Fatalf("404 body: %v", res)
			}
			if tt.check != nil && !tt.check(res) {
				t.Fatalf("service: %v", res)
			}
		})
	}
	// The encrypted password is the same in every world.
	a := e.c.Do("GET", "/dns/services/1", nil).String("data", "password")
	if b := newEnv(t).c.Do("GET", "/dns/services/1", nil).String("data", "password"); a != b {
		t.Fatalf("passwords differ between worlds: %q %q", a, b)
	}
}

func TestIsos(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		path   string
		status int
		check  func(r *simtest.Response) bool
	}{
		{"/media/iso/1", 200, func(r *simtest.Response) bool {
			return r.String("data", "name") == "Debian 12 netinst" && r.Int("data", "arch") == 1 && r.Get("data", "description") == nil &&
				r.String("data", "config") == "[]" && r.Get("data", "global") == true && r.Get("data", "download") == true &&
				r.Len("data", "users") == 0 && r.String("data", "created") == "2024-03-13T09:34:54+00:00"
		}},
		{"/media/iso/2", 200, func(r *simtest.Response) bool {
			return r.String("data", "name") == "Deb Arch" && r.Int("data", "arch") == 2 && r.String("data", "filename") == "deb-arc"
		}},
		{"/media/iso/3", 200, func(r *simtest.Response) bool {
			return r.String("data", "description") == "Rescue system" && r.Get("data", "download") == false
		}},
		{"/media/iso/4", 404, nil},
		{"/media/iso/abc", 404, nil},
		{"/media/iso/0", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := e.c.Do("GET", tt.path, nil).Expect(t, tt.status)
			if tt.status == 404 && res.String("msg") != "iso not found" {
				t.Fatalf("404 body: %v", res)
			}
			if tt.check != nil && !tt.check(res) {
				t.Fatalf("iso: %v", res)
			}
		})
	}
}
