package openscaler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/panelsim/panelsim/internal/openapi"
)

// pyError is one item of FastAPI's 422: pydantic v2's error type, where it is (loc:
// "body" or "query", then keys and list indexes), its message, the input it refused and the
// message's context, as FastAPI answers them (exc.errors(include_url=False)).
type pyError struct {
	Type  string `json:"type"`
	Loc   []any  `json:"loc"`
	Msg   string `json:"msg"`
	Input any    `json:"input"`
	Ctx   pyCtx  `json:"ctx,omitempty"`
}

// pyCtx is an error's context, its keys in pydantic's order.
type pyCtx []ctxEntry

type ctxEntry struct {
	key   string
	value any
}

func ctx(kv ...any) pyCtx {
	out := make(pyCtx, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, ctxEntry{kv[i].(string), kv[i+1]})
	}
	return out
}

// MarshalJSON writes the context as an object, keys in order.
func (c pyCtx) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, e := range c {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(e.key)
		v, err := json.Marshal(e.value)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// unprocessable is FastAPI's 422 for a request that does not validate: {"detail": [pyError…]}.
type unprocessable struct {
	Detail []pyError `json:"detail"`
}

func (u *unprocessable) Error() string {
	msgs := make([]string, len(u.Detail))
	for i, e := range u.Detail {
		msgs[i] = fmt.Sprint(e.Loc) + ": " + e.Msg
	}
	return "422: " + strings.Join(msgs, "; ")
}

func refuse422(items ...pyError) *unprocessable {
	for i := range items {
		items[i].Input = finite(items[i].Input)
	}
	return &unprocessable{Detail: items}
}

// finite replaces numbers too large for JSON's readers (1e400, which Python reads as inf and
// Starlette then cannot answer) by null in an error's input.
func finite(v any) any {
	switch x := v.(type) {
	case json.Number:
		if _, err := strconv.ParseFloat(string(x), 64); err != nil {
			return nil
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = finite(e)
		}
		return out
	case *omap:
		out := &omap{keys: x.keys, vals: make(map[string]any, len(x.vals))}
		for k, e := range x.vals {
			out.vals[k] = finite(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = finite(e)
		}
		return out
	}
	return v
}

func missing(loc []any, input any) pyError {
	return pyError{Type: "missing", Loc: loc, Msg: "Field required", Input: input}
}

// valueError is what a pydantic validator that raises ValueError gives: FastAPI's encoder
// turns the exception in ctx into {}.
func valueError(loc []any, input any, msg string) *unprocessable {
	return refuse422(valueErrorItem(loc, input, msg))
}

func valueErrorItem(loc []any, input any, msg string) pyError {
	return pyError{Type: "value_error", Loc: loc, Msg: "Value error, " + msg, Input: input, Ctx: ctx("error", map[string]any{})}
}

// modelAttributes is pydantic's refusal of a body (or a nested object) that is not a JSON
// object.
func modelAttributes(loc []any, input any) pyError {
	return pyError{Type: "model_attributes_type", Loc: loc,
		Msg: "Input should be a valid dictionary or object to extract fields from", Input: input}
}

// typeError is pydantic's refusal of a value of the wrong type for s.
func typeError(s *openapi3.Schema, v any, loc []any) pyError {
	e := pyError{Loc: loc, Input: v}
	_, isString := v.(string)
	switch {
	case s == nil:
		return valueErrorItem(loc, v, "Input is invalid")
	case len(s.Enum) > 0: // a str Enum refuses anything else, whatever its type
		return enumError(s.Enum, v, loc)
	case s.Type.Is("integer"):
		e.Type, e.Msg = "int_type", "Input should be a valid integer"
		if n, ok := v.(json.Number); ok {
			if f, err := n.Float64(); err == nil && !math.IsInf(f, 0) && f != math.Trunc(f) {
				e.Type, e.Msg = "int_from_float", "Input should be a valid integer, got a number with a fractional part"
			}
		}
		if isString {
			e.Type, e.Msg = "int_parsing", "Input should be a valid integer, unable to parse string as an integer"
		}
	case s.Type.Is("number"):
		e.Type, e.Msg = "float_type", "Input should be a valid number"
		if isString {
			e.Type, e.Msg = "float_parsing", "Input should be a valid number, unable to parse string as a number"
		}
	case s.Type.Is("boolean"):
		e.Type, e.Msg = "bool_type", "Input should be a valid boolean"
		if _, isNum := v.(json.Number); isString || isNum {
			e.Type, e.Msg = "bool_parsing", "Input should be a valid boolean, unable to interpret input"
		}
	case s.Type.Is("string"):
		e.Type, e.Msg = "string_type", "Input should be a valid string"
	case s.Type.Is("array"):
		e.Type, e.Msg = "list_type", "Input should be a valid list"
	default:
		return modelAttributes(loc, v)
	}
	return e
}

// emptyError is pydantic's refusal of "" (or null) for s, a value the shared validator takes
// for one not sent; ok is false when pydantic takes it (an empty string where any string
// goes).
func emptyError(s *openapi3.Schema, v any, loc []any) (pyError, bool) {
	str, isString := v.(string)
	switch {
	case s == nil:
		return pyError{}, false
	case !isString, len(s.Enum) > 0:
		return typeError(s, v, loc), true
	case s.Type.Is("string"):
		if uint64(len([]rune(str))) < s.MinLength {
			return tooShort(s, str, loc), true
		}
		if s.Pattern != "" {
			if re, err := regexp.Compile(s.Pattern); err == nil && !re.MatchString(str) {
				return patternError(s, str, loc), true
			}
		}
		return pyError{}, false
	}
	return typeError(s, v, loc), true
}

func patternError(s *openapi3.Schema, v any, loc []any) pyError {
	return pyError{Type: "string_pattern_mismatch", Loc: loc, Input: v, Msg: fmt.Sprintf("String should match pattern '%s'", s.Pattern),
		Ctx: ctx("pattern", s.Pattern)}
}

func tooShort(s *openapi3.Schema, v string, loc []any) pyError {
	return pyError{Type: "string_too_short", Loc: loc, Input: v, Ctx: ctx("min_length", s.MinLength),
		Msg: fmt.Sprintf("String should have at least %d character%s", s.MinLength, plural(s.MinLength))}
}

// problemError words one problem of the shared validator as pydantic does; v is the value
// as sent, present false when it was not sent; parent is the object it belongs to (the
// input of "missing").
func problemError(pr openapi.Problem, field *openapi3.Schema, v any, present bool, parent any, loc []any) (pyError, bool) {
	s := pr.Schema
	e := pyError{Loc: loc, Input: v}
	switch pr.Rule {
	case "required":
		if present {
			return emptyError(field, v, loc)
		}
		return missing(loc, parent), true
	case "type", "nullable":
		return typeError(s, v, loc), true
	case "minimum", "exclusiveMinimum":
		if s != nil && s.Min != nil {
			e.Type, e.Msg, e.Ctx = "greater_than_equal", "Input should be greater than or equal to "+num(*s.Min), ctx("ge", jsonNum(*s.Min))
			if pr.Rule == "exclusiveMinimum" {
				e.Type, e.Msg, e.Ctx = "greater_than", "Input should be greater than "+num(*s.Min), ctx("gt", jsonNum(*s.Min))
			}
			return e, true
		}
	case "maximum", "exclusiveMaximum":
		if s != nil && s.Max != nil {
			e.Type, e.Msg, e.Ctx = "less_than_equal", "Input should be less than or equal to "+num(*s.Max), ctx("le", jsonNum(*s.Max))
			if pr.Rule == "exclusiveMaximum" {
				e.Type, e.Msg, e.Ctx = "less_than", "Input should be less than "+num(*s.Max), ctx("lt", jsonNum(*s.Max))
			}
			return e, true
		}
	case "minLength":
		if s != nil {
			str, _ := v.(string)
			return tooShort(s, str, loc), true
		}
	case "maxLength":
		if s != nil && s.MaxLength != nil {
			e.Type, e.Ctx = "string_too_long", ctx("max_length", *s.MaxLength)
			e.Msg = fmt.Sprintf("String should have at most %d character%s", *s.MaxLength, plural(*s.MaxLength))
			return e, true
		}
	case "minItems", "maxItems":
		if s != nil {
			arr, _ := v.([]any)
			if pr.Rule == "minItems" {
				e.Type, e.Ctx = "too_short", ctx("field_type", "List", "min_length", s.MinItems, "actual_length", len(arr))
				e.Msg = fmt.Sprintf("List should have at least %d item%s after validation, not %d", s.MinItems, plural(s.MinItems), len(arr))
				return e, true
			}
			if s.MaxItems != nil {
				e.Type, e.Ctx = "too_long", ctx("field_type", "List", "max_length", *s.MaxItems, "actual_length", len(arr))
				e.Msg = fmt.Sprintf("List should have at most %d item%s after validation, not %d", *s.MaxItems, plural(*s.MaxItems), len(arr))
				return e, true
			}
		}
	case "enum":
		if s != nil && len(s.Enum) > 0 {
			return enumError(s.Enum, v, loc), true
		}
	case "pattern":
		if s != nil {
			return patternError(s, v, loc), true
		}
	case "additionalProperties":
		e.Type, e.Msg = "extra_forbidden", "Extra inputs are not permitted"
		return e, true
	}
	return valueErrorItem(loc, v, "Input is invalid"), true
}

// enumError is pydantic's refusal of a value outside a str Enum.
func enumError(values []any, v any, loc []any) pyError {
	expected := oneOf(values)
	return pyError{Type: "enum", Loc: loc, Msg: "Input should be " + expected, Input: v, Ctx: ctx("expected", expected)}
}

// jsonNum is a schema bound as pydantic writes it in ctx: an integer when it is one.
func jsonNum(f float64) any {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int64(f)
	}
	return f
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func plural(n uint64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// oneOf lists enum values as pydantic does: 'a', 'b' or 'c'.
func oneOf(values []any) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("'%v'", v)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// keeps reports whether the shared validator keeps v for s (its coercion drops null where
// null is not allowed, "" and, for numbers and booleans, blanks: they count as not sent).
func keeps(s *openapi3.Schema, v any) bool {
	if v == nil {
		return s == nil || s.Nullable
	}
	str, ok := v.(string)
	if !ok || s == nil {
		return true
	}
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"), s.Type.Is("boolean"):
		return strings.TrimSpace(str) != ""
	case s.Type.Is("array"), s.Type.Is("object"):
		return true
	}
	return str != ""
}

// locate walks a problem's field (as the shared validator names it, after its coercion)
// through the body as sent: the value there, whether it was sent, the object it belongs to,
// its schema and its loc (list indexes as sent: the coercion drops items).
func locate(root *openapi3.Schema, body any, field string) (v any, present bool, parent any, s *openapi3.Schema, loc []any) {
	loc = []any{"body"}
	v, present, s = body, true, root
	if field == "" {
		return v, present, nil, s, loc
	}
	for _, seg := range strings.Split(field, ".") {
		parent = v
		switch x := v.(type) {
		case map[string]any:
			var prop *openapi3.Schema
			if s != nil && s.Properties[seg] != nil {
				prop = s.Properties[seg].Value
			}
			v, present = x[seg]
			s = prop
			loc = append(loc, seg)
		case []any:
			var items *openapi3.Schema
			if s != nil && s.Items != nil {
				items = s.Items.Value
			}
			i, err := strconv.Atoi(seg)
			if err != nil {
				return nil, false, parent, nil, append(loc, seg)
			}
			j, kept := -1, -1
			for k, item := range x {
				if keeps(items, item) {
					kept++
				}
				if kept == i {
					j = k
					break
				}
			}
			s = items
			if j < 0 {
				v, present = nil, false
				loc = append(loc, i)
				continue
			}
			v, present = x[j], true
			loc = append(loc, j)
		default:
			if n, err := strconv.Atoi(seg); err == nil {
				loc = append(loc, n)
			} else {
				loc = append(loc, seg)
			}
			v, present, s = nil, false, nil
		}
	}
	return v, present, parent, s, loc
}

// queryError words a problem of a query parameter.
func queryError(op *openapi.Operation, q url.Values, pr openapi.Problem) (pyError, bool) {
	name, rest, _ := strings.Cut(pr.Field, ".")
	var param *openapi3.Schema
	for _, p := range op.Params {
		if p.In == "query" && p.Name == name {
			param = p.Schema
		}
	}
	vals := append(append([]string(nil), q[name]...), q[name+"[]"]...)
	loc := []any{"query", name}
	var v any
	present := len(vals) > 0
	if present {
		v = vals[len(vals)-1]
	}
	if rest != "" {
		i, _ := strconv.Atoi(rest)
		loc = append(loc, i)
		v, present = nil, i < len(vals)
		if present {
			v = vals[i]
		}
	}
	if name == "only" && pr.Rule == "pattern" {
		return enumError(onlyValues, v, loc), true
	}
	field := param
	if rest != "" && param != nil && param.Items != nil {
		field = param.Items.Value
	}
	if pr.Rule == "required" && !present {
		return missing(loc, nil), true
	}
	return problemError(pr, field, v, present, nil, loc)
}

var onlyValues = []any{"basic", "state", "disks", "network"}
