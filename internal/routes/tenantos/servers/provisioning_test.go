package servers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

// installSeconds is how long an install takes in the default fixtures (the sum of its steps).
const installSeconds = 60 + 120 + 60 + 420 + 90 + 60

func status(e *env, id string) *simtest.Response {
	e.t.Helper()
	return e.do("GET", "/servers/"+id+"/provisioning/getInstallStatus", nil).Expect(e.t, 200)
}

// TestProfiles: the profiles offered for a server, in the documented shape.
func TestProfiles(t *testing.T) {
	e := newEnv(t)
	res := e.do("GET", "/servers/1/provisioning/getProfiles", nil, as(3)...).Expect(t, 200)
	if res.Len("result") != 6 {
		t.Fatalf("%d profiles", res.Len("result"))
	}
	if res.String("result", 0, "name") != "Debian 12" || res.Len("result", 0, "disklayouts") != 3 || res.String("result", 0, "scripts", 1, "name") != "Harden SSH" ||
		res.Int("result", 0, "features", "set_root_password") != 1 || res.Int("result", 0, "default_disklayout_template") != 1 ||
		res.Int("result", 3, "isRescue") != 1 || res.Int("result", 4, "isPasswordResetProfile") != 1 || res.Int("result", 3, "features", "set_root_password") != 0 ||
		res.String("result", 0, "grouplogo") != "/storage/oslogos/debian.png" {
		t.Fatalf("profiles: %v", res)
	}
	e.do("GET", "/servers/2/provisioning/getProfiles", nil, as(3)...).Expect(t, 404)
	// Deleted profiles are not offered; os/list has the installs only.
	e.update(func(tx *state.Tx) error {
		pr, err := tenantos.PxeProfiles.Get(tx, 2)
		if err != nil {
			return err
		}
		pr.Deleted = true
		return tenantos.PxeProfiles.Put(tx, 2, pr)
	})
	if n := e.do("GET", "/servers/1/provisioning/getProfiles", nil).Expect(t, 200).Len("result"); n != 5 {
		t.Fatalf("%d profiles with one deleted", n)
	}
	res = e.do("POST", "/os/list", map[string]any{"type": "pxe"}, as(3)...).Expect(t, 200)
	if ids := ids(res); len(ids) != 2 || !ids[1] || !ids[3] {
		t.Fatalf("os list: %v", res)
	}
	e.do("POST", "/os/list", map[string]any{"type": "iso"}).Expect(t, 422)
	e.do("POST", "/os/list", map[string]any{"type": "pxe"}, as(3)...).Expect(t, 200)
	for os, logo := range map[string]string{"debian": "/storage/oslogos/debian.png", "Ubuntu 22.04": "/storage/oslogos/ubuntu.png",
		"Debian 12.5": "/storage/oslogos/debian.png", "Plan 9": "/storage/oslogos/plan9.png"} {
		if got := e.do("POST", "/servers/1/provisioning/getOsLogo", map[string]any{"os": os}).Expect(t, 200).String("result"); got != logo {
			t.Fatalf("logo of %s: %s", os, got)
		}
	}
	res = e.do("GET", "/servers/1/provisioning/executePostCommand", nil).Expect(t, 200)
	if res.Len("result", "postTask") != 0 || res.String("result", "postTaskAction") != "none" {
		t.Fatalf("post command: %v", res)
	}
}

