package agents_test

import (
	"fmt"
	"testing"

	"github.com/panelsim/panelsim/internal/routes/tenantos/agents"
	"github.com/panelsim/panelsim/simtest"
)

// operations are the group's operations with what each needs beyond the documented example
// in the default world (agent 1, serving every server of the fixtures; ISO 1).
var operations = map[string]func(e *env, paths map[string]string, body map[string]any){
	"listRemoteAgents":  nil,
	"createRemoteAgent": nil,
	"getRemoteAgent":    nil,
	"updateRemoteAgent": nil,
	"deleteRemoteAgent": func(e *env, paths map[string]string, _ map[string]any) {
		paths["id"] = fmt.Sprint(e.newAgent("Spare", "spare.example.net", "10.50.0.1")) // agent 1 is in use
	},
	"getRemoteAgentAssignments":   nil,
	"testRemoteAgentConnectivity": nil,
	"reprovisionRemoteAgent":      nil,
	"listIpmiKvmIsos":             nil,
	"createIpmiKvmIso":            nil,
	"getIpmiKvmIso":               nil,
	"deleteIpmiKvmIso":            nil,
}

// TestConformance sends every operation of the group its documented example request (with
// the world's ids) in a fresh world and expects the documented success status; simtest
// checks every answer against specs/tenantos.yaml. Operations of other groups are skipped.
func TestConformance(t *testing.T) {
	e := newEnv(t)
	api := e.c.Base
	mine := agents.Routes(nil)
	if len(mine) != len(operations) || len(mine) != 12 {
		t.Fatalf("%d operations routed, %d in the table (want 12)", len(mine), len(operations))
	}
	seen := 0
	simtest.Conformance(t, "tenantos", func(t *testing.T, c *simtest.Case) {
		prepare, ok := operations[c.Operation]
		if !ok {
			t.Skip("not an operation of the agents group")
		}
		seen++
		e.t = t
		e.c.Base = api
		e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
		paths := map[string]string{"id": "1", "agentId": "1"}
		if prepare != nil {
			prepare(e, paths, c.Body)
		}
		e.c.Base = e.c.Root // the document's paths start with /api
		c.Send(t, e.c, c.URL(t, paths), c.Body, c.Status)
	})
	if seen != len(operations) {
		t.Fatalf("%d operations sent, want %d", seen, len(operations))
	}
}
