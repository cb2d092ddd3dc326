package virtfusion_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/virtfusion"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

type simtestResponse = simtest.Response

// Fixture ids of the server settings area.
const (
	planDaily      = 1
	planWeekly     = 2
	resetSeconds   = 15
	restartSeconds = 25
)

// apiCase is one request of a table-driven test and what it must answer. A refused request
// must leave the watched server and the hypervisor counters as they were.
type apiCase struct {
	name     string
	method   string
	path     string
	body     any
	status   int
	contains string // in the body
}

// snapshot is what a refused request must not change: the server object and every
// group's resources.
func (e *env) snapshot(srv int64) []byte {
	e.t.Helper()
	var b bytes.Buffer
	b.Write(e.getServer(srv).Body)
	for _, g := range []int{groupDefault, groupLondon} {
		b.Write(e.c.Do("GET", fmt.Sprintf("/compute/hypervisors/groups/%d/resources", g), nil).Body)
	}
	return b.Bytes()
}

func (e *env) runCases(t *testing.T, srv int64, cases []apiCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			before := e.snapshot(srv)
			res := e.c.Do(tt.method, tt.path, tt.body)
			if res.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.Status, tt.status, res.Body)
			}
			if !strings.Contains(string(res.Body), tt.contains) {
				t.Fatalf("body %s does not contain %q", res.Body, tt.contains)
			}
			switch {
			case tt.status == 422 && res.Len("errors") < 1:
				t.Fatalf("422 body is not {\"errors\":[…]}: %s", res.Body)
			case (tt.status == 404 || tt.status == 423) && res.String("msg") == "":
				t.Fatalf("%d body is not {\"msg\":…}: %s", tt.status, res.Body)
			}
			if tt.status >= 400 && !bytes.Equal(before, e.snapshot(srv)) {
				t.Fatalf("refused request changed the server or the counters")
			}
		})
	}
}

func sp(id int64, rest string) string { return fmt.Sprintf("/servers/%d%s", id, rest) }

// TestTrafficBlocks: the 25 periods a block can go to, adding, listing and removing blocks.
func TestTrafficBlocks(t *testing.T) {
	e := newEnv(t)
	srv := e.built(e.user(1))
	// The manual clock starts on 2025-01-20, the server's periods start on the 20th.
	res := e.c.Do("GET", sp(srv, "/traffic/blocks"), nil).Expect(t, 200)
	if res.Len("data", "assigned") != 0 || res.Int("data", "available", "total") != 25 ||
		res.String("data", "available", "current", "start") != "2025-01-20 00:00:00" ||
		res.String("data", "available", "current", "end") != "2025-02-19 23:59:59" ||
		res.String("data", "available", "months", "2", "start") != "2025-02-20 00:00:00" ||
		res.String("data", "available", "months", "25", "end") != "2027-02-19 23:59:59" {
		t.Fatalf("blocks of a new server: %s", res.Body)
	}
	if i1, i10 := bytes.Index(res.Body, []byte(`"1":`)), bytes.Index(res.Body, []byte(`"10":`)); i1 < 0 || i10 < bytes.Index(res.Body, []byte(`"9":`)) {
		t.Fatalf("months are not in numeric order: %s", res.Body)
	}
	e.runCases(t, srv, []apiCase{
		{"add to the current month", "POST", sp(srv, "/traffic/blocks"), map[string]any{"month": 1, "amount": 100}, 201, ""},
		{"add to next month, numeric strings", "POST", sp(srv, "/traffic/blocks"), `{"month":"2","amount":"250"}`, 201, ""},
		{"month 0", "POST", sp(srv, "/traffic/blocks"), map[string]any{"month": 0, "amount": 100}, 422, "The month field must be at least 1."},
		{"month 26", "POST", sp(srv, "/traffic/blocks"), map[string]any{"month": 26, "amount": 100}, 422, "The month field must not be greater than 25."},
		{"no amount", "POST", sp(srv, "/traffic/blocks"), map[string]any{"month": 1}, 422, "The amount field is required."},
		{"word for an amount", "POST", sp(srv, "/traffic/blocks"), map[string]any{"month": 1, "amount": "lots"}, 422, "The amount field must be an integer."},
		{"empty body", "POST", sp(srv, "/traffic/blocks"), "", 422, "The month field is required."},
		{"unknown server", "POST", "/servers/987654/traffic/blocks", map[string]any{"month": 1, "amount": 1}, 404, `{"msg":"server not found"}`},
		{"list of an unknown server", "GET", "/servers/987654/traffic/blocks", nil, 404, "server not found"},
		{"list ignores the documented body", "GET", sp(srv, "/traffic/blocks"), map[string]any{"month": "x"}, 200, `"assigned":[{"id":1,"current":true,"month":1,"traffic":100`},
		{"remove an unknown block", "DELETE", sp(srv, "/traffic/blocks/99"), nil, 404, `{"msg":"traffic block not found"}`},
		{"remove with a word for the id", "DELETE", sp(srv, "/traffic/blocks/abc"), nil, 404, "not found"},
		{"remove from an unknown server", "DELETE", "/servers/987654/traffic/blocks/1", nil, 404, "server not found"},
		{"remove with the documented body", "DELETE", sp(srv, "/traffic/blocks/1"), map[string]any{"month": 1, "amount": 100}, 204, ""},
		{"remove twice", "DELETE", sp(srv, "/traffic/blocks/1"), nil, 404, "traffic block not found"},
	})
	res = e.c.Do("GET", sp(srv, "/traffic/blocks"), nil).Expect(t, 200)
	if res.Len("data", "assigned") != 1 || res.Int("data", "assigned", 0, "id") != 2 || res.Get("data", "assigned", 0, "current") != false ||
		res.Int("data", "assigned", 0, "month") != 2 || res.Int("data", "assigned", 0, "traffic") != 250 ||
		res.String("data", "assigned", 0, "start") != "2025-02-20 00:00:00" || res.String("data", "assigned", 0, "added") != "2025-01-20T12:01:50.000000Z" {
		t.Fatalf("blocks after the table: %s", res.Body)
	}
	// A month later the block added for month 2 is the current one, and the months move on.
	e.advance(31 * 24 * time.Hour)
	res = e.c.Do("GET", sp(srv, "/traffic/blocks"), nil).Expect(t, 200)
	if res.Get("data", "assigned", 0, "current") != true || res.String("data", "available", "current", "start") != "2025-02-20 00:00:00" {
		t.Fatalf("blocks a month later: %s", res.Body)
	}
}

