package openapi

import (
	"errors"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

const testDoc = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /servers/{serverId}/build:
    post:
      operationId: buildServer
      parameters:
        - {name: serverId, in: path, required: true, schema: {type: integer}}
        - {name: dryRun, in: query, schema: {type: boolean}}
        - {name: hypervisorId, in: query, schema: {type: array, items: {type: integer}}}
        - {name: results, in: query, schema: {type: integer, minimum: 1, maximum: 200}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [operatingSystemId]
              properties:
                operatingSystemId: {type: integer}
                name: {type: string, maxLength: 5}
                sshKeys: {type: array, items: {type: integer}}
                vnc: {type: boolean}
                type: {type: string, enum: [simple, full]}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [data]
                properties:
                  data: {type: object, required: [id], properties: {id: {type: integer}}}
        '204': {description: none}
`

func testOp(t *testing.T) *Operation {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(testDoc))
	if err != nil {
		t.Fatal(err)
	}
	ops, err := Operations(doc)
	if err != nil || len(ops) != 1 {
		t.Fatalf("operations: %v %v", ops, err)
	}
	if ops[0].EchoPath != "/servers/:serverId/build" {
		t.Fatalf("echo path %q", ops[0].EchoPath)
	}
	return ops[0]
}

func TestCheckRequest(t *testing.T) {
	op := testOp(t)
	tests := []struct {
		name     string
		path     string
		query    string
		ctype    string
		body     string
		wantBody map[string]any
		wantMsgs []string
	}{
		{name: "typed", path: "9", ctype: "application/json", body: `{"operatingSystemId":3,"sshKeys":[1,2],"vnc":true}`,
			wantBody: map[string]any{"operatingSystemId": 3.0, "sshKeys": []any{1.0, 2.0}, "vnc": true}},
		{name: "numeric strings and string booleans", path: "9", ctype: "application/json; charset=utf-8", body: `{"operatingSystemId":"3","sshKeys":["1"],"vnc":"false"}`,
			wantBody: map[string]any{"operatingSystemId": 3.0, "sshKeys": []any{1.0}, "vnc": false}},
		{name: "empty strings and nulls count as absent", path: "9", ctype: "application/json", body: `{"operatingSystemId":3,"name":"","vnc":null}`,
			wantBody: map[string]any{"operatingSystemId": 3.0}},
		{name: "form encoded", path: "9", ctype: "application/x-www-form-urlencoded", body: `operatingSystemId=4&sshKeys[]=5&sshKeys[]=6`,
			wantBody: map[string]any{"operatingSystemId": 4.0, "sshKeys": []any{5.0, 6.0}}},
		{name: "missing field", path: "9", ctype: "application/json", body: `{}`, wantMsgs: []string{"The operating system id field is required."}},
		{name: "malformed JSON reads as no fields", path: "9", ctype: "application/json", body: `{"operatingSystemId": 1,`, wantMsgs: []string{"The operating system id field is required."}},
		{name: "PHP empty array body", path: "9", ctype: "application/json", body: `[]`, wantMsgs: []string{"The operating system id field is required."}},
		{name: "wrong content type", path: "9", ctype: "text/plain", body: `{"operatingSystemId":1}`, wantMsgs: []string{"The operating system id field is required."}},
		{name: "wrong types", path: "9", ctype: "application/json", body: `{"operatingSystemId":"abc","name":7,"sshKeys":["x"],"vnc":"maybe","type":"odd"}`,
			wantMsgs: []string{"The name field must be a string.", "The operating system id field must be an integer.", "The ssh keys.0 field must be an integer.", "The selected type is invalid.", "The vnc field must be true or false."}},
		{name: "too long", path: "9", ctype: "application/json", body: `{"operatingSystemId":1,"name":"abcdefg"}`, wantMsgs: []string{"The name field must not be greater than 5 characters."}},
		{name: "query coerced", path: "9", query: "dryRun=true&hypervisorId[]=2&hypervisorId[]=3&results=20", ctype: "application/json", body: `{"operatingSystemId":1}`,
			wantBody: map[string]any{"operatingSystemId": 1.0}},
		{name: "query out of range", path: "9", query: "results=500", ctype: "application/json", body: `{"operatingSystemId":1}`, wantMsgs: []string{"The results field must not be greater than 200."}},
		{name: "query wrong type", path: "9", query: "dryRun=maybe", ctype: "application/json", body: `{"operatingSystemId":1}`, wantMsgs: []string{"The dry run field must be true or false."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/servers/"+tt.path+"/build?"+tt.query, nil)
			req.Header.Set("Content-Type", tt.ctype)
			in, err := op.Check(req, func(string) string { return tt.path }, []byte(tt.body))
			if tt.wantMsgs != nil {
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("want validation error, got %v", err)
				}
				if got := ve.Messages(); !reflect.DeepEqual(got, tt.wantMsgs) {
					t.Fatalf("messages\n got %q\nwant %q", got, tt.wantMsgs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(in.Body, tt.wantBody) {
				t.Fatalf("body %#v want %#v", in.Body, tt.wantBody)
			}
			if in.Path["serverId"] != 9.0 {
				t.Fatalf("path %#v", in.Path)
			}
		})
	}
}

func TestCheckRequestQueryValues(t *testing.T) {
	op := testOp(t)
	req := httptest.NewRequest("POST", "/servers/9/build?dryRun=1&hypervisorId[]=2&hypervisorId=3", nil)
	req.Header.Set("Content-Type", "application/json")
	in, err := op.Check(req, func(string) string { return "9" }, []byte(`{"operatingSystemId":1}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"dryRun": true, "hypervisorId": []any{3.0, 2.0}}
	if !reflect.DeepEqual(in.Query, want) {
		t.Fatalf("query %#v want %#v", in.Query, want)
	}
}

func TestCheckRequestPathParam(t *testing.T) {
	op := testOp(t)
	req := httptest.NewRequest("POST", "/servers/abc/build", strings.NewReader(`{}`))
	_, err := op.Check(req, func(string) string { return "abc" }, nil)
	var pe *PathError
	if !errors.As(err, &pe) || pe.Param != "serverId" {
		t.Fatalf("want PathError, got %v", err)
	}
}

func TestCheckResponse(t *testing.T) {
	op := testOp(t)
	tests := []struct {
		name   string
		status int
		ctype  string
		body   string
		ok     bool
	}{
		{"fits", 200, "application/json", `{"data":{"id":1}}`, true},
		{"extra key", 200, "application/json", `{"data":{"id":1},"x":1}`, false},
		{"wrong type", 200, "application/json", `{"data":{"id":"1"}}`, false},
		{"undocumented status", 500, "application/json", `{}`, false},
		{"empty where body documented", 200, "application/json", ``, false},
		{"no body", 204, "", ``, true},
		{"body where none documented", 204, "application/json", `{}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := op.CheckResponse(tt.status, tt.ctype, []byte(tt.body))
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestAttribute(t *testing.T) {
	for in, want := range map[string]string{"packageId": "package id", "sshKeys.0": "ssh keys.0", "ext_relation_id": "ext relation id", "name": "name"} {
		if got := Attribute(in); got != want {
			t.Errorf("Attribute(%q) = %q, want %q", in, got, want)
		}
	}
}

const queryBodyDoc = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /api/activitylog/user:
    get:
      operationId: listUserActivity
      x-panelsim-aliases: ['/api/activitylog/user/{limit}']
      x-panelsim-query-body: true
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                limit: {type: integer}
                tags: {type: array, items: {type: string}}
      responses:
        '200': {description: ok}
`

// TestAliasesAndQueryBody: an operation's x-panelsim-aliases become extra routes, and with
// x-panelsim-query-body its body fields are read from the query too (the body wins).
func TestAliasesAndQueryBody(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(queryBodyDoc))
	if err != nil {
		t.Fatal(err)
	}
	ops, err := Operations(doc)
	if err != nil || len(ops) != 1 {
		t.Fatalf("operations: %v %v", ops, err)
	}
	op := ops[0]
	if !reflect.DeepEqual(op.Aliases, []string{"/api/activitylog/user/:limit"}) || !op.QueryBody {
		t.Fatalf("aliases %v, query body %v", op.Aliases, op.QueryBody)
	}
	none := func(string) string { return "" }
	in, err := op.Check(httptest.NewRequest("GET", "/api/activitylog/user?limit=5&tags[]=a&tags[]=b", nil), none, nil)
	if err != nil || in.Body["limit"] != float64(5) || !reflect.DeepEqual(in.Body["tags"], []any{"a", "b"}) {
		t.Fatalf("from the query: %v %v", in.Body, err)
	}
	req := httptest.NewRequest("GET", "/api/activitylog/user?limit=5", strings.NewReader(`{"limit": 7}`))
	req.Header.Set("Content-Type", "application/json")
	in, err = op.Check(req, none, []byte(`{"limit": 7}`))
	if err != nil || in.Body["limit"] != float64(7) {
		t.Fatalf("body and query: %v %v", in.Body, err)
	}
	if _, err := op.Check(httptest.NewRequest("GET", "/api/activitylog/user?limit=many", nil), none, nil); err == nil {
		t.Fatal("a query value that is not a number passed as a body field")
	}
}
