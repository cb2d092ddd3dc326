package tenantos_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/simtest"
	"github.com/panelsim/panelsim/specs"
)

// TestEveryOperationRouted: the simulator starts only when every operation of the document
// has a handler (sim's matchHandlers); with the Tenantos listener up, all 252 are routed,
// and a URL the API does not have answers Laravel's 404.
func TestEveryOperationRouted(t *testing.T) {
	doc, err := specs.Load("tenantos")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, item := range doc.Paths.Map() {
		n += len(item.Operations())
	}
	s := simtest.New(t)
	if got := len(s.Simulator().Provider(tenantos.Name).Handlers()); got != n || n != 252 {
		t.Fatalf("%d handlers for %d operations", got, n)
	}
	res := s.Client("tenantos", simtest.DefaultToken).Do("GET", "/no/such/route", nil).Expect(t, 404)
	if !strings.Contains(res.String("message"), "could not be found") {
		t.Fatalf("an unknown route: %v", res)
	}
}

// TestUnauthenticated: a missing or unknown token gets Laravel's 401.
func TestUnauthenticated(t *testing.T) {
	s := simtest.New(t)
	for _, token := range []string{"", "not-a-token"} {
		res := s.Client("tenantos", token).Do("GET", "/servers", nil).Expect(t, 401)
		if res.String("message") != "Unauthenticated." {
			t.Fatalf("token %q: %v", token, res)
		}
	}
}

// TestImpersonationHeader: an admin acts as any user with impersonateUserId; a user cannot
// act as someone it does not manage, nor as an unknown user (403).
func TestImpersonationHeader(t *testing.T) {
	s := simtest.New(t)
	c := s.Client("tenantos", simtest.DefaultToken)
	if id := c.Do("GET", "/user", nil, tenantos.ImpersonateHeader, "3").Expect(t, 200).Int("id"); id != 3 {
		t.Fatalf("acting as user %d, want 3", id)
	}
	c.Do("GET", "/user", nil, tenantos.ImpersonateHeader, "999").Expect(t, 403)
	c.Do("GET", "/user", nil, tenantos.ImpersonateHeader, "abc").Expect(t, 403)
	if id := c.Do("GET", "/user", nil, tenantos.ImpersonateHeader, "4").Expect(t, 200).Int("id"); id != 4 {
		t.Fatalf("acting as user %d, want 4", id)
	}
	// With a token of its own, user 3 (an end user) cannot act as user 4, whom it does not
	// manage, but the reseller (2) can act as its customer (4).
	three := c.Do("POST", "/users/3/tokens", map[string]any{"name": "t3"}).Expect(t, 200).String("result", "token")
	s.Client("tenantos", three).Do("GET", "/user", nil, tenantos.ImpersonateHeader, "4").Expect(t, 403)
	two := c.Do("POST", "/users/2/tokens", map[string]any{"name": "t2"}).Expect(t, 200).String("result", "token")
	if id := s.Client("tenantos", two).Do("GET", "/user", nil, tenantos.ImpersonateHeader, "4").Expect(t, 200).Int("id"); id != 4 {
		t.Fatalf("the reseller acts as user %d, want 4", id)
	}
}

// TestRedact: secrets never reach the logs, whole or cut.
func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		`{"name":"x","password":"hunter22","rootpassword":"abc"}`:    `{"name":"x","password":"********","rootpassword":"********"}`,
		`{"result":{"id":1,"token":"3|abcdef"},"message":"success"}`: `{"result":{"id":1,"token":"********"},"message":"success"}`,
		`{"apiPassword": "s\"ec", "data":{"mysql_password":"p"}}`:    `{"apiPassword": "********", "data":{"mysql_password":"********"}}`,
		`{"result":{"authToken":"abcdefgh`:                           `{"result":{"authToken":"********"`,
		`{"hostname":"db1","passwordResetRunning":0}`:                `{"hostname":"db1","passwordResetRunning":0}`,
	} {
		if got := tenantos.Redact(in); got != want {
			t.Errorf("Redact(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestWorldsApart: what one token's world does to users, servers, IPs and tasks is not seen
// from another's, and a token made in one world opens no other.
func TestWorldsApart(t *testing.T) {
	s := simtest.New(t, simtest.WithTokens("other"))
	a, b := s.Client("tenantos", simtest.DefaultToken), s.Client("tenantos", "other")
	user := a.Do("POST", "/users", map[string]any{"name": "Only Here", "username": "onlyhere", "password": "Secret-Pass-1", "email": "here@example.com"}).
		Expect(t, 200).Int("result", "id")
	a.Do("PUT", "/servers/2", map[string]any{"user_id": user, "tags": []string{"mine"}}).Expect(t, 200)
	a.Do("POST", "/servers/2/ipassignments", map[string]any{"subnets_id": 1, "ips": []string{"198.51.100.77"}}).Expect(t, 200)
	token := a.Do("POST", "/users/1/tokens", map[string]any{"name": "a"}).Expect(t, 200).String("result", "token")

	b.Do("GET", "/users/"+fmt.Sprint(user), nil).Expect(t, 404)
	srv := b.Do("GET", "/servers/2", nil).Expect(t, 200)
	if srv.Int("result", "user_id") == user || srv.Len("result", "tags") != 2 || srv.Len("result", "ipassignments") != 0 {
		t.Fatalf("the other world's server 2: %v", srv)
	}
	free := b.Do("GET", "/subnets/1/listFreeIps", nil).Expect(t, 200)
	if !strings.Contains(string(free.Body), `"198.51.100.77"`) {
		t.Fatal("an IP assigned in one world is taken in another")
	}
	// The token made in the first world acts there, as its admin.
	mine := s.Client("tenantos", token)
	mine.Do("GET", "/users/"+fmt.Sprint(user), nil).Expect(t, 200)
	if mine.Do("GET", "/servers/2", nil).Expect(t, 200).Int("result", "user_id") != user {
		t.Fatal("the token made in the first world reads another world")
	}
}
