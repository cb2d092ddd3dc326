package virtfusion_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"
)

var updateQueueGolden = flag.Bool("update-queue-golden", false, "write testdata/queue-golden.json from what the simulator answers")

// TestQueueItemsByteForByte: every queue item of a world that went through builds (with a key,
// VNC and a host name; with a root password; one read halfway), power actions, a rebuild
// carrying pending actions out and a build that fails answers GET /queue/{id} with exactly
// the bytes kept in testdata/queue-golden.json. How a queue item's action data is kept may
// change; what the panel's clients read may not.
func TestQueueItemsByteForByte(t *testing.T) {
	e := newEnv(t)
	got := map[string]string{}
	read := func(label string, id int64) {
		t.Helper()
		res := e.c.Do("GET", fmt.Sprintf("/queue/%d", id), nil).Expect(t, 200)
		got[label] = string(res.Body)
	}

	alice := e.user(1)
	key := e.c.Do("POST", "/ssh_keys", map[string]any{"userId": alice, "name": "laptop",
		"publicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb0k1Eq9zN3vB6mP2xYf8QhT5rUwLcJ7dK4sA0eR1nV alice@laptop"}).Expect(t, 201).Int("data", "id")
	withKey := e.server(alice, pkgM, groupDefault)
	e.c.Do("POST", sp(withKey, "/build"), map[string]any{"operatingSystemId": tmplDebian12, "name": "web", "hostname": "web.example.com",
		"sshKeys": []int64{key}, "vnc": true, "ipv6": true, "timezone": "Europe/London"}).Expect(t, 200)
	e.advance(50 * time.Second)
	read("build with a key, halfway", lastQueue(e, withKey))
	e.advance(buildSeconds * time.Second)
	read("build with a key", lastQueue(e, withKey))

	bob := e.user(2)
	plain := e.server(bob, pkgS, groupLondon)
	e.c.Do("POST", sp(plain, "/build"), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
	e.advance(buildSeconds * time.Second)
	read("build with a password", lastQueue(e, plain))
	for _, action := range []string{"shutdown", "boot", "restart", "poweroff"} {
		e.c.Do("POST", sp(plain, "/power/"+action), nil).Expect(t, 200)
		e.advance(time.Minute)
		read("power "+action, lastQueue(e, plain))
	}

	e.c.Do("PUT", sp(plain, "/modify/memory"), map[string]any{"memory": 2048}).Expect(t, 201)
	e.c.Do("POST", sp(plain, "/build"), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
	e.advance(buildSeconds * time.Second)
	read("rebuild with a pending action", lastQueue(e, plain))

	e.c.Activate(t, "virtfusion/build-fails")
	e.c.Do("POST", sp(plain, "/build"), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
	e.advance(buildSeconds * time.Second)
	read("failed build", lastQueue(e, plain))

	const file = "testdata/queue-golden.json"
	if *updateQueueGolden {
		out, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]string
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(got) {
		t.Errorf("%d queue items read, %d kept", len(got), len(want))
	}
	for label, w := range want {
		if got[label] != w {
			t.Errorf("%s:\n got %s\nwant %s", label, got[label], w)
		}
	}
}
