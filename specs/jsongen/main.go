// Command jsongen writes specs/compiled/<provider>.json: each YAML document of specs/ as
// kin-openapi reads and validates it, marshalled as JSON (specs.Compile), which the simulator
// loads at start. Run it through `go generate ./specs` after changing a document.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/panelsim/panelsim/specs"
)

func main() {
	for _, name := range specs.Names() {
		data, err := specs.Compile(name)
		if err == nil {
			err = os.WriteFile(filepath.Join("compiled", name+".json"), data, 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "jsongen:", err)
			os.Exit(1)
		}
	}
}
