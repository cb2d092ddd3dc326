package verify_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/scenarios"
	"github.com/panelsim/panelsim/internal/verify"
)

// recordBilling records a billing module's session against a VirtFusion panel that already
// has customers and a server (so its ids differ from a fresh simulator's): create a user,
// create a server, build it, let the build finish, read the server, list the servers.
func recordBilling(t *testing.T) *session {
	s := newSession(t, "virtfusion")
	d := s.direct()
	for i := 0; i < 2; i++ {
		d.Do("POST", "/users", map[string]any{"name": "Earlier", "email": fmt.Sprintf("e%d@example.com", i), "extRelationId": 100 + i}).Expect(t, 201)
	}
	d.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": 2, "hypervisorId": 1}).Expect(t, 201)

	c := s.client()
	user := c.Do("POST", "/users", map[string]any{"name": "Billing Customer", "email": "billing@example.com", "extRelationId": 7}).Expect(t, 201).Int("data", "id")
	server := c.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": user, "hypervisorId": 1}).Expect(t, 201).Int("data", "id")
	c.Do("POST", fmt.Sprintf("/servers/%d/build", server), map[string]any{"operatingSystemId": 1, "name": "web", "hostname": "web.example.com"}).Expect(t, 200)
	if got := c.Do("GET", fmt.Sprintf("/servers/%d", server), nil).Expect(t, 200).String("data", "state"); got != "queued" {
		t.Fatalf("before the build: %s", got)
	}
	s.advance(15 * time.Minute)
	if got := c.Do("GET", fmt.Sprintf("/servers/%d", server), nil).Expect(t, 200).String("data", "state"); got != "complete" {
		t.Fatalf("after the build: %s", got)
	}
	c.Do("GET", fmt.Sprintf("/servers/user/%d", user), nil).Expect(t, 200)
	c.Do("GET", "/servers/999", nil).Expect(t, 404)
	if user == 2 || server == 1 {
		t.Fatalf("the panel gave the ids a fresh simulator would (user %d, server %d)", user, server)
	}
	return s
}

// TestVerifyBillingFlowMatches: a session recorded against one panelsim replays against a
// fresh one with every exchange matching, the build finished by the replayed clock gap and
// the panel's ids mapped to the simulator's.
func TestVerifyBillingFlowMatches(t *testing.T) {
	s := recordBilling(t)
	raw := string(must(t, s.file()))
	if !strings.Contains(raw, "recorded:") || !strings.Contains(raw, "at: ") || strings.Contains(raw, "Bearer") {
		t.Fatalf("the recording lacks the exchanges' times and requests, or keeps the token:\n%s", raw)
	}
	res := replay(t, s.file())
	expectAllMatch(t, res)
	if len(res.Exchanges) != 7 {
		t.Fatalf("%d exchanges replayed, want 7", len(res.Exchanges))
	}
	// The recorded server 2 of user 3 is the simulator's server 1 of user 2.
	if got := res.Exchanges[3].Sent; got != "/api/v1/servers/1" {
		t.Fatalf("replayed %s as %s", res.Exchanges[3].Path, got)
	}
	if got := res.Exchanges[5].Sent; got != "/api/v1/servers/user/2" {
		t.Fatalf("replayed %s as %s", res.Exchanges[5].Path, got)
	}
	var text bytes.Buffer
	if err := verify.WriteText(&text, []*verify.Result{res}); err != nil {
		t.Fatal(err)
	}
	t.Log(text.String())
	if !strings.HasSuffix(text.String(), "verify: 7 of 7 exchanges match\n") || strings.Count(text.String(), ": match\n") != 7 {
		t.Fatalf("report:\n%s", text.String())
	}
}

