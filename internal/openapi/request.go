package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Input is a request after coercion and validation.
type Input struct {
	Path  map[string]any
	Query map[string]any
	// Body is the request body as a JSON object (empty when none was sent).
	Body map[string]any
	// BodyJSON is Body encoded, ready to decode into a handler's struct.
	BodyJSON []byte
}

// Check coerces and validates a request: path values (from the router), query and body.
// A path value that does not fit its schema gives a *PathError; everything else that does
// not fit gives one *ValidationError listing every problem.
func (o *Operation) Check(req *http.Request, pathValue func(string) string, body []byte) (*Input, error) {
	in := &Input{Path: map[string]any{}, Query: map[string]any{}}
	var problems []Problem
	query := req.URL.Query()
	for _, p := range o.Params {
		switch p.In {
		case "path":
			if pathValue(p.Name) == "" && len(o.Aliases) > 0 {
				continue // an alias route without this segment (a Laravel optional parameter)
			}
			v, _ := coerce(p.Schema, pathValue(p.Name))
			if err := p.Schema.VisitJSON(v, openapi3.VisitAsRequest()); err != nil {
				return nil, &PathError{Param: p.Name, Value: pathValue(p.Name)}
			}
			in.Path[p.Name] = v
		case "query":
			raw, present := queryValue(query, p)
			if !present {
				if p.Required {
					problems = append(problems, Problem{In: "query", Field: p.Name, Rule: "required"})
				}
				continue
			}
			v, keep := coerce(p.Schema, raw)
			if !keep {
				if p.Required {
					problems = append(problems, Problem{In: "query", Field: p.Name, Rule: "required"})
				}
				continue
			}
			if errs := visit(p.Schema, v, "query", p.Name); len(errs) > 0 {
				problems = append(problems, errs...)
				continue
			}
			in.Query[p.Name] = v
		}
	}
	if o.Body != nil {
		obj := parseBody(req.Header.Get("Content-Type"), body, o.jsonAnyContentType())
		if o.QueryBody {
			fromQuery(o.Body, query, obj)
		}
		obj = coerceObject(o.Body, obj)
		problems = append(problems, visit(o.Body, obj, "body", "")...)
		in.Body = obj
	} else {
		in.Body = map[string]any{}
	}
	if len(problems) > 0 {
		sortProblems(problems)
		return nil, &ValidationError{Problems: problems}
	}
	if o.Body != nil {
		in.BodyJSON, _ = json.Marshal(in.Body)
	} else {
		in.BodyJSON = emptyObject
	}
	return in, nil
}

var emptyObject = []byte("{}")

// fromQuery adds to obj the body fields sent in the query string instead (the body wins
// where both have one).
func fromQuery(schema *openapi3.Schema, query url.Values, obj map[string]any) {
	for name, prop := range schema.Properties {
		if _, sent := obj[name]; sent || prop.Value == nil {
			continue
		}
		if v, ok := queryValue(query, Param{Name: name, Schema: prop.Value}); ok {
			obj[name] = v
		}
	}
}

// queryValue reads a parameter as PHP sees it: name or name[]; arrays take every value.
func queryValue(q url.Values, p Param) (any, bool) {
	vals := append(append([]string(nil), q[p.Name]...), q[p.Name+"[]"]...)
	if len(vals) == 0 {
		return nil, false
	}
	if p.Schema.Type.Is("array") {
		out := make([]any, len(vals))
		for i, v := range vals {
			out[i] = v
		}
		return out, true
	}
	return vals[len(vals)-1], true
}

// jsonAnyContentType reports whether the operation reads a body that is a JSON object as
// JSON whatever its content type says (x-panelsim-json-any-content-type: e24cloud; Laravel
// panels do not, and answer such a body as if no field was sent).
func (o *Operation) jsonAnyContentType() bool {
	if o.op == nil {
		return false
	}
	v, _ := o.op.Extensions["x-panelsim-json-any-content-type"].(bool)
	return v
}

// parseBody reads the body the way Laravel's request input does: JSON when the content type
// says JSON, form fields for form encodings, nothing otherwise. Malformed JSON, a JSON value
// that is not an object (PHP's "[]" included) and an empty body all read as no fields. With
// anyType, a body that is a JSON object is read as JSON whatever the content type.
func parseBody(contentType string, raw []byte, anyType bool) map[string]any {
	out := map[string]any{}
	if len(bytes.TrimSpace(raw)) == 0 {
		return out
	}
	if anyType {
		var m map[string]any
		if json.Unmarshal(raw, &m) == nil && m != nil {
			return m
		}
	}
	mt, params, _ := mime.ParseMediaType(contentType)
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/json":
		var v any
		if json.Unmarshal(raw, &v) == nil {
			if m, ok := v.(map[string]any); ok {
				return m
			}
		}
	case mt == "application/x-www-form-urlencoded":
		if vals, err := url.ParseQuery(string(raw)); err == nil {
			return formValues(vals)
		}
	case mt == "multipart/form-data":
		form, err := multipart.NewReader(bytes.NewReader(raw), params["boundary"]).ReadForm(1 << 20)
		if err == nil {
			defer form.RemoveAll()
			return formValues(form.Value)
		}
	}
	return out
}

// formValues turns form fields into a JSON-like object: "k[]" fields become arrays, and a
// repeated plain field keeps its last value, as PHP does.
func formValues(vals map[string][]string) map[string]any {
	out := map[string]any{}
	for k, vs := range vals {
		if name, ok := strings.CutSuffix(k, "[]"); ok {
			arr, _ := out[name].([]any)
			for _, v := range vs {
				arr = append(arr, v)
			}
			out[name] = arr
			continue
		}
		if len(vs) > 0 {
			out[k] = vs[len(vs)-1]
		}
	}
	return out
}

// visit validates v and turns the schema errors into problems.
func visit(schema *openapi3.Schema, v any, in, prefix string) []Problem {
	err := schema.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsRequest())
	if err == nil {
		return nil
	}
	var out []Problem
	flatten(err, func(se *openapi3.SchemaError) {
		field := strings.Join(se.JSONPointer(), ".")
		if prefix != "" {
			field = strings.TrimSuffix(prefix+"."+field, ".")
		}
		out = append(out, Problem{In: in, Field: field, Rule: se.SchemaField, Schema: se.Schema})
	})
	if len(out) == 0 {
		out = append(out, Problem{In: in, Field: prefix, Rule: "invalid"})
	}
	return out
}

func flatten(err error, fn func(*openapi3.SchemaError)) {
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		for _, e := range multi {
			flatten(e, fn)
		}
		return
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		fn(se)
	}
}
