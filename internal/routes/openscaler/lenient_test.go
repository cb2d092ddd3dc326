package openscaler_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// TestLeniencies: what OpenScaler (FastAPI) refuses and panelsim takes is named in a
// Panelsim-Warning header and the journal, and refused as OpenScaler would under --strict.
func TestLeniencies(t *testing.T) {
	lenient := newEnv(t)
	strict := newEnv(t, simtest.WithStrict())
	for _, e := range []*env{lenient, strict} {
		e.vm(vmBody("target"))
	}
	tests := []struct {
		name, method, path, ctype, body string
		status                          int    // the lenient answer's
		warning                         string // part of it
		strictStatus                    int
		strictBody                      string // part of it
	}{
		{"only, comma-separated", "GET", "/vms/1?only=state,disks", "", "", 200, `it refuses "state,disks" with 422 enum`,
			422, `"type":"enum","loc":["query","only",0],"msg":"Input should be 'basic', 'state', 'disks' or 'network'","input":"state,disks"`},
		{"only, empty", "GET", "/vms/1?only=", "", "", 200, `it refuses "" with 422 enum`,
			422, `"loc":["query","only",0],"msg":"Input should be 'basic', 'state', 'disks' or 'network'","input":""`},
		{"only[]", "GET", "/vms/1?only[]=disks", "", "", 200, "does not read only[]=",
			200, `"state":"running"`}, // ignored: every part
		{"a form body", "POST", "/projects", "application/x-www-form-urlencoded", "id=dz", 201, "it refuses a application/x-www-form-urlencoded body with 422 model_attributes_type",
			422, `{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"id=dz"}]}`},
		{`"" for an optional string`, "POST", "/vms/1/public_ports", "application/json", `{"port": 8080, "desc": ""}`, 200, "",
			200, `"public_port"`}, // pydantic takes it too: no leniency
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, e := range []*env{lenient, strict} {
				res := send(t, e, tt.method, tt.path, tt.ctype, tt.body)
				warnings := strings.Join(res.Header.Values("Panelsim-Warning"), " | ")
				if e == lenient {
					if res.StatusCode != tt.status || !strings.Contains(warnings, tt.warning) || (tt.warning == "") != (warnings == "") {
						t.Fatalf("lenient: %d, warnings %q", res.StatusCode, warnings)
					}
					continue
				}
				body, _ := io.ReadAll(res.Body)
				if res.StatusCode != tt.strictStatus || !strings.Contains(string(body), tt.strictBody) || warnings != "" {
					t.Fatalf("strict: %d %s, warnings %q", res.StatusCode, body, warnings)
				}
			}
		})
	}
	// The journal names the leniency.
	j := lenient.c.Control("GET", "/_sim/journal?path=/v1/projects", nil).Expect(t, 200)
	if l := j.String("entries", 0, "leniency"); !strings.Contains(l, "model_attributes_type") {
		t.Fatalf("journal %s", j.Body)
	}
}

// TestEmptyStringLeniency: "" where pydantic wants a number is read as not sent, with a
// warning; strict refuses it with pydantic's int_parsing.
func TestEmptyStringLeniency(t *testing.T) {
	for _, strict := range []bool{false, true} {
		var opts []simtest.Option
		if strict {
			opts = append(opts, simtest.WithStrict())
		}
		e := newEnv(t, opts...)
		s, refused := e.openCreate(e.c, vmBody("x", "vpc_id", ""))
		if strict {
			if s != nil || refused.Status != 422 || pyErrors(t, refused) != "int_parsing body.vpc_id: Input should be a valid integer, unable to parse string as an integer" {
				t.Fatalf("strict: %v", refused)
			}
			continue
		}
		if refused != nil {
			t.Fatalf("lenient: %v", refused)
		}
		if w := s.res.Header.Get("Panelsim-Warning"); w != `OpenScaler (pydantic) refuses "" for body.vpc_id with 422 int_parsing; panelsim read it as not sent` {
			t.Fatalf("warning %q", w)
		}
	}
}

// TestTrailingSlashLeniency: Starlette redirects a path with a trailing slash (307);
// panelsim serves it, with a warning, and redirects under --strict.
func TestTrailingSlashLeniency(t *testing.T) {
	for _, strict := range []bool{false, true} {
		opts := []simtest.Option{simtest.WithoutResponseChecks()}
		if strict {
			opts = append(opts, simtest.WithStrict())
		}
		e := newEnv(t, opts...)
		res := send(t, e, "GET", "/sizes/?x=1", "", "")
		switch {
		case !strict && (res.StatusCode != 200 || !strings.Contains(res.Header.Get("Panelsim-Warning"), "trailing slash")):
			t.Fatalf("lenient: %d %v", res.StatusCode, res.Header)
		case strict && (res.StatusCode != 307 || res.Header.Get("Location") != e.c.Base+"/sizes?x=1"):
			t.Fatalf("strict: %d %v", res.StatusCode, res.Header)
		}
	}
}

// send sends a request as it is, without following redirects.
func send(t *testing.T, e *env, method, path, ctype, body string) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, e.c.Base+path, rd)
	req.Header.Set("Authorization", "Bearer "+e.c.Token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}
