package verify

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/panelsim/panelsim/internal/scenarios"
)

// idMap maps ids the panel gave (in the recorded answers) to the ids the simulator gave
// the same things, as they appear: a server created as 812 on the panel and as 1 here is
// server 1 from then on. Numbers are mapped per kind of thing ("server", "user"), because
// a panel numbers each kind from its own sequence; long string ids (UUIDs) for all kinds.
type idMap struct {
	byKind map[string]map[string]string
	global map[string]string
}

func newIDMap() *idMap {
	return &idMap{byKind: map[string]map[string]string{}, global: map[string]string{}}
}

// genericKeys hold a thing without naming its kind: the kind comes from around them.
var genericKeys = map[string]bool{"data": true, "result": true, "results": true, "items": true, "attributes": true, "list": true, "": true}

// idValue is a path segment or value that can be an id: a number, or a long token with a
// digit (a UUID, "vm-5f2c…").
var idValue = regexp.MustCompile(`^[0-9]+$|^[A-Za-z0-9_-]*[0-9][A-Za-z0-9_-]*$`)

// kindOf normalizes a collection or field name to the kind of thing it names: "servers",
// "serverId", "virtual-machines" and "virtual_machine" name "server", "server",
// "virtualmachine" and "virtualmachine".
func kindOf(name string) string {
	for _, suffix := range []string{"Ids", "IDs", "_ids", "Id", "ID", "_id", "Uuid", "UUID", "_uuid"} {
		if strings.HasSuffix(name, suffix) && len(name) > len(suffix) {
			name = strings.TrimSuffix(name, suffix)
			break
		}
	}
	k := strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(name))
	return strings.TrimSuffix(k, "s")
}

// pathKind is the kind of thing a request's answer is about: the collection named before
// the path's last id ("/servers/1/build": server), else its last word ("/servers": server).
func pathKind(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	last := ""
	for i, s := range segs {
		if i > 0 && strings.Trim(s, "0123456789") == "" && s != "" {
			last = segs[i-1]
		}
	}
	if last == "" && len(segs) > 0 {
		last = segs[len(segs)-1]
	}
	return kindOf(last)
}

func (m *idMap) learn(kind, rec, got string) {
	if rec == "" || got == "" || rec == scenarios.Scrubbed {
		return
	}
	if m.byKind[kind] == nil {
		m.byKind[kind] = map[string]string{}
	}
	if _, ok := m.byKind[kind][rec]; !ok {
		m.byKind[kind][rec] = got
	}
	if len(rec) >= 8 && strings.Trim(rec, "0123456789") != "" {
		if _, ok := m.global[rec]; !ok {
			m.global[rec] = got
		}
	}
}

func (m *idMap) lookup(kind, rec string) (string, bool) {
	if v, ok := m.byKind[kind][rec]; ok {
		return v, true
	}
	v, ok := m.global[rec]
	return v, ok
}

// learnAnswer walks a recorded answer and the simulator's side by side and maps every id
// they both have at the same place.
func (m *idMap) learnAnswer(kind, key string, rec, got any) {
	switch r := rec.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return
		}
		for k, rv := range r {
			if gv, ok := g[k]; ok {
				m.learnAnswer(childKind(kind, k, rv), k, rv, gv)
			}
		}
	case []any:
		// Items pair up only in lists of the same length: a panel's list of servers holds
		// others than the simulator's.
		g, ok := got.([]any)
		if !ok || len(g) != len(r) {
			return
		}
		for i := range r {
			m.learnAnswer(kind, key, r[i], g[i])
		}
	default:
		if idKey.MatchString(key) {
			m.learn(kind, scalarText(rec), scalarText(got))
		}
	}
}

// childKind is the kind of thing under key k of an object about kind: an object or list
// under a key that names a kind is about that kind; ids and scalars stay with the parent.
func childKind(kind, k string, v any) string {
	switch v.(type) {
	case map[string]any, []any:
		if !genericKeys[k] {
			return kindOf(k)
		}
	default:
		if idKey.MatchString(k) && !isOwnID(k) {
			return kindOf(k)
		}
	}
	return kind
}