// TestTrafficStatistics: usage grows with the clock while the server runs, stops while it
// is off, and blocks show in the month they were added for.
func TestTrafficStatistics(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	unbuilt := e.server(user, pkgS, groupDefault)
	srv := e.built(user)
	stats := func(id int64) *simtestResponse { return e.c.Do("GET", sp(id, "/traffic"), nil).Expect(t, 200) }

	res := stats(srv)
	if res.Len("data", "monthly") != 1 || res.Int("data", "monthly", 0, "month") != 1 || res.Int("data", "monthly", 0, "limit") != 1000 ||
		res.String("data", "monthly", 0, "start") != "2025-01-20 00:00:00" || res.String("data", "monthly", 0, "end") != "2025-02-19 23:59:59" {
		t.Fatalf("statistics of a new server: %s", res.Body)
	}
	e.advance(time.Hour)
	rx1, tx1 := stats(srv).Int("data", "monthly", 0, "rx"), stats(srv).Int("data", "monthly", 0, "tx")
	if rx1 <= 0 || tx1 <= 0 || stats(srv).Int("data", "monthly", 0, "total") != rx1+tx1 {
		t.Fatalf("after an hour of running: %s", stats(srv).Body)
	}
	e.advance(time.Hour)
	if rx2 := stats(srv).Int("data", "monthly", 0, "rx"); rx2 != 2*rx1 {
		t.Fatalf("rx after two hours %d, want %d", rx2, 2*rx1)
	}
	if rx := stats(unbuilt).Int("data", "monthly", 0, "rx"); rx != 0 {
		t.Fatalf("an unbuilt server used %d bytes", rx)
	}
	// Reading twice gives the same figures: nothing is random.
	if a, b := stats(srv).Body, stats(srv).Body; !bytes.Equal(a, b) {
		t.Fatalf("two reads differ:\n%s\n%s", a, b)
	}

	// Stopped, it uses nothing; shutdown takes 20 s, during which it still runs.
	e.c.Do("POST", sp(srv, "/power/shutdown"), nil).Expect(t, 200)
	e.advance(20 * time.Second)
	stopped := stats(srv).Int("data", "monthly", 0, "rx")
	e.advance(time.Hour)
	if rx := stats(srv).Int("data", "monthly", 0, "rx"); rx != stopped {
		t.Fatalf("a stopped server used traffic: %d, then %d", stopped, rx)
	}
	e.c.Do("POST", sp(srv, "/power/boot"), nil).Expect(t, 200)
	e.advance(10*time.Second + time.Hour)
	if rx := stats(srv).Int("data", "monthly", 0, "rx"); rx != stopped+rx1 {
		t.Fatalf("after booting again and an hour: rx %d, want %d", rx, stopped+rx1)
	}

	// Blocks: one for this month and one for the next show in both lists.
	e.c.Do("POST", sp(srv, "/traffic/blocks"), map[string]any{"month": 1, "amount": 100}).Expect(t, 201)
	e.c.Do("POST", sp(srv, "/traffic/blocks"), map[string]any{"month": 2, "amount": 50}).Expect(t, 201)
	res = stats(srv)
	if res.Len("data", "monthly", 0, "blocks") != 1 || res.Int("data", "monthly", 0, "blocks", 0, "traffic") != 100 {
		t.Fatalf("current month's blocks: %s", res.Body)
	}
	blocks := e.c.Do("GET", sp(srv, "/traffic/blocks"), nil).Expect(t, 200)
	if blocks.Len("data", "assigned") != 2 || blocks.Int("data", "assigned", 0, "id") != res.Int("data", "monthly", 0, "blocks", 0, "id") {
		t.Fatalf("blocks list: %s", blocks.Body)
	}

	// The next period: newest first, last month's figures frozen, next month's block here.
	last := stats(srv).Int("data", "monthly", 0, "rx")
	e.advance(31 * 24 * time.Hour)
	res = stats(srv)
	if res.Len("data", "monthly") != 2 || res.Int("data", "monthly", 0, "month") != 2 || res.Int("data", "monthly", 1, "month") != 1 ||
		res.String("data", "monthly", 0, "start") != "2025-02-20 00:00:00" {
		t.Fatalf("two periods: %s", res.Body)
	}
	if res.Int("data", "monthly", 1, "rx") <= last || res.Int("data", "monthly", 0, "rx") <= 0 {
		t.Fatalf("usage across the period boundary: %s", res.Body)
	}
	if res.Len("data", "monthly", 0, "blocks") != 1 || res.Int("data", "monthly", 0, "blocks", 0, "traffic") != 50 ||
		res.Int("data", "monthly", 1, "blocks", 0, "traffic") != 100 {
		t.Fatalf("blocks by period: %s", res.Body)
	}
	e.c.Do("GET", "/servers/987654/traffic", nil).Expect(t, 404)
}

