package verify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"regexp"
	"sort"
	"strings"

	"github.com/panelsim/panelsim/internal/scenarios"
)

// Difference is one way the simulator's answer departs from the recorded one.
type Difference struct {
	// Path is "status", "Content-Type", "body", "events" or a JSON path into the body
	// ("$.data.state", "$.data.items[0].id").
	Path string `json:"path"`
	// Recorded and Simulator are the two values, as JSON text with the kind when the kinds
	// differ; "(absent)" for a field one of them lacks.
	Recorded  string `json:"recorded"`
	Simulator string `json:"simulator"`
}

func (d Difference) String() string {
	return fmt.Sprintf("%s: recorded %s, simulator %s", d.Path, d.Recorded, d.Simulator)
}

const absent = "(absent)"

// freeText names fields whose values are the panel's or the client's own words, never a
// set of states: they are not compared.
var freeText = regexp.MustCompile(`(?i)name$|^(description|label|title|message|detail|comment|notes?|email|reason|text|summary|error|errors|hostname|domain|path|url|href|link|os|distro|template)$`)

// idKey names fields holding ids: values the simulator gives out in its own way, mapped.
var idKey = regexp.MustCompile(`^(id|uuid|ID|UUID)$|(Id|ID|_id|Uuid|UUID|_uuid)$`)

// enumValue is a string that looks like one of a small set (a state, a kind, a unit): a
// short word or words joined by '-' or '_', without digits.
var enumValue = regexp.MustCompile(`^[A-Za-z]+([_-][A-Za-z]+)*$`)

// secretKey mirrors the recorder's: values of these fields are scrubbed in a recording.
var secretKey = regexp.MustCompile(`(?i)password|passwd|secret|token|api_?key|authorization|private`)

// flagKey names fields whose numbers are states or flags (0/1, a level), not quantities:
// their values are compared.
var flagKey = regexp.MustCompile(`(?i)^(is|has|can|allow|enable|disable)[A-Z_]|(status|state|level|mode)$|^(commissioned|suspended|protected|completed|success|active|enabled|disabled|locked|primary|default|visible|public|online|running|finished|failed|built|rebuild|boot|tfa|twofactorauth)$`)

// enumNumber reports whether a number of the field key is a state or a flag (see flagKey):
// a small whole number on both sides.
func enumNumber(key string, rec, got json.Number) bool {
	r, err1 := rec.Int64()
	g, err2 := got.Int64()
	return err1 == nil && err2 == nil && r >= 0 && r < 10 && g >= 0 && g < 10 && flagKey.MatchString(key) && !idKey.MatchString(key)
}

func enumLike(key, v string) bool {
	return len(v) <= 24 && enumValue.MatchString(v) && !freeText.MatchString(key) &&
		!idKey.MatchString(key) && !secretKey.MatchString(key)
}

// decodeJSON decodes a body with numbers kept as json.Number; ok is false when it is not
// JSON.
func decodeJSON(raw []byte) (v any, ok bool) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&v) != nil || dec.More() {
		return nil, false
	}
	return v, true
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

// show writes a value for a difference line: JSON, cut short.
func show(v any) string {
	raw, _ := json.Marshal(v)
	s := string(raw)
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

func showKind(v any) string { return show(v) + " (" + kind(v) + ")" }

// mediaType is a Content-Type without its parameters, in lower case.
func mediaType(ct string) string {
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(ct))
	}
	return mt
}

// compareShape appends the differences between two JSON values: kinds, keys, nesting,
// array element shapes, enum-like values (see enumLike) and numbers that are states or
// flags (see enumNumber). shapeOnly leaves values out
// (elements of lists of different lengths, which need not be the same items).
func compareShape(diffs []Difference, path, key string, rec, got any, shapeOnly bool) []Difference {
	if kind(rec) != kind(got) {
		return append(diffs, Difference{Path: path, Recorded: showKind(rec), Simulator: showKind(got)})
	}
	switch r := rec.(type) {
	case map[string]any:
		return compareObjects(diffs, path, r, got.(map[string]any), shapeOnly)
	case []any:
		g := got.([]any)
		if len(r) == len(g) {
			for i := range r {
				diffs = compareShape(diffs, fmt.Sprintf("%s[%d]", path, i), key, r[i], g[i], shapeOnly)
			}
		} else if len(r) > 0 && len(g) > 0 {
			diffs = compareShape(diffs, path+"[0]", key, r[0], g[0], true)
		}
	case string:
		if !shapeOnly && r != got.(string) && r != scenarios.Scrubbed && enumLike(key, r) {
			diffs = append(diffs, Difference{Path: path, Recorded: show(r), Simulator: show(got)})
		}
	case json.Number:
		if g := got.(json.Number); !shapeOnly && r != g && enumNumber(key, r, g) {
			diffs = append(diffs, Difference{Path: path, Recorded: show(r), Simulator: show(g)})
		}
	case bool:
		if !shapeOnly && r != got.(bool) {
			diffs = append(diffs, Difference{Path: path, Recorded: show(r), Simulator: show(got)})
		}
	}
	return diffs
}

// compareObjects compares two objects key by key. A field the recording has and the
// simulator lacks, paired with one the simulator has instead whose value is of the same
// shape, is one difference: a renamed field.
func compareObjects(diffs []Difference, path string, rec, got map[string]any, shapeOnly bool) []Difference {
	var missing, extra []string
	for k := range rec {
		if _, ok := got[k]; !ok {
			missing = append(missing, k)
		}
	}
	for k := range got {
		if _, ok := rec[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, k := range sortedKeys(rec) {
		if g, ok := got[k]; ok {
			diffs = compareShape(diffs, path+"."+k, k, rec[k], g, shapeOnly)
		}
	}
	for _, k := range missing {
		if i := sameShape(rec[k], got, extra); i >= 0 {
			diffs = append(diffs, Difference{Path: path + "." + k, Recorded: "field " + show(k), Simulator: "field " + show(extra[i])})
			extra = append(extra[:i], extra[i+1:]...)
			continue
		}
		diffs = append(diffs, Difference{Path: path + "." + k, Recorded: show(rec[k]), Simulator: absent})
	}
	for _, k := range extra {
		diffs = append(diffs, Difference{Path: path + "." + k, Recorded: absent, Simulator: show(got[k])})
	}
	return diffs
}

// sameShape finds among keys of got the first whose value has v's shape; -1 when none.
func sameShape(v any, got map[string]any, keys []string) int {
	for i, k := range keys {
		if len(compareShape(nil, "", k, v, got[k], true)) == 0 {
			return i
		}
	}
	return -1
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