func must(t *testing.T, file string) []byte {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestVerifyReportsDifferences: a recording changed in three places (a field's name, a
// field's JSON kind, a status) replays with exactly those three differences, each with its
// path and both values, and the exchanges around them still match.
func TestVerifyReportsDifferences(t *testing.T) {
	s := recordBilling(t)
	sc := loadScenario(t, s.file())
	editBody(t, &sc.Rules[4].Action, func(data map[string]any) { // the server once built
		data["buildFailure"] = data["buildFailed"]
		delete(data, "buildFailed")
	})
	editBody(t, &sc.Rules[3].Action, func(data map[string]any) { // the server while queued
		data["cpu"].(map[string]any)["cores"] = "1"
	})
	sc.Rules[2].Action.Status = 202 // the build
	changed := filepath.Join(t.TempDir(), "changed.yaml")
	saveScenario(t, sc, changed)

	res := replay(t, changed)
	want := map[int]verify.Difference{
		3: {Path: "status", Recorded: "202", Simulator: "200"},
		4: {Path: "$.data.cpu.cores", Recorded: `"1" (string)`, Simulator: "1 (number)"},
		5: {Path: "$.data.buildFailure", Recorded: `field "buildFailure"`, Simulator: `field "buildFailed"`},
	}
	for _, o := range res.Exchanges {
		w, differs := want[o.Index]
		switch {
		case !differs && !o.Match():
			t.Errorf("exchange %d: %v %s", o.Index, o.Differences, o.Error)
		case differs && (len(o.Differences) != 1 || o.Differences[0] != w):
			t.Errorf("exchange %d: %v, want %v", o.Index, o.Differences, w)
		}
	}
	var text bytes.Buffer
	if err := verify.WriteText(&text, []*verify.Result{res}); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"  3 POST /api/v1/servers/2/build: status: recorded 202, simulator 200\n",
		"  4 GET /api/v1/servers/2: $.data.cpu.cores: recorded \"1\" (string), simulator 1 (number)\n",
		"  5 GET /api/v1/servers/2: $.data.buildFailure: recorded field \"buildFailure\", simulator field \"buildFailed\"\n",
		"verify: 4 of 7 exchanges match\n",
	} {
		if !strings.Contains(text.String(), line) {
			t.Errorf("the report lacks %q:\n%s", line, text.String())
		}
	}

	// Emitted, the recording cut after its last difference is a confirmed recording that
	// fails the confirmed recordings' test with exactly those differences.
	dir := t.TempDir()
	rec, err := verify.Load(changed)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	file, err := verify.EmitTest(dir, rec, res, day)
	if err != nil || file != filepath.Join(dir, "virtfusion-changed.yaml") {
		t.Fatalf("emitted %q: %v", file, err)
	}
	emitted := string(must(t, file))
	for _, line := range []string{
		"# changed.yaml, cut after exchange 5: on 2026-03-02, simulator verify found 3 differences\n",
		"#     3 POST /api/v1/servers/2/build: status: recorded 202, simulator 200\n",
		"#     5 GET /api/v1/servers/2: $.data.buildFailure: recorded field \"buildFailure\", simulator field \"buildFailed\"\n",
	} {
		if !strings.Contains(emitted, line) {
			t.Errorf("the emitted file lacks %q:\n%s", line, emitted)
		}
	}
	if sc := loadScenario(t, file); len(sc.Rules) != 5 || sc.Name != "virtfusion/recorded" || sc.Rules[4].Recorded == nil {
		t.Fatalf("emitted %d rules of %s, want the first 5 with their requests", len(sc.Rules), sc.Name)
	}
	got := replayConfirmed(t, dir)
	wantLines := []string{
		file + ":   3 POST /api/v1/servers/2/build: status: recorded 202, simulator 200",
		file + ":   4 GET /api/v1/servers/2: $.data.cpu.cores: recorded \"1\" (string), simulator 1 (number)",
		file + ":   5 GET /api/v1/servers/2: $.data.buildFailure: recorded field \"buildFailure\", simulator field \"buildFailed\"",
	}
	if strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
		t.Fatalf("the confirmed recordings' test reports:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}
	// A second emit keeps the first file.
	again, err := verify.EmitTest(dir, rec, res, day)
	if err != nil || again != filepath.Join(dir, "virtfusion-changed-2.yaml") || string(must(t, file)) != emitted {
		t.Fatalf("emitted again as %q: %v", again, err)
	}
}

// editBody changes the "data" object of a recorded answer.
func editBody(t *testing.T, a *scenarios.Action, edit func(data map[string]any)) {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal([]byte(a.Body.(string)), &body); err != nil {
		t.Fatal(err)
	}
	edit(body["data"].(map[string]any))
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	a.Body = string(raw)
}

// TestVerifyOldRecording: a recording made before panelsim kept exchange times and requests
// still loads (its requests rebuilt from the rules' matches) and replays; without the
// recording's clock gap the build has not finished when the server is read again, and
// verify says so.
func TestVerifyOldRecording(t *testing.T) {
	s := recordBilling(t)
	sc := loadScenario(t, s.file())
	for i := range sc.Rules {
		sc.Rules[i].Recorded = nil
	}
	old := filepath.Join(t.TempDir(), "old.yaml")
	saveScenario(t, sc, old)
	res := replay(t, old)
	stale := map[int]string{5: "$.data.state", 6: "$.data[0].state"} // the server, and the user's list of servers
	for _, o := range res.Exchanges {
		if path, ok := stale[o.Index]; ok {
			found := false
			for _, d := range o.Differences {
				found = found || d == verify.Difference{Path: path, Recorded: `"complete"`, Simulator: `"queued"`}
			}
			if !found {
				t.Errorf("exchange %d: %v", o.Index, o.Differences)
			}
		} else if !o.Match() {
			t.Errorf("exchange %d: %v %s", o.Index, o.Differences, o.Error)
		}
	}
}
