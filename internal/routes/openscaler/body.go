package openscaler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/internal/provider"
)

// The shared validator reads bodies as a Laravel panel does: malformed JSON and a body
// without a JSON content type are no fields, "" is a field not sent. FastAPI reads them
// otherwise, and this file is where OpenScaler does: FastAPI parses the body with Python's
// json (a JSON content type, or none at all) before pydantic sees it, refuses what does not
// parse with 422 json_invalid, hands pydantic anything else that was sent, and pydantic
// refuses "" where it wants a number.

const keySentBody = "openscaler.body"

// sentBody is the request body as FastAPI reads it.
type sentBody struct {
	raw    []byte
	asJSON bool // a JSON content type (application/json, application/*+json) or none
	value  any  // the decoded body (numbers as json.Number); nil when not read as JSON
	// ordered is value with its objects' keys in the order sent (what errors show).
	ordered any
	// fatal is FastAPI's refusal while reading: 422 json_invalid for text Python's json does
	// not parse, 400 for bytes that are not UTF-8.
	fatal error
}

// readBody reads the request's body (the simulator has read it whole already) once.
func readBody(c echo.Context) *sentBody {
	if b, ok := c.Get(keySentBody).(*sentBody); ok {
		return b
	}
	req := c.Request()
	var raw []byte
	if req.Body != nil {
		raw, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(raw))
	}
	b := &sentBody{raw: raw, asJSON: jsonContentType(req.Header.Get(echo.HeaderContentType))}
	if len(raw) > 0 && b.asJSON {
		text := bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")) // json.loads(bytes) drops a UTF-8 BOM
		if !utf8.Valid(text) {
			b.fatal = badRequest("There was an error parsing the body")
		} else if msg, pos, ok := pyJSONError(string(text)); !ok {
			b.fatal = refuse422(pyError{Type: "json_invalid", Loc: []any{"body", pos}, Msg: "JSON decode error",
				Input: map[string]any{}, Ctx: ctx("error", msg)})
		} else {
			dec := json.NewDecoder(bytes.NewReader(text))
			dec.UseNumber()
			if dec.Decode(&b.value) == nil { // Python's NaN and Infinity stay undecoded: the shared reading stands
				b.ordered, _ = decodeOrdered(text)
			}
		}
	}
	c.Set(keySentBody, b)
	return b
}

// jsonContentType is FastAPI's rule: no content type, or application/json or
// application/<anything>+json.
func jsonContentType(ct string) bool {
	if strings.TrimSpace(ct) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	main, sub, _ := strings.Cut(mt, "/")
	return main == "application" && (sub == "json" || strings.HasSuffix(sub, "+json"))
}

// object is the body pydantic validates when it is a JSON object; otherwise it is nil and
// perr is pydantic's refusal of what was sent instead: nothing (or null) where a body is
// required, or something that is not an object.
func (b *sentBody) object(required bool) (obj map[string]any, perr *pyError) {
	switch {
	case len(b.raw) == 0 || (b.asJSON && b.value == nil && b.fatal == nil && isJSONNull(b.raw)):
		if required {
			e := missing([]any{"body"}, nil)
			return nil, &e
		}
		return nil, nil
	case !b.asJSON:
		e := modelAttributes([]any{"body"}, string(b.raw))
		return nil, &e
	case b.value == nil:
		return nil, nil // JSON Go cannot decode (NaN): the shared reading stands
	}
	if obj, ok := b.value.(map[string]any); ok {
		return obj, nil
	}
	e := modelAttributes([]any{"body"}, b.value)
	return nil, &e
}

func isJSONNull(raw []byte) bool { return string(bytes.TrimSpace(raw)) == "null" }

// revalidate turns the shared validator's refusal into FastAPI's. It reads the body as
// FastAPI does: text Python cannot parse is json_invalid, nothing or a non-object is
// refused as a whole, and a JSON body sent without a content type (which the shared
// validator read as no fields) or with booleans pydantic takes ("yes", "off") is checked
// again; when that passes, the handler answers after all (nil). Otherwise every problem is
// worded as pydantic does, with "" and null where pydantic refuses them, in the order
// FastAPI lists them.
func (p *Provider) revalidate(c echo.Context, ve *openapi.ValidationError) error {
	op := p.ops[provider.Operation(c)]
	if op == nil {
		return refuse422(valueErrorItem([]any{"body"}, nil, ve.Error()))
	}
	var (
		body  map[string]any
		whole *pyError
	)
	if op.Body != nil {
		b := readBody(c)
		if b.fatal != nil {
			return b.fatal
		}
		body, whole = b.object(op.BodyRequired)
		if body != nil {
			lax, changed := pydanticLax(op.Body, body)
			if changed || strings.TrimSpace(c.Request().Header.Get(echo.HeaderContentType)) == "" {
				raw, _ := json.Marshal(lax)
				req := c.Request().Clone(c.Request().Context())
				req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
				in, err := op.Check(req, c.Param, raw)
				if err == nil {
					provider.SetInput(c, in)
					return p.Handlers()[op.ID](c)
				}
				if v, ok := err.(*openapi.ValidationError); ok {
					ve = v
				} else {
					return err
				}
			}
		}
	}
	var items []pyError
	for _, pr := range ve.Problems {
		switch {
		case pr.In == "query":
			if e, ok := queryError(op, c.QueryParams(), pr); ok {
				items = append(items, e)
			}
		case pr.In == "body" && body != nil:
			v, present, parent, field, loc := locate(op.Body, body, pr.Field)
			if e, ok := problemError(pr, field, v, present, parent, loc); ok {
				items = append(items, e)
			}
		}
	}
	if whole != nil {
		items = append(items, *whole)
	}
	if body != nil {
		dropped(op.Body, body, []any{"body"}, &items)
	}
	if body != nil {
		inOrder(readBody(c).ordered, items)
	}
	if items = p.order(op.ID, items); len(items) == 0 {
		return refuse422(valueErrorItem([]any{"body"}, nil, "Input is invalid"))
	}
	return refuse422(items...)
}

