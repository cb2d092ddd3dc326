package agents_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// advance moves the world's clock.
func (e *env) advance(d time.Duration) {
	e.t.Helper()
	e.s.Advance(simtest.DefaultToken, d)
}

// status is an agent's installStatus.
func (e *env) status(id int64) int64 {
	e.t.Helper()
	return e.do("GET", fmt.Sprintf("/remoteAgents/%d", id), nil).Expect(e.t, 200).Int("result", "installStatus")
}

// agentLog lists the descriptions of the agents' activity log (of agent id, or all when 0),
// newest first.
func (e *env) agentLog(id int64) []string {
	e.t.Helper()
	path := "/activitylog/agents"
	if id != 0 {
		path += fmt.Sprintf("/%d", id)
	}
	res := e.do("GET", path, nil).Expect(e.t, 200)
	var out []string
	for i := range res.Len("result") {
		if id != 0 && (res.String("result", i, "relationId") != fmt.Sprint(id) || res.Int("result", i, "agentId") != id) {
			e.t.Fatalf("entry of another agent in agent %d's log: %v", id, res.Get("result", i))
		}
		out = append(out, res.String("result", i, "description"))
	}
	return out
}

func hasEntry(log []string, prefix string) bool {
	for _, d := range log {
		if strings.HasPrefix(d, prefix) {
			return true
		}
	}
	return false
}

// newAgent creates an agent at ip and returns its id.
func (e *env) newAgent(name, host, ip string) int64 {
	e.t.Helper()
	return e.do("POST", "/remoteAgents", map[string]any{"name": name, "hostname": host, "ip": ip, "sshport": 22,
		"password": "Secret-Pass-1"}).Expect(e.t, 200).Int("result", "id")
}

// TestAgentLifecycle: an agent is created (its installation runs on the clock: installStatus 0
// until it is done, then 1), read back, changed and deleted (then 404); every change is in
// the agent's activity log; bad input is a 422 naming the field and writes nothing.
func TestAgentLifecycle(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/remoteAgents", map[string]any{"name": "Agent AMS1", "hostname": "agent-ams.example.net", "ip": "203.0.113.60",
		"sshport": "2222", "password": "Secret-Pass-1"}).Expect(t, 200)
	id := res.Int("result", "id")
	if id != 2 || res.Int("result", "installStatus") != 0 || res.Int("result", "sshport") != 2222 || res.String("result", "ip") != "203.0.113.60" {
		t.Fatalf("created: %v", res)
	}
	e.do("POST", fmt.Sprintf("/remoteAgents/%d/actions/testConnectivity", id), map[string]any{}).Expect(t, 409)
	e.advance(30 * time.Second)
	if s := e.status(id); s != 0 {
		t.Fatalf("installStatus %d after 30 s, want 0 (still installing)", s)
	}
	e.advance(70 * time.Second)
	if s := e.status(id); s != 1 {
		t.Fatalf("installStatus %d after 100 s, want 1", s)
	}
	if r := e.do("POST", fmt.Sprintf("/remoteAgents/%d/actions/testConnectivity", id), map[string]any{"useCache": true}).Expect(t, 200); r.String("result") != "ok" {
		t.Fatalf("connectivity: %v", r)
	}

	res = e.do("PUT", fmt.Sprintf("/remoteAgents/%d", id), map[string]any{"name": "Agent AMS2", "sshport": 22}).Expect(t, 200)
	if res.String("result", "name") != "Agent AMS2" || res.Int("result", "sshport") != 22 || res.String("result", "hostname") != "agent-ams.example.net" {
		t.Fatalf("updated: %v", res)
	}
	list := e.do("GET", "/remoteAgents", nil).Expect(t, 200)
	if list.Len("result") != 2 || list.String("result", 1, "name") != "Agent AMS2" || list.Int("result", 0, "installStatus") != 1 {
		t.Fatalf("list: %v", list)
	}

	// Bad input: nothing is written.
	expect422(t, e.do("POST", "/remoteAgents", map[string]any{"name": "x", "hostname": "h.example", "ip": "300.1.1.1", "sshport": 22, "password": "p"}), "ip")
	expect422(t, e.do("POST", "/remoteAgents", map[string]any{"name": "x", "hostname": "bad host", "ip": "10.0.0.9", "sshport": 22, "password": "p"}), "hostname")
	expect422(t, e.do("POST", "/remoteAgents", map[string]any{"name": "x", "hostname": "h.example", "ip": "10.0.0.9", "sshport": 70000, "password": "p"}), "sshport")
	expect422(t, e.do("POST", "/remoteAgents", map[string]any{"name": "x", "hostname": "h.example", "ip": "10.0.0.9", "sshport": 22}), "password")
	expect422(t, e.do("POST", "/remoteAgents", map[string]any{"name": "x", "hostname": "h.example", "ip": "198.51.100.5", "sshport": 22, "password": "p"}), "ip")
	expect422(t, e.do("PUT", fmt.Sprintf("/remoteAgents/%d", id), map[string]any{"ip": "198.51.100.5"}), "ip")
	if n := e.do("GET", "/remoteAgents", nil).Expect(t, 200).Len("result"); n != 2 {
		t.Fatalf("%d agents after refused creates, want 2", n)
	}

	e.do("DELETE", fmt.Sprintf("/remoteAgents/%d", id), nil).Expect(t, 200)
	e.do("GET", fmt.Sprintf("/remoteAgents/%d", id), nil).Expect(t, 404)
	e.do("DELETE", fmt.Sprintf("/remoteAgents/%d", id), nil).Expect(t, 404)

	// The agents' log has the whole story (the agent is gone, so the log of all agents).
	log := e.agentLog(0)
	for _, want := range []string{"Created remote agent Agent AMS1", "Remote agent Agent AMS1 installed", "Updated remote agent Agent AMS2",
		"Deleted remote agent Agent AMS2"} {
		if !hasEntry(log, want) {
			t.Fatalf("agents' log lacks %q: %v", want, log)
		}
	}
}