// TestModifyTraffic: the allowance, as an integer or (the vendor schema) a string.
func TestModifyTraffic(t *testing.T) {
	e := newEnv(t)
	srv := e.built(e.user(1))
	e.runCases(t, srv, []apiCase{
		{"integer", "PUT", sp(srv, "/modify/traffic"), map[string]any{"traffic": 1500}, 201, ""},
		{"string, as the vendor schema says", "PUT", sp(srv, "/modify/traffic"), map[string]any{"traffic": "2500"}, 201, ""},
		{"negative", "PUT", sp(srv, "/modify/traffic"), map[string]any{"traffic": -1}, 422, "The traffic field must be at least 0."},
		{"too much", "PUT", sp(srv, "/modify/traffic"), map[string]any{"traffic": 1000000000}, 422, "The traffic field must not be greater than 999999999."},
		{"a word", "PUT", sp(srv, "/modify/traffic"), map[string]any{"traffic": "lots"}, 422, "The traffic field must be an integer."},
		{"missing", "PUT", sp(srv, "/modify/traffic"), map[string]any{}, 422, "The traffic field is required."},
		{"unknown server", "PUT", "/servers/987654/modify/traffic", map[string]any{"traffic": 1}, 404, "server not found"},
	})
	res := e.getServer(srv)
	if res.Int("data", "settings", "resources", "traffic") != 2500 || res.Int("data", "traffic", "public", "currentPeriod", "limit") != 2500 {
		t.Fatalf("traffic not shown: %v %v", res.Get("data", "settings", "resources"), res.Get("data", "traffic"))
	}
	if got := e.c.Do("GET", sp(srv, "/traffic"), nil).Int("data", "monthly", 0, "limit"); got != 2500 {
		t.Fatalf("statistics limit %d", got)
	}
	e.c.Do("PUT", sp(srv, "/modify/traffic"), map[string]any{"traffic": 0}).Expect(t, 201)
	if got := e.getServer(srv).Int("data", "traffic", "public", "currentPeriod", "limit"); got != 0 {
		t.Fatalf("unmetered limit %d", got)
	}
}

// TestBackupPlan: put a server on a plan, change it, take it off.
func TestBackupPlan(t *testing.T) {
	e := newEnv(t)
	srv := e.server(e.user(1), pkgS, groupDefault)
	if res := e.getServer(srv); res.Get("data", "backupPlan", "id") != nil || res.Get("data", "settings", "backupPlan") != nil {
		t.Fatalf("a new server has a plan: %v", res.Get("data", "backupPlan"))
	}
	e.runCases(t, srv, []apiCase{
		{"weekly", "PUT", sp(srv, "/backups/plan/2"), nil, 201, ""},
		{"daily, with a PHP empty array body", "PUT", sp(srv, "/backups/plan/1"), "[]", 201, ""},
		{"unknown plan", "PUT", sp(srv, "/backups/plan/77"), nil, 404, `{"msg":"backup plan not found"}`},
		{"a word for a plan", "PUT", sp(srv, "/backups/plan/daily"), nil, 404, `"msg"`},
		{"unknown server", "PUT", "/servers/987654/backups/plan/1", nil, 404, "server not found"},
	})
	res := e.getServer(srv)
	if res.Int("data", "backupPlan", "id") != planDaily || res.String("data", "backupPlan", "name") != "Daily (7 days)" ||
		res.Int("data", "settings", "backupPlan") != planDaily {
		t.Fatalf("plan not shown: %v %v", res.Get("data", "backupPlan"), res.Get("data", "settings", "backupPlan"))
	}
	e.c.Do("PUT", sp(srv, "/backups/plan/0"), nil).Expect(t, 201)
	if res := e.getServer(srv); res.Get("data", "backupPlan", "id") != nil || res.Get("data", "backupPlan", "name") != nil || res.Get("data", "settings", "backupPlan") != nil {
		t.Fatalf("plan 0 did not remove the plan: %v", res.Get("data", "backupPlan"))
	}
	e.c.Do("PUT", sp(srv, "/backups/plan/0"), nil).Expect(t, 201)
}

