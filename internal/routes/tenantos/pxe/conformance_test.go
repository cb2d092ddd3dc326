package pxe_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// operations are the group's operations with what each needs beyond the documented example
// in a fresh world (ids default to 1: the fixtures' Debian 12 profile, first layout and
// script).
var operations = map[string]func(e *env, paths map[string]string, body map[string]any){
	"listPxeProfiles":      nil,
	"createPxeProfile":     nil,
	"getPxeProfile":        nil,
	"updatePxeProfile":     nil,
	"deletePxeProfile":     func(_ *env, paths map[string]string, _ map[string]any) { paths["id"] = "3" },
	"clearPxeProfileCache": nil,
	"restorePxeProfile": func(e *env, paths map[string]string, _ map[string]any) {
		e.do("DELETE", "/pxe/profiles/2", nil).Expect(e.t, 200)
		paths["pxeProfileId"] = "2"
	},
	"listPxeTags":          nil,
	"getPxeProfilesByTags": func(_ *env, _ map[string]string, body map[string]any) { body["tags"] = []any{"linux"} },
	"listDiskLayouts":      nil,
	"createDiskLayout":     nil,
	"getDiskLayout":        nil,
	"updateDiskLayout":     nil,
	"deleteDiskLayout": func(e *env, paths map[string]string, _ map[string]any) {
		paths["id"] = fmt.Sprint(e.create("/pxe/disklayouts", map[string]any{"tags": []string{"linux"}, "name": "Spare"}))
	},
	"duplicateDiskLayout": nil,
	"listPxeScripts":      nil,
	"createPxeScript":     nil,
	"getPxeScript":        nil,
	"updatePxeScript":     nil,
	"deletePxeScript": func(e *env, paths map[string]string, _ map[string]any) {
		paths["id"] = fmt.Sprint(e.create("/pxe/scripts", map[string]any{"tags": []string{"linux"}, "name": "Spare", "script": "true"}))
	},
	"duplicatePxeProfile":   nil,
	"duplicatePxeScript":    nil,
	"getWindowsInformation": nil,
	"importWindows":         nil,
}

// TestConformance sends every operation of the group its documented example request (with
// the world's ids) in a fresh world and expects the documented success status; simtest
// checks every answer against specs/tenantos.yaml.
func TestConformance(t *testing.T) {
	e := newEnv(t)
	seen := 0
	simtest.Conformance(t, "tenantos", func(t *testing.T, c *simtest.Case) {
		prep, ours := operations[c.Operation]
		if !ours {
			t.Skip("not an operation of the pxe group")
		}
		seen++
		e.t = t
		e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
		paths := map[string]string{"id": "1", "pxeProfileId": "1", "pxeDisklayoutId": "1", "pxeScriptId": "1"}
		if prep != nil {
			prep(e, paths, c.Body)
		}
		c.Send(t, e.c, strings.TrimPrefix(c.URL(t, paths), "/api"), c.Body, c.Status)
	})
	e.t = t
	if seen != len(operations) || len(operations) != 24 {
		t.Fatalf("%d operations tried, %d in the table (want 24)", seen, len(operations))
	}
}
