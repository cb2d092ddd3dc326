package openapi

import (
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// coerce converts v towards what schema expects, the way Laravel's validation and PHP's
// loose typing let real clients get away with: "12" for 12, "true"/"1" for true, and "" or
// null for a field not sent (Laravel turns empty strings into null, and a null optional
// field is skipped). It returns the converted value and false when the value should
// count as absent. Values it cannot convert are returned unchanged for validation to refuse.
func coerce(schema *openapi3.Schema, v any) (any, bool) {
	if schema == nil {
		return v, true
	}
	if v == nil {
		return nil, schema.Nullable
	}
	t := schema.Type
	switch {
	case t.Is("integer"), t.Is("number"):
		switch x := v.(type) {
		case string:
			s := strings.TrimSpace(x)
			if s == "" {
				return nil, false
			}
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return float64(n), true
			}
			if f, err := strconv.ParseFloat(s, 64); err == nil && (t.Is("number") || f == float64(int64(f))) {
				return f, true
			}
		case bool:
			if x {
				return float64(1), true
			}
			return float64(0), true
		}
	case t.Is("boolean"):
		switch x := v.(type) {
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true", "1":
				return true, true
			case "false", "0":
				return false, true
			case "":
				return nil, false
			}
		case float64:
			if x == 1 || x == 0 {
				return x == 1, true
			}
		}
	case t.Is("array"):
		arr, ok := v.([]any)
		if !ok {
			return v, true
		}
		if schema.Items == nil {
			return arr, true
		}
		out := make([]any, 0, len(arr))
		for _, item := range arr {
			if c, keep := coerce(schema.Items.Value, item); keep {
				out = append(out, c)
			}
		}
		return out, true
	case t.Is("object"):
		obj, ok := v.(map[string]any)
		if !ok {
			return v, true
		}
		return coerceObject(schema, obj), true
	}
	if s, ok := v.(string); ok && s == "" {
		return nil, false
	}
	return v, true
}

// coerceObject coerces each known property in place and drops the ones that count as absent.
func coerceObject(schema *openapi3.Schema, obj map[string]any) map[string]any {
	for name, prop := range schema.Properties {
		v, present := obj[name]
		if !present || prop == nil {
			continue
		}
		if c, keep := coerce(prop.Value, v); keep {
			obj[name] = c
		} else {
			delete(obj, name)
		}
	}
	return obj
}
