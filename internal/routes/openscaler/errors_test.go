package openscaler_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestFastAPIErrors: FastAPI's answers to bodies it cannot read and to values pydantic
// refuses, byte for byte (each as FastAPI 0.1xx with pydantic 2 writes it; pydantic's
// wording was checked against pydantic 2.13).
func TestFastAPIErrors(t *testing.T) {
	e := newEnv(t)
	id := itoa(e.vm(vmBody("target")))
	lb := e.lb(lbBody("web-lb"))
	tests := []struct {
		name, method, path string
		body               string
		status             int
		want               string
	}{
		{"malformed JSON", "POST", "/vms", `{"name": "x",`, 422,
			`{"detail":[{"type":"json_invalid","loc":["body",13],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}]}`},
		{"a raw newline in a string", "POST", "/projects", "{\"id\": \"a\nb\"}", 422,
			`{"detail":[{"type":"json_invalid","loc":["body",9],"msg":"JSON decode error","input":{},"ctx":{"error":"Invalid control character at"}}]}`},
		{"extra data", "POST", "/projects", `{"id":"a"} x`, 422,
			`{"detail":[{"type":"json_invalid","loc":["body",11],"msg":"JSON decode error","input":{},"ctx":{"error":"Extra data"}}]}`},
		{"position in characters", "POST", "/projects", `{"description": "é", id}`, 422,
			`{"detail":[{"type":"json_invalid","loc":["body",21],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}]}`},
		{"not UTF-8", "POST", "/projects", "{\"id\": \"\xff\"}", 400, `{"detail":"There was an error parsing the body"}`},
		{"no body", "POST", "/vms/" + id + "/actions", ``, 422,
			`{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}`},
		{"null body", "POST", "/vms/" + id + "/actions", `null`, 422,
			`{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}`},
		{"a list for the body", "POST", "/vms/" + id + "/actions", `["start"]`, 422,
			`{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":["start"]}]}`},
		{"missing field", "POST", "/vms/" + id + "/actions", `{"force": true}`, 422,
			`{"detail":[{"type":"missing","loc":["body","type"],"msg":"Field required","input":{"force":true}}]}`},
		{"null for a required enum", "POST", "/vms/" + id + "/actions", `{"type": null}`, 422,
			`{"detail":[{"type":"enum","loc":["body","type"],"msg":"Input should be 'start', 'shutdown', 'power_off', 'reboot' or 'reset'","input":null,"ctx":{"expected":"'start', 'shutdown', 'power_off', 'reboot' or 'reset'"}}]}`},
		{"empty required string", "POST", "/ssh_keys", `{"name": "", "public_key": "` + ed25519Key + `"}`, 422,
			`{"detail":[{"type":"string_too_short","loc":["body","name"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}}]}`},
		{"empty string against a pattern", "POST", "/projects", `{"id": ""}`, 422,
			`{"detail":[{"type":"string_pattern_mismatch","loc":["body","id"],"msg":"String should match pattern '^[a-z0-9][a-z0-9-]{0,31}$'","input":"","ctx":{"pattern":"^[a-z0-9][a-z0-9-]{0,31}$"}}]}`},
		{"null for a required string", "POST", "/ssh_keys", `{"name": null, "public_key": "` + ed25519Key + `"}`, 422,
			`{"detail":[{"type":"string_type","loc":["body","name"],"msg":"Input should be a valid string","input":null}]}`},
		{"int_parsing and bool_parsing", "POST", "/lbs/" + lb + "/backends",
			`{"name":"b","mode":"http","balancing_method":"first","port":"http","servers":{"type":"computer","computer_ids":[]},"options":{"tls":"maybe"}}`, 422,
			`{"detail":[{"type":"int_parsing","loc":["body","port"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"http"},` +
				`{"type":"bool_parsing","loc":["body","options","tls"],"msg":"Input should be a valid boolean, unable to interpret input","input":"maybe"}]}`},
		{"every problem, in the document's order", "POST", "/lbs", `{"visibility":"?","vpc_id":"x","name":5}`, 422,
			`{"detail":[{"type":"string_type","loc":["body","name"],"msg":"Input should be a valid string","input":5},` +
				`{"type":"missing","loc":["body","project_id"],"msg":"Field required","input":{"visibility":"?","vpc_id":"x","name":5}},` +
				`{"type":"missing","loc":["body","region"],"msg":"Field required","input":{"visibility":"?","vpc_id":"x","name":5}},` +
				`{"type":"int_parsing","loc":["body","vpc_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"},` +
				`{"type":"missing","loc":["body","size"],"msg":"Field required","input":{"visibility":"?","vpc_id":"x","name":5}},` +
				`{"type":"enum","loc":["body","visibility"],"msg":"Input should be 'public' or 'private'","input":"?","ctx":{"expected":"'public' or 'private'"}}]}`},
		{"lists and their items", "POST", "/vms", `{"size":"b-1-2-50","project_id":"default","name":"x","region":"alg1","distro":"debian-13","attached_disks":[{"sizeGB":0},{}],"ssh_keys":[null,"` + ed25519Key + `",""]}`, 422,
			`{"detail":[{"type":"greater_than_equal","loc":["body","attached_disks",0,"sizeGB"],"msg":"Input should be greater than or equal to 1","input":0,"ctx":{"ge":1}},` +
				`{"type":"missing","loc":["body","attached_disks",1,"sizeGB"],"msg":"Field required","input":{}},` +
				`{"type":"string_type","loc":["body","ssh_keys",0],"msg":"Input should be a valid string","input":null},` +
				`{"type":"string_too_short","loc":["body","ssh_keys",2],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}}]}`},
		{"query before body", "GET", "/vms", ``, 422,
			`{"detail":[{"type":"missing","loc":["query","project_id"],"msg":"Field required","input":null}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" {
				body = tt.body
			}
			res := e.c.Do(tt.method, tt.path, body).Expect(t, tt.status)
			if string(res.Body) != tt.want {
				t.Fatalf("got\n%s\nwant\n%s", res.Body, tt.want)
			}
		})
	}
}

// TestFastAPIReadsWhatItTakes: a JSON body without a content type (FastAPI parses it) and the
// booleans pydantic's lax mode takes ("yes", "off") are taken, though the shared validator
// read them otherwise.
func TestFastAPIReadsWhatItTakes(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest("POST", e.c.Base+"/projects", strings.NewReader(`{"id": "dz", "description": "no content type"}`))
	req.Header.Set("Authorization", "Bearer "+e.c.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 || len(res.Header.Values("Panelsim-Warning")) != 0 {
		t.Fatalf("JSON without a content type: %d %v", res.StatusCode, res.Header)
	}
	if d := e.c.Do("GET", "/projects/dz", nil).Expect(t, 200).String("description"); d != "no content type" {
		t.Fatalf("description %q", d)
	}
	lb := e.lb(lbBody("web-lb"))
	b := backend("b")
	b["options"] = map[string]any{"tls": "yes", "tls_verify": "off"}
	r := e.c.Do("POST", "/lbs/"+lb+"/backends", b).Expect(t, 201)
	if r.Get("options", "tls") != true || r.Get("options", "tls_verify") != false {
		t.Fatalf("lax booleans: %s", r.Body)
	}
}
