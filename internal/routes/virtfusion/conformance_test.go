package virtfusion_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/routes/virtfusion"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/simtest"
)

// world is what every conformance case starts from: the fixtures, a customer (ext 1) with
// a built server, and a second customer (ext 2) with nothing. The server is built as the
// vendor's examples show one: with a hostname, IPv6, an SSH key of its owner, two addresses on
// its whitelist and a traffic block, so that every list the examples fill has items to compare.
type world struct {
	e              *env
	user, user2    int64
	server, queue  int64
	ext, ext2      string
	serverAddress  string
	paths          map[string]string
	query          string // added to the operation's URL
	body           map[string]any
	expectedStatus int
}

func newWorld(e *env) *world {
	w := &world{e: e, ext: "1", ext2: "2"}
	w.user = e.user(1)
	w.user2 = e.user(2)
	key := e.addKey(w.user, "conformance", keyEd25519)
	w.server = e.server(w.user, pkgS, groupDefault)
	srv := fmt.Sprintf("/servers/%d", w.server)
	for _, ip := range []string{"192.0.2.10", "192.0.2.11"} {
		e.c.Do("POST", srv+"/networkWhitelist", map[string]any{"interface": "primary", "ip": ip, "cidr": 32}).Expect(e.t, 201)
	}
	e.c.Do("POST", srv+"/build", map[string]any{"operatingSystemId": tmplDebian12, "name": "web", "hostname": "web.example.com",
		"ipv6": true, "sshKeys": []int64{key}}).Expect(e.t, 200)
	e.advance(buildSeconds * time.Second)
	e.c.Do("POST", srv+"/traffic/blocks", map[string]any{"month": 1, "amount": 50}).Expect(e.t, 201)
	w.queue = 1
	w.serverAddress = e.getServer(w.server).String("data", "network", "interfaces", 0, "ipv4", 0, "address")
	pack := e.c.Do("POST", "/selfService/resourcePack/byUserExtRelationId/1", map[string]any{"packId": 1, "enabled": true}).Expect(e.t, 201).Int("data", "id")
	credit := e.c.Do("POST", "/selfService/credit/byUserExtRelationId/1", map[string]any{"tokens": 100}).Expect(e.t, 201).Int("data", "id")
	w.paths = map[string]string{
		"packId": fmt.Sprint(pack), "creditId": fmt.Sprint(credit), "profileId": "1",
		"keyId": fmt.Sprint(key), "serviceId": "1", "isoId": "1", "backupPlanId": "1",
		"serverId": fmt.Sprint(w.server), "hypervisorId": "1", "hypervisorGroupId": "1", "packageId": "1",
		"serverPackageId": "1", "queueId": fmt.Sprint(w.queue), "userId": fmt.Sprint(w.user), "extRelationId": w.ext,
		"interface": "primary", "blockId": "1", "newOwnerId": fmt.Sprint(w.user2),
	}
	return w
}

// bodyIDs replaces ids in documented examples with ids of the world.
func (w *world) bodyIDs(body map[string]any) {
	ids := map[string]any{"userId": w.user, "packageId": 1, "hypervisorId": 1, "operatingSystemId": 1, "sshKeys": []int{}}
	for k, v := range ids {
		if _, ok := body[k]; ok {
			body[k] = v
		}
	}
}

// prepare sets up what one operation needs beyond the common world and adjusts its request.
var prepare = map[string]func(w *world){
	"createUser":              func(w *world) { w.body["extRelationId"], w.body["email"] = 77, "new@example.com" },
	"deleteUserByExtRelation": func(w *world) { w.paths["extRelationId"] = w.ext2 },
	// The vendor's example names profiles of its own panel; the fixtures have 1 and 2.
	"modifyUserByExtRelation": func(w *world) {
		w.body["selfServiceHourlyGroupProfiles"], w.body["selfServiceResourceGroupProfiles"] = []int{1, 2}, []int{2}
	},
	"removeWhitelistAddress": func(w *world) {
		w.e.c.Do("POST", fmt.Sprintf("/servers/%d/networkWhitelist", w.server), map[string]any{"interface": "primary", "ip": w.body["ip"], "cidr": 32}).Expect(w.e.t, 201)
	},
	"addIPv4Addresses":  func(w *world) { w.body["ip"] = []string{"198.51.100.240", "198.51.100.241"} },
	"changeServerOwner": func(w *world) { w.paths["userId"] = fmt.Sprint(w.user2) },
	"removeServerTrafficBlock": func(w *world) {
		blocks := fmt.Sprintf("/servers/%d/traffic/blocks", w.server)
		w.e.c.Do("POST", blocks, map[string]any{"month": 1, "amount": 100}).Expect(w.e.t, 201)
		w.paths["trafficBlockId"] = fmt.Sprint(w.e.c.Do("GET", blocks, nil).Int("data", "assigned", 0, "id"))
	},
	"removeIPv4Addresses": func(w *world) { w.body["ip"] = []string{w.serverAddress} },

	// For the comparison with the vendor's examples: lists with a next page, as the
	// examples' paginators have, a DNS service like the example's (ClouDNS: the PowerDNS one
	// has no username), and backups of the server.
	"listHypervisors": func(w *world) { w.query = "results=1" },
	"listServers": func(w *world) {
		w.e.server(w.user2, pkgS, groupDefault)
		w.query = "results=1"
	},
	"getDnsService": func(w *world) { w.paths["serviceId"] = "2" },
	"listServerBackups": func(w *world) {
		start := w.e.s.World(simtest.DefaultToken).Now().Add(-2 * time.Hour)
		err := w.e.s.World(simtest.DefaultToken).Update(func(tx *state.Tx) error {
			return virtfusion.AddBackup(tx, w.server, 1, start, 70*time.Second)
		})
		if err != nil {
			w.e.t.Fatal(err)
		}
	},
}