// TestChangePackage: the resources follow the new package, the hypervisor's counters move,
// the disk never shrinks, and what did not change is listed.
func TestChangePackage(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	srv := e.built(user)
	mem, cores, disk := e.groupAlloc(groupDefault, "memory"), e.groupAlloc(groupDefault, "cpuCores"), e.groupAlloc(groupDefault, "localStorage")

	res := e.c.Do("PUT", sp(srv, fmt.Sprintf("/package/%d", pkgM)), nil).Expect(t, 200)
	if !sameStrings(res, "info", "backup plan not updated. It matches the current value", "read IOPS not updated. It matches the current value",
		"write IOPS not updated. It matches the current value", "read bytes/sec not updated. It matches the current value",
		"write bytes/sec not updated. It matches the current value") {
		t.Fatalf("info S → M: %s", res.Body)
	}
	if e.groupAlloc(groupDefault, "memory") != mem+1024 || e.groupAlloc(groupDefault, "cpuCores") != cores+1 || e.groupAlloc(groupDefault, "localStorage") != disk+25 {
		t.Fatalf("counters did not move: memory %d cores %d storage %d", e.groupAlloc(groupDefault, "memory"), e.groupAlloc(groupDefault, "cpuCores"), e.groupAlloc(groupDefault, "localStorage"))
	}
	s := e.getServer(srv)
	r := s.Get("data", "settings", "resources").(map[string]any)
	if fmt.Sprintf("%v %v %v %v", r["memory"], r["storage"], r["traffic"], r["cpuCores"]) != "2048 50 2000 2" || s.Int("data", "cpu", "cores") != 2 ||
		s.Int("data", "storage", 0, "capacity") != 50 || s.Int("data", "network", "interfaces", 0, "inAverage") != 25000 {
		t.Fatalf("server after S → M: %v cores %d capacity %d in %d", r, s.Int("data", "cpu", "cores"), s.Int("data", "storage", 0, "capacity"), s.Int("data", "network", "interfaces", 0, "inAverage"))
	}
	if s.Len("data", "tasks", "actions", "pending") != 2 {
		t.Fatalf("pending actions after a package change of a built server: %v", s.Get("data", "tasks", "actions", "pending"))
	}

	// Back to S with the disk: it does not shrink; without memory nor the disk flags.
	res = e.c.Do("PUT", sp(srv, fmt.Sprintf("/package/%d", pkgS)), map[string]any{"memory": false, "backupPlan": "false",
		"primaryDiskReadIOPS": false, "primaryDiskWriteIOPS": 0, "primaryDiskReadThroughput": false, "primaryDiskWriteThroughput": false}).Expect(t, 200)
	if !sameStrings(res, "info", "primary disk not updated. It either matches or is lower than the current value") {
		t.Fatalf("info M → S: %s", res.Body)
	}
	s = e.getServer(srv)
	r = s.Get("data", "settings", "resources").(map[string]any)
	if fmt.Sprintf("%v %v %v %v", r["memory"], r["storage"], r["traffic"], r["cpuCores"]) != "2048 50 1000 1" {
		t.Fatalf("server after M → S without memory: %v", r)
	}
	if e.groupAlloc(groupDefault, "memory") != mem+1024 || e.groupAlloc(groupDefault, "cpuCores") != cores || e.groupAlloc(groupDefault, "localStorage") != disk+25 {
		t.Fatal("counters after M → S")
	}
	res = e.c.Do("PUT", sp(srv, fmt.Sprintf("/package/%d", pkgS)), map[string]any{"primaryDiskSize": false}).Expect(t, 200)
	if !strings.Contains(string(res.Body), "CPU cores not updated. It matches the current value") ||
		!strings.Contains(string(res.Body), "traffic not updated") || !strings.Contains(string(res.Body), "primary network speed inbound not updated") ||
		strings.Contains(string(res.Body), "primary disk") {
		t.Fatalf("info S → S: %s", res.Body)
	}

	busy := e.server(user, pkgS, groupDefault)
	e.c.Do("POST", sp(busy, "/build"), map[string]any{"operatingSystemId": tmplDebian12}).Expect(t, 200)
	e.runCases(t, srv, []apiCase{
		{"unknown package", "PUT", sp(srv, "/package/987"), nil, 404, `{"msg":"package not found"}`},
		{"disabled package", "PUT", sp(srv, fmt.Sprintf("/package/%d", pkgDisabled)), nil, 422, "The selected package id is invalid."},
		{"word for a flag", "PUT", sp(srv, fmt.Sprintf("/package/%d", pkgL)), map[string]any{"cpu": "maybe"}, 422, "The cpu field must be true or false."},
		{"unknown server", "PUT", "/servers/987654/package/1", nil, 404, "server not found"},
		{"bigger than the hypervisor", "PUT", sp(srv, "/package/4"), nil, 200, ""}, // 8 GB, 8 cores fit on 64 GB, 32 cores
		{"while a task runs", "PUT", sp(busy, "/package/2"), nil, 423, "task in progress"},
	})
}

