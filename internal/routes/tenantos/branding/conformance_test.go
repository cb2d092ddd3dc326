package branding_test

import (
	"fmt"
	"testing"

	"github.com/panelsim/panelsim/internal/routes/tenantos/branding"
	"github.com/panelsim/panelsim/simtest"
)

// withBrand adds a brand with logos and points the path values at it.
func withBrand(e *env, paths map[string]string, _ map[string]any) {
	id := e.do("POST", "/system/brands", map[string]any{"domain": "brand.example.com"}).Expect(e.t, 200).Int("result", "id")
	body, hdr := simtest.Multipart(e.t, nil, simtest.FilePart("lightlogo", "l.png", "image/png", png), simtest.FilePart("darklogo", "d.png", "image/png", png),
		simtest.FilePart("favicon", "f.gif", "image/gif", gif))
	e.do("POST", fmt.Sprintf("/system/brands/%d/logos/store", id), body, hdr...).Expect(e.t, 200)
	paths["id"], paths["brand"] = fmt.Sprint(id), fmt.Sprint(id)
}

// operations are the group's operations with what each needs beyond the documented example
// in the default world.
var operations = map[string]func(e *env, paths map[string]string, body map[string]any){
	"listBrands":  withBrand,
	"createBrand": nil,
	"getBrand":    withBrand,
	"updateBrand": func(e *env, paths map[string]string, body map[string]any) {
		withBrand(e, paths, body)
		body["user_id"] = 3 // the example's user 14 does not exist
		body["availableLanguages"] = []any{map[string]any{"languageName": "Español", "languageCode": "es"}}
	},
	"deleteBrand":      withBrand,
	"uploadBrandLogos": withBrand,
	"deleteBrandLogos": withBrand,
}

// TestConformance sends every operation of the group its documented example request (with
// the world's ids) in a fresh world and expects the documented success status; simtest
// checks every answer against specs/tenantos.yaml. Operations of other groups are skipped.
func TestConformance(t *testing.T) {
	e := newEnv(t)
	api := e.c.Base
	mine := branding.Routes(nil)
	if len(mine) != len(operations) || len(mine) != 7 {
		t.Fatalf("%d operations routed, %d in the table (want 7)", len(mine), len(operations))
	}
	seen := 0
	simtest.Conformance(t, "tenantos", func(t *testing.T, c *simtest.Case) {
		prepare, ok := operations[c.Operation]
		if !ok {
			t.Skip("not an operation of the branding group")
		}
		seen++
		e.t = t
		e.c.Base = api
		e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
		paths := map[string]string{}
		if prepare != nil {
			prepare(e, paths, c.Body)
		}
		e.c.Base = e.c.Root // the document's paths start with /api
		c.Send(t, e.c, c.URL(t, paths), c.Body, c.Status)
	})
	if seen != len(operations) {
		t.Fatalf("%d operations sent, want %d", seen, len(operations))
	}
}
