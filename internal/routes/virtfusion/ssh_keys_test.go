package virtfusion_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Public keys of every accepted type (made with ssh-keygen; the RSA one is the vendor's example).
const (
	keyRSA     = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDF6O4Evybdywpi6PImTE5aJ75+5OpJKyd2QR2LSl0bVxhZjQOqN/4msCp/UjUpFDSeC1SQXeKQb4o7OZ7bUC8k2JbNxnArsYSGi/XhqczKOX/uYOMA/V8gb1e+uishQSzjYrneC0PufFYwNGStjYf0QXCsgQcYLsHbjV2g9j0FhVYxj5endy7Z1K1RMP7IzF5lh3KgtbqKhdJ8XK1fqXCcPHxEuAzjq7G2W+I9xOs8GqftxYGS4XAiOe7YLKfWM00dUdYMJ81R8lZFj5UzP0MOT9qxPNBNiB0MEQX8hc0+2nQdaQYkg8mbCJQxhT9Cr0rXyYdbaNnYWIJql3SVgigJ"
	keyEd25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAR2CxAzP2s4hX3/8xL3+PBbo4VsMua55zVh7g7HrjtP jon@laptop"
	keyEd2     = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAPMp5posT/QhKgpt5YLCkYZf/E1T29SE+XEJMxypNbm other"
	keyP256    = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBOox3WYxrSaJ7B51pL0o05SLg6ps6dcmioEMNqzib2DCKIkGw2jICvnMntHof6HfCUHdiH6Xrj7kGx0peN54sX0="
	keyP384    = "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBMbTsdYvlT2tGefIrN/EChV3zajQ6/gEm2HSjOg+Z3K9zOD+k0Xe1Qaag1nxvN3ZWvwFIR8mHeWcHcS4VgJhygNWr8peULYwE1A8/kZeIOznCbdgAK1pf910phPT2V4T8g== ci"
	keyP521    = "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBACC1z/X2m2QzKBiNxNeS0pPfNuo2HFILRkSGvy8J8RjMTeQ19NJ6m1Oc8tjl7Ge0hOHxfg28GzLSLIGi0cXf9rVagCAO35vNEJpsk8vtjx7q3PNNj4Cf6YWHpMckUm+/HMg3mQJBt7e30dvP6l3YvXMAMV3M7Pm/8doLs33xU5Gqn212A== ci"
)

// addKey adds a key for a user and returns its id.
func (e *env) addKey(user int64, name, key string) int64 {
	e.t.Helper()
	res := e.c.Do("POST", "/ssh_keys", map[string]any{"userId": user, "name": name, "publicKey": key}).Expect(e.t, 201)
	return res.Int("data", "id")
}

func (e *env) keyCount(user int64) int {
	e.t.Helper()
	return e.c.Do("GET", fmt.Sprintf("/ssh_keys/user/%d", user), nil).Expect(e.t, 200).Len("data")
}

func TestAddSshKey(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	e.addKey(user, "taken", keyEd2)
	tests := []struct {
		name     string
		body     any
		status   int
		contains string
	}{
		{"rsa", map[string]any{"userId": user, "name": "rsa", "publicKey": keyRSA}, 201, `"type":"OpenSSH"`},
		{"ed25519 with a comment", map[string]any{"userId": user, "name": "ed", "publicKey": keyEd25519}, 201, `"name":"ed"`},
		{"ecdsa p256 with spaces around", map[string]any{"userId": user, "name": "p256", "publicKey": "  " + keyP256 + "\n"}, 201, `"type":"OpenSSH"`},
		{"ecdsa p384", map[string]any{"userId": user, "name": "p384", "publicKey": keyP384}, 201, `"createdAt":"2025-01-20T12:00:00.000000Z"`},
		{"ecdsa p521, numeric string user", map[string]any{"userId": fmt.Sprint(user), "name": "p521", "publicKey": keyP521}, 201, `"id":`},
		{"no fields", map[string]any{}, 422, `{"errors":["The name field is required.","The public key field is required.","The user id field is required."]}`},
		{"unknown user", map[string]any{"userId": 987654, "name": "k", "publicKey": keyRSA}, 422, `{"errors":["The selected user id is invalid."]}`},
		{"word for a user", map[string]any{"userId": "abc", "name": "k", "publicKey": keyRSA}, 422, "The user id field must be an integer."},
		{"empty name", map[string]any{"userId": user, "name": "", "publicKey": keyRSA}, 422, "The name field is required."},
		{"name too long", map[string]any{"userId": user, "name": strings.Repeat("n", 256), "publicKey": keyRSA}, 422, "The name field must not be greater than 255 characters."},
		{"not a key", map[string]any{"userId": user, "name": "k", "publicKey": "hello"}, 422, "The public key field must be a valid OpenSSH public key."},
		{"unknown type", map[string]any{"userId": user, "name": "k", "publicKey": "ssh-dss AAAAB3NzaC1kc3MAAACBAP"}, 422, "valid OpenSSH public key"},
		{"type without data", map[string]any{"userId": user, "name": "k", "publicKey": "ssh-ed25519"}, 422, "valid OpenSSH public key"},
		{"bad base64", map[string]any{"userId": user, "name": "k", "publicKey": "ssh-ed25519 AAAA!!!!"}, 422, "valid OpenSSH public key"},
		{"blob of another type", map[string]any{"userId": user, "name": "k", "publicKey": "ssh-rsa " + strings.Fields(keyEd25519)[1]}, 422, "valid OpenSSH public key"},
		{"truncated blob", map[string]any{"userId": user, "name": "k", "publicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"}, 422, "valid OpenSSH public key"},
		{"private key", map[string]any{"userId": user, "name": "k", "publicKey": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"}, 422, "valid OpenSSH public key"},
		{"two keys in one", map[string]any{"userId": user, "name": "k", "publicKey": keyEd25519 + "\n" + keyP256}, 422, "valid OpenSSH public key"},
		{"the same key again, another comment", map[string]any{"userId": user, "name": "again", "publicKey": strings.TrimSuffix(keyEd2, "other") + "copy"}, 422, `{"errors":["The public key has already been taken."]}`},
		{"unknown user and bad key", map[string]any{"userId": 987654, "name": "k", "publicKey": "x"}, 422, `{"errors":["The public key field must be a valid OpenSSH public key.","The selected user id is invalid."]}`},
	}
	added := 1
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.c.Do("POST", "/ssh_keys", tt.body).Expect(t, tt.status)
			if !strings.Contains(string(res.Body), tt.contains) {
				t.Fatalf("body %s does not contain %s", res.Body, tt.contains)
			}
			if tt.status == 201 {
				added++
			}
		})
	}
	if n := e.keyCount(user); n != added {
		t.Fatalf("user has %d keys, want %d: refused requests must write nothing", n, added)
	}
	// Another user may hold the same key.
	e.addKey(e.user(2), "shared", keyEd2)
}