// TestChangePackageRefused: a package that does not fit on the server's hypervisor is
// refused, and nothing changes.
func TestChangePackageRefused(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	// London: 64 cores. Seven Windows servers (8 cores each) and two S servers take 58.
	for i := 0; i < 7; i++ {
		e.server(user, pkgWindows, groupLondon)
	}
	e.server(user, pkgS, groupLondon)
	srv := e.server(user, pkgS, groupLondon)
	before := e.snapshot(srv)
	res := e.c.Do("PUT", sp(srv, fmt.Sprintf("/package/%d", pkgWindows)), nil).Expect(t, 422)
	if res.Len("errors") != 1 || res.String("errors", 0) != "The server's hypervisor does not have enough free CPU cores for this change." {
		t.Fatalf("refusal: %s", res.Body)
	}
	if !bytes.Equal(before, e.snapshot(srv)) {
		t.Fatal("a refused package change changed something")
	}
	// Without the cores it fits.
	e.c.Do("PUT", sp(srv, fmt.Sprintf("/package/%d", pkgWindows)), map[string]any{"cpu": false}).Expect(t, 200)
	if got := e.groupAlloc(groupLondon, "memory"); got != 7*8192+1024+8192 {
		t.Fatalf("London memory allocated %d", got)
	}
}

// TestModifyMemoryAndCores: memory and cores change at once in settings.resources and on the
// hypervisor; on a built server they wait as pending actions that the next power action
// consumes.
func TestModifyMemoryAndCores(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	srv := e.built(user)
	unbuilt := e.server(user, pkgS, groupDefault)
	mem, cores := e.groupAlloc(groupDefault, "memory"), e.groupAlloc(groupDefault, "cpuCores")
	e.runCases(t, srv, []apiCase{
		{"memory", "PUT", sp(srv, "/modify/memory"), map[string]any{"memory": 2048}, 201, ""},
		{"memory again, as a string", "PUT", sp(srv, "/modify/memory"), map[string]any{"memory": "3072"}, 201, ""},
		{"too little memory", "PUT", sp(srv, "/modify/memory"), map[string]any{"memory": 128}, 422, "The memory field must be at least 256."},
		{"no memory", "PUT", sp(srv, "/modify/memory"), map[string]any{}, 422, "The memory field is required."},
		{"more memory than the hypervisor has", "PUT", sp(srv, "/modify/memory"), map[string]any{"memory": 70000}, 422, "does not have enough free memory"},
		{"memory of an unknown server", "PUT", "/servers/987654/modify/memory", map[string]any{"memory": 1024}, 404, "server not found"},
		{"cores", "PUT", sp(srv, "/modify/cpuCores"), map[string]any{"cores": 2}, 201, ""},
		{"cpuCores, as WHMCS-EZ sends it", "PUT", sp(srv, "/modify/cpuCores"), map[string]any{"cpuCores": 3}, 201, ""},
		{"no cores", "PUT", sp(srv, "/modify/cpuCores"), map[string]any{}, 422, "The cores field is required."},
		{"zero cores", "PUT", sp(srv, "/modify/cpuCores"), map[string]any{"cores": 0}, 422, "The cores field must be at least 1."},
		{"too many cores", "PUT", sp(srv, "/modify/cpuCores"), map[string]any{"cpuCores": 601}, 422, "The cpu cores field must not be greater than 600."},
		{"more cores than the hypervisor has", "PUT", sp(srv, "/modify/cpuCores"), map[string]any{"cores": 40}, 422, "does not have enough free CPU cores"},
		{"cores of an unknown server", "PUT", "/servers/987654/modify/cpuCores", map[string]any{"cores": 1}, 404, "server not found"},
		{"unbuilt server", "PUT", sp(unbuilt, "/modify/memory"), map[string]any{"memory": 512}, 201, ""},
	})
	// cores wins over cpuCores.
	e.c.Do("PUT", sp(srv, "/modify/cpuCores"), map[string]any{"cores": 4, "cpuCores": 1}).Expect(t, 201)
	s := e.getServer(srv)
	if s.Int("data", "settings", "resources", "memory") != 3072 || s.Int("data", "settings", "resources", "cpuCores") != 4 || s.Int("data", "cpu", "cores") != 4 {
		t.Fatalf("resources: %v", s.Get("data", "settings", "resources"))
	}
	if e.groupAlloc(groupDefault, "memory") != mem+2048-512 || e.groupAlloc(groupDefault, "cpuCores") != cores+3 {
		t.Fatalf("counters: memory %d (from %d), cores %d (from %d)", e.groupAlloc(groupDefault, "memory"), mem, e.groupAlloc(groupDefault, "cpuCores"), cores)
	}
	// One pending action per kind, the latest value in its payload.
	pending := s.Get("data", "tasks", "actions", "pending").([]any)
	if len(pending) != 2 || s.String("data", "tasks", "actions", "pending", 0, "action") != "Memory Update" ||
		s.Int("data", "tasks", "actions", "pending", 0, "payload", "memory") != 3072 ||
		s.String("data", "tasks", "actions", "pending", 1, "action") != "CPU Cores Update" ||
		s.Int("data", "tasks", "actions", "pending", 1, "payload", "cores") != 4 ||
		fmt.Sprint(s.Get("data", "tasks", "actions", "pending", 0, "requires")) != "[boot restart shutdown poweroff]" ||
		s.Get("data", "tasks", "actions", "pending", 0, "complete") != false {
		t.Fatalf("pending: %v", pending)
	}
	if n := e.getServer(unbuilt).Len("data", "tasks", "actions", "pending"); n != 0 {
		t.Fatalf("an unbuilt server has %d pending actions", n)
	}
	// Pending actions do not lock power; the restart consumes them.
	q := e.c.Do("POST", sp(srv, "/power/restart"), nil).Expect(t, 200).Int("data", "queueId")
	e.c.Do("PUT", sp(srv, "/modify/memory"), map[string]any{"memory": 1024}).Expect(t, 423)
	if n := e.getServer(srv).Len("data", "tasks", "actions", "pending"); n != 2 {
		t.Fatalf("pending consumed before the restart finished: %d left", n)
	}
	e.advance(restartSeconds * time.Second)
	if n := e.getServer(srv).Len("data", "tasks", "actions", "pending"); n != 0 {
		t.Fatalf("%d pending actions left after the restart", n)
	}
	qi := e.c.Do("GET", fmt.Sprintf("/queue/%d", q), nil).Expect(t, 200)
	if qi.Len("data", "primaryActions") != 3 || qi.String("data", "primaryActions", 0, "type") != "server.pending.action" ||
		qi.String("data", "primaryActions", 2, "type") != "server.restart" || qi.Int("data", "progress") != 100 {
		t.Fatalf("restart queue item: %s", qi.Body)
	}
}

