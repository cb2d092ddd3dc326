package control_test

import (
	"net"
	"net/http"
	"testing"

	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

// TestWorldsGatheredFromPeers: an instance with --peers lists its own worlds and each
// reachable peer's, every world named with its instance; a peer that cannot be reached is
// listed with its error, itself among its peers is skipped, and ?local=true lists the
// instance's own worlds only.
func TestWorldsGatheredFromPeers(t *testing.T) {
	const admin = "admin-secret"
	named := func(name string, peers ...string) simtest.Option {
		return simtest.WithOptions(func(o *sim.Options) { o.InstanceName, o.Peers = name, peers })
	}
	b := simtest.New(t, simtest.WithAnyToken(), simtest.WithAdminToken(admin), named("panelsim-b"))
	dead := "http://127.0.0.1:1"
	// The peers list every instance, this one included (as a StatefulSet's shared setting
	// would): it recognises itself by name and lists its worlds once.
	self := "http://" + selfAddr(t)
	a := simtest.New(t, simtest.WithAnyToken(), simtest.WithAdminToken(admin), named("panelsim-a", self, b.URL("virtfusion"), dead),
		simtest.WithOptions(func(o *sim.Options) { o.Listen["tenantos"] = self[len("http://"):] }))
	a.Client("virtfusion", "token-on-a").Do("GET", "/connect", nil).Expect(t, 200)
	vf := b.Client("virtfusion", "token-on-b")
	user := vf.Do("POST", "/users", map[string]any{"name": "Peer", "email": "peer@example.com"}).Expect(t, 201).Int("data", "id")
	vf.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": user, "hypervisorId": 1}).Expect(t, 201)

	res := a.Client("tenantos", admin).Control("GET", "/_sim/worlds", nil).Expect(t, 200)
	if got := res.Header.Get(sim.InstanceHeader); got != "panelsim-a" {
		t.Errorf("%s: %q", sim.InstanceHeader, got)
	}
	where := map[string]string{}
	for i := range res.Len("worlds") {
		where[res.String("worlds", i, "token")] = res.String("worlds", i, "instance")
	}
	want := map[string]string{"token-on-a": "panelsim-a", "token-on-b": "panelsim-b", simtest.DefaultToken: ""}
	for token, instance := range want {
		if _, ok := where[token]; !ok || (instance != "" && where[token] != instance) {
			t.Errorf("world of %s: instance %q (listed: %v), want %q", token, where[token], where, instance)
		}
	}
	if res.Len("worlds") != 4 { // each instance has the default token's world and one more
		t.Errorf("%d worlds, want 4: %v", res.Len("worlds"), res)
	}
	for i := range res.Len("worlds") {
		if res.String("worlds", i, "token") == "token-on-b" && res.Int("worlds", i, "counts", "virtfusion", "servers") < 1 {
			t.Errorf("the peer's world lost its counts: %v", res.Get("worlds", i))
		}
	}
	if res.Len("peers") != 2 || res.String("peers", 0, "instance") != "panelsim-b" || res.Int("peers", 0, "worlds") != 2 ||
		res.String("peers", 0, "error") != "" || res.String("peers", 1, "url") != dead || res.String("peers", 1, "error") == "" {
		t.Errorf("peers: %v", res.Get("peers"))
	}

	local := a.Client("virtfusion", admin).Control("GET", "/_sim/worlds?local=true", nil).Expect(t, 200)
	if local.Len("worlds") != 2 || local.Get("peers") != nil {
		t.Errorf("local worlds: %v", local)
	}
	// A peer refusing the token is an error of that peer, not of the call.
	if b.Client("virtfusion", "not-admin").Control("GET", "/_sim/worlds", nil).Status != http.StatusForbidden {
		t.Error("the peer answered a wrong admin token")
	}
}

// selfAddr is a free loopback address (for a listener whose URL must be known before start).
func selfAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
