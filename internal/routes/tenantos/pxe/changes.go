package pxe

import (
	"encoding/json"
	"reflect"
	"strings"
)

// change is one field of an activity-log entry's modelchanges.
type change struct {
	Original any `json:"original"`
	Changes  any `json:"changes"`
}

// changes lists the top-level fields that differ between two views of a record, as the
// activity log's modelchanges (field → {original, changes}); nil when nothing changed.
func changes(before, after any) any {
	a, b := asMap(before), asMap(after)
	out := map[string]change{}
	for k, v := range b {
		if !reflect.DeepEqual(a[k], v) {
			out[k] = change{Original: a[k], Changes: v}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func asMap(v any) map[string]any {
	raw, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return m
}

// trimmed is s without surrounding white space.
func trimmed(s string) string { return strings.TrimSpace(s) }