// TestReinstallation: an install runs its steps on the clock, then the server has the
// profile's OS and the host name asked for; bad input starts nothing; a second run is 409.
func TestReinstallation(t *testing.T) {
	e := newEnv(t)
	start := func(body map[string]any) *simtest.Response {
		return e.do("POST", "/servers/1/provisioning/startReinstallation", body, as(3)...)
	}
	res := start(map[string]any{"profileId": 1, "rootpassword": "abc"}).Expect(t, 422)
	if res.Get("errors", "rootpassword") == nil {
		t.Fatalf("short password: %v", res)
	}
	start(map[string]any{"profileId": 99, "rootpassword": "Secret-Pass-1"}).Expect(t, 422)
	start(map[string]any{"profileId": 3, "rootpassword": "Secret-Pass-1", "disklayoutId": 3}).Expect(t, 422)
	start(map[string]any{"profileId": 1, "rootpassword": "Secret-Pass-1", "runScripts": []string{"7"}}).Expect(t, 422)
	if st := status(e, "1"); st.Int("result", "running") != 0 || st.Len("result", "installProgress") != 0 {
		t.Fatalf("started by bad input: %v", st)
	}
	if e.server(1).Int("result", "reinstallationRunning") != 0 {
		t.Fatal("reinstallationRunning after refusals")
	}

	start(map[string]any{"profileId": 2, "rootpassword": "Secret-Pass-1", "hostname": "fresh.example.com", "disklayoutId": 2,
		"runScripts": []string{"1"}, "sshkeys": []string{"ssh-ed25519 AAAA test"}}).Expect(t, 200)
	s := e.server(1)
	if s.Int("result", "reinstallationRunning") != 1 || s.Int("result", "diskwipeRunning") != 0 {
		t.Fatalf("running: %v", s)
	}
	st := status(e, "1")
	if st.Int("result", "running") != 1 || st.Int("result", "completed") != 0 || st.Int("result", "canCancelInstallation") != 1 ||
		st.Int("result", "step") != 0 || strings.Join(strs(st, "result", "installProgress"), "|") != "Preparing boot environment" {
		t.Fatalf("status at start: %v", st)
	}
	start(map[string]any{"profileId": 1, "rootpassword": "Secret-Pass-1"}).Expect(t, 409)
	e.do("GET", "/servers/1/power/setPowerOff", nil).Expect(t, 409)
	e.advance(60 * time.Second)
	if st := status(e, "1"); st.Int("result", "step") != 1 || st.Len("result", "installProgress") != 2 {
		t.Fatalf("after the first step: %v", st)
	}
	e.advance(time.Duration(installSeconds-61) * time.Second)
	if st := status(e, "1"); st.Int("result", "running") != 1 || st.Int("result", "step") != 5 {
		t.Fatalf("a second before the end: %v", st)
	}
	e.advance(time.Second)
	st = status(e, "1")
	s = e.server(1)
	if st.Int("result", "running") != 0 || st.Int("result", "completed") != 1 || st.Int("result", "step") != 6 ||
		st.Len("result", "installProgress") != 6 || st.Int("result", "canCancelInstallation") != 0 {
		t.Fatalf("done: %v", st)
	}
	if s.Int("result", "reinstallationRunning") != 0 || s.String("result", "os") != "Ubuntu 22.04" ||
		s.String("result", "hostname") != "fresh.example.com" || s.String("result", "cachedPowerstatus") != "online" {
		t.Fatalf("server after the install: %v", s)
	}
	if !e.hasActivity(1, "servers", "Started PXE provisioning (Ubuntu 22.04)") {
		t.Fatalf("no start entry: %+v", e.activities(1))
	}
	// A finished run can be followed by another.
	start(map[string]any{"profileId": 1, "rootpassword": "Secret-Pass-1"}).Expect(t, 200)
}

// TestReinstallationRestart: a run goes on after a restart in its middle and finishes.
func TestReinstallationRestart(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/servers/2/provisioning/startReinstallation", map[string]any{"profileId": 3, "rootpassword": "Secret-Pass-1",
		"hostname": "rocky.example.com"}).Expect(t, 200)
	e.advance(200 * time.Second)
	if st := status(e, "2"); st.Int("result", "step") != 2 {
		t.Fatalf("before the restart: %v", st)
	}
	e.restart()
	if st := status(e, "2"); st.Int("result", "running") != 1 || st.Int("result", "step") != 2 {
		t.Fatalf("after the restart: %v", st)
	}
	e.advance(time.Duration(installSeconds-200) * time.Second)
	st := status(e, "2")
	s := e.server(2)
	if st.Int("result", "completed") != 1 || s.String("result", "os") != "Rocky Linux 9" || s.String("result", "hostname") != "rocky.example.com" {
		t.Fatalf("after the restart and the clock: %v %v", st, s)
	}
}

