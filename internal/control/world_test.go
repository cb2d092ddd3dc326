package control_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

const e24Secret = "panelsim-secret"

// worldWithEverything fills the world of token: VirtFusion records and a build half done,
// an e24cloud API key (an alias token), Tenantos and OpenScaler used, a scenario of the
// world's own switched on. It returns the server's id and the e24cloud key and secret.
func worldWithEverything(t *testing.T, s *simtest.Sim, token string) (server int64, key, secret string) {
	t.Helper()
	vf := s.Client("virtfusion", token)
	u := vf.Do("POST", "/users", map[string]any{"name": "Export", "email": "export@example.com", "extRelationId": 77}).Expect(t, 201).Int("data", "id")
	server = vf.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": u, "hypervisorId": 1}).Expect(t, 201).Int("data", "id")
	vf.Do("POST", fmt.Sprintf("/servers/%d/build", server), map[string]any{"operatingSystemId": 1, "name": "kept"}).Expect(t, 200)
	s.Advance(token, 30*time.Second) // part of the build has run, the rest is pending
	k := s.E24Client(token, e24Secret).Do("PUT", "/account/api", nil).Expect(t, 200)
	key, secret = k.String("api", "api_key"), k.String("api", "secret_key")
	s.Client("tenantos", token).Do("GET", "/servers", nil).Expect(t, 200)
	s.Client("openscaler", token).Do("GET", "/vms?project_id=default", nil).Expect(t, 200)
	vf.Control("POST", "/_sim/scenarios", "name: virtfusion/no-packages\ndescription: test\nrules:\n"+
		"  - match: {operation: listPackages}\n    action: {status: 503, body: {message: down}}\n").Expect(t, 201)
	vf.Activate(t, "virtfusion/no-packages")
	return server, key, secret
}

func export(t *testing.T, c *simtest.Client) []byte {
	t.Helper()
	res := c.Control("GET", "/_sim/world", nil).Expect(t, 200)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("export content type %q", ct)
	}
	return res.Body
}

// Export, import into the same world, export again: the same bytes.
func TestWorldExportImportRoundTrip(t *testing.T) {
	s := simtest.New(t, simtest.WithTokens("alpha"))
	server, _, _ := worldWithEverything(t, s, "alpha")
	c := s.Client("virtfusion", "alpha")
	first := export(t, c)
	var doc map[string]any
	if err := json.Unmarshal(first, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["format"] != "panelsim-world/1" || len(doc["tasks"].([]any)) == 0 || len(doc["tokens"].([]any)) != 1 {
		t.Fatalf("document: format %v, %d tasks, tokens %v", doc["format"], len(doc["tasks"].([]any)), doc["tokens"])
	}
	for _, p := range []string{"virtfusion", "e24cloud", "tenantos", "openscaler", "panelsim"} {
		if doc["providers"].(map[string]any)[p] == nil {
			t.Errorf("no %s in the document", p)
		}
	}
	before := c.Do("GET", fmt.Sprintf("/servers/%d", server), nil).Expect(t, 200).Body
	res := c.Control("PUT", "/_sim/world", first).Expect(t, 200)
	if res.String("now") != doc["world"].(map[string]any)["clock"] {
		t.Errorf("import answered clock %v, document says %v", res.String("now"), doc["world"])
	}
	if again := export(t, c); !bytes.Equal(first, again) {
		t.Fatalf("export after import differs:\n%s", diffLine(first, again))
	}
	if after := c.Do("GET", fmt.Sprintf("/servers/%d", server), nil).Expect(t, 200).Body; !bytes.Equal(before, after) {
		t.Errorf("server after import:\n%s\nbefore:\n%s", after, before)
	}
}

// A world moved to another simulator goes on there: its server, its pending build, its API
// key and its scenario.
func TestWorldImportIntoAnotherSimulator(t *testing.T) {
	a := simtest.New(t, simtest.WithTokens("alpha"))
	server, key, secret := worldWithEverything(t, a, "alpha")
	doc := export(t, a.Client("virtfusion", "alpha"))

	b := simtest.New(t, simtest.WithTokens("alpha"))
	cb := b.Client("virtfusion", "alpha")
	cb.Control("PUT", "/_sim/world", doc).Expect(t, 200)
	got := export(t, cb)
	if !bytes.Equal(withoutWorldID(doc), withoutWorldID(got)) {
		t.Fatalf("export of the imported world differs:\n%s", diffLine(doc, got))
	}
	path := fmt.Sprintf("/servers/%d", server)
	ca := a.Client("virtfusion", "alpha")
	if x, y := ca.Do("GET", path, nil).Expect(t, 200).Body, cb.Do("GET", path, nil).Expect(t, 200).Body; !bytes.Equal(x, y) {
		t.Fatalf("server differs:\n%s\n%s", x, y)
	}
	a.Advance("alpha", time.Hour)
	b.Advance("alpha", time.Hour)
	if x, y := ca.Do("GET", path, nil).Expect(t, 200), cb.Do("GET", path, nil).Expect(t, 200); x.Get("data", "state") != "complete" || !bytes.Equal(x.Body, y.Body) {
		t.Fatalf("after the build: %v\n%v", x.Get("data", "state"), y.Get("data", "state"))
	}
	cb.Do("GET", "/packages", nil).Expect(t, 503) // the world's own scenario came along
	b.E24Client(key, secret).Do("GET", "/virtual-machines", nil).Expect(t, 200)
	b.E24Client(key, "wrong").Do("GET", "/virtual-machines", nil).Expect(t, 401)
}

// withoutWorldID drops the line naming the world's id, which differs between simulators.
func withoutWorldID(doc []byte) []byte {
	var out [][]byte
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(line), []byte(`"id": "w`)) {
			out = append(out, line)
		}
	}
	return bytes.Join(out, []byte("\n"))
}

