package e24cloud_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// FuzzSignedRequests: whatever the (correctly signed) method, path, content type and body,
// e24cloud answers in its own shape and never with a 5xx. `go test` runs the seeds;
// `go test -fuzz FuzzSignedRequests` explores.
func FuzzSignedRequests(f *testing.F) {
	seeds := []struct{ method, path, body string }{
		{"PUT", "/virtual-machines", `{"create_vm":{"cpus":2,"ram":2048,"zone_id":"24e12e20-0851-5354-e2c3-04b16c4c9c45","name":"a","os":"2528"}}`},
		{"PUT", "/virtual-machines", `{"create_vm":{"cpus":"x","ram":[],"zone_id":{},"name":1,"os":null,"key_id":{"a":1}}}`},
		{"PUT", "/virtual-machines", `{"create_vm":[]}`},
		{"POST", "/virtual-machines/nope/resize", `{"cores":1e99,"ram":-1}`},
		{"DELETE", "/virtual-machines/x", `{"deleteResources":"2"}`},
		{"PUT", "/storage-volumes", `{"size":"big","zone_id":5}`},
		{"POST", "/ipv4-addresses/x/attach", `{"virtual_machine_id":null}`},
		{"PUT", "/account/sshkey", `{"name":"k","method":"generate"}`},
		{"GET", "/regions?x[]=1", `"kek"`},
		{"PUT", "/vxlans", `{"zone_id":["24e12e20-0851-5354-e2c3-04b16c4c9c45"],"label":{}}`},
		{"POST", "/groups/x/group-add-rule", `{"direction":"IN","protocol":"TCP","min_port":"1e9","icmp_type":{"a":1}}`},
		{"POST", "/groups/x/group-attach-resource", `{"id":12}`},
		{"PUT", "/recovery-points", `{"storage_volume_id":null}`},
		{"GET", "/accounts?limit=-1&offset=1e99", ``},
		{"PUT", "/accounts", `{"email":"@","first_name":"","password":1}`},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body)
	}
	sim := simtest.New(f)
	c := sim.Client("e24cloud", "panelsim")
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n#%") || len(body) > 1<<16 {
			return
		}
		switch method {
		case "GET", "POST", "PUT", "DELETE":
		default:
			return
		}
		req, err := http.NewRequest(method, c.Base+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		simtest.SignE24(req, []byte(body), "panelsim", "panelsim-secret", time.Now())
		res, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		res.Body.Close()
		if res.StatusCode >= 500 && res.StatusCode != 503 {
			t.Fatalf("%s %s %q: status %d", method, path, body, res.StatusCode)
		}
	})
}
