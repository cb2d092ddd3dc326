package accounts_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

// Users, roles and passwords of the default world (fixtures/tenantos/world.yaml).
const (
	admin       = 1 // "adm"
	reseller    = 2 // "reseller1"
	customer    = 3 // "customer1", owned by the admin
	subcustomer = 4 // "subcustomer1", owned by the reseller

	customerPassword = "panelsim-customer"
)

// A valid OpenSSH key (ssh-rsa, its body naming its type).
const pubkey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDx user@host"

// env is a simulator with a Tenantos client on the world's own token (the admin).
type env struct {
	t *testing.T
	s *simtest.Sim
	c *simtest.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := simtest.New(t)
	return &env{t: t, s: s, c: s.Client("tenantos", simtest.DefaultToken)}
}

// as sends a request acting as user id (the impersonateUserId header).
func (e *env) as(id int64, method, path string, body any) *simtest.Response {
	e.t.Helper()
	return e.c.Do(method, path, body, tenantos.ImpersonateHeader, fmt.Sprint(id))
}

// client is a client with another token.
func (e *env) client(token string) *simtest.Client {
	return e.s.Client("tenantos", token)
}

// createUser creates a user as actor and returns its id.
func (e *env) createUser(actor int64, username string, extra ...any) int64 {
	e.t.Helper()
	body := map[string]any{"name": "User " + username, "username": username, "password": "Secret-Pass-123",
		"email": username + "@example.com"}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i].(string)] = extra[i+1]
	}
	return e.as(actor, "POST", "/users", body).Expect(e.t, 200).Int("result", "id")
}

// token makes an API token for user id (as the admin) and returns it.
func (e *env) token(user int64, hosts ...string) string {
	e.t.Helper()
	res := e.c.Do("POST", fmt.Sprintf("/users/%d/tokens", user), map[string]any{"name": "test", "allowedHosts": append([]string{}, hosts...)})
	tok := res.Expect(e.t, 200).String("result", "token")
	if tok == "" {
		e.t.Fatalf("no token: %v", res)
	}
	return tok
}

// ids lists the values of key in the objects of the result array.
func ids(res *simtest.Response, key string) []int64 {
	var out []int64
	for i := 0; i < res.Len("result"); i++ {
		out = append(out, res.Int("result", i, key))
	}
	return out
}

func has(list []int64, id int64) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}

// expectField fails unless res is Laravel's 422 naming field.
func expectField(t *testing.T, res *simtest.Response, field string) {
	t.Helper()
	res.Expect(t, 422)
	if res.Get("errors", field) == nil {
		t.Fatalf("422 does not name %s: %v", field, res)
	}
}

// clock is the world's time, from the control API.
func (e *env) clock() time.Time {
	e.t.Helper()
	now, err := time.Parse(time.RFC3339Nano, e.c.Control("GET", "/_sim/clock", nil).Expect(e.t, 200).String("now"))
	if err != nil {
		e.t.Fatal(err)
	}
	return now
}

// update changes the default world's records directly (what other groups would do).
func (e *env) update(fn func(tx *state.Tx) error) {
	e.t.Helper()
	if err := e.s.World(simtest.DefaultToken).Update(fn); err != nil {
		e.t.Fatal(err)
	}
}

// view reads the default world's records directly.
func (e *env) view(fn func(tx *state.Tx) error) {
	e.t.Helper()
	if err := e.s.World(simtest.DefaultToken).View(fn); err != nil {
		e.t.Fatal(err)
	}
}

// logEntry stores an activity-log entry as another group's LogActivity would.
func (e *env) logEntry(a tenantos.Activity) int64 {
	e.t.Helper()
	var id int64
	e.update(func(tx *state.Tx) error {
		var err error
		if id, err = tenantos.Activities.NextID(tx); err != nil {
			return err
		}
		a.ID, a.Created = id, tx.Now
		if a.VisibleFor == "" {
			a.VisibleFor = "all"
		}
		if err := tenantos.Activities.Put(tx, id, &a); err != nil {
			return err
		}
		if a.RelationType == "servers" {
			return tx.Set(tenantos.Name, tenantos.SetActivityByServer).Add(state.ID(uint64(a.RelationID)), state.ID(uint64(id)))
		}
		return nil
	})
	return id
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