func TestSshKeys(t *testing.T) {
	e := newEnv(t)
	c := e.c
	alice, bob := e.user(1), e.user(2)
	k1 := e.addKey(alice, "laptop", keyEd25519)
	e.advance(time.Hour)
	k2 := e.addKey(alice, "ci", keyP256)
	kb := e.addKey(bob, "bob", keyRSA)

	res := c.Do("GET", fmt.Sprintf("/ssh_keys/%d", k1), nil).Expect(t, 200)
	if res.String("data", "publicKey") != keyEd25519 || res.String("data", "type") != "OpenSSH" || res.Get("data", "enabled") != true ||
		res.String("data", "created") != "2025-01-20T12:00:00+00:00" || res.String("data", "updated") != "2025-01-20T12:00:00+00:00" {
		t.Fatalf("key: %v", res)
	}
	res = c.Do("GET", fmt.Sprintf("/ssh_keys/user/%d", alice), nil).Expect(t, 200)
	if res.Len("data") != 2 || res.Int("data", 0, "id") != k1 || res.Int("data", 1, "id") != k2 || res.String("data", 1, "created") != "2025-01-20T13:00:00+00:00" {
		t.Fatalf("alice's keys: %v", res)
	}
	if res = c.Do("GET", "/ssh_keys/user/1", nil).Expect(t, 200); res.Len("data") != 0 {
		t.Fatalf("admin's keys: %v", res)
	}

	for _, tt := range []struct{ method, path, msg string }{
		{"GET", "/ssh_keys/987654", "ssh key not found"},
		{"GET", "/ssh_keys/abc", "ssh key not found"},
		{"GET", "/ssh_keys/0", "ssh key not found"},
		{"DELETE", "/ssh_keys/987654", "ssh key not found"},
		{"DELETE", "/ssh_keys/abc", "ssh key not found"},
		{"GET", "/ssh_keys/user/987654", "user not found"},
		{"GET", "/ssh_keys/user/abc", "user not found"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			res := c.Do(tt.method, tt.path, nil).Expect(t, 404)
			if string(res.Body) != `{"msg":"`+tt.msg+`"}`+"\n" && string(res.Body) != `{"msg":"`+tt.msg+`"}` {
				t.Fatalf("body %s, want msg %q", res.Body, tt.msg)
			}
		})
	}

	c.Do("DELETE", fmt.Sprintf("/ssh_keys/%d", k1), "[]").Expect(t, 204)
	c.Do("GET", fmt.Sprintf("/ssh_keys/%d", k1), nil).Expect(t, 404)
	c.Do("DELETE", fmt.Sprintf("/ssh_keys/%d", k1), nil).Expect(t, 404)
	if n := e.keyCount(alice); n != 1 {
		t.Fatalf("alice has %d keys after a delete", n)
	}
	// The deleted key can be added again, under a new id.
	if id := e.addKey(alice, "laptop", keyEd25519); id <= kb {
		t.Fatalf("re-added key got id %d, ids must not be reused", id)
	}

	// A user's keys go with the user.
	c.Do("DELETE", "/users/2/byExtRelation", nil).Expect(t, 204)
	c.Do("GET", fmt.Sprintf("/ssh_keys/%d", kb), nil).Expect(t, 404)
	c.Do("GET", fmt.Sprintf("/ssh_keys/user/%d", bob), nil).Expect(t, 404)
}