// TestAgentActivityLog: the entries of one agent are listed by /api/activitylog/agents/{id},
// with its id and name, and only its entries.
func TestAgentActivityLog(t *testing.T) {
	e := newEnv(t)
	a := e.newAgent("Agent A", "a.example.net", "10.20.0.1")
	b := e.newAgent("Agent B", "b.example.net", "10.20.0.2")
	e.do("PUT", fmt.Sprintf("/remoteAgents/%d", a), map[string]any{"hostname": "a2.example.net"}).Expect(t, 200)
	e.advance(2 * time.Minute)
	logA := e.agentLog(a)
	if len(logA) != 3 || logA[0] != "Remote agent Agent A installed on a2.example.net (10.20.0.1)" ||
		logA[1] != "Updated remote agent Agent A" || logA[2] != "Created remote agent Agent A" {
		t.Fatalf("agent %d's log: %v", a, logA)
	}
	res := e.do("GET", fmt.Sprintf("/activitylog/agents/%d/1", b), nil).Expect(t, 200)
	if res.Len("result") != 1 || res.String("result", 0, "agentName") != "Agent B" || res.String("result", 0, "visibleFor") != "admin" {
		t.Fatalf("agent %d's newest entry: %v", b, res)
	}
	// The password of the create never reaches the log.
	all := e.do("GET", "/activitylog/agents", nil).Expect(t, 200)
	if strings.Contains(string(all.Body), "Secret-Pass-1") {
		t.Fatalf("the agents' log shows a password: %s", all.Body)
	}
	e.as(2, "GET", fmt.Sprintf("/activitylog/agents/%d", a), nil).Expect(t, 403)
}