// TestConformance sends every operation of specs/virtfusion.yaml a request built from its
// documented example, with ids from a fresh world, and expects the documented success
// status with a body that fits the document (simtest checks every answer). Where the
// vendor's file has an example of the success answer, the answer must also have its shape:
// every key, with the same JSON kind, recursively (shapeDiff).
func TestConformance(t *testing.T) {
	e := newEnv(t)
	vendor := loadVendorExamples(t)
	compared := map[string]bool{}
	n := simtest.Conformance(t, "virtfusion", func(t *testing.T, c *simtest.Case) {
		e.t = t
		e.c.Control("POST", "/_sim/reset", nil).Expect(t, 200)
		w := newWorld(e)
		w.body, w.expectedStatus = c.Body, c.Status
		if c.Operation == "createServer" {
			w.expectedStatus = 201 // 200 is the dry run
		}
		if w.body != nil {
			w.bodyIDs(w.body)
		}
		if f := prepare[c.Operation]; f != nil {
			f(w)
		}
		url := c.URL(t, w.paths)
		if w.query != "" {
			url += map[bool]string{true: "&", false: "?"}[strings.Contains(url, "?")] + w.query
		}
		res := c.Send(t, e.c, url, w.body, w.expectedStatus)
		ex, ok := vendor[c.Operation]
		if !ok {
			return
		}
		compared[c.Operation] = true
		if ex.Status != res.Status {
			t.Errorf("status %d, the vendor's example is of %d", res.Status, ex.Status)
		}
		var off []string
		for _, d := range shapeDiff(ex.Example, res.JSON) {
			if _, ok := acceptedDifferences[c.Operation][d]; !ok {
				off = append(off, d)
			}
		}
		if len(off) > 0 {
			t.Errorf("the answer departs from the vendor's example:\n%s", strings.Join(off, "\n"))
		}
		for d := range acceptedDifferences[c.Operation] {
			if !slices.Contains(shapeDiff(ex.Example, res.JSON), d) {
				t.Errorf("an accepted difference no longer occurs; take it off the list: %s", d)
			}
		}
	})
	e.t = t
	if n < 85 {
		t.Fatalf("only %d operations", n)
	}
	for op := range vendor {
		if !compared[op] {
			t.Errorf("%s: the vendor's example was not compared", op)
		}
	}
}

// acceptedDifferences are the departures from the vendor's examples that are right as they
// are, each with the reason. A listed difference that no longer occurs fails the test.
var acceptedDifferences = map[string]map[string]string{
	"getQueueItem": {
		"$.data.primaryActions[5].data.network.ethernets.ens3: missing": "cloud-init's ethernets are keyed by interface " +
			"name; the server object calls its interface eth0 (as the vendor's create and build examples do), the example's server ens3",
		"$.data.primaryActions[5].data.network.ethernets.ens4: missing": "ens4 is the example server's private secondary " +
			"interface; panelsim's servers have one interface (docs/virtfusion.md, Interfaces)",
	},
	"createServer": {
		"$.data.hypervisor.resources.otherStorage: the example has 2 items, the answer none": "the fixtures' hypervisors " +
			"have local storage only; the vendor's other examples show hypervisors without shared storage as [] too",
	},
	"getServer": {
		"$.data.network.secondaryInterfaces: the example has 1 items, the answer none": "a server has one interface, " +
			"primary; private secondary interfaces are not simulated (docs/virtfusion.md, Interfaces)",
	},
}
