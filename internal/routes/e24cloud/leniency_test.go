package e24cloud_test

import (
	"strings"
	"testing"

	"github.com/panelsim/panelsim/simtest"
	"github.com/panelsim/panelsim/specs"
)

// TestLeniencies: what panelsim accepts that e24cloud does not document works with a
// Panelsim-Warning, and under --strict gets e24cloud's own error instead.
func TestLeniencies(t *testing.T) {
	vm := map[string]any{"create_vm": map[string]any{"cpus": 1, "ram": 1024, "zone_id": zonePoz, "name": "x", "os": tmplUbuntu}}
	cases := []struct {
		name         string
		method, path string
		body         any
		hdr          []string
		strictStatus int
		warning      string
	}{
		{"a JSON body without Content-Type", "PUT", "/virtual-machines", vm, []string{"Content-Type", ""}, 400, "Content-Type: application/json"},
		{"a JSON body sent as text/plain", "PUT", "/virtual-machines", vm, []string{"Content-Type", "text/plain"}, 400, `"text/plain"`},
		{"a JSON body sent as a form", "PUT", "/storage-volumes", map[string]any{"size": 5, "zone_id": zonePoz},
			[]string{"Content-Type", "application/x-www-form-urlencoded"}, 400, "application/json"},
		{"os as a number", "PUT", "/virtual-machines", map[string]any{"create_vm": map[string]any{"cpus": 1, "ram": 1024, "zone_id": zonePoz, "name": "x", "os": 2528}},
			nil, 400, "os as a string"},
		{"compute_zone_id for an address", "PUT", "/ipv4-addresses", map[string]any{"compute_zone_id": zonePoz}, nil, 400, "compute_zone_id"},
	}
	for _, strict := range []bool{false, true} {
		var opts []simtest.Option
		if strict {
			opts = append(opts, simtest.WithStrict())
		}
		e := newEnv(t, opts...)
		for _, tt := range cases {
			t.Run(map[bool]string{false: "", true: "strict/"}[strict]+tt.name, func(t *testing.T) {
				res := e.c.Do(tt.method, tt.path, tt.body, tt.hdr...)
				w := strings.Join(res.Header.Values("Panelsim-Warning"), " | ")
				if !strict {
					if res.Status != 200 || res.Get("success") != true || !strings.Contains(w, tt.warning) {
						t.Fatalf("status %d, warning %q: %v", res.Status, w, res)
					}
					return
				}
				if res.Status != tt.strictStatus || res.Get("success") != false || res.String("error") == "" || w != "" {
					t.Fatalf("strict: status %d, warning %q: %v", res.Status, w, res)
				}
			})
		}
	}
	// With a JSON content type nothing is a leniency, and a body that is not JSON still reads
	// as no fields.
	e := newEnv(t)
	res := e.c.Do("PUT", "/virtual-machines", vm).Expect(t, 200)
	if w := res.Header.Get("Panelsim-Warning"); w != "" {
		t.Fatalf("warning %q", w)
	}
	res = e.c.Do("PUT", "/virtual-machines", "cpus=1", "Content-Type", "text/plain").Expect(t, 400)
	if !strings.Contains(res.String("error"), "create vm") {
		t.Fatalf("a body that is not JSON: %v", res)
	}
}

// TestEveryBodyReadsAnyContentType: every operation that takes a body is marked
// x-panelsim-json-any-content-type, so that none answers "field required" to a JSON body
// sent as text/plain.
func TestEveryBodyReadsAnyContentType(t *testing.T) {
	doc, err := specs.Load("e24cloud")
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil {
				continue
			}
			if v, _ := op.Extensions["x-panelsim-json-any-content-type"].(bool); !v {
				t.Errorf("%s %s (%s) is not marked", method, path, op.OperationID)
			}
		}
	}
}