// TestResetPassword: a queue item that sets a new password through the guest agent.
func TestResetPassword(t *testing.T) {
	e := newEnv(t)
	user := e.user(1)
	srv := e.built(user)
	unbuilt := e.server(user, pkgS, groupDefault)
	oldCipher := e.getServer(srv).String("data", "settings", "encryptedPassword")
	e.runCases(t, srv, []apiCase{
		{"unknown user", "POST", sp(srv, "/resetPassword"), map[string]any{"user": "admin"}, 422, "The selected user is invalid."},
		{"word for sendMail", "POST", sp(srv, "/resetPassword"), map[string]any{"user": "root", "sendMail": "maybe"}, 422, "The send mail field must be true or false."},
		{"unknown server", "POST", "/servers/987654/resetPassword", nil, 404, "server not found"},
		{"unbuilt server", "POST", sp(unbuilt, "/resetPassword"), nil, 423, "not been built"},
	})
	// No body, as WHMCS-EZ posts it: root.
	res := e.c.Do("POST", sp(srv, "/resetPassword"), nil).Expect(t, 200)
	q, pw := res.Int("data", "queueId"), res.String("data", "expectedPassword")
	if q == 0 || len(pw) != 20 {
		t.Fatalf("reset answer: %s", res.Body)
	}
	e.c.Do("POST", sp(srv, "/resetPassword"), map[string]any{"user": "root"}).Expect(t, 423)
	e.c.Do("POST", sp(srv, "/power/restart"), nil).Expect(t, 423)
	if e.getServer(srv).Get("data", "tasks", "active") != true || e.getServer(srv).String("data", "settings", "encryptedPassword") != oldCipher {
		t.Fatal("server while the reset runs")
	}
	qi := e.c.Do("GET", fmt.Sprintf("/queue/%d", q), nil).Expect(t, 200)
	if qi.Get("data", "finished") != nil || qi.String("data", "action") != "reset_password" {
		t.Fatalf("queue item while running: %s", qi.Body)
	}
	e.advance(resetSeconds * time.Second)
	qi = e.c.Do("GET", fmt.Sprintf("/queue/%d", q), nil).Expect(t, 200)
	if qi.Get("data", "finished") == nil || qi.Get("data", "failed") != false || qi.Int("data", "progress") != 100 {
		t.Fatalf("queue item after the reset: %s", qi.Body)
	}
	s := e.getServer(srv)
	if s.Get("data", "tasks", "active") != false || s.String("data", "settings", "encryptedPassword") == oldCipher {
		t.Fatal("password not changed")
	}
	// Administrator, sendMail as a string.
	e.c.Do("POST", sp(srv, "/resetPassword"), map[string]any{"user": "Administrator", "sendMail": "false"}).Expect(t, 200)
	e.advance(resetSeconds * time.Second)

	// A stopped server: the job fails and the password stays.
	e.c.Do("POST", sp(srv, "/power/poweroff"), nil).Expect(t, 200)
	e.advance(5 * time.Second)
	cipher := e.getServer(srv).String("data", "settings", "encryptedPassword")
	q = e.c.Do("POST", sp(srv, "/resetPassword"), nil).Expect(t, 200).Int("data", "queueId")
	e.advance(resetSeconds * time.Second)
	qi = e.c.Do("GET", fmt.Sprintf("/queue/%d", q), nil).Expect(t, 200)
	if qi.Get("data", "failed") != true || qi.String("data", "errors", "exception", "message") == "" {
		t.Fatalf("reset of a stopped server: %s", qi.Body)
	}
	if e.getServer(srv).String("data", "settings", "encryptedPassword") != cipher {
		t.Fatal("a failed reset changed the password")
	}
}

