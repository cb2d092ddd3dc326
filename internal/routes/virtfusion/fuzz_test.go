package virtfusion_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// FuzzRequests: whatever the body, content type and path, the simulator answers in
// VirtFusion's shape and never with a 5xx. `go test` runs the seeds; `go test -fuzz
// FuzzRequests` explores.
func FuzzRequests(f *testing.F) {
	seeds := []struct{ method, path, ctype, body string }{
		{"POST", "/servers", "application/json", `{"packageId":1,"userId":1,"hypervisorId":1}`},
		{"POST", "/servers", "application/json", `{"packageId":"1e400","userId":[],"hypervisorId":{"a":1}}`},
		{"POST", "/servers", "application/x-www-form-urlencoded", "packageId[]=1&userId=%zz"},
		{"POST", "/servers", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"packageId\"\r\n\r\n1\r\n--x--"},
		{"POST", "/servers/1/build", "application/json", `{"operatingSystemId":1,"sshKeys":[null,1.5,"x"],"swap":"big"}`},
		{"POST", "/users", "application/json", `{"name":"\u0000","email":"a@b","extRelationId":-9223372036854775808}`},
		{"GET", "/servers?results=abc&page=-1&type[]=x&hypervisorId=1&hypervisorId=x", "", ""},
		{"GET", "/servers/99999999999999999999999", "", ""},
		{"DELETE", "/servers/1?delay=1e9", "", "[]"},
		{"PUT", "/servers/1/modify/name", "application/json", `{"name":` + strings.Repeat("[", 5000) + `}`},
		{"GET", "/users/%2e%2e/byExtRelation?relStr=maybe", "", ""},
		{"POST", "/servers/1/power/boot", "text/plain", "\xff\xfe"},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.ctype, s.body)
	}
	sim := simtest.New(f)
	c := sim.Client("virtfusion", simtest.DefaultToken)
	c.Do("POST", "/users", map[string]any{"name": "A", "email": "a@example.com", "extRelationId": 1})
	f.Fuzz(func(t *testing.T, method, path, ctype, body string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n#") || len(body) > 1<<16 || !printable(ctype) {
			return // requests no client can send
		}
		switch method {
		case "GET", "POST", "PUT", "DELETE", "PATCH":
		default:
			return
		}
		req, err := http.NewRequest(method, c.Base+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+simtest.DefaultToken)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		res, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		res.Body.Close()
		if res.StatusCode >= 500 && res.StatusCode != 503 {
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
