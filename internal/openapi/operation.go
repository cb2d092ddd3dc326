// Package openapi checks requests (and, in tests, responses) against a provider's OpenAPI
// document, with the leniency of the real panels: numeric strings for numbers, "true" and
// "false" for booleans, empty or "[]" bodies, form-encoded bodies, PHP's "name[]" queries.
package openapi

import (
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Operation is one operation of a document, ready to check requests against.
type Operation struct {
	ID       string
	Method   string
	Path     string // as in the document: /servers/{serverId}
	EchoPath string // as echo routes it: /servers/:serverId
	Params   []Param
	// Body is the schema of a JSON request body, nil when the operation takes none.
	Body         *openapi3.Schema
	BodyRequired bool
	// Aliases are more paths (as echo routes them) that reach the operation: Laravel routes
	// with optional trailing segments, which the document gives without them. They come from
	// the operation's x-panelsim-aliases extension.
	Aliases []string
	// QueryBody reads the body's fields from the query string too (x-panelsim-query-body:
	// Laravel's input() merges both, and some documents put a body on a GET).
	QueryBody bool
	op        *openapi3.Operation
}

// Param is one path or query parameter.
type Param struct {
	Name     string
	In       string
	Required bool
	Schema   *openapi3.Schema
}

// Operations lists a document's operations, sorted by path then method. Every operation
// must have an operationId.
func Operations(doc *openapi3.T) ([]*Operation, error) {
	var out []*Operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				return nil, fmt.Errorf("%s %s: no operationId", method, path)
			}
			o := &Operation{ID: op.OperationID, Method: method, Path: path, EchoPath: echoPath(path), op: op}
			if list, ok := op.Extensions["x-panelsim-aliases"].([]any); ok {
				for _, a := range list {
					if s, ok := a.(string); ok {
						o.Aliases = append(o.Aliases, echoPath(s))
					}
				}
			}
			o.QueryBody, _ = op.Extensions["x-panelsim-query-body"].(bool)
			for _, p := range append(item.Parameters, op.Parameters...) {
				if p.Value == nil || p.Value.Schema == nil {
					continue
				}
				o.Params = append(o.Params, Param{Name: p.Value.Name, In: p.Value.In, Required: p.Value.Required, Schema: p.Value.Schema.Value})
			}
			if rb := op.RequestBody; rb != nil && rb.Value != nil {
				if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
					o.Body, o.BodyRequired = mt.Schema.Value, rb.Value.Required
				}
			}
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out, nil
}

// echoPath turns /servers/{serverId} into /servers/:serverId.
func echoPath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '{':
			b.WriteByte(':')
		case '}':
		default:
			b.WriteByte(p[i])
		}
	}
	return b.String()
}
