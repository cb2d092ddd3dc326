package accounts

import (
	"bytes"
	"encoding/json"
)

// The answer filter of the access rules works on the JSON the handler wrote, keeping the
// order of every object's keys and the bytes of every value it does not change.

// member is one key of a JSON object with its value as written.
type member struct {
	key string
	val json.RawMessage
}

// objectOf reads a JSON object's members in order; ok is false for anything else.
func objectOf(raw []byte) (out []member, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		out = append(out, member{k, v})
	}
	return out, true
}

// writeObject writes members as a JSON object.
func writeObject(ms []member) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(m.val)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// without drops the members named in drop.
func without(ms []member, drop map[string]bool) []member {
	if len(drop) == 0 {
		return ms
	}
	out := ms[:0:0]
	for _, m := range ms {
		if !drop[m.key] {
			out = append(out, m)
		}
	}
	return out
}

// filterResult rewrites an answer {"result": …, "message": …}: the result object (or each
// object of a result list) loses the keys of drop, and a result list keeps only the objects
// keep accepts (all when keep is nil). Anything else is answered as it was.
func filterResult(body []byte, keep func([]member) bool, drop map[string]bool) []byte {
	env, ok := objectOf(body)
	if !ok {
		return body
	}
	for i, m := range env {
		if m.key != "result" {
			continue
		}
		raw := bytes.TrimSpace(m.val)
		switch {
		case len(raw) > 0 && raw[0] == '{':
			if obj, ok := objectOf(raw); ok {
				env[i].val = writeObject(without(obj, drop))
			}
		case len(raw) > 0 && raw[0] == '[':
			var elems []json.RawMessage
			if json.Unmarshal(raw, &elems) != nil {
				return body
			}
			var b bytes.Buffer
			b.WriteByte('[')
			n := 0
			for _, e := range elems {
				obj, isObj := objectOf(e)
				if isObj && keep != nil && !keep(obj) {
					continue
				}
				if n > 0 {
					b.WriteByte(',')
				}
				n++
				if isObj {
					b.Write(writeObject(without(obj, drop)))
				} else {
					b.Write(e)
				}
			}
			b.WriteByte(']')
			env[i].val = b.Bytes()
		}
	}
	return writeObject(env)
}
