package openapi

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

const streamDoc = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /vms:
    post:
      operationId: createVM
      responses:
        '200':
          description: events
          content:
            text/event-stream:
              schema: {type: string}
        '422':
          description: refused
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [detail]
                properties: {detail: {type: string}}
`

// TestCheckResponseEventStream: a documented text/event-stream answer takes a body of that
// content type; JSON answers of the same operation are still checked.
func TestCheckResponseEventStream(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(streamDoc))
	if err != nil {
		t.Fatal(err)
	}
	ops, err := Operations(doc)
	if err != nil {
		t.Fatal(err)
	}
	op := ops[0]
	stream := "event: progress\ndata: {\"percentage\":0}\n\n"
	tests := []struct {
		name, ctype, body string
		status            int
		wantErr           string
	}{
		{"a stream", "text/event-stream", stream, 200, ""},
		{"a stream with parameters", "text/event-stream; charset=utf-8", stream, 200, ""},
		{"an empty stream", "text/event-stream", "", 200, "documented event stream missing"},
		{"JSON where a stream is documented", "application/json", `{}`, 200, "has no documented body"},
		{"a JSON refusal", "application/json", `{"detail":"no"}`, 422, ""},
		{"a JSON refusal off its schema", "application/json", `{"error":"no"}`, 422, "does not fit the schema"},
		{"a stream where JSON is documented", "text/event-stream", stream, 422, "content type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := op.CheckResponse(tt.status, tt.ctype, []byte(tt.body))
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

const fileDoc = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /files/{id}:
    get:
      operationId: downloadFile
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: the file
          content:
            application/octet-stream:
              schema: {type: string, format: binary}
        '500':
          description: refused
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [message]
                properties: {message: {type: string}, result: {type: string}}
`

// TestCheckResponseFile: a documented application/octet-stream answer takes any bytes of that
// content type; the operation's JSON answers are still checked.
func TestCheckResponseFile(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(fileDoc))
	if err != nil {
		t.Fatal(err)
	}
	ops, err := Operations(doc)
	if err != nil {
		t.Fatal(err)
	}
	op := ops[0]
	tests := []struct {
		name, ctype, body string
		status            int
		wantErr           string
	}{
		{"a file", "application/octet-stream", "\x00\x01binary", 200, ""},
		{"an empty file", "application/octet-stream", "", 200, ""},
		{"JSON where a file is documented", "application/json", `{}`, 200, "has no documented body"},
		{"the documented refusal", "application/json", `{"message":"Exception","result":"no"}`, 500, ""},
		{"a refusal off its schema", "application/json", `{"error":"no"}`, 500, "does not fit the schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := op.CheckResponse(tt.status, tt.ctype, []byte(tt.body))
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}
