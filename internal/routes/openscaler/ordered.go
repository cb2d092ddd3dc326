package openscaler

import (
	"bytes"
	"encoding/json"
	"io"
)

// omap is a JSON object that keeps its keys in the order they were sent: pydantic's errors
// show a refused object as the client sent it (Python's dicts keep that order).
type omap struct {
	keys []string
	vals map[string]any
}

// MarshalJSON writes the object, keys in order.
func (m *omap) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := marshalPlain(m.vals[k])
		if err != nil {
			return nil, err
		}
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// marshalPlain writes a value without escaping <, > and & (as FastAPI's JSON does not).
func marshalPlain(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// decodeOrdered decodes JSON text with objects as *omap (a repeated key keeps its first
// place and its last value, as Python's dict) and numbers as json.Number.
func decodeOrdered(text []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	return orderedValue(dec)
}

func orderedValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := &omap{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := orderedValue(dec)
				if err != nil {
					return nil, err
				}
				if _, seen := m.vals[k]; !seen {
					m.keys = append(m.keys, k)
				}
				m.vals[k] = v
			}
			_, err := dec.Token()
			return m, err
		case '[':
			out := []any{}
			for dec.More() {
				v, err := orderedValue(dec)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			}
			_, err := dec.Token()
			return out, err
		}
		return nil, io.ErrUnexpectedEOF
	}
	return tok, nil
}

// orderedAt is the value at loc ("body", then keys and indexes as sent) of the ordered body.
func orderedAt(v any, loc []any) (any, bool) {
	for _, seg := range loc {
		switch x := v.(type) {
		case *omap:
			k, _ := seg.(string)
			val, ok := x.vals[k]
			if !ok {
				return nil, false
			}
			v = val
		case []any:
			i, ok := seg.(int)
			if !ok || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// inOrder gives body errors their input as sent, keys in order: the value at loc, or for
// "missing" the object it is missing from.
func inOrder(body any, items []pyError) {
	if body == nil {
		return
	}
	for i := range items {
		e := &items[i]
		if len(e.Loc) == 0 || e.Loc[0] != "body" || e.Type == "json_invalid" {
			continue
		}
		at := e.Loc[1:]
		if e.Type == "missing" {
			if len(at) == 0 {
				continue
			}
			at = at[:len(at)-1]
		}
		if v, ok := orderedAt(body, at); ok {
			e.Input = finite(v)
		}
	}
}
