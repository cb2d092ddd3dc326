package sim_test

import (
	"net/http"
	"os"
	"testing"

	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

// TestInstanceHeaderOnEveryAnswer: the API, the control API, /metrics and errors (unknown
// token, unknown path, a refused control call) all name the instance; without a name it is
// the host's.
func TestInstanceHeaderOnEveryAnswer(t *testing.T) {
	s := simtest.New(t, simtest.WithOptions(func(o *sim.Options) { o.InstanceName = "panelsim-7" }))
	get := func(url string, hdr ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	for _, provider := range []string{"virtfusion", "tenantos", "e24cloud", "openscaler"} {
		root := s.URL(provider)
		for _, c := range []struct {
			url    string
			hdr    []string
			status int
		}{
			{root + "/_sim/health", nil, 200},
			{root + "/_sim/clock", []string{"X-Panelsim-Token", simtest.DefaultToken}, 200},
			{root + "/_sim/clock", nil, 401},
			{root + "/_sim/worlds", nil, 403},
			{root + "/metrics", nil, 200},
			{root + "/no/such/path", nil, 404},
		} {
			res := get(c.url, c.hdr...)
			if res.StatusCode != c.status || res.Header.Get(sim.InstanceHeader) != "panelsim-7" {
				t.Errorf("%s: %d %s=%q, want %d panelsim-7", c.url, res.StatusCode, sim.InstanceHeader, res.Header.Get(sim.InstanceHeader), c.status)
			}
		}
	}
	api := s.Client("virtfusion", simtest.DefaultToken).Do("GET", "/connect", nil).Expect(t, 200)
	if api.Header.Get(sim.InstanceHeader) != "panelsim-7" {
		t.Errorf("API answer: %v", api.Header)
	}
	if bad := s.Client("virtfusion", "unknown-token").Do("GET", "/connect", nil); bad.Status != 401 || bad.Header.Get(sim.InstanceHeader) != "panelsim-7" {
		t.Errorf("unknown token: %d %v", bad.Status, bad.Header)
	}
	if got := s.Simulator().InstanceName(); got != "panelsim-7" {
		t.Errorf("InstanceName() = %q", got)
	}
}

// TestInstanceNameDefaultsToHost: with no --instance-name, the header holds the host's name.
func TestInstanceNameDefaultsToHost(t *testing.T) {
	s := simtest.New(t)
	res := s.Client("virtfusion", simtest.DefaultToken).Do("GET", "/connect", nil).Expect(t, 200)
	host, _ := os.Hostname()
	if got := res.Header.Get(sim.InstanceHeader); got == "" || got != host {
		t.Errorf("%s = %q, want the host name %q", sim.InstanceHeader, got, host)
	}
}
