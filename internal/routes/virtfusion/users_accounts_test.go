package virtfusion_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/virtfusion"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

func TestModifyUser(t *testing.T) {
	e := newEnv(t)
	c := e.c
	c.Do("POST", "/users", map[string]any{"name": "Jon Doe", "email": "jon@example.com", "extRelationId": 31, "relStr": "whmcs-31"}).Expect(t, 201)
	e.user(32) // c32@example.com
	e.advance(time.Hour)
	tests := []struct {
		name     string
		path     string
		body     any
		status   int
		contains string
	}{
		{"empty body changes nothing", "/users/31/byExtRelation", nil, 201, `{"data":{"name":"Jon Doe","email":"jon@example.com","selfService":0,"enabled":true}}`},
		{"PHP empty array", "/users/31/byExtRelation", "[]", 201, `"name":"Jon Doe"`},
		{"name", "/users/31/byExtRelation", map[string]any{"name": "jon Doe"}, 201, `"name":"jon Doe"`},
		{"by relStr", "/users/whmcs-31/byExtRelation?relStr=true", map[string]any{"selfService": "3"}, 201, `"selfService":3`},
		{"own email in another case", "/users/31/byExtRelation", map[string]any{"email": "JON@example.com"}, 201, `"email":"JON@example.com"`},
		{"everything", "/users/31/byExtRelation", map[string]any{"name": "Jon Doe", "email": "jon@doe.com", "selfService": 3, "selfServiceHourlyCredit": true,
			"selfServiceHourlyGroupProfiles": []int{1, 2}, "selfServiceResourceGroupProfiles": []int{2, 1}, "selfServiceHourlyResourcePack": 1, "enabled": true}, 201,
			`{"data":{"name":"Jon Doe","email":"jon@doe.com","selfService":3,"enabled":true}}`},
		{"unknown profiles and pack", "/users/31/byExtRelation", map[string]any{"name": "Changed", "selfServiceHourlyGroupProfiles": []int{2, 3},
			"selfServiceResourceGroupProfiles": []int{7}, "selfServiceHourlyResourcePack": 9}, 422,
			`{"errors":["The selected self service hourly group profiles.1 is invalid.","The selected self service resource group profiles.0 is invalid.","The selected self service hourly resource pack is invalid."]}`},
		{"unknown ext relation id", "/users/99/byExtRelation", map[string]any{"name": "x"}, 404, `{"msg":"ext_relation_id not found"}`},
		{"relStr sent as an id", "/users/whmcs-31/byExtRelation", map[string]any{"name": "x"}, 404, `{"msg":"ext_relation_id not found"}`},
		{"taken email", "/users/31/byExtRelation", map[string]any{"name": "Changed", "email": "C32@example.com"}, 422, `{"errors":["The email has already been taken."]}`},
		{"bad email", "/users/31/byExtRelation", map[string]any{"email": "nope"}, 422, "The email field must be a valid email address."},
		{"self service out of range", "/users/31/byExtRelation", map[string]any{"selfService": 4}, 422, "The selected self service is invalid."},
		{"word for self service", "/users/31/byExtRelation", map[string]any{"selfService": "all"}, 422, "The self service field must be an integer."},
		{"word for enabled", "/users/31/byExtRelation", map[string]any{"enabled": "maybe"}, 422, "The enabled field must be true or false."},
		{"name too long", "/users/31/byExtRelation", map[string]any{"name": strings.Repeat("n", 256)}, 422, "The name field must not be greater than 255 characters."},
		{"words in profiles", "/users/31/byExtRelation", map[string]any{"selfServiceHourlyGroupProfiles": []string{"a"}}, 422, "must be an integer."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.Do("PUT", tt.path, tt.body).Expect(t, tt.status)
			if !strings.Contains(string(res.Body), tt.contains) {
				t.Fatalf("body %s does not contain %s", res.Body, tt.contains)
			}
		})
	}
	res := c.Do("GET", "/users/31/byExtRelation", nil).Expect(t, 200)
	if res.String("data", "name") != "Jon Doe" || res.String("data", "email") != "jon@doe.com" || res.Int("data", "selfService") != 3 ||
		res.Len("data", "selfServiceHourlyGroupProfiles") != 2 || res.Int("data", "selfServiceResourceGroupProfiles", 1) != 1 ||
		res.Int("data", "selfServiceHourlyResourcePack") != 1 || res.Get("data", "suspended") != false ||
		res.String("data", "updated") != "2025-01-20T13:00:00.000000Z" || res.String("data", "created") != "2025-01-20T12:00:00.000000Z" {
		t.Fatalf("user after the changes (refused ones must change nothing): %v", res)
	}
	// The old email is free, the new one is taken.
	c.Do("POST", "/users", map[string]any{"name": "New", "email": "jon@example.com"}).Expect(t, 201)
	c.Do("POST", "/users", map[string]any{"name": "Clash", "email": "JON@doe.com"}).Expect(t, 422)

	// enabled false suspends the user, enabled true lifts it.
	res = c.Do("PUT", "/users/31/byExtRelation", map[string]any{"enabled": "false"}).Expect(t, 201)
	if res.Get("data", "enabled") != false {
		t.Fatalf("disable: %v", res)
	}
	if res = c.Do("GET", "/users/31/byExtRelation", nil).Expect(t, 200); res.Get("data", "suspended") != true {
		t.Fatalf("disabled user is not suspended: %v", res)
	}
	c.Do("PUT", "/users/31/byExtRelation", map[string]any{"enabled": 1}).Expect(t, 201)
	if res = c.Do("GET", "/users/31/byExtRelation", nil).Expect(t, 200); res.Get("data", "suspended") != false {
		t.Fatalf("enabled user is still suspended: %v", res)
	}
	// A change that changes nothing leaves updated alone.
	e.advance(time.Hour)
	c.Do("PUT", "/users/31/byExtRelation", map[string]any{"name": "Jon Doe"}).Expect(t, 201)
	if res = c.Do("GET", "/users/31/byExtRelation", nil).Expect(t, 200); res.String("data", "updated") != "2025-01-20T13:00:00.000000Z" {
		t.Fatalf("a no-op change moved updated: %v", res)
	}
}

