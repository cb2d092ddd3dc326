package sim_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

// TestRecordAndReplay: a panelsim stands in for the real panel; a second one, recording,
// proxies a client's calls to it and writes them as a scenario; a third replays that
// scenario in front of its own state.
func TestRecordAndReplay(t *testing.T) {
	panel := simtest.New(t, simtest.WithTokens("rec"))
	dir := t.TempDir()
	proxy := simtest.New(t, simtest.WithOptions(func(o *sim.Options) {
		o.RecordUpstream = map[string]string{"virtfusion": panel.URL("virtfusion")}
		o.RecordDir = dir
	}))
	c := proxy.Client("virtfusion", "rec") // the token goes through to the panel
	direct := panel.Client("virtfusion", "rec")

	type call struct {
		method, path string
		body         any
	}
	calls := []call{
		{"POST", "/users", map[string]any{"name": "Rec", "email": "rec@example.com", "extRelationId": 5}},
		{"POST", "/servers", map[string]any{"packageId": 1, "userId": 2, "hypervisorId": 1}},
		{"POST", "/servers/1/build", map[string]any{"operatingSystemId": 1}},
		{"GET", "/servers/1", nil},
		{"ADVANCE", "", nil},
		{"GET", "/servers/1", nil},
		{"GET", "/servers/999", nil},
		{"DELETE", "/servers/1?delay=0", nil},
	}
	var recorded []*simtest.Response
	for _, cl := range calls {
		if cl.method == "ADVANCE" {
			direct.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": 600}).Expect(t, 200)
			continue
		}
		recorded = append(recorded, c.Do(cl.method, cl.path, cl.body))
	}
	if recorded[0].Status != 201 || recorded[2].Status != 200 || recorded[3].String("data", "state") != "queued" ||
		recorded[4].String("data", "state") != "complete" || recorded[5].Status != 404 || recorded[6].Status != 204 {
		t.Fatalf("proxied answers: %v", recorded)
	}
	if direct.Do("GET", "/users/5/byExtRelation", nil).Status != 200 {
		t.Fatal("the proxied create did not reach the panel")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "virtfusion-recorded.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	file := string(raw)
	if strings.Contains(file, recorded[0].String("data", "password")) || strings.Contains(file, recorded[2].String("data", "settings", "decryptedPassword")) ||
		!strings.Contains(file, "[scrubbed]") || strings.Contains(file, "Bearer") {
		t.Fatal("the recording keeps secrets")
	}

	replay := simtest.New(t)
	r := replay.Client("virtfusion", simtest.DefaultToken)
	r.Control("POST", "/_sim/scenarios", file).Expect(t, 201)
	r.Control("POST", "/_sim/scenarios/virtfusion/recorded/activate", nil).Expect(t, 200)
	i := 0
	for _, cl := range calls {
		if cl.method == "ADVANCE" {
			continue
		}
		res := r.Do(cl.method, cl.path, cl.body)
		if res.Status != recorded[i].Status {
			t.Fatalf("replay of %s %s: %d, recorded %d", cl.method, cl.path, res.Status, recorded[i].Status)
		}
		if i == 3 && res.String("data", "state") != "queued" || i == 4 && res.String("data", "state") != "complete" {
			t.Fatalf("replay %d out of order: %v", i, res.String("data", "state"))
		}
		i++
	}
	// What was not recorded goes to the simulator's own state.
	res := r.Do("GET", "/compute/hypervisors/groups", nil).Expect(t, 200)
	if res.Int("total") != 2 {
		t.Fatalf("unrecorded request: %v", res)
	}
	list := r.Control("GET", "/_sim/scenarios", nil)
	if list.Int("active", 0, "rules", 0, "fired") != 1 {
		t.Fatalf("replay counters: %v", list.Get("active"))
	}
}
