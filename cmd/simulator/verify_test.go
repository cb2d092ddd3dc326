package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A billing session is recorded through a panelsim process proxying to another
// (--record-upstream); `simulator verify` replays it in a fresh simulator of its own and
// against a running one (--url), exits 0 with every exchange matching, writes JUnit and
// JSON reports; a recording with a changed status exits 1 and emits the recording cut after
// that exchange.
func TestVerifyCommand(t *testing.T) {
	bin := build(t)
	dir := t.TempDir()
	common := []string{"--virtfusion", "127.0.0.1:0", "--tenantos", "off", "--e24cloud", "off", "--clock", "manual"}
	_, panel := run(t, bin, append([]string{"--data", filepath.Join(dir, "panel.db"), "--any-token"}, common...)...)
	_, proxy := run(t, bin, append([]string{"--data", filepath.Join(dir, "proxy.db"), "--record-upstream", panel, "--record-dir", dir}, common...)...)

	call(t, "POST", panel+"/api/v1/users", "panelsim", `{"name":"Earlier","email":"e@example.com","extRelationId":1}`)
	user := decodeID(t, call(t, "POST", proxy+"/api/v1/users", "panelsim", `{"name":"B","email":"b@example.com","extRelationId":7}`))
	server := decodeID(t, call(t, "POST", proxy+"/api/v1/servers", "panelsim", `{"packageId":1,"userId":`+user+`,"hypervisorId":1}`))
	call(t, "GET", proxy+"/api/v1/servers/"+server, "panelsim", "")
	call(t, "GET", proxy+"/api/v1/users/7/byExtRelation", "panelsim", "")
	recording := filepath.Join(dir, "virtfusion-recorded.yaml")

	junit := filepath.Join(dir, "report.xml")
	out, _ := sh(t, bin, nil, false, "verify", "--junit", junit, recording)
	if !strings.HasSuffix(out, "verify: 4 of 4 exchanges match\n") || strings.Count(out, ": match\n") != 4 {
		t.Fatalf("verify:\n%s", out)
	}
	if x, err := os.ReadFile(junit); err != nil || !strings.Contains(string(x), `<testsuites name="panelsim verify" tests="4" failures="0">`) {
		t.Fatalf("JUnit report: %v\n%s", err, x)
	}
	// Against the running panel, in a world of its own.
	out, _ = sh(t, bin, nil, false, "verify", "--json", "--url", "virtfusion="+panel, "--token", "verify-world", recording)
	var report struct {
		Match, Exchanges int
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil || report.Match != 4 || report.Exchanges != 4 {
		t.Fatalf("verify --json --url: %v\n%s", err, out)
	}

	raw, err := os.ReadFile(recording)
	if err != nil {
		t.Fatal(err)
	}
	changed := filepath.Join(dir, "changed.yaml")
	if err := os.WriteFile(changed, []byte(strings.Replace(string(raw), "status: 201", "status: 200", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	emit := filepath.Join(dir, "emitted")
	out, errOut := sh(t, bin, nil, true, "verify", "--emit-test", emit, changed)
	if !strings.Contains(out, "  1 POST /api/v1/users: status: recorded 200, simulator 201\n") || !strings.HasSuffix(out, "verify: 3 of 4 exchanges match\n") ||
		!strings.Contains(errOut, "1 of 4 exchanges differ") {
		t.Fatalf("verify of a changed recording:\n%s%s", out, errOut)
	}
	// The recording cut after its one difference, named on stderr.
	emitted := filepath.Join(emit, "virtfusion-changed.yaml")
	if x, err := os.ReadFile(emitted); err != nil || !strings.Contains(errOut, "verify: wrote "+emitted+"\n") ||
		!strings.Contains(string(x), "#     1 POST /api/v1/users: status: recorded 200, simulator 201\n") ||
		strings.Count(string(x), "- match:") != 1 || !strings.Contains(string(x), "status: 200") {
		t.Fatalf("emitted: %v\n%s\n%s", err, errOut, x)
	}
}

func decodeID(t *testing.T, raw []byte) string {
	t.Helper()
	var v struct {
		Data struct {
			ID json.Number `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.Data.ID == "" {
		t.Fatalf("no id in %s", raw)
	}
	return v.Data.ID.String()
}