func TestResetUserPassword(t *testing.T) {
	e := newEnv(t)
	c := e.c
	c.Do("POST", "/users", map[string]any{"name": "Jon Doe", "email": "jon@doe.com", "extRelationId": 7, "relStr": "r7"}).Expect(t, 201)
	alnum := regexp.MustCompile(`^[A-Za-z0-9]{21}$`)
	seen := map[string]bool{}
	for _, path := range []string{"/users/7/byExtRelation/resetPassword", "/users/7/byExtRelation/resetPassword", "/users/r7/byExtRelation/resetPassword?relStr=true"} {
		res := c.Do("POST", path, "").Expect(t, 201)
		pw := res.String("data", "password")
		if res.String("data", "email") != "jon@doe.com" || !alnum.MatchString(pw) || seen[pw] {
			t.Fatalf("%s: %v (passwords so far %v)", path, res, seen)
		}
		seen[pw] = true
	}
	for _, tt := range []struct{ path, msg string }{
		{"/users/8/byExtRelation/resetPassword", "ext_relation_id not found"},
		{"/users/r7/byExtRelation/resetPassword", "ext_relation_id not found"},
		{"/users/7/byExtRelation/resetPassword?relStr=true", "ext_relation_id not found"},
	} {
		res := c.Do("POST", tt.path, nil).Expect(t, 404)
		if res.String("msg") != tt.msg {
			t.Fatalf("%s: %v", tt.path, res)
		}
	}
	c.Do("POST", "/users/7/byExtRelation/resetPassword?relStr=maybe", nil).Expect(t, 422)

	// A fresh world makes other passwords: they come from crypto/rand, not the fixtures' seed.
	e2 := newEnv(t)
	e2.c.Do("POST", "/users", map[string]any{"name": "Jon Doe", "email": "jon@doe.com", "extRelationId": 7}).Expect(t, 201)
	if pw := e2.c.Do("POST", "/users/7/byExtRelation/resetPassword", nil).Expect(t, 201).String("data", "password"); seen[pw] {
		t.Fatalf("password %q of a fresh world repeats one of another world %v", pw, seen)
	}
}

