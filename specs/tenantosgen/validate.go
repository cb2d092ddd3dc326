package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// validate checks an example against a schema of the subset this generator writes (type,
// nullable, enum, properties, required, additionalProperties: false, items, minimum,
// maximum, minLength, maxLength, minItems, $ref to components/schemas). It reports every
// problem, each with where it is; the spec test then checks the response examples again
// with kin-openapi.
func validate(schema *obj, v any, schemas *obj) []string {
	var errs []string
	validateAt(schema, v, schemas, "$", &errs)
	return errs
}

func validateAt(s *obj, v any, schemas *obj, at string, errs *[]string) {
	fail := func(format string, args ...any) {
		*errs = append(*errs, at+": "+fmt.Sprintf(format, args...))
	}
	if ref := s.str("$ref"); ref != "" {
		target := schemas.child(strings.TrimPrefix(ref, "#/components/schemas/"))
		if target == nil {
			fail("unresolved %s", ref)
			return
		}
		validateAt(target, v, schemas, at, errs)
		return
	}
	if v == nil {
		if nullable, _ := s.m["nullable"].(bool); !nullable {
			fail("null is not allowed")
		}
		return
	}
	if enum, ok := s.m["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if reflect.DeepEqual(plain(e), plain(v)) {
				found = true
			}
		}
		if !found {
			fail("%v is not one of %v", plain(v), plain(enum))
		}
	}
	typ := s.str("type")
	switch x := v.(type) {
	case *obj:
		if typ != "" && typ != "object" {
			fail("an object where %s is expected", typ)
			return
		}
		props := s.child("properties")
		for _, r := range asStrings(s.m["required"]) {
			if !x.has(r) {
				fail("required %q missing", r)
			}
		}
		for _, k := range x.keys {
			var ps *obj
			if props != nil {
				ps = props.child(k)
			}
			if ps == nil {
				if ap, ok := s.m["additionalProperties"].(bool); ok && !ap {
					fail("unknown key %q", k)
				} else if aps, ok := s.m["additionalProperties"].(*obj); ok {
					validateAt(aps, x.m[k], schemas, at+"."+k, errs)
				}
				continue
			}
			validateAt(ps, x.m[k], schemas, at+"."+k, errs)
		}
	case []any:
		if typ != "" && typ != "array" {
			fail("an array where %s is expected", typ)
			return
		}
		if n, ok := intOf(s.m["minItems"]); ok && len(x) < n {
			fail("fewer than %d items", n)
		}
		if items := s.child("items"); items != nil {
			for i, e := range x {
				validateAt(items, e, schemas, fmt.Sprintf("%s[%d]", at, i), errs)
			}
		}
	case string:
		if typ != "" && typ != "string" {
			fail("a string where %s is expected", typ)
			return
		}
		if n, ok := intOf(s.m["maxLength"]); ok && len([]rune(x)) > n {
			fail("longer than %d", n)
		}
		if n, ok := intOf(s.m["minLength"]); ok && len([]rune(x)) < n {
			fail("shorter than %d", n)
		}
	case bool:
		if typ != "" && typ != "boolean" {
			fail("a boolean where %s is expected", typ)
		}
	case json.Number:
		switch {
		case typ == "integer" && !isInt(x):
			fail("%s is not an integer", x)
		case typ != "" && typ != "integer" && typ != "number":
			fail("a number where %s is expected", typ)
		}
		f, _ := x.Float64()
		if m, ok := s.m["minimum"].(json.Number); ok {
			if lim, _ := m.Float64(); f < lim {
				fail("%s is below %s", x, m)
			}
		}
		if m, ok := s.m["maximum"].(json.Number); ok {
			if lim, _ := m.Float64(); f > lim {
				fail("%s is above %s", x, m)
			}
		}
	default:
		fail("unexpected Go value %T", v)
	}
}

func intOf(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case json.Number:
		n, err := x.Int64()
		return int(n), err == nil
	}
	return 0, false
}

func asStrings(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
