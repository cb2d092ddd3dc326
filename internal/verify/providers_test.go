package verify_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/e24cloud"
	"github.com/panelsim/panelsim/simtest"
)

// TestVerifyE24Cloud: an e24cloud session (signed requests: create a VM, read it while it
// installs and once installed, list the VMs) recorded through the proxy replays, signed
// again with the fresh simulator's key, with every exchange matching and the VM's UUID
// mapped.
func TestVerifyE24Cloud(t *testing.T) {
	s := newSession(t, "e24cloud")
	c := s.client()
	// The panel checks a signature made for its own host, so the module signs for it.
	panelHost := mustURL(t, s.panel.URL("e24cloud")).Host
	c.Sign = func(req *http.Request, body []byte) {
		signed := req.Clone(req.Context())
		signed.URL.Host = panelHost
		e24cloud.Sign(signed, body, simtest.DefaultToken, "panelsim-secret", time.Now())
		req.Header = signed.Header
	}
	create := map[string]any{"create_vm": map[string]any{"cpus": 2, "ram": 2048, "zone_id": "24e12e20-0851-5354-e2c3-04b16c4c9c45",
		"name": "web", "boot_type": "image", "os": "2528", "password": "Secret123!"}}
	// A VM made before the session: the panel's ids are not those a fresh simulator gives.
	earlier := s.panel.E24Client(simtest.DefaultToken, "panelsim-secret").Do("PUT", "/virtual-machines", create).Expect(t, 200).String("virtual_machine", "id")
	id := c.Do("PUT", "/virtual-machines", create).Expect(t, 200).String("virtual_machine", "id")
	if id == earlier {
		t.Fatal("two VMs with one id")
	}
	before := c.Do("GET", "/virtual-machines/"+id, nil).Expect(t, 200).String("virtual_machine", "state")
	s.advance(5 * time.Minute)
	after := c.Do("GET", "/virtual-machines/"+id, nil).Expect(t, 200).String("virtual_machine", "state")
	if before == after {
		t.Fatalf("the VM's state did not change while it installed: %s", before)
	}
	c.Do("GET", "/virtual-machines", nil).Expect(t, 200)
	if raw := string(must(t, s.file())); strings.Contains(raw, "Secret123!") {
		t.Fatal("the recording keeps the VM's password")
	}

	res := replay(t, s.file())
	expectAllMatch(t, res)
	if sent := res.Exchanges[1].Sent; sent == res.Exchanges[1].Path || !strings.HasPrefix(sent, "/v2/virtual-machines/") {
		t.Fatalf("the VM's id was not mapped: %s sent as %s", res.Exchanges[1].Path, sent)
	}
}

// TestVerifyOpenScalerStream: an OpenScaler VM created over its event stream (the clock
// moving while the stream is open) and read back replays with the stream's events and the
// VM matching.
func TestVerifyOpenScalerStream(t *testing.T) {
	s := newSession(t, "openscaler")
	c := s.client()
	body, _ := json.Marshal(map[string]any{"size": "b-1-2-50", "project_id": "default", "name": "web", "region": "alg1", "distro": "debian-13"})
	req, _ := http.NewRequest("POST", c.Base+"/vms", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+simtest.DefaultToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	ans, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer ans.Body.Close()
	if ct := ans.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("create answered %d %s", ans.StatusCode, ct)
	}
	sc := bufio.NewScanner(ans.Body)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "event: progress") {
	}
	s.advance(2 * time.Minute)
	last := ""
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "event:") {
			last = sc.Text()
		}
	}
	if last != "event: 200" {
		t.Fatalf("the stream ended with %q", last)
	}
	ans.Body.Close()
	if st := c.Do("GET", "/vms/1?only=state", nil).Expect(t, 200).String("state"); st != "running" {
		t.Fatalf("state %s", st)
	}
	c.Do("GET", "/vms/1", nil).Expect(t, 200)

	res := replay(t, s.file())
	expectAllMatch(t, res)
	if res.Exchanges[0].Exchange.Seconds < 60 {
		t.Fatalf("the recording says the stream took %gs", res.Exchanges[0].Exchange.Seconds)
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestVerifyTenantos: a Tenantos reinstallation (the root password scrubbed from the
// recording and replaced when replayed), followed until it completes, replays with every
// exchange matching.
func TestVerifyTenantos(t *testing.T) {
	s := newSession(t, "tenantos")
	c := s.client()
	c.Do("GET", "/servers/2", nil).Expect(t, 200)
	c.Do("POST", "/servers/2/provisioning/startReinstallation", map[string]any{"profileId": 1, "rootpassword": "Secret-Pass-1",
		"hostname": "web.example.com"}).Expect(t, 200)
	c.Do("GET", "/servers/2/provisioning/getInstallStatus", nil).Expect(t, 200)
	s.advance(time.Hour)
	if c.Do("GET", "/servers/2/provisioning/getInstallStatus", nil).Expect(t, 200).Int("result", "completed") != 1 {
		t.Fatal("the reinstallation did not complete")
	}
	c.Do("GET", "/servers/2", nil).Expect(t, 200)
	if raw := string(must(t, s.file())); strings.Contains(raw, "Secret-Pass-1") {
		t.Fatal("the recording keeps the root password")
	}
	expectAllMatch(t, replay(t, s.file()))
}

// Tenantos acting as one of its users (impersonateUserId) replays as that user, the user's
// id mapped to the simulator's.
func TestVerifyTenantosImpersonation(t *testing.T) {
	s := newSession(t, "tenantos")
	s.direct().Do("POST", "/users", map[string]any{"name": "Before", "username": "before", "password": "Secret-Pass-1", "email": "before@example.com"}).Expect(t, 200)
	c := s.client()
	id := c.Do("POST", "/users", map[string]any{"name": "Acting", "username": "acting", "password": "Secret-Pass-1", "email": "acting@example.com", "role_id": 3}).Expect(t, 200).Int("result", "id")
	as := fmt.Sprint(id)
	if got := c.Do("GET", "/user", nil, "impersonateUserId", as).Expect(t, 200).Int("id"); got != id {
		t.Fatalf("acting as %d, want %d", got, id)
	}
	denied := c.Do("GET", "/users/1", nil, "impersonateUserId", as).Status
	if denied == 200 {
		t.Fatal("an end user may read the administrator: pick another call")
	}
	if raw := string(must(t, s.file())); !strings.Contains(raw, "impersonateUserId: \""+as+"\"") {
		t.Fatalf("the recording lacks the header:\n%s", raw)
	}
	expectAllMatch(t, replay(t, s.file()))
}
