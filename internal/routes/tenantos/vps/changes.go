package vps

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
		if k == "updated_at" {
			continue
		}
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

// quoteList writes names for a message: "A", "B" and "C".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = `"` + n + `"`
	}
	if len(q) <= 1 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}
