package servers_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// TestServerLifecycle: a dedicated server is created with an IP and IPMI connections, read
// back and listed, updated (names, tags, owner), deleted (404 afterwards) and its IP is free
// again.
func TestServerLifecycle(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/servers", map[string]any{"hostname": "new.example.com", "servername": "server-100", "description": "New",
		"tags": []string{"Berlin", "New", "Berlin"}, "os": "Debian 12", "servertype": "dedicated", "user_id": "3",
		"config":        map[string]any{"agentId": 1, "ipmi_ip": "10.10.10.99", "ipmi_user": "ADMIN", "ipmi_password": "ADMIN", "pxe_mac": "aa:bb:cc:dd:ee:ff"},
		"ipassignments": []any{map[string]any{"ip": "198.51.100.60", "subnets_id": 1}}}).Expect(t, 200)
	id := res.Int("result", "id")
	if id != 7 || res.String("result", "primaryip") != "198.51.100.60" || res.Int("result", "user_id") != 3 ||
		res.String("result", "powerprovider", "type") != "ipmi" || res.Len("result", "powerprovider", "supportedFeatures") != 8 ||
		res.String("result", "consoleprovider", "type") != "ipmi" || res.String("result", "reinstallationprovider") != "pxe" ||
		strings.Join(strs(res, "result", "tags"), ",") != "Berlin,New" || res.String("result", "owner_realname") != "Shanel Mayer" {
		t.Fatalf("created: %v", res)
	}
	got := e.server(id)
	if got.String("result", "hostname") != "new.example.com" || got.Int("result", "ipassignments", 0, "primary_ip") != 1 {
		t.Fatalf("read back: %v", got)
	}
	if !ids(e.do("GET", "/servers", nil).Expect(t, 200))[id] {
		t.Fatal("not listed")
	}
	if ip := e.ipOf("198.51.100.60"); ip.ServerID != id || !ip.Primary {
		t.Fatalf("IP record: %+v", ip)
	}

	res = e.do("PUT", "/servers/7", map[string]any{"hostname": "renamed.example.com", "tags": []string{"Only"}, "description": ""}).Expect(t, 200)
	if res.String("result", "hostname") != "renamed.example.com" || strings.Join(strs(res, "result", "tags"), ",") != "Only" ||
		res.String("result", "description") != "" {
		t.Fatalf("updated: %v", res)
	}
	if !e.hasActivity(id, "servers", "Updated Server server-100") || !e.hasActivity(id, "servers", "Created Server server-100") {
		t.Fatalf("activity: %+v", e.activities(id))
	}

	e.do("DELETE", "/servers/7", map[string]any{"destroy": false}).Expect(t, 200)
	res = e.do("GET", "/servers/7", nil).Expect(t, 404)
	if res.String("message") == "" {
		t.Fatalf("404 without a message: %v", res)
	}
	if ids(e.do("GET", "/servers", nil))[id] {
		t.Fatal("deleted server still listed")
	}
	if ip := e.ipOf("198.51.100.60"); ip.ServerID != 0 || ip.Primary {
		t.Fatalf("IP not released: %+v", ip)
	}
	// The network group's listFreeIps shows it free again, when it is routed.
	if free := e.do("GET", "/subnets/1/listFreeIps", nil); free.Status == 200 {
		found := false
		for i := 0; i < free.Len("result"); i++ {
			found = found || free.String("result", i, "ip") == "198.51.100.60"
		}
		if !found {
			t.Fatal("released IP not in listFreeIps")
		}
	}
	// The IP can be given to a new server.
	e.do("POST", "/servers", map[string]any{"hostname": "b.example.com", "servername": "b",
		"ipassignments": []any{map[string]any{"ip": "198.51.100.60"}}}).Expect(t, 200)
	e.do("DELETE", "/servers/987", nil).Expect(t, 404)
}

