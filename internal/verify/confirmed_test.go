package verify_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/internal/verify"
)

// TestConfirmedRecordings replays every recording under testdata/confirmed (sessions
// against real panels, each cut after the answers its users confirmed as their panel's
// behaviour; simulator verify --emit-test writes them) in a fresh simulator, and fails with
// each file and difference where panelsim answers otherwise.
func TestConfirmedRecordings(t *testing.T) {
	for _, line := range replayConfirmed(t, "testdata/confirmed") {
		t.Error(line)
	}
}

// replayConfirmed replays every .yaml recording under dir, each in a fresh simulator, and
// returns a line for each difference: the file, the exchange and the difference.
func replayConfirmed(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, file := range files {
		rec, err := verify.Load(file)
		if err != nil {
			lines = append(lines, err.Error())
			continue
		}
		target, err := verify.Local(rec.Provider, "")
		if err != nil {
			t.Fatal(err)
		}
		res, err := verify.Replay(context.Background(), rec, target)
		target.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		t.Logf("%s: %d of %d exchanges match", file, res.Matches(), len(res.Exchanges))
		lines = append(lines, verify.Problems(res)...)
	}
	return lines
}