// TestStopReinstallation: a stopped run neither goes on nor completes, and a new run started
// at the same moment is not advanced by the old one's pending step.
func TestStopReinstallation(t *testing.T) {
	e := newEnv(t)
	e.do("GET", "/servers/2/provisioning/stopReinstallation", nil).Expect(t, 409)
	e.do("POST", "/servers/2/provisioning/startReinstallation", map[string]any{"profileId": 1, "rootpassword": "Secret-Pass-1"}).Expect(t, 200)
	e.do("GET", "/servers/2/power/setPowerOff", nil).Expect(t, 409)
	e.do("GET", "/servers/2/provisioning/stopReinstallation/1", nil).Expect(t, 200)
	st := status(e, "2")
	if st.Int("result", "running") != 0 || st.Int("result", "completed") != 0 || e.server(2).Int("result", "reinstallationRunning") != 0 {
		t.Fatalf("stopped: %v", st)
	}
	if !e.hasActivity(2, "servers", "Aborted PXE provisioning") {
		t.Fatalf("no abort entry: %+v", e.activities(2))
	}
	e.advance(30 * time.Second)
	e.do("POST", "/servers/2/provisioning/startReinstallation", map[string]any{"profileId": 1, "rootpassword": "Secret-Pass-1"}).Expect(t, 200)
	e.advance(30 * time.Second) // the old run's first step falls due here: it must not count
	if st := status(e, "2"); st.Int("result", "step") != 0 || st.Len("result", "installProgress") != 1 {
		t.Fatalf("the old run moved the new one: %v", st)
	}
	e.advance(30 * time.Second)
	if st := status(e, "2"); st.Int("result", "step") != 1 {
		t.Fatalf("new run's first step: %v", st)
	}
	e.do("GET", "/servers/2/provisioning/stopReinstallation?withoutPowerReset=0", nil).Expect(t, 200)
	e.advance(2 * time.Hour)
	if st := status(e, "2"); st.Int("result", "completed") != 0 || st.Int("result", "step") != 1 {
		t.Fatalf("a stopped run went on: %v", st)
	}
	if os := e.server(2).String("result", "os"); os != "" {
		t.Fatalf("os after stopped runs: %q", os)
	}
}

// TestToolProfiles: a disk wipe and a rescue boot need no root password and show their own
// flags; a password reset needs one; a wipe leaves no OS.
func TestToolProfiles(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/servers/1/provisioning/startReinstallation", map[string]any{"profileId": 5, "rootpassword": "short"}).Expect(t, 422)
	e.do("POST", "/servers/1/provisioning/startReinstallation", map[string]any{"profileId": 6, "rootpassword": "Secret-Pass-1"}).Expect(t, 200)
	if s := e.server(1); s.Int("result", "diskwipeRunning") != 1 || s.Int("result", "reinstallationRunning") != 0 {
		t.Fatalf("wipe running: %v", s)
	}
	e.advance(929 * time.Second)
	if e.server(1).Int("result", "diskwipeRunning") != 1 {
		t.Fatal("wipe done early")
	}
	e.advance(time.Second)
	if s := e.server(1); s.Int("result", "diskwipeRunning") != 0 || s.String("result", "os") != "" {
		t.Fatalf("after the wipe: %v", s)
	}
	e.do("POST", "/servers/1/provisioning/startReinstallation", map[string]any{"profileId": 4, "rootpassword": "Secret-Pass-1"}).Expect(t, 200)
	if s := e.server(1); s.Int("result", "rescueBootRunning") != 1 {
		t.Fatalf("rescue: %v", s)
	}
	e.advance(2 * time.Minute)
	if s := e.server(1); s.Int("result", "rescueBootRunning") != 0 {
		t.Fatalf("rescue done: %v", s)
	}
	e.do("POST", "/servers/1/provisioning/startReinstallation", map[string]any{"profileId": 5, "rootpassword": "Secret-Pass-1"}).Expect(t, 200)
	if s := e.server(1); s.Int("result", "passwordResetRunning") != 1 {
		t.Fatalf("password reset: %v", s)
	}
}

// TestDeleteDuringInstall: deleting a server ends its run; the pending steps do nothing and
// its IP is free again.
func TestDeleteDuringInstall(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/servers/1/provisioning/startReinstallation", map[string]any{"profileId": 1, "rootpassword": "Secret-Pass-1"}).Expect(t, 200)
	e.do("DELETE", "/servers/1", nil).Expect(t, 200)
	e.advance(2 * time.Hour)
	e.do("GET", "/servers/1", nil).Expect(t, 404)
	if ip := e.ipOf("198.51.100.10"); ip.ServerID != 0 {
		t.Fatalf("IP of the deleted server: %+v", ip)
	}
	e.do("GET", "/servers/1/provisioning/getInstallStatus", nil).Expect(t, 404)
}
