package virtfusion_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/virtfusion"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

// selfServiceRecords counts a user's packs, credits and usage history in the store.
func (e *env) selfServiceRecords(user int64) (packs, credits, history int) {
	e.t.Helper()
	err := e.s.World(simtest.DefaultToken).View(func(tx *state.Tx) error {
		packs, credits, history = virtfusion.SelfServiceRecords(tx, user)
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return
}

// TestDeleteUserRemovesSelfService: a deleted user's resource packs, credit and usage history
// go with them; a server of the pack that another user owns by now leaves the pack and stays.
func TestDeleteUserRemovesSelfService(t *testing.T) {
	e := newEnv(t)
	user, other := e.user(5), e.user(6)
	e.hourlyProfile(5)
	pack := e.givePack(5, packThree)
	empty := e.givePack(5, packOne)
	credit := e.c.Do("POST", "/selfService/credit/byUserExtRelationId/5", map[string]any{"tokens": 50}).Expect(t, 201).Int("data", "id")
	gone := e.server(user, pkgS, groupDefault) // billed by the hour, then deleted: usage history
	e.advance(time.Hour)
	e.c.Do("DELETE", sp(gone, "?delay=0"), nil).Expect(t, 204)
	e.advance(time.Minute)
	moved := e.server(user, pkgS, groupDefault, "resourcePackId", pack)
	e.c.Do("PUT", sp(moved, fmt.Sprintf("/owner/%d", other)), nil).Expect(t, 201)
	if p, c, h := e.selfServiceRecords(user); p != 2 || c != 1 || h != 1 {
		t.Fatalf("before: %d packs, %d credits, %d history", p, c, h)
	}

	e.c.Do("DELETE", "/users/5/byExtRelation", nil).Expect(t, 204)
	if p, c, h := e.selfServiceRecords(user); p != 0 || c != 0 || h != 0 {
		t.Fatalf("after: %d packs, %d credits, %d history left", p, c, h)
	}
	for _, id := range []int64{pack, empty} {
		e.c.Do("GET", fmt.Sprintf("/selfService/resourcePack/%d", id), nil).Expect(t, 404)
	}
	e.c.Do("DELETE", fmt.Sprintf("/selfService/credit/%d", credit), nil).Expect(t, 404)
	if res := e.getServer(moved).Expect(t, 200); res.Int("data", "ownerId") != other {
		t.Fatalf("the moved server: %v", res)
	}
	// It is in no pack now: deleting it frees nothing of the gone pack, and the new owner's
	// report lists no pack.
	if n := e.report(6, "").Len("data", "limits", "packs"); n != 0 {
		t.Fatalf("the new owner's report lists %d packs", n)
	}
	// The same billing id makes a new user who starts with nothing.
	e.user(5)
	if r := e.report(5, ""); r.Len("data", "limits", "packs") != 0 || num(r, "data", "currency", "currentValue") != "0" || r.Get("data", "usage", "success") != false {
		t.Fatalf("the new user 5 inherits: %v", r.Get("data"))
	}
}

// TestCreateUserChecksSelfService: profile and pack ids of a new user must exist; a refused
// create keeps nothing.
func TestCreateUserChecksSelfService(t *testing.T) {
	e := newEnv(t)
	body := func(hourly, resource []int, pack any) map[string]any {
		return map[string]any{"name": "Self", "email": "self@example.com", "extRelationId": 40, "selfService": 3,
			"selfServiceHourlyGroupProfiles": hourly, "selfServiceResourceGroupProfiles": resource, "selfServiceHourlyResourcePack": pack}
	}
	e.cases(t, []ssCase{
		{"unknown hourly profile", "POST", "/users", body([]int{1, 9}, []int{}, nil), 422, `{"errors":["The selected self service hourly group profiles.1 is invalid."]}`},
		{"unknown resource profile", "POST", "/users", body([]int{}, []int{0}, nil), 422, `{"errors":["The selected self service resource group profiles.0 is invalid."]}`},
		{"unknown pack", "POST", "/users", body(nil, nil, 4), 422, `{"errors":["The selected self service hourly resource pack is invalid."]}`},
		{"all at once", "POST", "/users", body([]int{3}, []int{3}, 99), 422, `{"errors":["The selected self service hourly group profiles.0 is invalid.","The selected self service resource group profiles.0 is invalid.","The selected self service hourly resource pack is invalid."]}`},
	})
	e.c.Do("GET", "/users/40/byExtRelation", nil).Expect(t, 404)
	res := e.c.Do("POST", "/users", body([]int{2, 1}, []int{1}, 3)).Expect(t, 201)
	if fmt.Sprint(res.Get("data", "selfServiceHourlyGroupProfiles")) != "[2 1]" || fmt.Sprint(res.Get("data", "selfServiceResourceGroupProfiles")) != "[1]" ||
		res.Int("data", "selfServiceHourlyResourcePack") != 3 {
		t.Fatalf("created: %v", res)
	}
}

// TestServerSelfServiceFollowsOwner: a server's selfService is its owner's, through changes
// of the user and of the owner.
func TestServerSelfServiceFollowsOwner(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	e.c.Do("POST", "/users", map[string]any{"name": "Hourly", "email": "h@example.com", "extRelationId": 2, "selfService": 1}).Expect(t, 201)
	other := e.userByExt(2).Int("data", "id")
	srv := e.server(user, pkgS, groupDefault)
	check := func(want int64) {
		t.Helper()
		for _, res := range []*simtest.Response{e.getServer(srv), e.c.Do("GET", "/servers?type=full", nil)} {
			got := res.Int("data", "selfService")
			if res.Get("data", "selfService") == nil {
				got = res.Int("data", 0, "selfService")
			}
			if got != want {
				t.Fatalf("selfService %d, want %d", got, want)
			}
		}
	}
	check(0)
	e.c.Do("PUT", "/users/1/byExtRelation", map[string]any{"selfService": 3}).Expect(t, 201)
	check(3)
	e.c.Do("PUT", sp(srv, fmt.Sprintf("/owner/%d", other)), nil).Expect(t, 201)
	check(1)
}

// TestHourlyBillingNeedsAnHourlyProfile: a user without an hourly group profile has no hourly
// servers, and the statistics show false where the vendor's examples do; servers created once
// the user has a profile (or given to such a user) are billed by the hour.
func TestHourlyBillingNeedsAnHourlyProfile(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	before := e.server(user, pkgS, groupDefault)
	e.advance(2 * time.Hour)
	noHourly := func() {
		t.Helper()
		hs := e.hourlyStats(1)
		if hs.Get("data", "monthlyTotal", "tokens") != false || hs.Int("data", "servers") != 0 || hs.String("data", "monthlyTotal", "value") != "0.00" {
			t.Fatalf("hourly stats: %v", hs.Get("data"))
		}
		r := e.report(1, "")
		for _, k := range []string{"serversTotal", "monthlyTotal"} {
			for _, f := range []string{"hours", "value", "tokens"} {
				if r.Get("data", "usage", k, f) != false {
					t.Fatalf("report %s.%s: %v", k, f, r.Get("data", "usage", k))
				}
			}
		}
		if r.Get("data", "usage", "hourConversionRate") != false || r.Get("data", "usage", "success") != false || r.Len("data", "usage", "servers") != 0 {
			t.Fatalf("report: %v", r.Get("data", "usage"))
		}
		if u := e.usage(1, ""); u.Int("data", "usageServers", "hours") != 0 || u.Len("data", "periods", 0, "servers") != 0 {
			t.Fatalf("usage: %v", u.Get("data"))
		}
	}
	noHourly()

	// A profile makes the next servers hourly; the one from before stays as it was.
	e.hourlyProfile(1)
	noHourly()
	after := e.server(user, pkgS, groupDefault) // 0.75 tokens an hour
	e.advance(time.Hour)
	hs := e.hourlyStats(1)
	if hs.Int("data", "servers") != 1 || num(hs, "data", "monthlyTotal", "tokens") != "0.75" || hs.Int("data", "monthlyTotal", "hours") != 1 {
		t.Fatalf("with a profile: %v", hs.Get("data"))
	}
	if r := e.report(1, ""); r.Int("data", "usage", "servers", 0, "id") != after || r.Get("data", "usage", "success") != true {
		t.Fatalf("report with a profile: %v", r.Get("data", "usage"))
	}

	// Given to a user without a profile, a server is no longer billed by the hour; given to
	// one with a profile, it is.
	plain := e.user(2)
	e.c.Do("PUT", sp(after, fmt.Sprintf("/owner/%d", plain)), nil).Expect(t, 201)
	if hs := e.hourlyStats(2); hs.Get("data", "monthlyTotal", "tokens") != false {
		t.Fatalf("moved to a user without a profile: %v", hs.Get("data"))
	}
	e.c.Do("PUT", sp(before, fmt.Sprintf("/owner/%d", plain)), nil).Expect(t, 201)
	e.hourlyProfile(2)
	e.c.Do("PUT", sp(before, fmt.Sprintf("/owner/%d", user)), nil).Expect(t, 201)
	if hs := e.hourlyStats(1); hs.Int("data", "servers") != 1 {
		t.Fatalf("given back to a user with a profile: %v", hs.Get("data"))
	}
}
