package control_test

import (
	"bytes"
	"testing"

	"github.com/panelsim/panelsim/simtest"
	"github.com/panelsim/panelsim/specs"
)

// TestDocumentsServed: every listener serves every embedded OpenAPI document byte for byte,
// without a token, under /_sim and under the API's base path; other names are 404 in the
// control API's error shape.
func TestDocumentsServed(t *testing.T) {
	s := simtest.New(t)
	names := specs.Documents()
	if len(names) < 5 {
		t.Fatalf("documents %v", names)
	}
	type place struct{ provider, prefix string }
	places := []place{{"virtfusion", "/api/v1/_sim"}}
	for _, p := range s.Simulator().Providers() {
		places = append(places, place{p, "/_sim"})
	}
	for _, pl := range places {
		c := s.Client(pl.provider, "")
		for _, name := range names {
			want, err := specs.Raw(name)
			if err != nil {
				t.Fatal(err)
			}
			res := c.Control("GET", pl.prefix+"/specs/"+name+".yaml", nil).Expect(t, 200)
			if !bytes.Equal(res.Body, want) {
				t.Errorf("%s %s/specs/%s.yaml: %d bytes, not the embedded %d", pl.provider, pl.prefix, name, len(res.Body), len(want))
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/yaml" {
				t.Errorf("%s %s/specs/%s.yaml: content type %q", pl.provider, pl.prefix, name, ct)
			}
		}
		for _, bad := range []string{"nope.yaml", "virtfusion", "virtfusion.json", "runtime%2Fvirtfusion.yaml", "..%2Fvirtfusion.yaml", ".yaml"} {
			res := c.Control("GET", pl.prefix+"/specs/"+bad, nil).Expect(t, 404)
			if res.String("error") == "" {
				t.Errorf("%s %s/specs/%s: 404 without the control API's error body: %s", pl.provider, pl.prefix, bad, res.Body)
			}
		}
	}
	// A token changes nothing.
	c := s.Client("tenantos", simtest.DefaultToken)
	want, _ := specs.Raw("tenantos")
	if res := c.Control("GET", "/_sim/specs/tenantos.yaml", nil).Expect(t, 200); !bytes.Equal(res.Body, want) {
		t.Error("with a token: not the embedded document")
	}
}
