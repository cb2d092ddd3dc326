package virtfusion_test

import (
	"fmt"
	"testing"
	"time"
)

func TestUsers(t *testing.T) {
	e := newEnv(t)
	c := e.c
	res := c.Do("POST", "/users", map[string]any{"name": "Jon Doe", "email": "jon@example.com", "extRelationId": "31", "relStr": "whmcs-31", "selfService": "1", "sendMail": "false"}).Expect(t, 201)
	id := res.Int("data", "id")
	if res.Int("data", "extRelationId") != 31 || len(res.String("data", "password")) != 30 || res.Get("data", "admin") != false {
		t.Fatalf("created user: %v", res)
	}
	if res = c.Do("GET", "/users/31/byExtRelation", nil).Expect(t, 200); res.Get("data", "password") != nil || res.Int("data", "id") != id {
		t.Fatalf("retrieved user: %v", res)
	}
	c.Do("GET", "/users/whmcs-31/byExtRelation?relStr=true", nil).Expect(t, 200)
	c.Do("GET", "/users/whmcs-31/byExtRelation", nil).Expect(t, 404)
	res = c.Do("GET", "/users/32/byExtRelation", nil).Expect(t, 404)
	if res.String("msg") != "ext_relation_id not found" {
		t.Fatalf("404 body: %v", res)
	}

	// A user with servers cannot go; once they are gone, it can.
	srv := e.server(id, pkgS, groupDefault)
	c.Do("DELETE", "/users/31/byExtRelation", nil).Expect(t, 422)
	c.Do("DELETE", fmt.Sprintf("/servers/%d?delay=0", srv), nil).Expect(t, 204)
	e.advance(time.Minute)
	c.Do("DELETE", "/users/31/byExtRelation", nil).Expect(t, 204)
	c.Do("GET", "/users/31/byExtRelation", nil).Expect(t, 404)
	c.Do("DELETE", "/users/31/byExtRelation", nil).Expect(t, 404)
	// Its email and relation id are free again.
	c.Do("POST", "/users", map[string]any{"name": "Jon Again", "email": "JON@example.com", "extRelationId": 31}).Expect(t, 201)
	c.Do("POST", "/users", map[string]any{"name": "Clash", "email": "jon@EXAMPLE.com"}).Expect(t, 422)
}
