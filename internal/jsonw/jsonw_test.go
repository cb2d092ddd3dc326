package jsonw

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func FuzzString(f *testing.F) {
	for _, s := range []string{"", "plain", `App\Jobs\Server\KVM\Build`, "a<b>&c", "é\u2028\x00", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := String([]byte("x"), s); !bytes.Equal(got[1:], want) || got[0] != 'x' {
			t.Fatalf("String(%q) = %s, want %s", s, got[1:], want)
		}
	})
}

func FuzzTime(f *testing.F) {
	f.Add(int64(1737374405454545454), 0)
	f.Add(int64(-62135596800000000), 3600)
	f.Add(int64(253402300800), 0) // in seconds: the year 10000
	f.Add(int64(0), -86460)       // an offset encoding/json refuses
	f.Fuzz(func(t *testing.T, n int64, offset int) {
		for _, tm := range []time.Time{time.Unix(0, n).UTC(), time.Unix(n, 0).In(time.FixedZone("z", offset%(2*86400)))} {
			want, wantErr := json.Marshal(tm)
			got, err := Time(nil, tm)
			if (err != nil) != (wantErr != nil) || (err == nil && !bytes.Equal(got, want)) {
				t.Fatalf("Time(%v) = %s (%v), want %s (%v)", tm, got, err, want, wantErr)
			}
		}
	})
}

func FuzzRaw(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{ "a" : [1, 2] }`, `"<&>"`, `"é"`, `{"a":`, `"a\"b"`, `null`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		raw := json.RawMessage(s)
		want, wantErr := json.Marshal(raw)
		got, err := Raw(nil, raw)
		if (err != nil) != (wantErr != nil) || (err == nil && !bytes.Equal(got, want)) {
			t.Fatalf("Raw(%q) = %s (%v), want %s (%v)", s, got, err, want, wantErr)
		}
	})
}
