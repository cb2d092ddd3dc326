// Package testbin builds the simulator binary once per test process, for the suites that
// drive it as a separate process (test/reliability, test/scaleout).
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var (
	once sync.Once
	path string
	err  error
)

// Simulator is the path of ./cmd/simulator built from this checkout; the build runs once
// per test process and a failure fails every test that asks.
func Simulator(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		dir, e := os.MkdirTemp("", "panelsim-bin-")
		if e != nil {
			err = e
			return
		}
		_, here, _, _ := runtime.Caller(0)
		path = filepath.Join(dir, "simulator")
		cmd := exec.Command("go", "build", "-o", path, "./cmd/simulator")
		cmd.Dir = filepath.Join(filepath.Dir(here), "..", "..")
		if out, e := cmd.CombinedOutput(); e != nil {
			err = fmt.Errorf("go build ./cmd/simulator: %v\n%s", e, out)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}
