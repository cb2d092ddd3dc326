package verify

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// EmitTest writes the recording rec, as res replayed it, into dir when it has differences:
// cut after its last differing exchange (the exchanges before it set up the ids and the
// state it reads), as the recording YAML it was, secrets scrubbed as recorded, under a
// comment naming the differences and now's date. The file is named
// <provider>-<recording's name>.yaml, with -2, -3… added rather than replace a file
// already there. It returns the file written, or "" when every exchange matched.
func EmitTest(dir string, rec *Recording, res *Result, now time.Time) (string, error) {
	last := 0
	var found []string
	for _, o := range res.Exchanges {
		for _, p := range o.problems() {
			found = append(found, o.head()+": "+p)
			last = o.Index
		}
	}
	if last == 0 {
		return "", nil
	}
	if rec.scenario == nil || last > len(rec.scenario.Rules) {
		return "", fmt.Errorf("%s: the recording is not the one replayed", rec.File)
	}
	cut := *rec.scenario
	cut.Rules = cut.Rules[:last]
	body, err := yaml.Marshal(&cut)
	if err != nil {
		return "", err
	}
	var head strings.Builder
	differences := "differences"
	if len(found) == 1 {
		differences = "difference"
	}
	fmt.Fprintf(&head, "# %s, cut after exchange %d: on %s, simulator verify found %d %s\n",
		rec.Name(), last, now.UTC().Format("2006-01-02"), len(found), differences)
	head.WriteString("# between these recorded answers and panelsim's:\n")
	for _, f := range found {
		fmt.Fprintf(&head, "#   %s\n", strings.ReplaceAll(f, "\n", " "))
	}
	head.WriteString("# Once confirmed as the panel's behaviour, it is a failing test of panelsim: put it in\n" +
		"# internal/verify/testdata/confirmed/ and run go test ./internal/verify (see docs/verify.md).\n")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return createNew(dir, emittedName(rec), append([]byte(head.String()), body...))
}

// emittedName is the name EmitTest gives a recording: <provider>-<name>, the provider
// written once when the recording's name already begins with it (virtfusion-recorded).
func emittedName(rec *Recording) string {
	name := strings.TrimSuffix(rec.Name(), filepath.Ext(rec.Name()))
	if !strings.HasPrefix(name, rec.Provider+"-") {
		name = rec.Provider + "-" + name
	}
	return name
}

// createNew writes raw into dir/<name>.yaml, or <name>-2.yaml, <name>-3.yaml… when that is
// taken, never replacing a file, and returns the file written.
func createNew(dir, name string, raw []byte) (string, error) {
	for n := 1; ; n++ {
		file := filepath.Join(dir, name+".yaml")
		if n > 1 {
			file = filepath.Join(dir, fmt.Sprintf("%s-%d.yaml", name, n))
		}
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		if _, err := f.Write(raw); err != nil {
			f.Close()
			os.Remove(file)
			return "", err
		}
		if err := f.Close(); err != nil {
			os.Remove(file)
			return "", err
		}
		return file, nil
	}
}