// pydanticLax converts what pydantic's lax mode takes and the shared validator does not:
// the booleans "yes", "no", "on", "off", "y", "n", "t", "f". It returns a copy when it
// changed something.
func pydanticLax(s *openapi3.Schema, v any) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		if s == nil {
			return v, false
		}
		var out map[string]any
		for name, prop := range s.Properties {
			val, ok := x[name]
			if !ok || prop.Value == nil {
				continue
			}
			if nv, changed := pydanticLax(prop.Value, val); changed {
				if out == nil {
					out = make(map[string]any, len(x))
					for k, v := range x {
						out[k] = v
					}
				}
				out[name] = nv
			}
		}
		if out != nil {
			return out, true
		}
	case []any:
		if s == nil || s.Items == nil {
			return v, false
		}
		var out []any
		for i, item := range x {
			if nv, changed := pydanticLax(s.Items.Value, item); changed {
				if out == nil {
					out = append([]any(nil), x...)
				}
				out[i] = nv
			}
		}
		if out != nil {
			return out, true
		}
	case string:
		if s != nil && s.Type.Is("boolean") {
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "yes", "on", "y", "t":
				return true, true
			case "no", "off", "n", "f":
				return false, true
			}
		}
	}
	return v, false
}

// dropped finds the values the shared validator took for not sent and pydantic refuses: ""
// (and blanks) where a number, a boolean, a list or an object goes, "" where a string has a
// minimum length, and null in a list. null for an optional field is not one: the fields are
// Optional, as pydantic models with defaults of None are.
func dropped(s *openapi3.Schema, v any, loc []any, out *[]pyError) {
	switch x := v.(type) {
	case map[string]any:
		if s == nil {
			return
		}
		for name, prop := range s.Properties {
			val, ok := x[name]
			if !ok || prop.Value == nil {
				continue
			}
			l := append(append([]any(nil), loc...), name)
			if !keeps(prop.Value, val) {
				if val != nil {
					if e, bad := emptyError(prop.Value, val, l); bad {
						*out = append(*out, e)
					}
				}
				continue
			}
			dropped(prop.Value, val, l, out)
		}
	case []any:
		if s == nil || s.Items == nil {
			return
		}
		for i, item := range x {
			l := append(append([]any(nil), loc...), i)
			if !keeps(s.Items.Value, item) {
				if e, bad := emptyError(s.Items.Value, item, l); bad {
					*out = append(*out, e)
				}
				continue
			}
			dropped(s.Items.Value, item, l, out)
		}
	}
}

// fastapi wraps every handler with what FastAPI refuses and the shared pipeline accepted:
// each such request goes on with a Panelsim-Warning, or is refused as OpenScaler would
// under --strict.
func (p *Provider) fastapi(id string, h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := trailingSlash(c); err != nil {
			return err
		}
		if op := p.ops[id]; op != nil && op.Body != nil {
			if err := bodyLeniency(c, op); err != nil {
				return err
			}
		}
		return h(c)
	}
}

// trailingSlash: Starlette answers /v1/vms/1/ with 307 to /v1/vms/1; panelsim serves it.
func trailingSlash(c echo.Context) error {
	path, query, _ := strings.Cut(provider.RequestURI(c), "?")
	if len(path) <= 1 || !strings.HasSuffix(path, "/") {
		return nil
	}
	loc := c.Scheme() + "://" + c.Request().Host + strings.TrimRight(path, "/")
	if query != "" {
		loc += "?" + query
	}
	return provider.Lenient(c, "OpenScaler (Starlette) answers a path with a trailing slash with 307 to the path without it; panelsim served it",
		&redirectError{loc})
}

// bodyLeniency: a body FastAPI would not read (not JSON) and values pydantic would refuse
// that the shared validator took for not sent.
func bodyLeniency(c echo.Context, op *openapi.Operation) error {
	b := readBody(c)
	if b.fatal != nil {
		return b.fatal
	}
	obj, whole := b.object(op.BodyRequired)
	if whole != nil {
		if b.asJSON {
			return refuse422(*whole)
		}
		ct, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
		return provider.Lenient(c, "OpenScaler (FastAPI) reads a body as JSON only (Content-Type: application/json); it refuses a "+ct+
			" body with 422 model_attributes_type", refuse422(*whole))
	}
	if obj == nil {
		return nil
	}
	var items []pyError
	dropped(op.Body, obj, []any{"body"}, &items)
	inOrder(b.ordered, items)
	for _, e := range items {
		in, _ := json.Marshal(e.Input)
		msg := fmt.Sprintf("OpenScaler (pydantic) refuses %s for %s with 422 %s; panelsim read it as not sent", in, locText(e.Loc), e.Type)
		if err := provider.Lenient(c, msg, refuse422(items...)); err != nil {
			return err
		}
	}
	return nil
}

func locText(loc []any) string {
	parts := make([]string, len(loc))
	for i, l := range loc {
		parts[i] = fmt.Sprint(l)
	}
	return strings.Join(parts, ".")
}

// bind decodes the validated body into v (as provider.Bind).
func (p *Provider) bind(c echo.Context, v any) error { return provider.Bind(c, v) }

// sentObject is the body as the client sent it (the input pydantic's errors show), or the
// validated one when it was not JSON.
func sentObject(c echo.Context) any {
	if b := readBody(c); b.ordered != nil {
		return b.ordered
	}
	return provider.Input(c).Body
}
