package verify

import (
	"net/http"
	"net/url"
	"reflect"
	"testing"
)

func TestCompareAnswer(t *testing.T) {
	rec := Exchange{Status: 200, ResponseType: "application/json", Response: []byte(`{"data":{
		"id": 812, "uuid": "0b7c5a3e-1111-4c2e-9d3b-8d0f3f0a1b2c", "state": "complete", "name": "Panel name",
		"created": "2025-01-20T12:00:00Z", "ip": "203.0.113.5", "mac": "00:11:22:33:44:55", "password": "[scrubbed]",
		"suspended": false, "cores": 2, "tags": ["a", "b"], "disks": [{"size": 20, "type": "ssd"}],
		"old": {"x": 1}, "gone": 1}}`)}
	got := []byte(`{"data":{
		"id": 1, "uuid": "5d9e2f11-2222-4c2e-9d3b-8d0f3f0a1b2c", "state": "queued", "name": "Simulated",
		"created": "2026-03-01T09:00:00Z", "ip": "198.51.100.7", "mac": "02:00:00:00:00:01", "password": "hunter2-Secret",
		"suspended": true, "cores": "2", "tags": ["c"], "disks": [{"size": 25, "type": "hdd", "bus": "virtio"}, {"size": 1, "type": "ssd"}],
		"renamed": {"x": 2}, "extra": "x"}}`)
	h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	diffs := compareAnswer(rec, 201, h, got)
	want := []Difference{
		{Path: "status", Recorded: "200", Simulator: "201"},
		{Path: "$.data.cores", Recorded: "2 (number)", Simulator: `"2" (string)`},
		{Path: "$.data.disks[0].bus", Recorded: absent, Simulator: `"virtio"`}, // lists of other lengths: shapes only
		{Path: "$.data.state", Recorded: `"complete"`, Simulator: `"queued"`},
		{Path: "$.data.suspended", Recorded: "false", Simulator: "true"},
		{Path: "$.data.gone", Recorded: "1", Simulator: absent},
		{Path: "$.data.old", Recorded: `field "old"`, Simulator: `field "renamed"`},
		{Path: "$.data.extra", Recorded: absent, Simulator: `"x"`},
	}
	if !reflect.DeepEqual(diffs, want) {
		t.Fatalf("differences:\n%v\nwant\n%v", diffs, want)
	}
	// The same answer matches; a body that is not JSON, or a media type that is not the
	// recorded one, does not.
	if d := compareAnswer(rec, 200, h, rec.Response); len(d) != 0 {
		t.Fatalf("an answer differs from itself: %v", d)
	}
	d := compareAnswer(rec, 200, http.Header{"Content-Type": {"text/html"}}, []byte("<html>"))
	if len(d) != 2 || d[0].Path != "Content-Type" || d[1].Path != "body" {
		t.Fatalf("HTML for JSON: %v", d)
	}
}

func TestCompareEvents(t *testing.T) {
	rec := []byte("event: progress\ndata: {\"percent\": 0, \"step\": \"image\"}\n\nevent: progress\ndata: {\"percent\": 50, \"step\": \"boot\"}\n\nevent: 200\ndata: {\"id\": 4, \"state\": \"running\"}\n\n")
	same := []byte("event: progress\ndata: {\"percent\": 0, \"step\": \"image\"}\n\nevent: 200\ndata: {\"id\": 1, \"state\": \"running\"}\n\n")
	if d := compareEvents(rec, same); len(d) != 0 {
		t.Fatalf("fewer progress events differ: %v", d)
	}
	failed := []byte("event: progress\ndata: {\"percent\": 0, \"step\": \"image\"}\n\nevent: 500\ndata: {\"detail\": \"no\"}\n\n")
	if d := compareEvents(rec, failed); len(d) != 1 || d[0].Path != "events" || d[0].Recorded != `"progress 200"` || d[0].Simulator != `"progress 500"` {
		t.Fatalf("a failed stream: %v", d)
	}
}

func TestIDMap(t *testing.T) {
	m := newIDMap()
	rec, _ := decodeJSON([]byte(`{"data":{"id":812,"userId":77,"hypervisor":{"id":5},"uuid":"0b7c5a3e-1111-4c2e-9d3b-8d0f3f0a1b2c"}}`))
	got, _ := decodeJSON([]byte(`{"data":{"id":1,"userId":2,"hypervisor":{"id":1},"uuid":"5d9e2f11-2222-4c2e-9d3b-8d0f3f0a1b2c"}}`))
	m.learnAnswer(pathKind("/api/v1/servers/812/build"), "", rec, got)
	for in, want := range map[string]string{
		"/api/v1/servers/812":                            "/api/v1/servers/1",
		"/api/v1/servers/user/77":                        "/api/v1/servers/user/2",
		"/api/v1/compute/hypervisors/5":                  "/api/v1/compute/hypervisors/1",
		"/api/v1/packages/812":                           "/api/v1/packages/812", // another kind's 812
		"/v2/vms/0b7c5a3e-1111-4c2e-9d3b-8d0f3f0a1b2c/x": "/v2/vms/5d9e2f11-2222-4c2e-9d3b-8d0f3f0a1b2c/x",
	} {
		if got := m.rewritePath(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
	body := m.rewriteBody("application/json", []byte(`{"serverId":812,"userId":77,"cpu":812,"password":"[scrubbed]","hypervisorIds":[5]}`))
	if string(body) != `{"cpu":812,"hypervisorIds":[1],"password":"`+placeholderSecret+`","serverId":1,"userId":2}` {
		t.Fatalf("body %s", body)
	}
	if q := m.rewriteQuery("serverId=812&token=%5Bscrubbed%5D"); q != "serverId=1&token="+urlEscape(placeholderSecret) {
		t.Fatalf("query %s", q)
	}
	// A list of bare ids named after their kind: SSH keys made in the session.
	key, _ := decodeJSON([]byte(`{"data":{"id":31}}`))
	simKey, _ := decodeJSON([]byte(`{"data":{"id":2}}`))
	m.learnAnswer(pathKind("/api/v1/ssh_keys"), "", key, simKey)
	if body := m.rewriteBody("application/json", []byte(`{"operatingSystemId":31,"sshKeys":[31,40]}`)); string(body) != `{"operatingSystemId":31,"sshKeys":[2,40]}` {
		t.Fatalf("bare ids: %s", body)
	}
}
func urlEscape(s string) string { return url.QueryEscape(s) }

// Numbers that are states or flags are compared; quantities, ids and counts are not.
func TestCompareFlagNumbers(t *testing.T) {
	rec := Exchange{Status: 200, ResponseType: "application/json", Response: []byte(
		`{"result":{"completed":1,"commissioned":3,"isActive":0,"cores":2,"total":5,"userId":4,"progress":40,"memory":1024}}`)}
	got := []byte(`{"result":{"completed":0,"commissioned":3,"isActive":1,"cores":4,"total":6,"userId":1,"progress":100,"memory":2048}}`)
	diffs := compareAnswer(rec, 200, http.Header{"Content-Type": {"application/json"}}, got)
	var paths []string
	for _, d := range diffs {
		paths = append(paths, d.Path)
	}
	if want := []string{"$.result.completed", "$.result.isActive"}; !reflect.DeepEqual(paths, want) {
		t.Fatalf("differences at %v, want %v (%v)", paths, want, diffs)
	}
}