// TestCreateRefusals: bad input gets Laravel's 422 naming the field (or 403), and nothing is
// written: no server, no IP taken.
func TestCreateRefusals(t *testing.T) {
	e := newEnv(t)
	count := func() int { return e.do("GET", "/servers", nil).Expect(t, 200).Len("result") }
	n := count()
	cases := []struct {
		body   map[string]any
		status int
		field  string
		hdr    []string
	}{
		{map[string]any{"hostname": "x", "servername": "x", "ipassignments": []any{map[string]any{"ip": "198.51.100.61"}, map[string]any{"ip": "198.51.100.10"}}}, 422, "ipassignments.1.ip", nil},
		{map[string]any{"hostname": "x", "servername": "x", "ipassignments": []any{map[string]any{"ip": "198.51.100.1"}}}, 422, "ipassignments.0.ip", nil},
		{map[string]any{"hostname": "x", "servername": "x", "ipassignments": []any{map[string]any{"ip": "192.0.2.9"}}}, 422, "ipassignments.0.ip", nil},
		{map[string]any{"hostname": "x", "servername": "x", "ipassignments": []any{map[string]any{"ip": "198.51.100.62", "subnets_id": 2}}}, 422, "ipassignments.0.ip", nil},
		{map[string]any{"servername": "x"}, 422, "hostname", nil},
		{map[string]any{"hostname": "x", "servername": "x", "user_id": 999}, 422, "user_id", nil},
		{map[string]any{"hostname": "x", "servername": "x", "servertype": "vm"}, 422, "vpsplan", nil},
		{map[string]any{"hostname": "x", "servername": "x", "servertype": "vm", "vpsplan": 99}, 422, "vpsplan", nil},
		{map[string]any{"hostname": "x", "servername": "x", "servertype": "rack"}, 422, "servertype", nil},
		{map[string]any{"hostname": "x", "servername": "x"}, 403, "", as(3)},
		{map[string]any{"hostname": "x", "servername": "x", "user_id": 3}, 422, "user_id", as(2)},
	}
	for i, tc := range cases {
		res := e.do("POST", "/servers", tc.body, tc.hdr...).Expect(t, tc.status)
		if tc.field != "" && res.Get("errors", tc.field) == nil {
			t.Fatalf("case %d: no error on %s: %v", i, tc.field, res)
		}
		if res.String("message") == "" {
			t.Fatalf("case %d: no message: %v", i, res)
		}
	}
	if got := count(); got != n {
		t.Fatalf("%d servers after refusals, want %d", got, n)
	}
	if ip := e.ipOf("198.51.100.61"); ip.ServerID != 0 {
		t.Fatalf("IP of a refused create taken: %+v", ip)
	}
	// A reseller creates a server for its own customer.
	res := e.do("POST", "/servers", map[string]any{"hostname": "r.example.com", "servername": "r", "user_id": 4}, as(2)...).Expect(t, 200)
	if res.Int("result", "user_id") != 4 {
		t.Fatalf("reseller's create: %v", res)
	}
}

// TestCreateWithoutConnections: a server added without config has no power provider, no
// console and no reinstallation provider.
func TestCreateWithoutConnections(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/servers", map[string]any{"hostname": "bare.example.com", "servername": "bare"}).Expect(t, 200)
	id := res.Int("result", "id")
	if res.String("result", "powerprovider", "type") != "none" || res.Len("result", "powerprovider", "supportedFeatures") != 0 ||
		res.String("result", "cachedPowerstatus") != "unknown" || res.Int("result", "user_id") != 1 || res.String("result", "servertype") != "auto" ||
		res.String("result", "typeOfServer") != "dedicated" {
		t.Fatalf("bare server: %v", res)
	}
	e.do("GET", "/servers/"+itoa(id)+"/power/setPowerOn", nil).Expect(t, 422)
	e.do("GET", "/servers/"+itoa(id)+"/console/start?authorizedIp=10.0.0.1", nil).Expect(t, 422)
	if e.do("GET", "/servers/"+itoa(id)+"/provisioning/getProfiles", nil).Expect(t, 200).Len("result") != 0 {
		t.Fatal("profiles offered for a server without PXE")
	}
	e.do("POST", "/servers/"+itoa(id)+"/provisioning/startReinstallation", map[string]any{"profileId": 1, "rootpassword": "Secret-Pass-1"}).Expect(t, 422)
}