// isOwnID is the id of the object that holds it ("id", "uuid").
func isOwnID(k string) bool { return strings.EqualFold(k, "id") || strings.EqualFold(k, "uuid") }

// scalarText is a string or number's text; "" for anything else.
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}

// rewritePath puts the simulator's ids in a recorded path.
func (m *idMap) rewritePath(path string) string {
	segs := strings.Split(path, "/")
	for i := 1; i < len(segs); i++ {
		if idValue.MatchString(segs[i]) {
			if v, ok := m.lookup(kindOf(segs[i-1]), segs[i]); ok {
				segs[i] = v
			}
		}
	}
	return strings.Join(segs, "/")
}

// rewriteQuery puts the simulator's ids in the id-like parameters of a query string.
func (m *idMap) rewriteQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	m.rewriteValues(q)
	return q.Encode()
}

func (m *idMap) rewriteValues(q url.Values) {
	for k, vs := range q {
		for i, v := range vs {
			if v == scenarios.Scrubbed {
				vs[i] = placeholderSecret
			} else if idKey.MatchString(k) || strings.HasSuffix(k, "Ids") || strings.HasSuffix(k, "_ids") {
				if to, ok := m.lookup(kindOf(k), v); ok {
					vs[i] = to
				}
			} else if to, ok := m.global[v]; ok {
				vs[i] = to
			}
		}
	}
}

// rewriteHeaders puts the simulator's ids in recorded headers that name a thing by id
// (impersonateUserId: a user, the last word before Id).
func (m *idMap) rewriteHeaders(h map[string]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		if idLikeKey(k) {
			word := strings.TrimSuffix(strings.TrimSuffix(k, "Id"), "ID")
			if at := strings.LastIndexFunc(word, unicode.IsUpper); at > 0 {
				word = word[at:]
			}
			if to, ok := m.lookup(kindOf(word), v); ok {
				v = to
			}
		}
		out[k] = v
	}
	return out
}

// placeholderSecret replaces a scrubbed secret in a replayed request: a password the
// panels' rules accept.
const placeholderSecret = "Verify-Panelsim-2c9f!"

// rewriteBody puts the simulator's ids in a request body (JSON or a form) and placeholders
// where secrets were scrubbed.
func (m *idMap) rewriteBody(contentType string, body []byte) []byte {
	if v, ok := decodeJSON(body); ok {
		out, err := json.Marshal(m.rewriteJSON("", "", v))
		if err == nil {
			return out
		}
		return body
	}
	if strings.HasPrefix(mediaType(contentType), "application/x-www-form-urlencoded") {
		if q, err := url.ParseQuery(string(body)); err == nil {
			m.rewriteValues(q)
			return []byte(q.Encode())
		}
	}
	return body
}

func (m *idMap) rewriteJSON(kind, key string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = m.rewriteJSON(childKind(kind, k, e), k, e)
		}
		return x
	case []any:
		for i, e := range x {
			// A list of bare ids named after their kind ("sshKeys": [3]).
			if n, ok := e.(json.Number); ok && key != "" {
				if to, ok := m.byKind[kindOf(key)][n.String()]; ok {
					x[i] = json.Number(to)
					continue
				}
			}
			x[i] = m.rewriteJSON(kind, key, e)
		}
		return x
	case string:
		if x == scenarios.Scrubbed {
			return placeholderSecret
		}
		if idLikeKey(key) {
			if to, ok := m.lookup(kind, x); ok {
				return to
			}
		}
		if to, ok := m.global[x]; ok {
			return to
		}
	case json.Number:
		if idLikeKey(key) {
			if to, ok := m.lookup(kind, x.String()); ok {
				return json.Number(to)
			}
		}
	}
	return v
}

// idLikeKey is a field holding an id or a list of ids ("serverId", "sshKeyIds").
func idLikeKey(key string) bool {
	return key != "" && (idKey.MatchString(key) || strings.HasSuffix(key, "Ids") || strings.HasSuffix(key, "IDs") || strings.HasSuffix(key, "_ids"))
}
