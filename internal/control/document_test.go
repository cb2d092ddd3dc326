package control_test

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/control"
	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
	"github.com/panelsim/panelsim/specs"
)

// controlDoc is specs/control.yaml and its operations by id.
func controlDoc(t *testing.T) (*openapi3.T, map[string]*openapi.Operation) {
	t.Helper()
	doc, err := specs.Load(specs.Control)
	if err != nil {
		t.Fatal(err)
	}
	list, err := openapi.Operations(doc)
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]*openapi.Operation{}
	for _, op := range list {
		ops[op.ID] = op
	}
	return doc, ops
}

// samplePath fills a document's path template with a value per parameter.
func samplePath(template string) string {
	return regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(template, "x")
}

// TestDocumentNamesEveryRoute: the routes control.Register mounts and the operations of
// specs/control.yaml are the same set. Each operation's path is routed as echo routes it (so
// /_sim/scenarios/{provider}/{name}/activate reaches the /_sim/scenarios/* route, and
// /_sim/specs/{name}.yaml the /_sim/specs/:file one), and every route must be reached.
func TestDocumentNamesEveryRoute(t *testing.T) {
	_, ops := controlDoc(t)
	e := echo.New()
	control.Register(e.Group("/_sim"), control.Deps{})
	routes := map[string]bool{}
	for _, r := range e.Routes() {
		routes[r.Method+" "+r.Path] = true
	}
	// The world document endpoints are being added beside this test (internal/control/
	// world.go): until they are mounted, they alone may be documented without a route.
	mayBeMissing := map[string]bool{"exportWorld": true, "importWorld": true}
	reached := map[string]bool{}
	ids := make([]string, 0, len(ops))
	for id := range ops {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		op := ops[id]
		c := e.NewContext(nil, nil)
		e.Router().Find(op.Method, samplePath(op.Path), c)
		route := op.Method + " " + c.Path()
		if c.Path() == "" || !routes[route] {
			if !mayBeMissing[id] {
				t.Errorf("%s (%s %s) is not mounted by control.Register", id, op.Method, op.Path)
			}
			continue
		}
		reached[route] = true
	}
	for route := range routes {
		if !reached[route] {
			t.Errorf("route %s is no operation of specs/control.yaml", route)
		}
	}
	if len(reached) == 0 {
		t.Fatal("no route reached")
	}
}

// answerChecker sends control calls and checks every answer against specs/control.yaml,
// noting which documented answers were seen.
type answerChecker struct {
	t    *testing.T
	doc  *openapi3.T
	ops  map[string]*openapi.Operation
	seen map[string]bool // "operationId status"
}

func newAnswerChecker(t *testing.T) *answerChecker {
	doc, ops := controlDoc(t)
	return &answerChecker{t: t, doc: doc, ops: ops, seen: map[string]bool{}}
}

// call sends method path (under the listener's root) as c would, expects status, and checks
// the answer against the operation id of the document, which the path must belong to.
func (k *answerChecker) call(c *simtest.Client, id string, want int, method, path string, body any, hdr ...string) *simtest.Response {
	k.t.Helper()
	op := k.ops[id]
	if op == nil {
		k.t.Fatalf("no operation %s in specs/control.yaml", id)
	}
	route, _, _ := strings.Cut(strings.TrimPrefix(path, "/api/v1"), "?")
	pattern := "^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(op.Path), `[^/]+`) + "$"
	if op.Method != method || !regexp.MustCompile(pattern).MatchString(route) {
		k.t.Fatalf("%s %s is not %s (%s %s)", method, path, id, op.Method, op.Path)
	}
	res := c.Control(method, path, body, hdr...)
	if res.Status != want {
		k.t.Errorf("%s %s: status %d, want %d; body %s", method, path, res.Status, want, res.Body)
	}
	ct := res.Header.Get("Content-Type")
	resp := k.doc.Paths.Find(op.Path).GetOperation(method).Responses.Status(res.Status)
	var err error
	switch {
	case resp != nil && resp.Value.Content.Get("application/json") == nil && len(resp.Value.Content) > 0:
		// A document (application/yaml): openapi checks JSON bodies only.
		if _, ok := resp.Value.Content[ct]; !ok || len(res.Body) == 0 {
			err = fmt.Errorf("%s: status %d: content type %q with %d bytes, want one of %v", id, res.Status, ct, len(res.Body), slices.Collect(maps.Keys(resp.Value.Content)))
		}
	default:
		err = op.CheckResponse(res.Status, ct, res.Body)
	}
	if err != nil {
		k.t.Errorf("%s %s: the answer departs from specs/control.yaml: %v", method, path, err)
	}
	k.seen[fmt.Sprintf("%s %d", id, res.Status)] = true
	return res
}

