package accounts_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

var sanctum = regexp.MustCompile(`^(\d+)\|[A-Za-z0-9]{40}[0-9a-f]{8}$`)

// TestTokenActsAsItsUser: a token made for the customer opens this world, on Tenantos only,
// acting as the customer; its secret is shown once; last_used follows its use; deleted, it is
// refused.
func TestTokenActsAsItsUser(t *testing.T) {
	e := newEnv(t)
	res := e.c.Do("POST", "/users/3/tokens", map[string]any{"name": "billing"}).Expect(t, 200)
	tok, id := res.String("result", "token"), res.Int("result", "id")
	if m := sanctum.FindStringSubmatch(tok); m == nil || m[1] != fmt.Sprint(id) {
		t.Fatalf("token %q (id %d) is not a Sanctum token", tok, id)
	}
	if res.String("result", "name") != "billing" || res.Get("result", "last_used") != nil {
		t.Fatalf("created: %v", res)
	}
	// Only its hash is kept.
	e.view(func(tx *state.Tx) error {
		rec, err := tenantos.Tokens.Get(tx, id)
		if err != nil {
			return err
		}
		if rec.Hash != tenantos.HashToken(tok) {
			t.Errorf("hash %s", rec.Hash)
		}
		return nil
	})

	c3 := e.client(tok)
	if got := ids(c3.Do("GET", "/users", nil).Expect(t, 200), "id"); len(got) != 1 || got[0] != customer {
		t.Fatalf("the customer's token sees users %v", got)
	}
	if c3.Do("GET", "/user", nil).Expect(t, 200).Int("id") != customer {
		t.Fatal("the token does not act as the customer")
	}
	c3.Do("GET", "/users/1", nil).Expect(t, 404)
	e.s.Client("virtfusion", tok).Do("GET", "/connect", nil).Expect(t, 401)

	got := e.c.Do("GET", fmt.Sprintf("/users/3/tokens/%d", id), nil).Expect(t, 200)
	if got.Get("result", "token") != nil || got.String("result", "last_used") == "" {
		t.Fatalf("read back (no secret, used): %v", got)
	}
	// The customer lists its own tokens; others' are hidden.
	if got := ids(c3.Do("GET", "/users/3/tokens", nil).Expect(t, 200), "id"); len(got) != 1 || got[0] != id {
		t.Fatalf("the customer's tokens: %v", got)
	}
	c3.Do("GET", "/users/4/tokens", nil).Expect(t, 404)
	c3.Do("POST", "/users/4/tokens", map[string]any{"name": "steal"}).Expect(t, 404)
	e.c.Do("GET", fmt.Sprintf("/users/4/tokens/%d", id), nil).Expect(t, 404)

	e.c.Do("PUT", fmt.Sprintf("/users/3/tokens/%d", id), map[string]any{"name": "renamed"}).Expect(t, 200)
	if e.c.Do("GET", fmt.Sprintf("/users/3/tokens/%d", id), nil).Expect(t, 200).String("result", "name") != "renamed" {
		t.Fatal("rename not kept")
	}
	expectField(t, e.c.Do("PUT", fmt.Sprintf("/users/3/tokens/%d", id), map[string]any{"name": "x", "allowedHosts": []string{"nope"}}), "allowedHosts.0")

	// A token deletes itself: its next request is refused.
	c3.Do("DELETE", fmt.Sprintf("/users/3/tokens/%d", id), nil).Expect(t, 200)
	c3.Do("GET", "/user", nil).Expect(t, 401)
	e.c.Do("GET", fmt.Sprintf("/users/3/tokens/%d", id), nil).Expect(t, 404)
	if e.c.Do("GET", "/users/3/tokens", nil).Expect(t, 200).Len("result") != 0 {
		t.Fatal("the deleted token is still listed")
	}
}

// TestTokenAllowedHosts: a token limited to hosts is refused from other addresses.
func TestTokenAllowedHosts(t *testing.T) {
	e := newEnv(t)
	limited := e.client(e.token(customer, "10.9.9.9"))
	limited.Do("GET", "/user", nil).Expect(t, 403)
	limited.Do("GET", "/user", nil, "impersonateClientIp", "10.9.9.9").Expect(t, 200)
	e.client(e.token(customer, "127.0.0.0/8")).Do("GET", "/user", nil).Expect(t, 200)
	expectField(t, e.c.Do("POST", "/users/3/tokens", map[string]any{"name": "x", "allowedHosts": []string{"999.1.1.1"}}), "allowedHosts.0")
	expectField(t, e.c.Do("POST", "/users/3/tokens", map[string]any{"allowedHosts": []string{}}), "name")
	e.c.Do("POST", "/users/99/tokens", map[string]any{"name": "x"}).Expect(t, 404)
	if n := e.c.Do("GET", "/users/3/tokens", nil).Expect(t, 200).Len("result"); n != 2 {
		t.Fatalf("%d tokens, want the 2 made", n)
	}
}

// TestTokensSurviveRestart: tokens made through the API keep opening the world, acting as
// their user, after a restart; deleted after it, they are refused.
func TestTokensSurviveRestart(t *testing.T) {
	e := newEnv(t)
	tok := e.token(subcustomer)
	id := e.c.Do("GET", "/users/4/tokens", nil).Expect(t, 200).Int("result", 0, "id")
	e.s.Restart()
	e.c = e.client(simtest.DefaultToken)
	c4 := e.client(tok)
	if c4.Do("GET", "/user", nil).Expect(t, 200).Int("id") != subcustomer {
		t.Fatal("after the restart the token does not act as its user")
	}
	e.c.Do("DELETE", fmt.Sprintf("/users/4/tokens/%d", id), nil).Expect(t, 200)
	c4.Do("GET", "/user", nil).Expect(t, 401)
	e.s.Restart()
	e.client(tok).Do("GET", "/user", nil).Expect(t, 401)
}

// TestTokenLastUsed: last_used moves at most once a minute of the world's clock.
func TestTokenLastUsed(t *testing.T) {
	e := newEnv(t)
	c3 := e.client(e.token(customer))
	c3.Do("GET", "/user", nil).Expect(t, 200)
	first := e.c.Do("GET", "/users/3/tokens", nil).Expect(t, 200).String("result", 0, "last_used")
	e.s.Advance(simtest.DefaultToken, 2*time.Minute)
	c3.Do("GET", "/user", nil).Expect(t, 200)
	second := e.c.Do("GET", "/users/3/tokens", nil).Expect(t, 200).String("result", 0, "last_used")
	if first == "" || second == first {
		t.Fatalf("last_used %q then %q", first, second)
	}
}
