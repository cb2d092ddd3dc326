package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/panelsim/panelsim/internal/config"
	"github.com/panelsim/panelsim/internal/verify"
)

// verifyRecordings replays each recording against a simulator (a fresh one in this process
// for each, or the one --url names) and reports how the answers compare. It fails when any
// exchange differs, so that the exit status is 0 only when all match. With --emit-test it
// writes each recording that differs, cut after its last difference, and names the file on
// stderr.
func verifyRecordings(flags *config.Verify, stdout, stderr io.Writer) error {
	urls, err := flags.Targets()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var recordings []*verify.Recording
	var results []*verify.Result
	for _, file := range flags.Recordings {
		rec, err := verify.Load(file)
		if err != nil {
			return err
		}
		res, err := replayOne(ctx, flags, urls, rec)
		if err != nil {
			return err
		}
		recordings = append(recordings, rec)
		results = append(results, res)
	}
	if flags.JSON {
		err = verify.WriteJSON(stdout, results)
	} else {
		err = verify.WriteText(stdout, results)
	}
	if err != nil {
		return err
	}
	if flags.JUnit != "" {
		if err := writeFile(flags.JUnit, func(w io.Writer) error { return verify.WriteJUnit(w, results) }); err != nil {
			return err
		}
	}
	if flags.EmitTest != "" {
		for i, r := range results {
			file, err := verify.EmitTest(flags.EmitTest, recordings[i], r, time.Now())
			if err != nil {
				return err
			}
			if file != "" {
				fmt.Fprintf(stderr, "verify: wrote %s\n", file)
			}
		}
	}
	if match, all := verify.Totals(results); match != all {
		return fmt.Errorf("%d of %d exchanges differ", all-match, all)
	}
	return nil
}

// replayOne replays a recording against the simulator --url names for its provider, or a
// fresh one.
func replayOne(ctx context.Context, flags *config.Verify, urls map[string]string, rec *verify.Recording) (*verify.Result, error) {
	var target *verify.Target
	url, ok := urls[rec.Provider]
	if !ok {
		url, ok = urls[""]
	}
	if ok {
		target = verify.Remote(url, flags.Token, flags.E24Secret, flags.Insecure)
	} else {
		var err error
		if target, err = verify.Local(rec.Provider, flags.Fixtures); err != nil {
			return nil, err
		}
		target.Secret = flags.E24Secret
	}
	defer target.Close()
	return verify.Replay(ctx, rec, target)
}

// writeFile writes a file through fn, replacing it only once fn has succeeded.
func writeFile(path string, fn func(w io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
