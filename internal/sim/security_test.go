package sim_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

// e24Secret is the fixtures' default e24cloud secret.
const e24Secret = "panelsim-secret"

// TestCredentialsUnpredictable: the credentials a client can use differ between two
// simulators started from the same fixtures, and between two worlds of one simulator: an
// e24cloud API key and secret, a VirtFusion user's password, a server's VNC password and a
// login token. Nothing comes from the fixtures' seed.
func TestCredentialsUnpredictable(t *testing.T) {
	type creds struct{ key, secret, password, token string }
	grab := func(s *simtest.Sim, token string) creds {
		e24 := s.E24Client(token, e24Secret)
		k := e24.Do("PUT", "/account/api", nil).Expect(t, 200)
		vf := s.Client("virtfusion", token)
		u := vf.Do("POST", "/users", map[string]any{"name": "A", "email": "a@example.com", "extRelationId": 5}).Expect(t, 201)
		lt := vf.Do("POST", "/users/5/authenticationTokens", nil).Expect(t, 200, 201)
		return creds{k.String("api", "api_key"), k.String("api", "secret_key"), u.String("data", "password"), lt.String("data", "authentication", "tokens", "1")}
	}
	a := simtest.New(t, simtest.WithTokens("second"))
	b := simtest.New(t, simtest.WithTokens("second"))
	seen := map[string]string{}
	for _, c := range []struct {
		name  string
		creds creds
	}{
		{"first instance, second world", grab(a, "second")},
		{"second instance, second world", grab(b, "second")},
		{"second instance, default world", grab(b, simtest.DefaultToken)},
	} {
		for what, v := range map[string]string{"api key": c.creds.key, "secret": c.creds.secret, "password": c.creds.password, "login token": c.creds.token} {
			if len(v) < 8 {
				t.Fatalf("%s: %s %q is too short to be a credential", c.name, what, v)
			}
			if other, ok := seen[v]; ok {
				t.Fatalf("%s: %s %q repeats the one of %s", c.name, what, v, other)
			}
			seen[v] = c.name + " " + what
		}
	}
}

// TestBadlySignedKeyMakesNoWorld: under --any-token an unknown e24cloud key makes a world only
// once its request is signed with the secret the world would give it; unsigned or badly
// signed requests are refused and leave nothing behind, even after a restart.
func TestBadlySignedKeyMakesNoWorld(t *testing.T) {
	s := simtest.New(t, simtest.WithAnyToken())
	before := s.Simulator().WorldCount()
	for i, c := range []*simtest.Client{
		s.Client("e24cloud", "made-up-key"),                    // no signature at all
		s.E24Client("made-up-key", "wrong-secret"),             // the wrong secret
		s.E24Client("made-up-key-"+strings.Repeat("x", 3), ""), // an empty one
	} {
		if i == 0 {
			c.Do("GET", "/account", nil, "Authorization", "made-up-key:bm90LWEtc2lnbmF0dXJl").Expect(t, 401)
			continue
		}
		c.Do("GET", "/account", nil).Expect(t, 401)
	}
	if n := s.Simulator().WorldCount(); n != before {
		t.Fatalf("%d worlds after refused requests, %d before", n, before)
	}
	s.Restart()
	if n := s.Simulator().WorldCount(); n != before {
		t.Fatalf("%d worlds after a restart, %d before", n, before)
	}
	s.E24Client("made-up-key", e24Secret).Do("GET", "/account", nil).Expect(t, 200)
	if n := s.Simulator().WorldCount(); n != before+1 {
		t.Fatalf("a well signed new key made %d worlds, want %d", n, before+1)
	}
}

// TestKeyCreationSurvivesTokenSquatting: under --any-token, tokens other clients used first
// (on any provider) never make another world's API key creation fail.
func TestKeyCreationSurvivesTokenSquatting(t *testing.T) {
	s := simtest.New(t, simtest.WithAnyToken())
	for i := 0; i < 20; i++ {
		s.Client("virtfusion", "squatter-"+string(rune('a'+i))).Do("GET", "/connect", nil).Expect(t, 200)
	}
	e24 := s.E24Client("victim", e24Secret)
	for i := 0; i < 5; i++ {
		e24.Do("PUT", "/account/api", nil).Expect(t, 200)
	}
	if n := e24.Do("GET", "/account", nil).Expect(t, 200).Len("account", "api"); n != 6 {
		t.Fatalf("account lists %d keys, want 6", n)
	}
}

// TestAdminTokenFromOtherProvidersKeyRefused: a key made through e24cloud cannot list worlds
// or reset its world through the control API of any listener.
func TestCreatedKeyIsNoControlToken(t *testing.T) {
	s := simtest.New(t)
	res := s.E24Client(simtest.DefaultToken, e24Secret).Do("PUT", "/account/api", nil).Expect(t, 200)
	key := res.String("api", "api_key")
	for _, p := range []string{"virtfusion", "e24cloud", "openscaler"} {
		c := s.Client(p, key)
		for _, call := range []struct{ method, path string }{{"GET", "/_sim/clock"}, {"POST", "/_sim/reset"}, {"GET", "/_sim/journal"}} {
			if got := c.Control(call.method, call.path, nil); got.Status != http.StatusUnauthorized {
				t.Fatalf("%s %s %s with a created e24cloud key: %v", p, call.method, call.path, got)
			}
		}
	}
}

// TestWorldTTL: a world made under --any-token and unused for the TTL goes, with its
// tokens; the default world stays; the same token later gets a fresh world.
func TestWorldTTL(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	wall := func() time.Time { return now }
	s := simtest.New(t, simtest.WithAnyToken(), simtest.WithOptions(func(o *sim.Options) {
		o.WorldTTL, o.Wall = time.Hour, wall
	}))
	vf := s.Client("virtfusion", "ci-job-1")
	vf.Do("POST", "/users", map[string]any{"name": "A", "email": "a@example.com", "extRelationId": 9}).Expect(t, 201)
	before := s.Simulator().WorldCount()
	now = now.Add(30 * time.Minute)
	s.Client("virtfusion", simtest.DefaultToken).Do("GET", "/connect", nil).Expect(t, 200)
	if n, err := s.Simulator().SweepWorlds(); err != nil || n != 0 {
		t.Fatalf("swept %d worlds used 30 min ago: %v", n, err)
	}
	now = now.Add(2 * time.Hour)
	if n, err := s.Simulator().SweepWorlds(); err != nil || n != 1 {
		t.Fatalf("swept %d worlds, want the one unused for 2.5 h: %v", n, err)
	}
	if n := s.Simulator().WorldCount(); n != before-1 {
		t.Fatalf("%d worlds after the sweep, want %d", n, before-1)
	}
	s.Client("virtfusion", simtest.DefaultToken).Do("GET", "/connect", nil).Expect(t, 200)
	vf.Do("GET", "/users/9/byExtRelation", nil).Expect(t, 404) // a fresh world: the user is gone
	s.Restart()
	s.Client("virtfusion", "ci-job-1").Do("GET", "/users/9/byExtRelation", nil).Expect(t, 404)
}
