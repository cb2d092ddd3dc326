package sim_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// TestReusedAnswersOfEveryProvider drives two simulators through the same changes, one
// keeping answers for reuse and one keeping none, and compares the kept reads of e24cloud,
// OpenScaler and Tenantos byte for byte after each (VirtFusion has a test of its own), read
// twice in the first so that the second answer comes from what was kept.
func TestReusedAnswersOfEveryProvider(t *testing.T) {
	type step struct {
		name   string
		method string
		path   string
		body   any
		hdr    []string
	}
	for _, tc := range []struct {
		provider string
		reads    []string
		hdr      []string // sent with every read (whom Tenantos acts as)
		steps    []step
	}{
		{"e24cloud", []string{"/virtual-machines", "/virtual-machines/", "/storage-volumes", "/regions", "/ipv4-addresses"}, nil, []step{
			{"vm", "PUT", "/virtual-machines", map[string]any{"create_vm": map[string]any{"cpus": 1, "ram": 1024,
				"zone_id": "24e12e20-0851-5354-e2c3-04b16c4c9c45", "name": "a", "os": "2528"}}, nil},
			{"volume", "PUT", "/storage-volumes", map[string]any{"label": "v", "size": 10, "type": "ssd",
				"zone_id": "24e12e20-0851-5354-e2c3-04b16c4c9c45", "shared_disk": false}, nil},
		}},
		{"openscaler", []string{"/projects", "/vms?project_id=default", "/vms?project_id=dz", "/sizes"}, nil, []step{
			{"project", "POST", "/projects", map[string]any{"id": "dz"}, nil},
		}},
		{"tenantos", []string{"/servers", "/servers/1", "/servers/7"}, []string{"impersonateUserId", "3"}, []step{
			{"server", "POST", "/servers", map[string]any{"hostname": "new.example.com", "servername": "server-100",
				"os": "Debian 12", "servertype": "dedicated", "user_id": "3"}, nil},
			{"rename", "PUT", "/servers/7", map[string]any{"servername": "server-101"}, nil},
		}},
	} {
		t.Run(tc.provider, func(t *testing.T) {
			kept, fresh := simtest.New(t), simtest.New(t, simtest.WithoutAnswerReuse())
			client := func(s *simtest.Sim) *simtest.Client {
				if tc.provider == "e24cloud" {
					return s.E24Client(simtest.DefaultToken, "panelsim-secret")
				}
				return s.Client(tc.provider, simtest.DefaultToken)
			}
			kc, fc := client(kept), client(fresh)
			compare := func(when string) {
				t.Helper()
				for _, path := range tc.reads {
					for _, hdr := range [][]string{nil, tc.hdr} {
						a, b := kc.Do("GET", path, nil, hdr...), fc.Do("GET", path, nil, hdr...)
						again := kc.Do("GET", path, nil, hdr...)
						b.Body = bytes.ReplaceAll(b.Body, []byte(fc.Root), []byte(kc.Root))
						if a.Status != b.Status || !bytes.Equal(a.Body, b.Body) || !bytes.Equal(again.Body, b.Body) {
							t.Fatalf("%s: GET %s %v differs:\nkept:  %d %.400s\nagain: %.400s\nfresh: %d %.400s", when, path, hdr, a.Status, a.Body, again.Body, b.Status, b.Body)
						}
					}
				}
			}
			compare("start")
			for _, s := range tc.steps {
				for _, c := range []*simtest.Client{kc, fc} {
					if res := c.Do(s.method, s.path, s.body, s.hdr...); res.Status >= 300 {
						t.Fatalf("%s: %d %s", s.name, res.Status, res.Body)
					}
				}
				compare(s.name)
				kept.Advance(simtest.DefaultToken, time.Hour)
				fresh.Advance(simtest.DefaultToken, time.Hour)
				compare(s.name + ", an hour on")
			}
		})
	}
}
