package e24cloud_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

const accountCreateTime = 30 * time.Second

// TestResellerAccounts: an account is answered at once "creating" (not active) with its
// credentials, and is "created" (active) once the task has run; the list pages with limit
// and offset; a taken e-mail address and bad input are refused.
func TestResellerAccounts(t *testing.T) {
	e := newEnv(t)
	body := func(email string) map[string]any {
		return map[string]any{"email": email, "first_name": "Anna", "last_name": "Nowak", "phone": "+48 600 200 300", "password": "Str0ng-Passw0rd"}
	}
	var first string
	e.run([]call{
		{"create", "PUT", "/accounts", body("anna@example.com"), 200, func(t *testing.T, res *simtest.Response) {
			u := func(k ...any) any { return res.Get(append([]any{"user"}, k...)...) }
			first = res.String("user", "id")
			if !uuidRE.MatchString(first) || u("state") != "creating" || u("active") != false || u("name") != "Anna Nowak" ||
				u("email") != "anna@example.com" || u("phone") != "+48 600 200 300" || res.Len("user", "api") != 1 ||
				len(res.String("user", "api", 0, "api_key")) != 20 || len(res.String("user", "api", 0, "secret_key")) != 40 ||
				len(res.String("user", "e24files", "s3", "secret_key")) != 40 || res.Len("user", "sshkeys") != 0 {
				t.Fatalf("create: %v", res)
			}
		}},
		{"the same e-mail", "PUT", "/accounts", body("ANNA@example.com"), 409, nil},
		{"the reseller's own e-mail", "PUT", "/accounts", body("admin@panelsim.test"), 409, nil},
		{"a bad e-mail", "PUT", "/accounts", body("anna at example"), 400, nil},
		{"a short password", "PUT", "/accounts", map[string]any{"email": "b@example.com", "first_name": "B", "last_name": "C", "password": "short"}, 400, nil},
		{"no name", "PUT", "/accounts", map[string]any{"email": "b@example.com", "password": "Str0ng-Passw0rd"}, 400, nil},
	})
	for i := 2; i <= 5; i++ {
		e.c.Do("PUT", "/accounts", body(fmt.Sprintf("user%d@example.com", i))).Expect(t, 200)
	}
	e.advance(accountCreateTime - time.Second)
	if s := e.c.Do("GET", "/accounts", nil).String("users", 0, "state"); s != "creating" {
		t.Fatalf("created early: %s", s)
	}
	e.advance(time.Second)
	res := e.c.Do("GET", "/accounts", nil).Expect(t, 200)
	if res.Len("users") != 5 || res.String("users", 0, "id") != first || res.String("users", 0, "state") != "created" || res.Get("users", 0, "active") != true ||
		res.String("users", 4, "email") != "user5@example.com" {
		t.Fatalf("list: %v", res)
	}
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"?limit=2", []string{"anna@example.com", "user2@example.com"}},
		{"?limit=2&offset=2", []string{"user3@example.com", "user4@example.com"}},
		{"?offset=4", []string{"user5@example.com"}},
		{"?limit=10&offset=9", nil},
	} {
		res := e.c.Do("GET", "/accounts"+tt.query, nil).Expect(t, 200)
		var got []string
		for i := 0; i < res.Len("users"); i++ {
			got = append(got, res.String("users", i, "email"))
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: %v, want %v", tt.query, got, tt.want)
		}
	}
	e.c.Do("GET", "/accounts?limit=0", nil).Expect(t, 400)
	e.c.Do("GET", "/accounts?offset=-1", nil).Expect(t, 400)
	e.c.Do("GET", "/accounts?limit=many", nil).Expect(t, 400)
}