// TestAssignAndUnassign: user_id assigns to a customer (a numeric string too); null and 0
// both give the server back to the admin; a customer cannot reassign; a reseller may not
// assign to a user it does not manage.
func TestAssignAndUnassign(t *testing.T) {
	e := newEnv(t)
	e.advance(time.Hour)
	res := e.do("PUT", "/servers/2", map[string]any{"user_id": "3"}).Expect(t, 200)
	if res.Int("result", "user_id") != 3 || res.String("result", "owner_realname") != "Shanel Mayer" || res.Len("result", "ownerChain") != 2 ||
		res.String("result", "assignmentDate") != "2025-01-20 13:00:00" {
		t.Fatalf("assigned: %v", res)
	}
	if !e.hasActivity(2, "servers", "Assigned to Shanel Mayer (customer1)") {
		t.Fatalf("no assignment entry: %+v", e.activities(2))
	}
	for _, unassign := range []any{nil, 0, ""} {
		e.do("PUT", "/servers/2", map[string]any{"user_id": 3}).Expect(t, 200)
		res = e.do("PUT", "/servers/2", map[string]any{"user_id": unassign}).Expect(t, 200)
		if res.Int("result", "user_id") != 1 || res.Len("result", "ownerChain") != 1 || res.String("result", "ownerChain", 0, "type") != "admin" {
			t.Fatalf("unassigned with %v: %v", unassign, res)
		}
	}
	// The customer may not give its server away, nor suspend it; it may rename its host.
	e.do("PUT", "/servers/1", map[string]any{"user_id": 4}, as(3)...).Expect(t, 403)
	e.do("PUT", "/servers/1", map[string]any{"user_id": nil}, as(3)...).Expect(t, 403)
	e.do("PUT", "/servers/1", map[string]any{"suspendUserIds": []int{}}, as(3)...).Expect(t, 403)
	e.do("PUT", "/servers/1", map[string]any{"hostname": "mine.example.com"}, as(3)...).Expect(t, 200)
	if got := e.server(1); got.Int("result", "user_id") != 3 || got.String("result", "hostname") != "mine.example.com" {
		t.Fatalf("server 1: %v", got)
	}
	// The reseller assigns within its customers only, and unassigning keeps it the reseller's.
	e.do("PUT", "/servers/5", map[string]any{"user_id": 3}, as(2)...).Expect(t, 422)
	res = e.do("PUT", "/servers/5", map[string]any{"user_id": 0}, as(2)...).Expect(t, 200)
	if res.Int("result", "user_id") != 2 {
		t.Fatalf("reseller's unassign: %v", res)
	}
	e.do("PUT", "/servers/5", map[string]any{"user_id": 4}, as(2)...).Expect(t, 200)
	e.do("PUT", "/servers/2", map[string]any{"user_id": 999}).Expect(t, 422)
	e.do("PUT", "/servers/2", map[string]any{"servertype": "vm"}).Expect(t, 422)
	e.do("PUT", "/servers/2", map[string]any{"assignmentDates": []any{map[string]any{"userId": 1, "datetime": "2030-01-01 00:00:00"}}}).Expect(t, 422)
	res = e.do("PUT", "/servers/2", map[string]any{"assignmentDates": []any{map[string]any{"userId": 1, "datetime": "2024-01-13"}}}).Expect(t, 200)
	if res.String("result", "assignmentDate") != "2024-01-13 00:00:00" {
		t.Fatalf("assignment date: %v", res)
	}
}

// TestScoping: listings and reads follow the owner chain.
func TestScoping(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		user int64
		want string
	}{{3, "1"}, {4, "5"}, {2, "5"}, {1, "1,2,3,4,5,6"}}
	for _, tc := range cases {
		res := e.do("GET", "/servers", nil, as(tc.user)...).Expect(t, 200)
		var got []string
		for i := 0; i < res.Len("result"); i++ {
			got = append(got, itoa(res.Int("result", i, "id")))
		}
		if strings.Join(got, ",") != tc.want {
			t.Fatalf("user %d sees %v, want %s", tc.user, got, tc.want)
		}
	}
	e.do("GET", "/servers/2", nil, as(3)...).Expect(t, 404)
	e.do("GET", "/servers/5", nil, as(3)...).Expect(t, 404)
	e.do("GET", "/servers/1", nil, as(3)...).Expect(t, 200)
	e.do("GET", "/servers/getByIp/198.51.100.20", nil, as(3)...).Expect(t, 404)
	e.do("GET", "/servers/getByIp/198.51.100.20", nil, as(4)...).Expect(t, 200)
	e.do("GET", "/servers/2/power/setPowerOff", nil, as(3)...).Expect(t, 404)
	e.do("PUT", "/servers/2", map[string]any{"hostname": "x"}, as(3)...).Expect(t, 404)
	e.do("DELETE", "/servers/1", nil, as(3)...).Expect(t, 403)
	if tags := strs(e.do("GET", "/servers/tags", nil, as(3)...).Expect(t, 200), "result", "tags"); strings.Join(tags, ",") != "Internal" {
		t.Fatalf("user 3's tags: %v", tags)
	}
	res := e.do("POST", "/servers/getByTags", map[string]any{"tags": []string{"Amsterdam"}}, as(4)...).Expect(t, 200)
	if got := ids(res); len(got) != 1 || !got[5] {
		t.Fatalf("user 4 by tags: %v", got)
	}
}

