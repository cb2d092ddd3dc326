package branding_test

import (
	"fmt"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// env is a simulator with the default world and an administrator's client: user 1 is the
// administrator, 2 a reseller, 3 a customer of the administrator, 4 a customer of reseller 2.
type env struct {
	t *testing.T
	s *simtest.Sim
	c *simtest.Client
}

func newEnv(t *testing.T) *env {
	s := simtest.New(t)
	return &env{t: t, s: s, c: s.Client("tenantos", simtest.DefaultToken)}
}

// do sends a request as the administrator.
func (e *env) do(method, path string, body any, hdr ...string) *simtest.Response {
	e.t.Helper()
	return e.c.Do(method, path, body, hdr...)
}

// as sends a request as user (the impersonateUserId header).
func (e *env) as(user int, method, path string, body any, hdr ...string) *simtest.Response {
	e.t.Helper()
	return e.c.Do(method, path, body, append([]string{"impersonateUserId", fmt.Sprint(user)}, hdr...)...)
}

// field is the first validation message of a 422 for name.
func field(res *simtest.Response, name string) string {
	errs, _ := res.Get("errors").(map[string]any)
	msgs, _ := errs[name].([]any)
	if len(msgs) == 0 {
		return ""
	}
	s, _ := msgs[0].(string)
	return s
}

// expect422 fails unless res is a 422 naming field name.
func expect422(t *testing.T, res *simtest.Response, name string) {
	t.Helper()
	res.Expect(t, 422)
	if field(res, name) == "" {
		t.Fatalf("422 without an error on %s: %v", name, res)
	}
}
