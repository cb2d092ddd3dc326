package virtfusion_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/simtest"
)

// leniencies are the requests VirtFusion's own documents do not allow and panelsim takes
// anyway, because a known client sends them (DESIGN.md rule 4: where sources disagree on a
// field name, accept both): each is named in a Panelsim-Warning header and in the journal, and
// refused under --strict with the error the panel gives.
var leniencies = []struct {
	name         string
	method, path string
	body         any
	status       int
	warning      string // a piece of the Panelsim-Warning header
	refusal      string // the 422 under --strict
}{
	{"rules for rulesets (PHP and Python SDKs)", "POST", "/servers/%d/firewall/primary/rules", map[string]any{"rules": []int{1}}, 201,
		"rules (the PHP and Python SDKs' spelling)", `{"errors":["The rulesets field is required."]}`},
	{"cpuCores for cores (WHMCS-EZ)", "PUT", "/servers/%d/modify/cpuCores", map[string]any{"cpuCores": 2}, 201,
		"cpuCores (WHMCS-EZ's spelling)", `{"errors":["The cores field is required."]}`},
	{"vnc for action (WHMCS-EZ)", "POST", "/servers/%d/vnc", map[string]any{"vnc": true}, 200,
		`{"vnc":true|false} (WHMCS-EZ's body)`, `{"errors":["The action field is required."]}`},
	{"reset password without user (WHMCS-EZ)", "POST", "/servers/%d/resetPassword", nil, 200,
		"panelsim takes root when it is left out", `{"errors":["The user field is required."]}`},
	{"ipv4 addresses without interface (Blesta)", "POST", "/servers/%d/ipv4", map[string]any{"ip": []string{"198.51.100.200"}}, 204,
		"panelsim takes primary when it is left out", `{"errors":["The interface field is required."]}`},
	{"ipv4 removal without interface (Blesta)", "DELETE", "/servers/%d/ipv4", map[string]any{"ip": []string{"198.51.100.10"}}, 204,
		"panelsim takes primary when it is left out", `{"errors":["The interface field is required."]}`},
	{"period= for period[]= (hourly statistics)", "GET", "/selfService/hourlyStats/byUserExtRelationId/1?period=2025-01-05", nil, 200,
		"a plain period= is a string to PHP", `{"errors":["The period field must be an array."]}`},
	{"period= for period[]= (usage)", "GET", "/selfService/usage/byUserExtRelationId/1?period=2025-01-05&range=w", nil, 200,
		"a plain period= is a string to PHP", `{"errors":["The period field must be an array."]}`},
}

// leniencyWorld is a customer (ext 1) with a built server whose first address is
// 198.51.100.10.
func leniencyWorld(t *testing.T, opts ...simtest.Option) (*env, int64) {
	e := newEnv(t, opts...)
	srv := e.built(e.user(1))
	if got := e.getServer(srv).String("data", "network", "interfaces", 0, "ipv4", 0, "address"); got != "198.51.100.10" {
		t.Fatalf("the server's address is %s", got)
	}
	return e, srv
}

// TestLeniencyWarned: each leniency works, says so in a Panelsim-Warning header and in the
// journal; a request that needs none carries no warning.
func TestLeniencyWarned(t *testing.T) {
	for _, tt := range leniencies {
		t.Run(tt.name, func(t *testing.T) {
			e, srv := leniencyWorld(t)
			path := tt.path
			if strings.Contains(path, "%d") {
				path = fmt.Sprintf(path, srv)
			}
			res := e.c.Do(tt.method, path, tt.body).Expect(t, tt.status)
			warning := strings.Join(res.Header.Values(provider.WarningHeader), "; ")
			if !strings.Contains(warning, tt.warning) || !strings.HasPrefix(warning, "VirtFusion") {
				t.Fatalf("warning %q does not name the leniency (%q)", warning, tt.warning)
			}
			j := e.c.Control("GET", "/_sim/journal", nil).Expect(t, 200)
			if got := j.String("entries", j.Len("entries")-1, "leniency"); got != warning {
				t.Fatalf("journal leniency %q, want %q", got, warning)
			}
		})
	}
	e, srv := leniencyWorld(t)
	for _, ok := range []struct {
		method, path string
		body         any
	}{
		{"POST", sp(srv, "/firewall/primary/rules"), map[string]any{"rulesets": []int{1}, "rules": []int{2}}},
		{"PUT", sp(srv, "/modify/cpuCores"), map[string]any{"cores": 1}},
		{"POST", sp(srv, "/vnc"), map[string]any{"action": "disable", "vnc": true}},
		{"POST", sp(srv, "/ipv4"), map[string]any{"interface": "primary", "ip": []string{"198.51.100.201"}}},
		{"GET", "/selfService/hourlyStats/byUserExtRelationId/1?period[]=2025-01-05", nil},
	} {
		res := e.c.Do(ok.method, ok.path, ok.body)
		if res.Status >= 300 || len(res.Header.Values(provider.WarningHeader)) > 0 {
			t.Errorf("%s %s: %d, warnings %v", ok.method, ok.path, res.Status, res.Header.Values(provider.WarningHeader))
		}
	}
}

// TestLeniencyStrict: under --strict each leniency is refused as the panel refuses it, and the
// refused request changes nothing.
func TestLeniencyStrict(t *testing.T) {
	for _, tt := range leniencies {
		t.Run(tt.name, func(t *testing.T) {
			e, srv := leniencyWorld(t, simtest.WithStrict())
			path := tt.path
			if strings.Contains(path, "%d") {
				path = fmt.Sprintf(path, srv)
			}
			before := e.getServer(srv).Body
			res := e.c.Do(tt.method, path, tt.body).Expect(t, 422)
			if string(res.Body) != tt.refusal {
				t.Fatalf("strict answer %s, want %s", res.Body, tt.refusal)
			}
			if len(res.Header.Values(provider.WarningHeader)) > 0 {
				t.Fatalf("a refused leniency was warned about: %v", res.Header.Values(provider.WarningHeader))
			}
			if after := e.getServer(srv).Body; string(after) != string(before) {
				t.Fatalf("a refused request changed the server")
			}
		})
	}
}