// TestTags: getByTags is AND; listServerTags lists each tag once; renameTag and deleteTag
// change servers and, when asked, subnets and PXE profiles; only admins may.
func TestTags(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/servers/getByTags", map[string]any{"tags": []string{"Frankfurt", "Stock"}}).Expect(t, 200)
	if got := ids(res); len(got) != 2 || !got[2] || !got[3] {
		t.Fatalf("Frankfurt AND Stock: %v", got)
	}
	if got := ids(e.do("POST", "/servers/getByTags", map[string]any{"tags": []string{"Stock"}})); len(got) != 3 {
		t.Fatalf("Stock: %v", got)
	}
	if got := ids(e.do("POST", "/servers/getByTags", map[string]any{"tags": []string{"Stock", "Faulty"}})); len(got) != 0 {
		t.Fatalf("Stock AND Faulty: %v", got)
	}
	e.do("POST", "/servers/getByTags", map[string]any{}).Expect(t, 422)
	tags := strs(e.do("GET", "/servers/tags", nil).Expect(t, 200), "result", "tags")
	if strings.Join(tags, ",") != "Amsterdam,Faulty,Frankfurt,Internal,Stock" {
		t.Fatalf("tags: %v", tags)
	}
	e.update(func(tx *state.Tx) error {
		sn, err := tenantos.Subnets.Get(tx, 2)
		if err != nil {
			return err
		}
		sn.OfferIfTags = []string{"Stock"}
		return tenantos.Subnets.Put(tx, 2, sn)
	})
	e.do("POST", "/tags/rename", map[string]any{"oldTag": "Stock", "newTag": "Ready"}, as(2)...).Expect(t, 403)
	e.do("POST", "/tags/rename", map[string]any{"oldTag": "Stock", "newTag": "Ready", "updateSubnets": false}).Expect(t, 200)
	if got := ids(e.do("POST", "/servers/getByTags", map[string]any{"tags": []string{"Ready", "Frankfurt"}})); len(got) != 2 {
		t.Fatalf("renamed: %v", got)
	}
	var offer []string
	e.view(func(tx *state.Tx) error {
		sn, err := tenantos.Subnets.Get(tx, 2)
		offer = sn.OfferIfTags
		return err
	})
	if strings.Join(offer, ",") != "Stock" {
		t.Fatalf("subnet changed without updateSubnets: %v", offer)
	}
	e.do("POST", "/tags/rename", map[string]any{"oldTag": "Stock", "newTag": "Ready", "updateSubnets": true}).Expect(t, 200)
	e.do("POST", "/tags/rename", map[string]any{"oldTag": "linux", "newTag": "unix", "updatePxeProfiles": true}).Expect(t, 200)
	var ptags []string
	e.view(func(tx *state.Tx) error {
		sn, err := tenantos.Subnets.Get(tx, 2)
		if err != nil {
			return err
		}
		offer = sn.OfferIfTags
		pr, err := tenantos.PxeProfiles.Get(tx, 1)
		ptags = pr.Tags
		return err
	})
	if strings.Join(offer, ",") != "Ready" || strings.Join(ptags, ",") != "unix" {
		t.Fatalf("subnet %v, profile %v", offer, ptags)
	}
	// A server with both tags keeps one.
	e.do("PUT", "/servers/4", map[string]any{"tags": []string{"Ready", "Amsterdam"}}).Expect(t, 200)
	e.do("POST", "/tags/rename", map[string]any{"oldTag": "Amsterdam", "newTag": "Ready"}).Expect(t, 200)
	if got := strs(e.server(4), "result", "tags"); strings.Join(got, ",") != "Ready" {
		t.Fatalf("merged tags: %v", got)
	}
	e.do("DELETE", "/tags/delete", map[string]any{"tag": "Ready", "updateSubnets": true}).Expect(t, 200)
	if got := ids(e.do("POST", "/servers/getByTags", map[string]any{"tags": []string{"Ready"}})); len(got) != 0 {
		t.Fatalf("deleted tag still on %v", got)
	}
	e.view(func(tx *state.Tx) error {
		sn, err := tenantos.Subnets.Get(tx, 2)
		offer = sn.OfferIfTags
		return err
	})
	if len(offer) != 0 {
		t.Fatalf("subnet keeps the deleted tag: %v", offer)
	}
	e.do("DELETE", "/tags/delete", map[string]any{}).Expect(t, 422)
}

