// Package jsonw writes JSON by hand, byte for byte as encoding/json writes it, for the records
// written at every step of a job (tasks, queue items), where reflection is most of the cost.
// Whatever it does not write itself (a string to escape, a time it cannot write) it hands to
// encoding/json, so the bytes are always encoding/json's.
package jsonw

import (
	"encoding/json"
	"strconv"
	"time"
)

// String appends s as encoding/json writes a string.
func String(b []byte, s string) []byte {
	if !Plain(s) {
		q, _ := json.Marshal(s) // never fails for a string
		return append(b, q...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Plain reports whether encoding/json writes s as it is between quotes: printable ASCII
// without the characters it escapes.
func Plain(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// Time appends t as encoding/json writes a time.Time (RFC 3339 with nanoseconds, quoted), or
// fails as it does.
func Time(b []byte, t time.Time) ([]byte, error) {
	_, offset := t.Zone()
	if y := t.Year(); y < 0 || y > 9999 || offset <= -24*3600 || offset >= 24*3600 {
		q, err := json.Marshal(t)
		return append(b, q...), err
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

// Int appends n.
func Int(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }

// Bool appends v.
func Bool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

// Raw appends raw as encoding/json writes a json.RawMessage: raw already compact and without
// the characters encoding/json escapes is written as it is; anything else goes through
// encoding/json (which compacts it, or fails on invalid JSON).
func Raw(b []byte, raw json.RawMessage) ([]byte, error) {
	if raw == nil {
		return append(b, "null"...), nil
	}
	if AsIs(raw) && json.Valid(raw) {
		return append(b, raw...), nil
	}
	q, err := json.Marshal(raw)
	return append(b, q...), err
}

// AsIs reports whether raw holds no white space outside strings and no character encoding/json
// escapes inside them (nor any byte past ASCII), so that encoding/json would write valid raw
// unchanged.
func AsIs(raw []byte) bool {
	in := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if in {
			switch {
			case c == '\\':
				i++
			case c == '"':
				in = false
			case c == '<', c == '>', c == '&', c >= 0x80:
				return false
			}
			continue
		}
		if c == '"' {
			in = true
		} else if Space(c) {
			return false
		}
	}
	return true
}

// Space reports whether c is JSON white space.
func Space(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