// TestChangeOwner: the server moves to another user, with the by-owner lists.
func TestChangeOwner(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.user(1), e.user(2)
	srv := e.server(alice, pkgS, groupDefault)
	e.runCases(t, srv, []apiCase{
		{"same owner", "PUT", sp(srv, fmt.Sprintf("/owner/%d", alice)), nil, 422, "same as the existing owner"},
		{"unknown user", "PUT", sp(srv, "/owner/987654"), nil, 404, `{"msg":"user not found"}`},
		{"word for a user", "PUT", sp(srv, "/owner/bob"), nil, 404, `{"msg":"user not found"}`},
		{"unknown server", "PUT", fmt.Sprintf("/servers/987654/owner/%d", bob), nil, 404, "server not found"},
		{"to bob", "PUT", sp(srv, fmt.Sprintf("/owner/%d", bob)), nil, 201, ""},
	})
	s := e.getServer(srv)
	if s.Int("data", "ownerId") != bob || s.Int("data", "owner", "id") != bob || s.String("data", "owner", "email") != "c2@example.com" {
		t.Fatalf("owner: %v", s.Get("data", "owner"))
	}
	if n := e.c.Do("GET", fmt.Sprintf("/servers/user/%d", alice), nil).Expect(t, 200).Len("data"); n != 0 {
		t.Fatalf("alice still has %d servers", n)
	}
	if res := e.c.Do("GET", fmt.Sprintf("/servers/user/%d", bob), nil).Expect(t, 200); res.Len("data") != 1 || res.Int("data", 0, "ownerId") != bob {
		t.Fatalf("bob's servers: %s", res.Body)
	}
	if got := e.c.Do("GET", "/servers", nil).Int("data", 0, "owner"); got != bob {
		t.Fatalf("list shows owner %d", got)
	}
	// Alice owns nothing now, so she can go; bob cannot.
	e.c.Do("DELETE", "/users/1/byExtRelation", nil).Expect(t, 204)
	e.c.Do("DELETE", "/users/2/byExtRelation", nil).Expect(t, 422)
}

// TestVNC: both body spellings, the details, the server object's vnc.enabled.
func TestVNC(t *testing.T) {
	e := newEnv(t)
	srv := e.built(e.user(1))
	res := e.c.Do("GET", sp(srv, "/vnc"), nil).Expect(t, 200)
	pw, token := res.String("data", "vnc", "password"), res.String("data", "vnc", "wss", "token")
	if len(pw) != 8 || res.Get("data", "vnc", "enabled") != false || res.String("data", "vnc", "ip") != e.getServer(srv).String("data", "hypervisor", "ip") ||
		res.String("data", "vnc", "wss", "url") != "/vnc/?token="+token || res.Int("data", "vnc", "port") < 5901 {
		t.Fatalf("vnc details: %s", res.Body)
	}
	enabled := func(want bool) func(*testing.T) {
		return func(t *testing.T) {
			if got := e.getServer(srv).Get("data", "vnc", "enabled"); got != want {
				t.Fatalf("server vnc.enabled %v, want %v", got, want)
			}
			if got := e.c.Do("GET", sp(srv, "/vnc"), nil).Get("data", "vnc", "enabled"); got != want {
				t.Fatalf("GET vnc enabled %v, want %v", got, want)
			}
		}
	}
	e.runCases(t, srv, []apiCase{
		{"enable", "POST", sp(srv, "/vnc"), map[string]any{"action": "enable"}, 200, `"enabled":true},"queueId":null}`},
	})
	t.Run("enabled", enabled(true))
	e.runCases(t, srv, []apiCase{
		{"disable, WHMCS-EZ spelling", "POST", sp(srv, "/vnc"), map[string]any{"vnc": false}, 200, `"enabled":false`},
	})
	t.Run("disabled", enabled(false))
	e.runCases(t, srv, []apiCase{
		{"enable with a string boolean", "POST", sp(srv, "/vnc"), map[string]any{"vnc": "true"}, 200, `"enabled":true`},
		{"action wins", "POST", sp(srv, "/vnc"), map[string]any{"action": "disable", "vnc": true}, 200, `"enabled":false`},
		{"no body", "POST", sp(srv, "/vnc"), nil, 422, "The action field is required."},
		{"unknown action", "POST", sp(srv, "/vnc"), map[string]any{"action": "toggle"}, 422, "The selected action is invalid."},
		{"word for vnc", "POST", sp(srv, "/vnc"), map[string]any{"vnc": "maybe"}, 422, "The vnc field must be true or false."},
		{"unknown server", "POST", "/servers/987654/vnc", map[string]any{"action": "enable"}, 404, "server not found"},
		{"details of an unknown server", "GET", "/servers/987654/vnc", nil, 404, "server not found"},
	})
	res = e.c.Do("GET", sp(srv, "/vnc"), nil).Expect(t, 200)
	if res.String("data", "vnc", "password") != pw || res.String("data", "vnc", "wss", "token") == token {
		t.Fatalf("password must stay and each enable gets a new token: %s", res.Body)
	}
}

