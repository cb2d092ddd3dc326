package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// CheckResponse reports how an answer departs from the document: an undocumented status, a
// body where none is documented or none where one is, or a body that does not fit its schema.
// A documented text/event-stream answer needs a body of that content type; its events are
// not checked. A documented application/octet-stream answer (a file) takes any bytes of that
// content type.
func (o *Operation) CheckResponse(status int, contentType string, body []byte) error {
	ref := o.op.Responses.Status(status)
	if ref == nil {
		ref = o.op.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("%s: status %d is not documented", o.ID, status)
	}
	empty := len(bytes.TrimSpace(body)) == 0
	if ref.Value.Content.Get("text/event-stream") != nil && strings.HasPrefix(contentType, "text/event-stream") {
		if empty {
			return fmt.Errorf("%s: status %d: documented event stream missing", o.ID, status)
		}
		return nil
	}
	if ref.Value.Content.Get("application/octet-stream") != nil && strings.HasPrefix(contentType, "application/octet-stream") {
		return nil // a file: any bytes, none included
	}
	mt := ref.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		if !empty {
			return fmt.Errorf("%s: status %d has no documented body, got %d bytes", o.ID, status, len(body))
		}
		return nil
	}
	if empty {
		return fmt.Errorf("%s: status %d: documented body missing", o.ID, status)
	}
	if !strings.HasPrefix(contentType, "application/json") {
		return fmt.Errorf("%s: status %d: content type %q, want application/json", o.ID, status, contentType)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("%s: status %d: body is not JSON: %v", o.ID, status, err)
	}
	if err := mt.Schema.Value.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsResponse()); err != nil {
		var lines []string
		flattenAll(err, func(se *openapi3.SchemaError) {
			lines = append(lines, "$."+strings.Join(se.JSONPointer(), ".")+": "+se.Reason)
		})
		if len(lines) > 10 {
			lines = append(lines[:10], "… "+strconv.Itoa(len(lines)-10)+" more")
		}
		return fmt.Errorf("%s: status %d: body does not fit the schema: %s", o.ID, status, strings.Join(lines, "; "))
	}
	return nil
}

func flattenAll(err error, fn func(*openapi3.SchemaError)) {
	if multi, ok := err.(openapi3.MultiError); ok {
		for _, e := range multi {
			flattenAll(e, fn)
		}
		return
	}
	if se, ok := err.(*openapi3.SchemaError); ok {
		fn(se)
		return
	}
	fn(&openapi3.SchemaError{Reason: err.Error()})
}