// unseen lists the documented answers no call provoked.
func (k *answerChecker) unseen() []string {
	var out []string
	for id, op := range k.ops {
		for _, code := range k.doc.Paths.Find(op.Path).GetOperation(op.Method).Responses.Keys() {
			if !k.seen[id+" "+code] {
				out = append(out, id+" "+code)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestAnswersFitDocument drives every operation of the control API over HTTP, with good and
// bad requests, and holds every answer to specs/control.yaml. Every documented answer of
// every operation is provoked at least once.
func TestAnswersFitDocument(t *testing.T) {
	const admin = "operator-secret"
	s := simtest.New(t, simtest.WithAdminToken(admin), simtest.WithOptions(func(o *sim.Options) {
		o.MaxSnapshots, o.MaxScenarios, o.MaxScenarioBytes = 2, 1, 2048
		o.KeepAllBodies = true
	}))
	k := newAnswerChecker(t)
	c := s.Client("virtfusion", simtest.DefaultToken)
	anon := s.Client("virtfusion", "")
	stranger := s.Client("virtfusion", "no-such-token")
	none := func(id, method, path string) { // without a token, and with one of no world
		t.Helper()
		k.call(anon, id, 401, method, path, nil)
		k.call(stranger, id, 401, method, path, nil)
	}

	// Health and the documents need no token.
	if res := k.call(anon, "health", 200, "GET", "/_sim/health", nil); res.String("clock") != "manual" || res.Len("providers") != len(sim.DefaultAddrs) {
		t.Errorf("health: %v", res)
	}
	k.call(anon, "getDocument", 200, "GET", "/_sim/specs/control.yaml", nil)
	k.call(c, "getDocument", 200, "GET", "/api/v1/_sim/specs/virtfusion.yaml", nil)
	k.call(anon, "getDocument", 404, "GET", "/_sim/specs/nope.yaml", nil)

	// The clock, with a build pending so that nextDue is a time.
	none("getClock", "GET", "/_sim/clock")
	if res := k.call(c, "getClock", 200, "GET", "/_sim/clock", nil); res.Get("nextDue") != nil || res.Get("tasksRun") != nil {
		t.Errorf("fresh clock: %v", res)
	}
	u := c.Do("POST", "/users", map[string]any{"name": "Doc", "email": "doc@example.com"}).Expect(t, 201).Int("data", "id")
	srv := c.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": u, "hypervisorId": 1}).Expect(t, 201).Int("data", "id")
	c.Do("POST", fmt.Sprintf("/servers/%d/build", srv), map[string]any{"operatingSystemId": 1}).Expect(t, 200)

	// The world's records, its tasks and its event stream, with the build pending.
	none("listKinds", "GET", "/_sim/objects")
	if res := k.call(c, "listKinds", 200, "GET", "/_sim/objects", nil); res.Int("providers", "virtfusion", "servers") != 1 {
		t.Errorf("kinds: %v", res)
	}
	none("listObjects", "GET", "/_sim/objects/virtfusion/users")
	if res := k.call(c, "listObjects", 200, "GET", "/_sim/objects/virtfusion/users?offset=0&limit=500", nil); res.Int("total") != int64(res.Len("records")) || res.Len("records") == 0 {
		t.Errorf("users: %.300s", res.Body)
	}
	if res := k.call(c, "listObjects", 200, "GET", "/_sim/objects/virtfusion/servers?limit=1", nil); res.Int("records", 0, "id") != srv || res.Int("records", 0, "value", "ownerId") != u {
		t.Errorf("servers: %.300s", res.Body)
	}
	k.call(c, "listObjects", 400, "GET", "/_sim/objects/virtfusion/users?limit=0", nil)
	k.call(c, "listObjects", 404, "GET", "/_sim/objects/nope/users", nil)
	none("getObject", "GET", "/_sim/objects/virtfusion/users/1")
	if res := k.call(c, "getObject", 200, "GET", fmt.Sprintf("/_sim/objects/virtfusion/users/%d", u), nil); res.String("value", "email") != "doc@example.com" {
		t.Errorf("user %d: %v", u, res)
	}
	k.call(c, "getObject", 404, "GET", "/_sim/objects/virtfusion/users/99999", nil)
	none("listTasks", "GET", "/_sim/tasks")
	if res := k.call(c, "listTasks", 200, "GET", "/_sim/tasks", nil); res.Int("total") != 1 || res.String("pending", 0, "kind") != "build" || res.Int("pending", 0, "progress") != 0 {
		t.Errorf("tasks with a build pending: %v", res)
	}
	k.call(c, "listTasks", 400, "GET", "/_sim/tasks?limit=abc", nil)
	none("streamEvents", "GET", "/_sim/events")
	if res := k.call(c, "streamEvents", 200, "GET", "/_sim/events?follow=false&after=0", nil); !strings.HasPrefix(string(res.Body), "event: tasks\ndata: ") || !strings.Contains(string(res.Body), "event: journal\n") {
		t.Errorf("events: %.300s", res.Body)
	}
	k.call(c, "streamEvents", 400, "GET", "/_sim/events?after=-1", nil)
	if res := k.call(c, "getClock", 200, "GET", "/api/v1/_sim/clock", nil); res.String("nextDue") == "" || res.Int("pendingTasks") == 0 {
		t.Errorf("clock with a build pending: %v", res)
	}
	none("advanceClock", "POST", "/_sim/clock/advance")
	if res := k.call(c, "advanceClock", 200, "POST", "/_sim/clock/advance", map[string]any{"seconds": 20}); res.Int("tasksRun") == 0 {
		t.Errorf("advance over part of a build: %v", res)
	}
	if res := k.call(c, "listTasks", 200, "GET", "/_sim/tasks?limit=5", nil); res.Int("pending", 0, "progress") == 0 || res.Len("ran") == 0 || res.String("ran", 0, "kind") != "build" {
		t.Errorf("tasks part way through a build: %v", res)
	}
	k.call(c, "advanceClock", 200, "POST", "/_sim/clock/advance", `{"to":null,"minutes":0.5}`, "Content-Type", "application/x-www-form-urlencoded")
	k.call(c, "advanceClock", 400, "POST", "/_sim/clock/advance", "{not json")
	k.call(c, "advanceClock", 400, "POST", "/_sim/clock/advance", map[string]any{"to": "2020-01-01T00:00:00Z"})

	// Scenarios: one of the world's own (at most one, of at most 2 KiB), switched on and hit.
	none("listScenarios", "GET", "/_sim/scenarios")
	k.call(c, "listScenarios", 200, "GET", "/_sim/scenarios", nil)
	none("postScenario", "POST", "/_sim/scenarios")
	mine := map[string]any{"name": "virtfusion/mine", "description": "The connection test fails once.", "rules": []any{
		map[string]any{"name": "once", "match": map[string]any{"operation": "testConnection", "query": map[string]any{"probe": "1"}}, "times": 1,
			"action": map[string]any{"status": 500, "message": "Hypervisor unreachable"}},
		map[string]any{"match": map[string]any{"method": "GET", "path": "/api/v1/packages/*"}, "action": map[string]any{"latency": map[string]any{"min": "0s", "max": "0s"}}},
	}}
	if res := k.call(c, "postScenario", 201, "POST", "/_sim/scenarios", mine); res.String("source") != "posted" || res.Int("rules") != 2 {
		t.Errorf("posted scenario: %v", res)
	}
	k.call(c, "postScenario", 201, "POST", "/_sim/scenarios", "name: virtfusion/mine\ndescription: Again, in YAML.\nrules:\n  - match: {operation: testConnection}\n    times: 1\n    action: {status: 500}\n", "Content-Type", "application/yaml")
	k.call(c, "postScenario", 409, "POST", "/_sim/scenarios", map[string]any{"name": "virtfusion/other", "rules": []any{map[string]any{"action": map[string]any{"drop": true}}}})
	k.call(c, "postScenario", 400, "POST", "/_sim/scenarios", map[string]any{"name": "virtfusion/rate-limited", "rules": []any{map[string]any{"action": map[string]any{"drop": true}}}})
	k.call(c, "postScenario", 400, "POST", "/_sim/scenarios", map[string]any{"name": "virtfusion/mine", "rules": []any{map[string]any{"action": map[string]any{"explode": true}}}})
	k.call(c, "postScenario", 400, "POST", "/_sim/scenarios", "{not json")
	k.call(c, "postScenario", 413, "POST", "/_sim/scenarios", map[string]any{"name": "virtfusion/mine", "description": strings.Repeat("d", 3000), "rules": []any{}})
	none("activateScenario", "POST", "/_sim/scenarios/virtfusion/mine/activate")
	k.call(c, "activateScenario", 200, "POST", "/_sim/scenarios/virtfusion/mine/activate", nil)
	k.call(c, "activateScenario", 404, "POST", "/_sim/scenarios/virtfusion/nope/activate", nil)
	c.Do("GET", "/connect", nil).Expect(t, 500)
	c.Do("GET", "/connect", nil).Expect(t, 200)
	res := k.call(c, "listScenarios", 200, "GET", "/_sim/scenarios", nil)
	if res.Int("active", 0, "rules", 0, "fired") != 1 || res.String("active", 0, "rules", 0, "match", "operation") != "testConnection" {
		t.Errorf("active scenario's counters: %v", res)
	}
	none("deactivateScenario", "POST", "/_sim/scenarios/virtfusion/mine/deactivate")
	k.call(c, "deactivateScenario", 200, "POST", "/_sim/scenarios/virtfusion/mine/deactivate", nil)
	k.call(c, "deactivateScenario", 404, "POST", "/_sim/scenarios/virtfusion/nope/deactivate", nil)
	none("deleteScenario", "DELETE", "/_sim/scenarios/virtfusion/mine")
	k.call(c, "deleteScenario", 204, "DELETE", "/_sim/scenarios/virtfusion/mine", nil)
	k.call(c, "deleteScenario", 404, "DELETE", "/_sim/scenarios/virtfusion/mine", nil)

	// The journal holds the API calls above, the scenario's answer among them.
	none("listJournal", "GET", "/_sim/journal")
	res = k.call(c, "listJournal", 200, "GET", "/_sim/journal?provider=virtfusion&path=/connect&method=get", nil)
	if res.Len("entries") != 2 || res.String("entries", 0, "rule") != "virtfusion/mine#1" || res.Int("entries", 1, "status") != 200 {
		t.Errorf("journal of /connect: %v", res)
	}
	first, second := res.Int("entries", 0, "seq"), res.Int("entries", 1, "seq")
	if res := k.call(c, "listJournal", 200, "GET", fmt.Sprintf("/_sim/journal?before=%d&limit=1", second), nil); res.Int("entries", 0, "seq") != first || res.Get("more") != true {
		t.Errorf("journal before %d: %v", second, res)
	}
	if res := k.call(c, "listJournal", 200, "GET", fmt.Sprintf("/_sim/journal?after=%d&status=200", first), nil); res.Int("entries", 0, "seq") != second || res.Get("more") != false {
		t.Errorf("journal after %d: %v", first, res)
	}
	// With bodies: the answer's body as sent, secrets masked.
	if res := k.call(c, "listJournal", 200, "GET", "/_sim/journal?path=/connect&bodies=true&limit=1", nil); res.Int("entries", 0, "exchange", "responseBytes") == 0 ||
		res.String("entries", 0, "exchange", "responseContentType") == "" {
		t.Errorf("journal with bodies: %v", res)
	}
	c.Do("POST", "/users", map[string]any{"name": "Body", "email": "body@example.com", "extRelationId": 4242}).Expect(t, 201)
	res = k.call(c, "listJournal", 200, "GET", "/_sim/journal?path=/users&method=POST&bodies=true&limit=1", nil)
	if x := res.String("entries", 0, "exchange", "requestBody"); !strings.Contains(x, `"extRelationId":4242`) {
		t.Errorf("request body kept: %q", x)
	}
	if x := res.String("entries", 0, "exchange", "responseBody"); !strings.Contains(x, `"password":"REDACTED"`) {
		t.Errorf("answer's password not masked: %q", x)
	}
	k.call(c, "listJournal", 400, "GET", "/_sim/journal?limit=0", nil)
	k.call(c, "listJournal", 400, "GET", "/_sim/journal?status=abc", nil)
	k.call(c, "listJournal", 400, "GET", "/_sim/journal?bodies=yes", nil)
	none("clearJournal", "DELETE", "/_sim/journal")
	k.call(c, "clearJournal", 204, "DELETE", "/_sim/journal", nil)

	// Snapshots, at most two a world.
	none("listSnapshots", "GET", "/_sim/snapshots")
	k.call(c, "listSnapshots", 200, "GET", "/_sim/snapshots", nil)
	none("createSnapshot", "POST", "/_sim/snapshots")
	k.call(c, "createSnapshot", 201, "POST", "/_sim/snapshots", map[string]any{"name": "before-upgrade"})
	k.call(c, "createSnapshot", 201, "POST", "/_sim/snapshots", `{"name":"second"}`)
	k.call(c, "createSnapshot", 409, "POST", "/_sim/snapshots", map[string]any{"name": "third"})
	k.call(c, "createSnapshot", 400, "POST", "/_sim/snapshots", map[string]any{})
	k.call(c, "createSnapshot", 400, "POST", "/_sim/snapshots", map[string]any{"name": "a/b"})
	if res := k.call(c, "listSnapshots", 200, "GET", "/_sim/snapshots", nil); res.Len("snapshots") != 2 {
		t.Errorf("snapshots: %v", res)
	}
	none("restoreSnapshot", "POST", "/_sim/snapshots/before-upgrade/restore")
	k.call(c, "restoreSnapshot", 200, "POST", "/_sim/snapshots/before-upgrade/restore", nil)
	k.call(c, "restoreSnapshot", 404, "POST", "/_sim/snapshots/nope/restore", nil)
	none("deleteSnapshot", "DELETE", "/_sim/snapshots/second")
	k.call(c, "deleteSnapshot", 204, "DELETE", "/_sim/snapshots/second", nil)
	k.call(c, "deleteSnapshot", 404, "DELETE", "/_sim/snapshots/second", nil)

	// Worlds: the admin token only.
	res = k.call(s.Client("virtfusion", admin), "listWorlds", 200, "GET", "/_sim/worlds", nil)
	if res.Len("worlds") != 1 || res.String("worlds", 0, "token") != simtest.DefaultToken {
		t.Errorf("worlds: %v", res)
	}
	k.call(c, "listWorlds", 403, "GET", "/_sim/worlds", nil)
	k.call(anon, "listWorlds", 403, "GET", "/_sim/worlds", nil)
	k.call(s.Client("virtfusion", admin), "listWorlds", 400, "GET", "/_sim/worlds?local=yes", nil)

	// The world as a document, with an alias token (an e24cloud key made through its API), a
	// pending task and records; put back as it is, then refused when it does not fit.
	s.E24Client(simtest.DefaultToken, "panelsim-secret").Do("PUT", "/account/api", nil).Expect(t, 200)
	none("exportWorld", "GET", "/_sim/world")
	exported := k.call(c, "exportWorld", 200, "GET", "/_sim/world", nil)
	if exported.Len("tokens") != 1 || exported.Len("tasks") == 0 || exported.Len("providers") == 0 {
		t.Errorf("exported world: %.400s", exported.Body)
	}
	none("importWorld", "PUT", "/_sim/world")
	k.call(c, "importWorld", 200, "PUT", "/_sim/world", exported.Body)
	k.call(c, "importWorld", 400, "PUT", "/_sim/world", "{not json")
	k.call(c, "importWorld", 400, "PUT", "/_sim/world", strings.Replace(string(exported.Body), `"panelsim-world/1"`, `"panelsim-world/0"`, 1))
	none("reset", "POST", "/_sim/reset")
	if res := k.call(c, "reset", 200, "POST", "/_sim/reset", nil); res.Int("pendingTasks") != 0 || res.String("now") != "2025-01-20T12:00:00Z" {
		t.Errorf("reset: %v", res)
	}

	// Limits on the size of a world: too large to snapshot, a document too large to put.
	small := simtest.New(t, simtest.WithOptions(func(o *sim.Options) { o.MaxSnapshotBytes = 1024 }))
	sc := small.Client("virtfusion", simtest.DefaultToken)
	sc.Do("GET", "/servers", nil).Expect(t, 200) // the world gets VirtFusion's fixtures
	k.call(sc, "createSnapshot", 413, "POST", "/_sim/snapshots", map[string]any{"name": "big"})
	k.call(sc, "importWorld", 413, "PUT", "/_sim/world", `{"format":"`+strings.Repeat("w", 1<<20)+`"}`)

	if missing := k.unseen(); len(missing) > 0 {
		t.Errorf("documented answers no call provoked: %v", missing)
	}
}

// TestAnswersFitDocumentOnEveryListener: the control API answers alike on each listener.
func TestAnswersFitDocumentOnEveryListener(t *testing.T) {
	s := simtest.New(t)
	k := newAnswerChecker(t)
	names := s.Simulator().Providers()
	if !slices.Contains(names, "virtfusion") {
		t.Fatalf("providers %v", names)
	}
	for _, p := range names {
		c := s.Client(p, simtest.DefaultToken)
		k.call(c, "advanceClock", 200, "POST", "/_sim/clock/advance", map[string]any{"hours": 1})
		res := k.call(c, "getClock", 200, "GET", "/_sim/clock", nil)
		if want := time.Date(2025, 1, 20, 12, 0, 0, 0, time.UTC).Add(time.Duration(slices.Index(names, p)+1) * time.Hour); res.String("now") != want.Format(time.RFC3339) {
			t.Errorf("%s: clock %v, want %s (one world, moved once per listener)", p, res, want)
		}
		k.call(c, "listJournal", 200, "GET", "/_sim/journal", nil)
		k.call(s.Client(p, ""), "getClock", http.StatusUnauthorized, "GET", "/_sim/clock", nil)
	}
}