func diffLine(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(la), len(lb))
}

// A document that does not fit is refused with every reason, and the world stays as it was.
func TestWorldImportRefusals(t *testing.T) {
	s := simtest.New(t, simtest.WithTokens("alpha", "beta"))
	worldWithEverything(t, s, "alpha")
	doc := export(t, s.Client("virtfusion", "alpha"))
	c := s.Client("virtfusion", "beta")
	before := export(t, c)

	edit := func(f func(map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(doc, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		raw, _ := json.Marshal(m)
		return raw
	}
	noTokens := func(m map[string]any) { m["tokens"] = []any{} }
	for _, tc := range []struct {
		name string
		body any
		want []string
	}{
		{"not JSON", "{", []string{"unexpected EOF"}},
		{"unknown field", edit(func(m map[string]any) { noTokens(m); m["colour"] = "blue" }), []string{`unknown field "colour"`}},
		{"format and schema", edit(func(m map[string]any) { noTokens(m); m["format"] = "other/2"; m["schema"] = 99 }),
			[]string{`format is "other/2"`, "schema is 99"}},
		{"unknown provider and task", edit(func(m map[string]any) {
			noTokens(m)
			m["providers"].(map[string]any)["proxmox"] = map[string]any{}
			m["tasks"].([]any)[0].(map[string]any)["kind"] = "teleport"
		}), []string{`"proxmox" is not a provider`, `no task "teleport" of provider "virtfusion"`}},
		{"record with two keys", edit(func(m map[string]any) {
			noTokens(m)
			vf := m["providers"].(map[string]any)["virtfusion"].(map[string]any)
			for _, b := range vf["buckets"].([]any) {
				if recs, ok := b.(map[string]any)["records"].([]any); ok {
					recs[0].(map[string]any)["key"] = "also"
					return
				}
			}
			t.Fatal("no records in virtfusion")
		}), []string{"needs exactly one non-empty key"}},
		{"an alias token of another world", doc, []string{"already opens another world"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := c.Control("PUT", "/_sim/world", tc.body).Expect(t, 400)
			text := fmt.Sprint(res.Get("problems"))
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("problems %s: want %q", text, w)
				}
			}
			if after := export(t, c); !bytes.Equal(before, after) {
				t.Fatalf("a refused import changed the world:\n%s", diffLine(before, after))
			}
		})
	}
	s.Client("virtfusion", "").Control("GET", "/_sim/world", nil).Expect(t, 401)
	s.Client("virtfusion", "").Control("PUT", "/_sim/world", doc).Expect(t, 401)
}

// A document larger than the API's body limit (1 MiB) is still taken.
func TestWorldImportLarge(t *testing.T) {
	s := simtest.New(t)
	c := s.Client("virtfusion", simtest.DefaultToken)
	var m map[string]any
	if err := json.Unmarshal(export(t, c), &m); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 3<<20)
	m["providers"].(map[string]any)["panelsim"] = map[string]any{"buckets": []any{
		map[string]any{"key": "notes", "records": []any{map[string]any{"key": "big", "text": big}}}}}
	raw, _ := json.Marshal(m)
	c.Control("PUT", "/_sim/world", raw).Expect(t, 200)
	if !bytes.Contains(export(t, c), []byte(big)) {
		t.Fatal("the large record did not come back")
	}
}

// GET /_sim/worlds lists each world with its record counts.
func TestWorldsCounts(t *testing.T) {
	s := simtest.New(t, simtest.WithTokens("alpha"), simtest.WithAdminToken("root"))
	worldWithEverything(t, s, "alpha")
	res := s.Client("virtfusion", "root").Control("GET", "/_sim/worlds", nil).Expect(t, 200)
	for _, w := range res.Get("worlds").([]any) {
		w := w.(map[string]any)
		if w["token"] != "alpha" {
			continue
		}
		counts := w["counts"].(map[string]any)["virtfusion"].(map[string]any)
		if fmt.Sprint(counts["servers"]) != "1" {
			t.Fatalf("counts %v", w["counts"])
		}
		return
	}
	t.Fatalf("alpha not listed: %v", res)
}
