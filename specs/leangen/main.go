// Command leangen writes specs/runtime/<name>.yaml, the runtime copy of each embedded
// document (see package lean). Run from the project root: go generate ./specs
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/panelsim/panelsim/specs"
	"github.com/panelsim/panelsim/specs/lean"
)

func main() {
	dir := "runtime"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail(err)
	}
	for _, name := range specs.Names() {
		full, err := specs.Raw(name)
		if err != nil {
			fail(err)
		}
		out, err := lean.Strip(full, specs.RuntimeHeader(name))
		if err != nil {
			fail(fmt.Errorf("%s: %w", name, err))
		}
		if err := os.WriteFile(filepath.Join(dir, name+".yaml"), out, 0o644); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "leangen:", err)
	os.Exit(1)
}
