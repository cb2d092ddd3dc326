package metrics

import (
	"testing"
	"time"
)

// BenchmarkRequestObservation is what the metrics add to a request of an operation already
// seen: finding its instruments, counting it under its status, timing it.
func BenchmarkRequestObservation(b *testing.B) {
	m := New(Sources{})
	m.Operation("virtfusion", "getServer").Observe(200, time.Millisecond)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Operation("virtfusion", "getServer").Observe(200, 300*time.Microsecond)
		}
	})
}

// TestObservationAllocatesNothing: once an operation and status were seen, counting another
// request allocates nothing.
func TestObservationAllocatesNothing(t *testing.T) {
	m := New(Sources{})
	m.Operation("virtfusion", "getServer").Observe(404, time.Millisecond)
	if n := testing.AllocsPerRun(100, func() { m.Operation("virtfusion", "getServer").Observe(404, time.Millisecond) }); n != 0 {
		t.Fatalf("%v allocations per request", n)
	}
}