// TestSshKeyServerFlow: a key added to a user is installed by a build, shows in the server
// object, and disappears from it once deleted.
func TestSshKeyServerFlow(t *testing.T) {
	e := newEnv(t)
	c := e.c
	user, other := e.user(1), e.user(2)
	key := e.addKey(user, "laptop", keyEd25519)
	foreign := e.addKey(other, "not yours", keyEd2)
	srv := e.server(user, pkgS, groupDefault)

	res := c.Do("POST", fmt.Sprintf("/servers/%d/build", srv), map[string]any{"operatingSystemId": tmplDebian12, "sshKeys": []int64{key, foreign}}).Expect(t, 422)
	if !strings.Contains(string(res.Body), "The selected ssh keys.1 is invalid.") {
		t.Fatalf("build with another user's key: %v", res)
	}
	res = c.Do("POST", fmt.Sprintf("/servers/%d/build", srv), map[string]any{"operatingSystemId": tmplDebian12, "sshKeys": []int64{key}}).Expect(t, 200)
	if res.Len("data", "sshKeys") != 1 || res.String("data", "sshKeys", 0, "public") != keyEd25519 {
		t.Fatalf("build answer sshKeys: %v", res.Get("data", "sshKeys"))
	}
	e.advance(buildSeconds * time.Second)
	res = e.getServer(srv).Expect(t, 200)
	if res.Len("data", "sshKeys") != 1 || res.Int("data", "sshKeys", 0, "id") != key || res.Int("data", "sshKeys", 0, "ownerId") != user ||
		res.String("data", "sshKeys", 0, "name") != "laptop" || res.String("data", "sshKeys", 0, "type") != "OpenSSH" {
		t.Fatalf("server sshKeys: %v", res.Get("data", "sshKeys"))
	}

	c.Do("DELETE", fmt.Sprintf("/ssh_keys/%d", key), nil).Expect(t, 204)
	if res = e.getServer(srv).Expect(t, 200); res.Len("data", "sshKeys") != 0 {
		t.Fatalf("server still shows a deleted key: %v", res.Get("data", "sshKeys"))
	}
	res = c.Do("GET", "/servers?type=full", nil).Expect(t, 200)
	if res.Len("data", 0, "sshKeys") != 0 {
		t.Fatalf("full listing still shows a deleted key: %v", res.Get("data", 0, "sshKeys"))
	}
	// A rebuild cannot name the deleted key any more.
	c.Do("POST", fmt.Sprintf("/servers/%d/build", srv), map[string]any{"operatingSystemId": tmplDebian12, "sshKeys": []int64{key}}).Expect(t, 422)
}
