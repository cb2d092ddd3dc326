package network_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// env is a simulator with the default world and an administrator's client.
type env struct {
	t *testing.T
	s *simtest.Sim
	c *simtest.Client
}

func newEnv(t *testing.T) *env {
	s := simtest.New(t)
	return &env{t: t, s: s, c: s.Client("tenantos", simtest.DefaultToken)}
}

// as sends a request as user (the impersonateUserId header).
func (e *env) as(user int, method, path string, body any) *simtest.Response {
	e.t.Helper()
	return e.c.Do(method, path, body, "impersonateUserId", fmt.Sprint(user))
}

// strs collects the field of every element of the result list.
func strs(res *simtest.Response, field string) []string {
	var out []string
	list, _ := res.Get("result").([]any)
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			s, _ := m[field].(string)
			out = append(out, s)
		}
	}
	return out
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// free lists the free IPs of a subnet (listFreeIps).
func (e *env) free(subnet int) []string {
	e.t.Helper()
	return strs(e.c.Do("GET", fmt.Sprintf("/subnets/%d/listFreeIps", subnet), nil).Expect(e.t, 200), "ip")
}

// assigned lists the IPs of a server (listIpAssignments).
func (e *env) assigned(server int) []string {
	e.t.Helper()
	return strs(e.c.Do("GET", fmt.Sprintf("/servers/%d/ipassignments", server), nil).Expect(e.t, 200), "ip")
}

// primary is the server's primary IP according to its assignments ("" when none).
func (e *env) primary(server int) string {
	e.t.Helper()
	res := e.c.Do("GET", fmt.Sprintf("/servers/%d/ipassignments", server), nil).Expect(e.t, 200)
	p := ""
	for i := range res.Len("result") {
		if res.Int("result", i, "primary_ip") == 1 {
			if p != "" {
				e.t.Fatalf("server %d has two primary IPs: %v", server, res)
			}
			p = res.String("result", i, "ip")
		}
	}
	return p
}

// assign gives ips of subnet to server and expects status want.
func (e *env) assign(server, subnet int, want int, ips ...string) *simtest.Response {
	e.t.Helper()
	return e.c.Do("POST", fmt.Sprintf("/servers/%d/ipassignments", server), map[string]any{"subnets_id": subnet, "ips": ips}).Expect(e.t, want)
}

// unassign takes ip off server as the VLAN module does (DELETE …/ipassignments/0 {ip}).
func (e *env) unassign(server int, ip string, want int) *simtest.Response {
	e.t.Helper()
	return e.c.Do("DELETE", fmt.Sprintf("/servers/%d/ipassignments/0", server), map[string]any{"ip": ip}).Expect(e.t, want)
}

// usage is a subnet's usageStatistics; it fails unless they add up.
func (e *env) usage(subnet int) (free, reserved, used, total int64) {
	e.t.Helper()
	res := e.c.Do("GET", fmt.Sprintf("/subnets/%d", subnet), nil).Expect(e.t, 200)
	u := func(k string) int64 { return res.Int("result", "usageStatistics", k) }
	free, reserved, used, total = u("free"), u("reserved"), u("used"), u("totalIps")
	if free+reserved+used != total {
		e.t.Fatalf("subnet %d: usage does not add up: %v", subnet, res.Get("result", "usageStatistics"))
	}
	return
}

// field is the first validation message of a 422 for field.
func field(res *simtest.Response, name string) string {
	errs, _ := res.Get("errors").(map[string]any)
	msgs, _ := errs[name].([]any)
	if len(msgs) == 0 {
		return ""
	}
	s, _ := msgs[0].(string)
	return s
}

// expect422 fails unless res is a 422 naming field.
func expect422(t *testing.T, res *simtest.Response, name string) {
	t.Helper()
	res.Expect(t, 422)
	if field(res, name) == "" {
		t.Fatalf("422 without an error on %s: %v", name, res)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