func TestLoginTokens(t *testing.T) {
	e := newEnv(t)
	c := e.c
	c.Do("POST", "/users", map[string]any{"name": "Jon Doe", "email": "jon@doe.com", "extRelationId": 7, "relStr": "r7"}).Expect(t, 201)
	owner := c.Do("GET", "/users/7/byExtRelation", nil).Int("data", "id")
	other := e.user(8)
	mine, theirs := e.server(owner, pkgS, groupDefault), e.server(other, pkgS, groupDefault)
	token := regexp.MustCompile(`^[A-Za-z0-9]{100}$`)
	seen := map[string]bool{}
	tests := []struct {
		name, path string
		body       any
		status     int
		msg        string
	}{
		{"user", "/users/7/authenticationTokens", nil, 200, ""},
		{"user again", "/users/7/authenticationTokens", "[]", 200, ""},
		{"user by relStr", "/users/r7/authenticationTokens?relStr=true", nil, 200, ""},
		{"server", fmt.Sprintf("/users/7/serverAuthenticationTokens/%d", mine), "[]", 200, ""},
		{"server by relStr", fmt.Sprintf("/users/r7/serverAuthenticationTokens/%d?relStr=true", mine), nil, 200, ""},
		{"unknown user", "/users/9/authenticationTokens", nil, 404, "ext_relation_id not found"},
		{"relStr without the flag", "/users/r7/authenticationTokens", nil, 404, "ext_relation_id not found"},
		{"unknown user, known server", fmt.Sprintf("/users/9/serverAuthenticationTokens/%d", mine), nil, 404, "ext_relation_id not found"},
		{"unknown server", "/users/7/serverAuthenticationTokens/987654", nil, 404, "server not found"},
		{"word for a server", "/users/7/serverAuthenticationTokens/abc", nil, 404, "server not found"},
		{"another user's server", fmt.Sprintf("/users/7/serverAuthenticationTokens/%d", theirs), nil, 404, "server not found"},
		{"bad relStr", "/users/7/authenticationTokens?relStr=perhaps", nil, 422, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.Do("POST", tt.path, tt.body).Expect(t, tt.status)
			if tt.status != 200 {
				if tt.msg != "" && res.String("msg") != tt.msg {
					t.Fatalf("body %s, want msg %q", res.Body, tt.msg)
				}
				return
			}
			t1, t2 := res.String("data", "authentication", "tokens", "1"), res.String("data", "authentication", "tokens", "2")
			if !token.MatchString(t1) || !token.MatchString(t2) || t1 == t2 || seen[t1] || seen[t2] {
				t.Fatalf("tokens %q %q (seen %d)", t1, t2, len(seen))
			}
			seen[t1], seen[t2] = true, true
			if res.String("data", "authentication", "endpoint") != "/token_authenticate" ||
				res.String("data", "authentication", "endpoint_complete") != "/token_authenticate/?1="+t1+"&2="+t2 ||
				res.Int("data", "authentication", "expiry", "ttl") != 60 ||
				res.String("data", "authentication", "expiry", "expires") != "2025-01-20T12:01:00.000000Z" {
				t.Fatalf("tokens: %v", res)
			}
		})
	}
	tokens := func(user int64) (n int) {
		t.Helper()
		err := e.s.World(simtest.DefaultToken).View(func(tx *state.Tx) error { n = virtfusion.CountLoginTokens(tx, user); return nil })
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := tokens(owner); n != 5 {
		t.Fatalf("%d tokens stored, want 5", n)
	}
	// Expired tokens go when the user asks for new ones.
	e.advance(61 * time.Second)
	res := c.Do("POST", "/users/7/authenticationTokens", nil).Expect(t, 200)
	if res.String("data", "authentication", "expiry", "expires") != "2025-01-20T12:02:01.000000Z" {
		t.Fatalf("expiry after advancing: %v", res)
	}
	if n := tokens(owner); n != 1 {
		t.Fatalf("%d tokens stored after expiry, want 1", n)
	}
	// A deleted user's tokens go with it.
	c.Do("DELETE", fmt.Sprintf("/servers/%d?delay=0", mine), nil).Expect(t, 204)
	e.advance(time.Minute)
	c.Do("DELETE", "/users/7/byExtRelation", nil).Expect(t, 204)
	if n := tokens(owner); n != 0 {
		t.Fatalf("%d tokens left after the user was deleted", n)
	}
}
