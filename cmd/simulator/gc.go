package main

import (
	"os"
	"runtime/debug"
)

// gcMemoryLimit is the heap size past which the collector runs whatever GOGC says.
const gcMemoryLimit = 256 << 20

// tuneGC sets the collector for a simulator unless GOGC or GOMEMLIMIT say otherwise: the live
// heap is small (records live in the memory-mapped store) and most garbage is per request, so
// collecting less often (GOGC=400) buys throughput and shorter tails; the soft limit keeps
// that from multiplying a large heap (thousands of worlds in use) by five.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(gcMemoryLimit)
	}
}
