package virtfusion_test

import (
	"fmt"
	"testing"

	"github.com/panelsim/panelsim/simtest"
)

// world is what every conformance case starts from: the fixtures, a customer (ext 1) with
// a built server, and a second customer (ext 2) with nothing.
type world struct {
	e              *env
	user, user2    int64
	server, queue  int64
	ext, ext2      string
	serverAddress  string
	paths          map[string]string
	body           map[string]any
	expectedStatus int
}

func newWorld(e *env) *world {
	w := &world{e: e, ext: "1", ext2: "2"}
	w.user = e.user(1)
	w.user2 = e.user(2)
	w.server = e.built(w.user)
	w.queue = 1
	w.serverAddress = e.getServer(w.server).String("data", "network", "interfaces", 0, "ipv4", 0, "address")
	key := e.addKey(w.user, "conformance", keyEd25519)
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
}

// TestConformance sends every operation of specs/virtfusion.yaml a request built from its
// documented example, with ids from a fresh world, and expects the documented success
// status with a body that fits the document (simtest checks every answer).
func TestConformance(t *testing.T) {
	e := newEnv(t)
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
		c.Send(t, e.c, c.URL(t, w.paths), w.body, w.expectedStatus)
	})
	e.t = t
	if n < 85 {
		t.Fatalf("only %d operations", n)
	}
}