// TestCPUThrottle: the percentage shows as cpu.throttle.
func TestCPUThrottle(t *testing.T) {
	e := newEnv(t)
	srv := e.built(e.user(1))
	e.runCases(t, srv, []apiCase{
		{"50", "PUT", sp(srv, "/modify/cpuThrottle"), map[string]any{"percent": 50}, 201, ""},
		{"with sync", "PUT", sp(srv, "/modify/cpuThrottle?sync=true"), map[string]any{"percent": "25"}, 201, ""},
		{"100", "PUT", sp(srv, "/modify/cpuThrottle"), map[string]any{"percent": 100}, 422, "The percent field must not be greater than 99."},
		{"negative", "PUT", sp(srv, "/modify/cpuThrottle"), map[string]any{"percent": -1}, 422, "The percent field must be at least 0."},
		{"missing", "PUT", sp(srv, "/modify/cpuThrottle"), nil, 422, "The percent field is required."},
		{"word for sync", "PUT", sp(srv, "/modify/cpuThrottle?sync=maybe"), map[string]any{"percent": 5}, 422, "The sync field must be true or false."},
		{"unknown server", "PUT", "/servers/987654/modify/cpuThrottle", map[string]any{"percent": 5}, 404, "server not found"},
	})
	if got := e.getServer(srv).Int("data", "cpu", "throttle"); got != 25 {
		t.Fatalf("cpu.throttle %d", got)
	}
	e.c.Do("PUT", sp(srv, "/modify/cpuThrottle"), map[string]any{"percent": 0}).Expect(t, 201)
	if got := e.getServer(srv).Int("data", "cpu", "throttle"); got != 0 {
		t.Fatalf("cpu.throttle %d after 0", got)
	}
}

// TestCustomXML: sections are stored and shown; what is not sent keeps its value.
func TestCustomXML(t *testing.T) {
	e := newEnv(t)
	srv := e.server(e.user(1), pkgS, groupDefault)
	e.runCases(t, srv, []apiCase{
		{"everything", "POST", sp(srv, "/customXML"), map[string]any{"domain": "<domain/>", "os": "<os/>", "devices": "<devices/>",
			"features": "<features/>", "clock": "<clock/>", "cpuTune": "<cputune/>", "domainEnabled": true, "osEnabled": true,
			"devicesEnabled": true, "featuresEnabled": true, "clockEnabled": true, "cpuTuneEnabled": true}, 200, `""`},
		{"disable the clock only", "POST", sp(srv, "/customXML"), map[string]any{"clockEnabled": "false"}, 200, `""`},
		{"word for a flag", "POST", sp(srv, "/customXML"), map[string]any{"osEnabled": "maybe"}, 422, "The os enabled field must be true or false."},
		{"number for a section", "POST", sp(srv, "/customXML"), map[string]any{"os": 5}, 422, "The os field must be a string."},
		{"unknown server", "POST", "/servers/987654/customXML", map[string]any{"os": "<os/>"}, 404, "server not found"},
	})
	x := e.getServer(srv)
	if x.String("data", "customXML", "domain", "xml") != "<domain/>" || x.Get("data", "customXML", "domain", "enabled") != true ||
		x.String("data", "customXML", "cpuTune", "xml") != "<cputune/>" || x.String("data", "customXML", "clock", "xml") != "<clock/>" ||
		x.Get("data", "customXML", "clock", "enabled") != false {
		t.Fatalf("customXML: %v", x.Get("data", "customXML"))
	}
	if body := strings.TrimSpace(string(e.c.Do("POST", sp(srv, "/customXML"), map[string]any{}).Expect(t, 200).Body)); body != `""` {
		t.Fatalf("answer %q, want an empty JSON string", body)
	}
}

// TestBackupAccess: the access type is stored.
func TestBackupAccess(t *testing.T) {
	e := newEnv(t)
	srv := e.server(e.user(1), pkgS, groupDefault)
	access := func() string {
		var got string
		err := e.s.World(simtest.DefaultToken).View(func(tx *state.Tx) (err error) {
			got, err = virtfusion.BackupAccess(tx, srv)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	e.runCases(t, srv, []apiCase{
		{"full", "PUT", sp(srv, "/backupManager/access"), map[string]any{"type": "full"}, 201, ""},
		{"view_restore", "PUT", sp(srv, "/backupManager/access"), map[string]any{"type": "view_restore"}, 201, ""},
		{"unknown type", "PUT", sp(srv, "/backupManager/access"), map[string]any{"type": "everything"}, 422, "The selected type is invalid."},
		{"missing", "PUT", sp(srv, "/backupManager/access"), nil, 422, "The type field is required."},
		{"unknown server", "PUT", "/servers/987654/backupManager/access", map[string]any{"type": "full"}, 404, "server not found"},
	})
	if got := access(); got != "view_restore" {
		t.Fatalf("access %q", got)
	}
}

// sameStrings reports whether the array at key holds exactly want, in any order.
func sameStrings(res *simtestResponse, key string, want ...string) bool {
	arr, _ := res.Get(key).([]any)
	if len(arr) != len(want) {
		return false
	}
	seen := map[string]bool{}
	for _, v := range arr {
		s, _ := v.(string)
		seen[s] = true
	}
	for _, w := range want {
		if !seen[w] {
			return false
		}
	}
	return true
}
