package openscaler_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// FuzzRequests: whatever the body, content type and path, the simulator answers without a
// 5xx. `go test` runs the seeds; `go test -fuzz FuzzRequests` explores. A creation that
// streams is cut after its first bytes (the manual clock never finishes it).
func FuzzRequests(f *testing.F) {
	seeds := []struct{ method, path, ctype, body string }{
		{"POST", "/vms", "application/json", `{"size":"b-1-2-50","project_id":"default","name":"x","region":"alg1","distro":"debian-13"}`},
		{"POST", "/vms", "application/json", `{"size":["x"],"project_id":{},"name":1e400,"region":null,"distro":true,"vcpus":"1.5"}`},
		{"POST", "/vms", "application/json", `{"project_id":"default","name":"x","region":"alg1","distro":"debian-13","vcpus":-1,"memoryMB":0,"storageGB":"x"}`},
		{"POST", "/vms", "application/json", `{"attached_disks":[null,{"sizeGB":"big"},[]],"ssh_keys":[1,null,"99999999999999999999"]}`},
		{"POST", "/vms/1/actions", "application/json", `{"type":["start"]}`},
		{"POST", "/vms/99999999999999999999999/actions", "application/json", `{"type":"start"}`},
		{"GET", "/vms/1?only=state,,network&only[]=x", "", ""},
		{"GET", "/vms?project_id[]=default", "", ""},
		{"POST", "/projects", "application/x-www-form-urlencoded", "id=%zz"},
		{"POST", "/ssh_keys", "application/json", `{"name":"k","public_key":"ssh-rsa ` + strings.Repeat("A", 5000) + `"}`},
		{"DELETE", "/vpcs/1", "", "[]"},
		{"GET", "/vpcs/-1", "", ""},
		{"POST", "/vms", "", `{"name": "x", "vcpus": NaN, "memoryMB": Infinity}`},
		{"POST", "/vms", "text/plain", `{"name": "\ud800"}`},
		{"POST", "/vms/1/public_ports", "application/json", `{"port": [80], "desc": {"a": 1e400}}`},
		{"DELETE", "/vms/1/public_ports", "application/json", `{"port": "22 "}`},
		{"POST", "/vms/1/console", "application/json", `[]`},
		{"POST", "/lbs", "application/json", `{"name":"l","project_id":"default","region":"alg1","vpc_id":1,"size":"small","visibility":"public"}`},
		{"POST", "/lbs/1/backends", "application/json", `{"name":"b","mode":"http","balancing_method":"first","port":"x","servers":{"type":"computer","computer_ids":[null,1,"abc"]},"options":{"health_check":{"type":"http","port":"y"},"sticky_session":"on"}}`},
		{"PUT", "/lbs/1/frontends/f", "application/json", `{"name":"f","mode":"http","binds":[{"port":443,"ssl":"yes","ssl_certificate":""}],"backends":[{"backend":"b","test":"t","cond":"x"}]}`},
		{"POST", "/lbs/1/certificates", "application/json", `{"name":"c","cert_type":"upload","cert_content":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"}`},
		{"DELETE", "/lbs/1/public_ports", "", `{"port": 80}`},
		{"GET", "/lbs/1/certificates/%00", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.ctype, s.body)
	}
	sim := simtest.New(f)
	c := sim.Client("openscaler", simtest.DefaultToken)
	f.Fuzz(func(t *testing.T, method, path, ctype, body string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n#") || len(body) > 1<<16 || !printable(ctype) {
			return // requests no client can send
		}
		switch method {
		case "GET", "POST", "PUT", "DELETE", "PATCH":
		default:
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, method, c.Base+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+simtest.DefaultToken)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		res.Body.Close() // a stream is cut here
		if res.StatusCode >= 500 {
			t.Fatalf("%s %s (%s) %q: status %d", method, path, ctype, body, res.StatusCode)
		}
	})
}

func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return false
		}
	}
	return true
}
