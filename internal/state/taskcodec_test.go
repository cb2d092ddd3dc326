package state

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/jsonw"
)

// The task codec must write exactly what encoding/json writes and read back exactly what it
// reads, for every task, including those it hands to encoding/json.
func checkTaskCodec(t *testing.T, task Task) {
	t.Helper()
	want, wantErr := json.Marshal(task)
	got, err := encodeTask(&task)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("encode %+v: error %v, encoding/json %v", task, err, wantErr)
	}
	if err != nil {
		return
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("encode:\n got %s\nwant %s", got, want)
	}
	var fast, slow Task
	if err := decodeTask(got, &fast); err != nil {
		t.Fatalf("decode %s: %v", got, err)
	}
	var direct Task
	if fastDecodeTask(got, &direct) != (jsonw.Plain(task.Provider) && jsonw.Plain(task.Kind) && plainYear(task.Due) && plainYear(task.Created)) {
		t.Errorf("decode %s: the codec's own bytes not read directly, or others read directly", got)
	}
	if err := json.Unmarshal(got, &slow); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("decode %s:\n got %#v\nwant %#v", got, fast, slow)
	}
}

func TestTaskCodecMatchesEncodingJSON(t *testing.T) {
	due := time.Date(2025, 1, 20, 12, 0, 5, 454545454, time.UTC)
	for _, task := range []Task{
		{ID: 1, Provider: "virtfusion", Kind: "build", Due: due, Created: due.Add(-time.Second), Data: json.RawMessage(`{"serverId":3,"queueId":4,"step":2}`)},
		{ID: 18446744073709551615, Provider: "e24cloud", Kind: "vm.state", Due: due.Truncate(time.Second), Created: due},
		{ID: 0, Provider: "", Kind: "", Due: time.Time{}, Created: time.Time{}},
		{ID: 7, Provider: "a<b", Kind: "k", Due: due, Created: due},
		{ID: 7, Provider: "p", Kind: "k\"q", Due: due, Created: due},
		{ID: 7, Provider: "p", Kind: "ünïcode", Due: due, Created: due},
		{ID: 7, Provider: "p", Kind: "k", Due: due.In(time.FixedZone("x", 3600)), Created: due},
		{ID: 7, Provider: "p", Kind: "k", Due: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Created: due},
		{ID: 7, Provider: "p", Kind: "k", Due: due, Created: due, Data: json.RawMessage(`{ "a" : [1, 2] }`)},
		{ID: 7, Provider: "p", Kind: "k", Due: due, Created: due, Data: json.RawMessage(`{"a":"<&>"}`)},
		{ID: 7, Provider: "p", Kind: "k", Due: due, Created: due, Data: json.RawMessage(`{"a":"\u2028é"}`)},
		{ID: 7, Provider: "p", Kind: "k", Due: due, Created: due, Data: json.RawMessage(`{"a":`)},
		{ID: 7, Provider: "p", Kind: "k", Due: due, Created: due, Data: json.RawMessage(`"a\"}"`)},
		{ID: 7, Provider: "p", Kind: "k", Due: due, Created: due, Data: json.RawMessage(`null`)},
	} {
		checkTaskCodec(t, task)
	}
}

// Bytes the codec did not write (hand-edited, or of an older writer) are read by encoding/json.
func TestDecodeTaskFallsBack(t *testing.T) {
	for _, raw := range []string{
		`{"provider":"p","id":3,"kind":"k","due":"2025-01-20T12:00:00Z","created":"2025-01-20T12:00:00Z"}`,
		`{"id":3,"provider":"p","kind":"k","due":"2025-01-20T12:00:00+00:00","created":"2025-01-20T12:00:00Z"}`,
		`{"id":3,"provider":"p\u0041","kind":"k","due":"2025-01-20T12:00:00Z","created":"2025-01-20T12:00:00Z","data":{"a":1}}`,
		`{"id":3,"provider":"p","kind":"k","due":"2025-01-20T12:00:00Z","created":"2025-01-20T12:00:00Z","data":{"a":1} }`,
		`{"id":03,"provider":"p","kind":"k","due":"2025-01-20T12:00:00Z","created":"2025-01-20T12:00:00Z"}`,
	} {
		var fast, slow Task
		errFast, errSlow := decodeTask([]byte(raw), &fast), json.Unmarshal([]byte(raw), &slow)
		if (errFast != nil) != (errSlow != nil) || !reflect.DeepEqual(fast, slow) {
			t.Errorf("decode %s:\n got %#v (%v)\nwant %#v (%v)", raw, fast, errFast, slow, errSlow)
		}
	}
}

func FuzzTaskCodec(f *testing.F) {
	f.Add(uint64(1), "virtfusion", "build", int64(1737374405454545454), int64(1737374400000000000), `{"serverId":3}`)
	f.Add(uint64(9), "p<", "k\\", int64(0), int64(-1), `[1, 2 ,"\u003c"]`)
	// data is also read as a whole stored task: a seed near the codec's own form.
	f.Add(uint64(3), "p", "k", int64(0), int64(0), `{"id":3,"provider":"p","kind":"k","due":"2025-01-20T12:00:00Z","created":"2025-01-20T12:00:00.5Z","data":{"a":[1]}}`)
	f.Fuzz(func(t *testing.T, id uint64, provider, kind string, due, created int64, data string) {
		task := Task{ID: id, Provider: provider, Kind: kind, Due: time.Unix(0, due).UTC(), Created: time.Unix(0, created).UTC()}
		if data != "" {
			task.Data = json.RawMessage(data)
		}
		checkTaskCodec(t, task)
		// Whatever bytes are stored, the codec reads them as encoding/json does.
		var fast, slow Task
		errFast, errSlow := decodeTask([]byte(data), &fast), json.Unmarshal([]byte(data), &slow)
		if (errFast != nil) != (errSlow != nil) || (errSlow == nil && !reflect.DeepEqual(fast, slow)) {
			t.Fatalf("decode %q: got %#v (%v), want %#v (%v)", data, fast, errFast, slow, errSlow)
		}
	})
}
