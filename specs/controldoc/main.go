// Command controldoc writes docs/control-api.md, the control API's reference page, from its
// OpenAPI document specs/control.yaml. Run from the project root: go run ./specs/controldoc
// (or go generate ./specs). An argument names another file to write.
package main

import (
	"fmt"
	"os"

	"github.com/panelsim/panelsim/specs"
)

// page is where the reference page lives, from the project root.
const page = "docs/control-api.md"

func main() {
	out := page
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	raw, err := specs.Raw(specs.Control)
	if err != nil {
		fail(err)
	}
	md, err := render(raw)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(out, md, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "controldoc:", err)
	os.Exit(1)
}
