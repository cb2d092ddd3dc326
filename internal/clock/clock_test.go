package clock

import (
	"testing"
	"time"
)

type fakeWall struct{ t time.Time }

func (f *fakeWall) now() time.Time { return f.t }

func TestManualMovesOnlyWhenSet(t *testing.T) {
	w := &fakeWall{t: time.Unix(1000, 0)}
	start := time.Date(2025, 1, 20, 12, 0, 0, 0, time.UTC)
	c := New(Manual, 1, start, w.now)
	w.t = w.t.Add(time.Hour)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("manual clock moved with the wall: %v", got)
	}
	c.Set(start.Add(time.Minute))
	if got := c.Now(); !got.Equal(start.Add(time.Minute)) {
		t.Fatalf("after Set: %v", got)
	}
	c.Set(start) // never back
	if got := c.Now(); !got.Equal(start.Add(time.Minute)) {
		t.Fatalf("clock went back: %v", got)
	}
}

func TestRealScales(t *testing.T) {
	w := &fakeWall{t: time.Unix(1000, 0)}
	start := time.Date(2025, 1, 20, 12, 0, 0, 0, time.UTC)
	c := New(Real, 60, start, w.now)
	w.t = w.t.Add(2 * time.Second)
	if got, want := c.Now(), start.Add(2*time.Minute); !got.Equal(want) {
		t.Fatalf("got %v want %v", got, want)
	}
	c.Set(start.Add(time.Hour))
	w.t = w.t.Add(time.Second)
	if got, want := c.Now(), start.Add(time.Hour+time.Minute); !got.Equal(want) {
		t.Fatalf("after Set: got %v want %v", got, want)
	}
}

func TestParseMode(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Mode
		ok   bool
	}{{"real", Real, true}, {"manual", Manual, true}, {"fast", "", false}} {
		got, err := ParseMode(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseMode(%q) = %v, %v", tt.in, got, err)
		}
	}
}
