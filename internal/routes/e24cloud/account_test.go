package e24cloud_test

import (
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

const accountID = "6f0c9d8e-2b4a-4c1e-9a51-3d2f8b7e1c40"

func TestGetAccount(t *testing.T) {
	e := newEnv(t)
	res := e.c.Do("GET", "/account", nil).Expect(t, 200)
	a := func(k ...any) any { return res.Get(append([]any{"account"}, k...)...) }
	if a("id") != accountID || a("name") != "panelsim Sp. z o.o." || a("email") != "admin@panelsim.test" || a("phone") != "+48 61 000 00 00" ||
		a("notification", "email") != true || a("notification", "phone") != false || res.Len("account", "api") != 1 ||
		a("api", 0, "api_key") != "panelsim" || a("api", 0, "secret_key") != defaultSecret || res.Len("account", "sshkeys") != 0 ||
		res.Len("account", "groups") != 0 || len(res.String("account", "e24files", "s3", "api_id")) != 20 ||
		len(res.String("account", "e24files", "swift", "secret_key")) != 40 || a("e24files", "s3", "api_id") == a("e24files", "swift", "api_id") {
		t.Fatalf("account: %v", res)
	}
}

func TestUpdateAccountData(t *testing.T) {
	e := newEnv(t)
	e.volume("data", 1, false)
	name := func() string { return e.c.Do("GET", "/account", nil).String("account", "name") }
	e.run([]call{
		{"empty body", "POST", "/account/data", "", 400, nil},
		{"unknown fields only", "POST", "/account/data", map[string]any{"firstName": "Jan"}, 400, nil},
		{"short password", "POST", "/account/data", map[string]any{"first_name": "Jan", "password": "short"}, 400, nil},
		{"bad phone", "POST", "/account/data", map[string]any{"last_name": "Kowalski", "phone": "call me"}, 400, nil},
		{"long first name", "POST", "/account/data", map[string]any{"first_name": strings.Repeat("x", 65)}, 400, func(t *testing.T, res *simtest.Response) {
			if n := name(); n != "panelsim Sp. z o.o." {
				t.Fatalf("a refused change renamed the account to %q", n)
			}
		}},
		{"every field", "POST", "/account/data", map[string]any{"first_name": "Jan", "last_name": "Kowalski", "phone": "+48 600 100 200", "password": "N3w-Passw0rd"}, 200, func(t *testing.T, res *simtest.Response) {
			acct := e.c.Do("GET", "/account", nil)
			if acct.String("account", "name") != "Jan Kowalski" || acct.String("account", "phone") != "+48 600 100 200" {
				t.Fatalf("account: %v", acct)
			}
			if o := e.c.Do("GET", "/storage-volumes", nil).String("storage_volumes", 0, "owner", "name"); o != "Jan Kowalski" {
				t.Fatalf("owner shows %q", o)
			}
		}},
		{"last name only", "POST", "/account/data", map[string]any{"last_name": "Nowak"}, 200, func(t *testing.T, res *simtest.Response) {
			if n := name(); n != "Jan Nowak" {
				t.Fatalf("name %q", n)
			}
		}},
		{"password only", "POST", "/account/data", map[string]any{"password": "another-one"}, 200, nil},
	})
}

// TestAPIKeys: a key made through the API signs requests into the same world (and survives a
// restart), for e24cloud only: it opens neither the control API nor the other providers. A
// rotated secret stops at once; a deleted key stops; the last key stays.
func TestAPIKeys(t *testing.T) {
	e := newEnv(t)
	vm := e.vm("mine")
	var key, secret string
	e.run([]call{
		{"create", "PUT", "/account/api", nil, 200, func(t *testing.T, res *simtest.Response) {
			key, secret = res.String("api", "api_key"), res.String("api", "secret_key")
			if len(key) != 20 || len(secret) != 40 || key == "panelsim" {
				t.Fatalf("new pair: %v", res)
			}
			if n := e.c.Do("GET", "/account", nil).Len("account", "api"); n != 2 {
				t.Fatalf("account lists %d keys", n)
			}
		}},
	})
	c2 := e.s.E24Client(key, secret)
	c2.Do("GET", "/virtual-machines/"+vm, nil).Expect(t, 200) // the same world
	c2.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": 120}).Expect(t, 401)
	c2.Control("POST", "/_sim/reset", nil).Expect(t, 401)
	e.s.Client("virtfusion", key).Do("GET", "/connect", nil).Expect(t, 401)
	e.s.Client("openscaler", key).Do("GET", "/vms", nil).Expect(t, 401)
	e.c.Control("POST", "/_sim/clock/advance", map[string]any{"seconds": 120}).Expect(t, 200)
	if st := e.state(vm); st != "online" {
		t.Fatalf("the new key's world is not the world of the key that made it: %s", st)
	}
	e.s.E24Client(key, defaultSecret).Do("GET", "/account", nil).Expect(t, 401)

	e.s.Restart()
	e.c = e.s.E24Client(simtest.DefaultToken, defaultSecret)
	c2 = e.s.E24Client(key, secret)
	c2.Do("GET", "/virtual-machines/"+vm, nil).Expect(t, 200)

	var rotated string
	e.run([]call{
		{"rotate unknown", "POST", "/account/api-new-secret-key", map[string]any{"api_key": "nope"}, 400, nil},
		{"rotate without a key", "POST", "/account/api-new-secret-key", map[string]any{}, 400, nil},
		{"rotate", "POST", "/account/api-new-secret-key", map[string]any{"api_key": key}, 200, func(t *testing.T, res *simtest.Response) {
			rotated = res.String("api", "secret_key")
			if res.String("api", "api_key") != key || rotated == secret || len(rotated) != 40 {
				t.Fatalf("rotated: %v", res)
			}
		}},
	})
	c2.Do("GET", "/account", nil).Expect(t, 401)
	c2 = e.s.E24Client(key, rotated)
	c2.Do("GET", "/account", nil).Expect(t, 200)

	// A key rotates its own secret: that request is answered, the next one is refused.
	res := c2.Do("POST", "/account/api-new-secret-key", map[string]any{"api_key": key}).Expect(t, 200)
	c2.Do("GET", "/account", nil).Expect(t, 401)
	c2 = e.s.E24Client(key, res.String("api", "secret_key"))

	e.run([]call{
		{"delete unknown", "DELETE", "/account/api", map[string]any{"api_key": "nope"}, 400, nil},
		{"delete without a key", "DELETE", "/account/api", nil, 400, nil},
		{"delete", "DELETE", "/account/api", map[string]any{"api_key": key}, 200, func(t *testing.T, res *simtest.Response) {
			c2.Do("GET", "/account", nil).Expect(t, 401)
			c2.Control("GET", "/_sim/clock", nil).Expect(t, 401)
		}},
		{"the last key", "DELETE", "/account/api", map[string]any{"api_key": "panelsim"}, 409, nil},
	})
	if n := e.c.Do("GET", "/account", nil).Len("account", "api"); n != 1 {
		t.Fatalf("account lists %d keys", n)
	}
}

// TestDeleteOwnKey: the key a world was made for can be deleted from the account (another key
// remaining): it signs nothing more, but stays the world's token for the control API and the
// other providers.
func TestDeleteOwnKey(t *testing.T) {
	e := newEnv(t)
	res := e.c.Do("PUT", "/account/api", nil).Expect(t, 200)
	c2 := e.s.E24Client(res.String("api", "api_key"), res.String("api", "secret_key"))
	c2.Do("DELETE", "/account/api", map[string]any{"api_key": "panelsim"}).Expect(t, 200)
	e.c.Do("GET", "/account", nil).Expect(t, 401)
	e.c.Control("GET", "/_sim/clock", nil).Expect(t, 200)
	e.s.Client("virtfusion", simtest.DefaultToken).Do("GET", "/connect", nil).Expect(t, 200)
	c2.Do("DELETE", "/account/api", map[string]any{"api_key": res.String("api", "api_key")}).Expect(t, 409)
}

// TestAPIKeysPerWorld: each world makes keys of its own, which reach only that world.
func TestAPIKeysPerWorld(t *testing.T) {
	e := newEnv(t, simtest.WithTokens("other"))
	other := e.s.E24Client("other", defaultSecret)
	mine := e.vm("mine")
	k1 := e.c.Do("PUT", "/account/api", nil).Expect(t, 200)
	k2 := other.Do("PUT", "/account/api", nil).Expect(t, 200)
	if k1.String("api", "api_key") == k2.String("api", "api_key") {
		t.Fatal("two worlds made the same key")
	}
	c2 := e.s.E24Client(k2.String("api", "api_key"), k2.String("api", "secret_key"))
	c2.Do("GET", "/virtual-machines/"+mine, nil).Expect(t, 404)
	e.s.E24Client(k2.String("api", "api_key"), k1.String("api", "secret_key")).Do("GET", "/account", nil).Expect(t, 401)
}

// TestCommandLineKeyRotated: a key declared with its secret on the command line stops
// signing with it once its secret is rotated.
func TestCommandLineKeyRotated(t *testing.T) {
	s := simtest.New(t, simtest.WithOptions(func(o *sim.Options) { o.E24Keys = map[string]string{"key-one": "secret-one"} }))
	c := s.E24Client("key-one", "secret-one")
	res := c.Do("POST", "/account/api-new-secret-key", map[string]any{"api_key": "key-one"}).Expect(t, 200)
	c.Do("GET", "/account", nil).Expect(t, 401)
	s.E24Client("key-one", res.String("api", "secret_key")).Do("GET", "/account", nil).Expect(t, 200)
}

func TestAddSSHKey(t *testing.T) {
	e := newEnv(t)
	var private string
	e.run([]call{
		{"upload", "PUT", "/account/sshkey", map[string]any{"name": "laptop", "method": "upload", "content": pubKey}, 200, func(t *testing.T, res *simtest.Response) {
			if res.Int("sshkeys", "id") != 1 || res.String("sshkeys", "name") != "laptop" || res.String("sshkeys", "fingerprint") != fingerprint || res.Get("sshkeys", "private_key") != nil {
				t.Fatalf("uploaded: %v", res)
			}
		}},
		{"same key, other name", "PUT", "/account/sshkey", map[string]any{"name": "again", "content": pubKey + "-other-comment"}, 409, nil},
		{"same name", "PUT", "/account/sshkey", map[string]any{"name": "LAPTOP", "method": "generate"}, 409, nil},
		{"not a key", "PUT", "/account/sshkey", map[string]any{"name": "x", "content": "ssh-ed25519 notbase64"}, 400, nil},
		{"two keys", "PUT", "/account/sshkey", map[string]any{"name": "x", "content": pubKey + "\n" + pubKey}, 400, nil},
		{"no content", "PUT", "/account/sshkey", map[string]any{"name": "x", "method": "upload"}, 400, nil},
		{"no name", "PUT", "/account/sshkey", map[string]any{"content": pubKey}, 400, nil},
		{"unknown method", "PUT", "/account/sshkey", map[string]any{"name": "x", "method": "paste", "content": pubKey}, 400, nil},
		{"generate", "PUT", "/account/sshkey", map[string]any{"name": "made here", "method": "generate"}, 200, func(t *testing.T, res *simtest.Response) {
			private = res.String("sshkeys", "private_key")
			if res.Int("sshkeys", "id") != 2 || !strings.HasPrefix(private, "-----BEGIN OPENSSH PRIVATE KEY-----") {
				t.Fatalf("generated: %v", res)
			}
			signer, err := ssh.ParsePrivateKey([]byte(private))
			if err != nil {
				t.Fatal(err)
			}
			if fp := ssh.FingerprintLegacyMD5(signer.PublicKey()); fp != res.String("sshkeys", "fingerprint") {
				t.Fatalf("fingerprint %s of the private key, answered %s", fp, res.String("sshkeys", "fingerprint"))
			}
		}},
	})
	acct := e.c.Do("GET", "/account", nil)
	if acct.Len("account", "sshkeys") != 2 || acct.String("account", "sshkeys", 1, "name") != "made here" || strings.Contains(string(acct.Body), "PRIVATE") {
		t.Fatalf("account: %v", acct)
	}
}

// TestSSHKeysOnCreate: key ids of the account work as key_id on VM create until deleted.
func TestSSHKeysOnCreate(t *testing.T) {
	e := newEnv(t)
	id := e.c.Do("PUT", "/account/sshkey", map[string]any{"name": "laptop", "content": pubKey}).Expect(t, 200).Int("sshkeys", "id")
	create := func(key any) *simtest.Response {
		return e.c.Do("PUT", "/virtual-machines", map[string]any{"create_vm": map[string]any{"cpus": 1, "ram": 1024, "zone_id": zonePoz, "name": "k", "os": tmplUbuntu, "key_id": key}})
	}
	create(id).Expect(t, 200)
	vm := create("1").Expect(t, 200).String("virtual_machine", "id")
	e.run([]call{
		{"delete", "DELETE", "/account/1/sshkey", nil, 200, func(t *testing.T, res *simtest.Response) {
			if n := e.c.Do("GET", "/account", nil).Len("account", "sshkeys"); n != 0 {
				t.Fatalf("%d keys left", n)
			}
		}},
		{"again", "DELETE", "/account/1/sshkey", nil, 404, nil},
		{"a word", "DELETE", "/account/laptop/sshkey", nil, 404, nil},
	})
	create(id).Expect(t, 400)
	e.advance(installTime)
	if st := e.state(vm); st != "online" {
		t.Fatalf("a VM made with a deleted key: %s", st)
	}
	// Ids are not reused.
	if n := e.c.Do("PUT", "/account/sshkey", map[string]any{"name": "laptop", "content": pubKey}).Expect(t, 200).Int("sshkeys", "id"); n != 2 {
		t.Fatalf("new key id %d", n)
	}
}

func TestNewFilesSecretKey(t *testing.T) {
	e := newEnv(t)
	before := e.c.Do("GET", "/account", nil)
	s3, swift := before.String("account", "e24files", "s3", "api_id"), before.String("account", "e24files", "swift", "api_id")
	e.run([]call{
		{"s3", "POST", "/account/files-new-secret-key", map[string]any{"api_key": s3}, 200, func(t *testing.T, res *simtest.Response) {
			if res.String("e24files", "s3", "api_id") != s3 || res.String("e24files", "s3", "secret_key") == before.String("account", "e24files", "s3", "secret_key") ||
				res.String("e24files", "swift", "secret_key") != before.String("account", "e24files", "swift", "secret_key") {
				t.Fatalf("rotated: %v", res)
			}
			if got := e.c.Do("GET", "/account", nil).String("account", "e24files", "s3", "secret_key"); got != res.String("e24files", "s3", "secret_key") {
				t.Fatalf("account shows %s", got)
			}
		}},
		{"swift", "POST", "/account/files-new-secret-key", map[string]any{"api_key": swift}, 200, func(t *testing.T, res *simtest.Response) {
			if res.String("e24files", "swift", "secret_key") == before.String("account", "e24files", "swift", "secret_key") {
				t.Fatalf("not rotated: %v", res)
			}
		}},
		{"the REST API key", "POST", "/account/files-new-secret-key", map[string]any{"api_key": "panelsim"}, 400, nil},
		{"no key", "POST", "/account/files-new-secret-key", "", 400, nil},
	})
}

// TestAPIKeyDeletesItself: a key may delete itself (another remaining); that request is
// answered, the next one is refused.
func TestAPIKeyDeletesItself(t *testing.T) {
	e := newEnv(t)
	res := e.c.Do("PUT", "/account/api", nil).Expect(t, 200)
	key := res.String("api", "api_key")
	c2 := e.s.E24Client(key, res.String("api", "secret_key"))
	c2.Do("DELETE", "/account/api", map[string]any{"api_key": key}).Expect(t, 200)
	c2.Do("GET", "/account", nil).Expect(t, 401)
	e.c.Do("GET", "/account", nil).Expect(t, 200)
}

// TestAPIKeyAfterReset: a reset puts the account's keys back to the fixtures; a key made
// before it signs nothing any more.
func TestAPIKeyAfterReset(t *testing.T) {
	e := newEnv(t)
	res := e.c.Do("PUT", "/account/api", nil).Expect(t, 200)
	c2 := e.s.E24Client(res.String("api", "api_key"), res.String("api", "secret_key"))
	e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
	c2.Do("GET", "/account", nil).Expect(t, 401)
	if n := e.c.Do("GET", "/account", nil).Expect(t, 200).Len("account", "api"); n != 1 {
		t.Fatalf("%d keys after the reset", n)
	}
}
