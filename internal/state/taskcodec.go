package state

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/panelsim/panelsim/internal/jsonw"
)

// A task is read and written once for every step of every build, so an advance over thousands
// of builds spends much of its time on them. encodeTask and decodeTask write and read the
// bytes encoding/json writes for a Task, without reflection; anything they do not expect (a
// provider name to escape, a year past 9999, bytes of another writer) goes through
// encoding/json instead, so the stored format is exactly what it was.

// encodeTask is json.Marshal(t).
func encodeTask(t *Task) ([]byte, error) {
	if !jsonw.Plain(t.Provider) || !jsonw.Plain(t.Kind) || !plainYear(t.Due) || !plainYear(t.Created) {
		return json.Marshal(t)
	}
	b := make([]byte, 0, 96+len(t.Provider)+len(t.Kind)+len(t.Data))
	b = append(b, `{"id":`...)
	b = strconv.AppendUint(b, t.ID, 10)
	b = append(b, `,"provider":`...)
	b = jsonw.String(b, t.Provider)
	b = append(b, `,"kind":`...)
	b = jsonw.String(b, t.Kind)
	b = append(b, `,"due":`...)
	b, _ = jsonw.Time(b, t.Due)
	b = append(b, `,"created":`...)
	b, _ = jsonw.Time(b, t.Created)
	if len(t.Data) > 0 {
		var err error
		b = append(b, `,"data":`...)
		if b, err = jsonw.Raw(b, t.Data); err != nil {
			return json.Marshal(t) // the error encoding/json gives
		}
	}
	return append(b, '}'), nil
}

// decodeTask is json.Unmarshal(v, &t) for the bytes encodeTask writes; it falls back to
// encoding/json for any other.
func decodeTask(v []byte, t *Task) error {
	if fastDecodeTask(v, t) {
		return nil
	}
	*t = Task{}
	return json.Unmarshal(v, t)
}

func fastDecodeTask(v []byte, t *Task) bool {
	r := taskReader{b: v}
	if !r.lit(`{"id":`) {
		return false
	}
	id, ok := r.uint()
	if !ok || !r.lit(`,"provider":"`) {
		return false
	}
	provider, ok := r.str()
	if !ok || !r.lit(`,"kind":"`) {
		return false
	}
	kind, ok := r.str()
	if !ok || !r.lit(`,"due":"`) {
		return false
	}
	due, ok := r.time()
	if !ok || !r.lit(`,"created":"`) {
		return false
	}
	created, ok := r.time()
	if !ok {
		return false
	}
	var data json.RawMessage
	if r.lit(`,"data":`) {
		if len(r.b) < 2 || r.b[len(r.b)-1] != '}' {
			return false
		}
		raw := r.b[:len(r.b)-1]
		if jsonw.Space(raw[0]) || jsonw.Space(raw[len(raw)-1]) || !json.Valid(raw) {
			return false
		}
		data = append(json.RawMessage(nil), raw...)
		r.b = r.b[len(r.b)-1:]
	}
	if string(r.b) != "}" {
		return false
	}
	*t = Task{ID: id, Provider: provider, Kind: kind, Due: due, Created: created, Data: data}
	return true
}

// taskReader reads the fields of an encoded task in order.
type taskReader struct{ b []byte }

func (r *taskReader) lit(s string) bool {
	if len(r.b) < len(s) || string(r.b[:len(s)]) != s {
		return false
	}
	r.b = r.b[len(s):]
	return true
}

func (r *taskReader) uint() (uint64, bool) {
	i := 0
	for i < len(r.b) && r.b[i] >= '0' && r.b[i] <= '9' {
		i++
	}
	if i == 0 || (i > 1 && r.b[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(string(r.b[:i]), 10, 64)
	if err != nil {
		return 0, false
	}
	r.b = r.b[i:]
	return n, true
}

// str reads a string without escapes and its closing quote (the opening one is read).
func (r *taskReader) str() (string, bool) {
	for i, c := range r.b {
		if c == '"' {
			s := string(r.b[:i])
			r.b = r.b[i+1:]
			return s, jsonw.Plain(s)
		}
		if c == '\\' || c < 0x20 {
			return "", false
		}
	}
	return "", false
}

// time reads an RFC 3339 time and its closing quote.
func (r *taskReader) time() (time.Time, bool) {
	s, ok := r.str()
	if !ok || len(s) == 0 || s[len(s)-1] != 'Z' {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Format(time.RFC3339Nano) != s {
		return time.Time{}, false // not in the one form encoding/json writes
	}
	return t, true
}

// plainYear reports whether t is a time the codec reads back as it wrote it: in UTC, which is
// how tasks keep their times, and within the years encoding/json writes.
func plainYear(t time.Time) bool {
	y := t.Year()
	return y >= 0 && y <= 9999 && t.Location() == time.UTC
}