// TestAgentAssignments: an agent's assignments are the servers reached through it and the
// subnets offered only to its servers; an agent still assigned may not be deleted (409), and
// may be once nothing uses it.
func TestAgentAssignments(t *testing.T) {
	e := newEnv(t)
	res := e.do("GET", "/remoteAgents/1/actions/getAssignments", nil).Expect(t, 200)
	servers := map[int64]bool{}
	for i := range res.Len("result") {
		if res.String("result", i, "rootType") == "Server" {
			servers[res.Int("result", i, "deviceId")] = true
		}
	}
	if len(servers) != 6 {
		t.Fatalf("agent 1 serves %d servers of the fixtures, want 6: %v", len(servers), res)
	}
	if d := e.do("DELETE", "/remoteAgents/1", nil).Expect(t, 409); !strings.Contains(d.String("result"), "6 servers") {
		t.Fatalf("refusal: %v", d)
	}

	id := e.newAgent("Agent FRA2", "fra2.example.net", "10.30.0.1")
	if n := e.do("GET", fmt.Sprintf("/remoteAgents/%d/actions/getAssignments", id), nil).Expect(t, 200).Len("result"); n != 0 {
		t.Fatalf("a new agent has %d assignments", n)
	}
	// A subnet offered only to the agent's servers, and a server reached through it.
	e.do("PUT", "/subnets/2", map[string]any{"only_if_server_has_remote_agents": []int64{id}}).Expect(t, 200)
	srv := e.do("POST", "/servers", map[string]any{"hostname": "new.example.com", "servername": "server-100",
		"config": map[string]any{"agentId": id, "ipmi_ip": "10.30.1.100", "ipmi_user": "ADMIN", "ipmi_password": "Secret-Pass-1",
			"enable_pxe": true, "pxe_mac": "0c:c4:7a:00:00:01"}}).Expect(t, 200).Int("result", "id")
	res = e.do("GET", fmt.Sprintf("/remoteAgents/%d/actions/getAssignments", id), nil).Expect(t, 200)
	kinds := map[string]bool{}
	for i := range res.Len("result") {
		switch res.String("result", i, "rootType") {
		case "Server":
			if res.Int("result", i, "deviceId") != srv || res.String("result", i, "name") != "server-100" {
				t.Fatalf("assignment of another server: %v", res.Get("result", i))
			}
			kinds[res.String("result", i, "assignmentType")] = true
		case "Subnet":
			if res.Int("result", i, "deviceId") != 2 || res.String("result", i, "name") != "203.0.113.0/26" {
				t.Fatalf("subnet assignment: %v", res.Get("result", i))
			}
			kinds["subnet"] = true
		}
	}
	if !kinds["ipmi"] || !kinds["subnet"] {
		t.Fatalf("agent %d's assignments: %v", id, res)
	}
	e.do("DELETE", fmt.Sprintf("/remoteAgents/%d", id), nil).Expect(t, 409)
	e.do("GET", fmt.Sprintf("/remoteAgents/%d", id), nil).Expect(t, 200)

	// Once the server and the subnet's restriction are gone, the agent may go.
	e.do("DELETE", fmt.Sprintf("/servers/%d", srv), nil).Expect(t, 200)
	e.do("PUT", "/subnets/2", map[string]any{"only_if_server_has_remote_agents": []int64{}}).Expect(t, 200)
	if n := e.do("GET", fmt.Sprintf("/remoteAgents/%d/actions/getAssignments", id), nil).Expect(t, 200).Len("result"); n != 0 {
		t.Fatalf("%d assignments left", n)
	}
	e.do("DELETE", fmt.Sprintf("/remoteAgents/%d", id), nil).Expect(t, 200)
	e.do("GET", fmt.Sprintf("/remoteAgents/%d/actions/getAssignments", id), nil).Expect(t, 404)
}