// TestGetByIp finds the server of an assigned IPv4 address; anything else is 404.
func TestGetByIp(t *testing.T) {
	e := newEnv(t)
	if id := e.do("GET", "/servers/getByIp/198.51.100.10", nil).Expect(t, 200).Int("result", "id"); id != 1 {
		t.Fatalf("server %d", id)
	}
	for _, ip := range []string{"198.51.100.11", "192.0.2.1", "2001:db8::1", "abc"} {
		e.do("GET", "/servers/getByIp/"+ip, nil).Expect(t, 404)
	}
}

// TestQuickSearch finds servers by name, IP and tag, users and subnets, within the caller's
// scope.
func TestQuickSearch(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/search/quicksearch", map[string]any{"text": "server-001"}).Expect(t, 200)
	if res.Len("result") != 1 || res.Int("result", 0, "id") != 1 || res.String("result", 0, "path") != "/servers/1" ||
		res.String("result", 0, "group") != "Servers" || res.String("result", 0, "match") != "server-001" ||
		res.String("result", 0, "desc") != "db1.example.com" || strings.Join(strs(res, "result", 0, "matchedFields"), ",") != "Servername" ||
		!strings.HasPrefix(res.String("result", 0, "uuid"), "servers-") {
		t.Fatalf("search: %v", res)
	}
	res = e.do("POST", "/search/quicksearch", map[string]any{"text": "198.51.100.20"}).Expect(t, 200)
	if res.Len("result") != 1 || res.Int("result", 0, "id") != 5 || strs(res, "result", 0, "matchedFields")[0] != "IP" {
		t.Fatalf("by IP: %v", res)
	}
	if n := e.do("POST", "/search/quicksearch", map[string]any{"text": "server-00"}, as(3)...).Expect(t, 200).Len("result"); n != 1 {
		t.Fatalf("user 3 finds %d", n)
	}
	res = e.do("POST", "/search/quicksearch", map[string]any{"text": "shanel"}).Expect(t, 200)
	if res.Len("result") != 1 || res.String("result", 0, "group") != "Users" || res.String("result", 0, "path") != "/users/3" {
		t.Fatalf("users: %v", res)
	}
	res = e.do("POST", "/search/quicksearch", map[string]any{"text": "frankfurt"}).Expect(t, 200)
	groups := map[string]int{}
	for i := 0; i < res.Len("result"); i++ {
		groups[res.String("result", i, "group")]++
	}
	if groups["Servers"] != 3 || groups["Subnets"] != 2 {
		t.Fatalf("frankfurt: %v", groups)
	}
	if n := e.do("POST", "/search/quicksearch", map[string]any{"text": "frankfurt"}, as(3)...).Expect(t, 200).Len("result"); n != 0 {
		t.Fatalf("user 3 finds %d frankfurt", n)
	}
	e.do("POST", "/search/quicksearch", map[string]any{}).Expect(t, 422)
}

// TestBadInput: unknown and non-numeric ids are 404 with a message; bad fields are 422.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/servers/987654", "/servers/abc", "/servers/987654/provisioning/getInstallStatus", "/servers/abc/power/setPowerOn"} {
		res := e.do("GET", p, nil).Expect(t, 404)
		if res.String("message") == "" {
			t.Fatalf("%s: %v", p, res)
		}
	}
	e.do("PUT", "/servers/2", map[string]any{"hostname": strings.Repeat("a", 300)}).Expect(t, 422)
	e.do("PUT", "/servers/2", map[string]any{"suspendUserIds": []int{999}}).Expect(t, 422)
	e.do("POST", "/servers", []byte(`{"hostname": "half",`)).Expect(t, 422)
	if got := e.server(2); got.String("result", "hostname") != "srv2.example.com" {
		t.Fatalf("server 2 changed: %v", got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestDeleteBusyServer: a server with a running task (a backup) is busy: 409, and it stays.
func TestDeleteBusyServer(t *testing.T) {
	e := newEnv(t)
	e.update(func(tx *state.Tx) error {
		id, err := tenantos.Tasks.NextID(tx)
		if err != nil {
			return err
		}
		return tenantos.Tasks.Put(tx, id, &tenantos.Task{ID: id, Action: "createBackup", Status: "running", ServerID: 2, UserID: 1,
			Created: tx.Now, Updated: tx.Now})
	})
	e.do("DELETE", "/servers/2", nil).Expect(t, 409)
	e.server(2)
	e.do("DELETE", "/servers/3", nil).Expect(t, 200)
}
