package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/specs"
)

// vendorFile is the vendor's document as seen from this package's folder; only development
// machines have it, so the tests that need it skip elsewhere.
const vendorFile = "../../../shared/reference/tenantos-openapi.json"

func needVendor(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(vendorFile); err != nil {
		t.Skipf("no vendor file (%v): ../shared is only on development machines", err)
	}
}

// TestUpToDate: the committed document is what the generator writes, byte for byte (so the
// generator is deterministic and nobody edited its output).
func TestUpToDate(t *testing.T) {
	needVendor(t)
	out, n, _, err := generate(vendorFile)
	if err != nil {
		t.Fatal(err)
	}
	if n != 252 {
		t.Errorf("%d operations, want 252", n)
	}
	again, _, _, err := generate(vendorFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, again) {
		t.Error("two runs give different bytes")
	}
	committed, err := os.ReadFile("../tenantos.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, committed) {
		t.Error("specs/tenantos.yaml is not the generator's output: run go run ./specs/tenantosgen")
	}
}

// TestEveryVendorOperation: each method+path of the vendor's file is one operation of ours,
// under the same path or (for merged paths) under x-panelsim-vendor-path.
func TestEveryVendorOperation(t *testing.T) {
	needVendor(t)
	raw, err := os.ReadFile(vendorFile)
	if err != nil {
		t.Fatal(err)
	}
	var vendor struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &vendor); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for path, item := range vendor.Paths {
		for method := range item {
			if method != "parameters" {
				want[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	doc := load(t)
	got := map[string]int{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			vendorPath := path
			if v, ok := op.Extensions["x-panelsim-vendor-path"].(string); ok {
				vendorPath = v
			}
			got[method+" "+vendorPath]++
		}
	}
	if len(want) != 252 {
		t.Errorf("the vendor's file has %d operations, want 252", len(want))
	}
	for key := range want {
		if got[key] != 1 {
			t.Errorf("%s: %d operations, want 1", key, got[key])
		}
	}
	for key := range got {
		if !want[key] {
			t.Errorf("%s is not in the vendor's file", key)
		}
	}
}

func load(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := specs.Load("tenantos")
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestRequestExamplesPass: the simulator's request check (with its leniency) accepts every
// documented request example, sent as JSON, and every operation without a body.
func TestRequestExamplesPass(t *testing.T) {
	doc := load(t)
	ops, err := openapi.Operations(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 252 {
		t.Errorf("%d operations, want 252", len(ops))
	}
	for _, op := range ops {
		item := doc.Paths.Find(op.Path).GetOperation(op.Method)
		var body []byte
		if item.RequestBody != nil {
			mt := item.RequestBody.Value.Content.Get("application/json")
			if mt == nil || mt.Example == nil {
				t.Errorf("%s: request body without a JSON example", op.ID)
				continue
			}
			body, _ = json.Marshal(mt.Example)
		}
		req, _ := http.NewRequest(op.Method, "http://sim"+op.Path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		pathValue := func(name string) string {
			for _, p := range op.Params {
				if p.Name == name && len(p.Schema.Enum) > 0 {
					return p.Schema.Enum[0].(string)
				}
			}
			return "1"
		}
		if _, err := op.Check(req, pathValue, body); err != nil {
			t.Errorf("%s: %v", op.ID, err)
		}
	}
}

// TestExtensions: the aliases and query bodies the brief asks for, each where it belongs.
func TestExtensions(t *testing.T) {
	doc := load(t)
	aliased := map[string]string{}
	queryBody := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if a, ok := op.Extensions["x-panelsim-aliases"].([]any); ok {
				for _, e := range a {
					alias := e.(string)
					// An alias adds trailing segments to the path, or drops them.
					if !strings.HasPrefix(alias, path+"/") && !strings.HasPrefix(path, alias+"/") {
						t.Errorf("%s: alias %s is not %s with more or fewer trailing segments", op.OperationID, alias, path)
					}
					aliased[alias] = op.OperationID
				}
				hasQuery := false
				for _, p := range op.Parameters {
					hasQuery = hasQuery || p.Value.In == "query"
				}
				if !hasQuery && op.OperationID != "runNetworkDeviceAction" {
					t.Errorf("%s: aliases without the optional value as a query parameter", op.OperationID)
				}
			}
			if v, _ := op.Extensions["x-panelsim-query-body"].(bool); v {
				queryBody[op.OperationID] = true
				if method != http.MethodGet || op.RequestBody == nil {
					t.Errorf("%s: x-panelsim-query-body on %s without a body", op.OperationID, method)
				}
			}
		}
	}
	for alias, id := range map[string]string{
		"/api/servers/{server}/provisioning/stopReinstallation/{withoutPowerReset}": "stopReinstallation",
		"/api/activitylog/user/{limit}":                                             "listUserActivityLog",
		"/api/activitylog/system/{limit}":                                           "listSystemActivityLog",
		"/api/activitylog/agents":                                                   "listAgentActivityLog",
		"/api/activitylog/agents/{agentId}/{limit}":                                 "listAgentActivityLog",
		"/api/users/{user_id}/accesslog/{limit}":                                    "listAccessLog",
		"/api/networkDevices/{networkDevice}/actions":                               "runNetworkDeviceAction",
	} {
		if aliased[alias] != id {
			t.Errorf("alias %s: operation %q, want %s", alias, aliased[alias], id)
		}
	}
	for _, id := range []string{"runServerPowerAction", "startConsole", "getAvailableStatistics", "listPermissions",
		"listRdnsProviders", "getRdnsProvider"} {
		if !queryBody[id] {
			t.Errorf("%s: no x-panelsim-query-body", id)
		}
	}
	if len(queryBody) != 6 {
		t.Errorf("%d operations with x-panelsim-query-body, want 6", len(queryBody))
	}
}

// TestSentences: the vendor's rules become keywords and our words.
func TestSentences(t *testing.T) {
	r := parseRules("Must be one of `noAuthNoPriv, authNoPriv, or authPriv.` Only used if SNMP v3 is used.")
	if strings.Join(r.enum, ",") != "noAuthNoPriv,authNoPriv,authPriv" {
		t.Errorf("enum = %v", r.enum)
	}
	r = parseRules("Must be one of text, mb (megabyte) or MHz.")
	if strings.Join(r.enum, ",") != "text,mb,MHz" {
		t.Errorf("enum = %v", r.enum)
	}
	r = parseRules("Must be one of powerprovider.supportedFeatures (see `GET api/servers/{id}`).")
	if r.enum != nil {
		t.Errorf("enum = %v, want none", r.enum)
	}
	r = parseRules("This field is required when <code>slot</code> is not present. Must not be greater than 16 characters.")
	if r.maxLen != "16" || len(r.text) != 1 || r.text[0] != "Needed unless slot is sent." {
		t.Errorf("rules = %+v", r)
	}
	r = parseRules("Must be at least 0.01. Must not be greater than 99999. Defaults to true if not set.")
	if r.min != "0.01" || r.max != "99999" || r.def != true {
		t.Errorf("rules = %+v", r)
	}
}