// TestReprovisioning: reprovisioning reinstalls an agent on the clock; the password is needed
// for a host without the agent's key; a second one while the first runs is 409; a host the
// panel cannot reach fails the installation (installStatus 2), and the agent is unreachable
// until reprovisioned.
func TestReprovisioning(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{"name": "Frankfurt agent", "hostname": "agent-fra.example.net", "ip": "198.51.100.5", "sshport": 22}
	e.do("POST", "/remoteAgents/1/reprovisioning", body).Expect(t, 200) // its key is on its own host
	if s := e.status(1); s != 0 {
		t.Fatalf("installStatus %d while reprovisioning", s)
	}
	e.do("POST", "/remoteAgents/1/reprovisioning", body).Expect(t, 409)
	e.advance(2 * time.Minute)
	if s := e.status(1); s != 1 {
		t.Fatalf("installStatus %d after reprovisioning", s)
	}

	moved := map[string]any{"name": "Frankfurt agent 2", "hostname": "agent-fra2.example.net", "ip": "198.51.100.6", "sshport": 22}
	expect422(t, e.do("POST", "/remoteAgents/1/reprovisioning", moved), "password")
	if r := e.do("GET", "/remoteAgents/1", nil).Expect(t, 200); r.String("result", "ip") != "198.51.100.5" || r.Int("result", "installStatus") != 1 {
		t.Fatalf("changed by a refused reprovisioning: %v", r)
	}

	lost := map[string]any{"name": "Lost agent", "hostname": "agent.unreachable.invalid", "ip": "198.51.100.7", "sshport": 22, "password": "Secret-Pass-1"}
	e.do("POST", "/remoteAgents/1/reprovisioning", lost).Expect(t, 200)
	e.advance(2 * time.Minute)
	if s := e.status(1); s != 2 {
		t.Fatalf("installStatus %d on an unreachable host, want 2", s)
	}
	e.do("POST", "/remoteAgents/1/actions/testConnectivity", map[string]any{"useCache": false}).Expect(t, 409)
	if log := e.agentLog(1); !strings.HasPrefix(log[0], "Installation of remote agent Lost agent failed") {
		t.Fatalf("agent 1's log: %v", log)
	}

	// Back to its own host, where its key is: no password needed.
	e.do("POST", "/remoteAgents/1/reprovisioning", body).Expect(t, 200)
	e.advance(2 * time.Minute)
	if s := e.status(1); s != 1 {
		t.Fatalf("installStatus %d after moving back", s)
	}
	e.do("POST", "/remoteAgents/1/actions/testConnectivity", nil).Expect(t, 200)
	e.do("POST", "/remoteAgents/9/reprovisioning", body).Expect(t, 404)
}

// TestInstallAcrossRestart: an installation in progress goes on after the simulator restarts.
func TestInstallAcrossRestart(t *testing.T) {
	e := newEnv(t)
	id := e.newAgent("Agent WAW1", "waw1.example.net", "10.40.0.1")
	e.advance(20 * time.Second)
	e.s.Restart()
	e.c = e.s.Client("tenantos", simtest.DefaultToken)
	if s := e.status(id); s != 0 {
		t.Fatalf("installStatus %d after the restart, want 0", s)
	}
	e.advance(90 * time.Second)
	if s := e.status(id); s != 1 {
		t.Fatalf("installStatus %d, want 1", s)
	}
}

// TestAgentsAdminOnly: remote agents are the administrators' business.
func TestAgentsAdminOnly(t *testing.T) {
	e := newEnv(t)
	for _, user := range []int{2, 3} {
		e.as(user, "GET", "/remoteAgents", nil).Expect(t, 403)
		e.as(user, "GET", "/remoteAgents/1", nil).Expect(t, 403)
		e.as(user, "POST", "/remoteAgents", map[string]any{"name": "x", "hostname": "x.example", "ip": "10.9.9.9", "sshport": 22, "password": "p"}).Expect(t, 403)
		e.as(user, "DELETE", "/remoteAgents/1", nil).Expect(t, 403)
		e.as(user, "GET", "/remoteAgents/1/actions/getAssignments", nil).Expect(t, 403)
	}
	if n := e.do("GET", "/remoteAgents", nil).Expect(t, 200).Len("result"); n != 1 {
		t.Fatalf("%d agents", n)
	}
}
