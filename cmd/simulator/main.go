// Command simulator runs panelsim: one listener per simulated panel API, a control API under
// /_sim/ on each, state in one bbolt file. See README.md.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/panelsim/panelsim/internal/config"
	"github.com/panelsim/panelsim/internal/sim"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	tuneGC()
	cli, cmd, err := config.Parse(os.Args[1:], os.Stdout, os.Stderr, os.Exit)
	if err != nil {
		fmt.Fprintln(os.Stderr, "simulator:", err)
		os.Exit(2)
	}
	if cmd == "version" {
		fmt.Println("panelsim", version)
		return
	}
	if cmd == "health" {
		if err := probeHealth(&cli.Health, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "simulator:", err)
			os.Exit(1)
		}
		return
	}
	var run func() error
	switch {
	case strings.HasPrefix(cmd, "world export"):
		run = func() error { return exportWorld(&cli.World.Export, os.Stdout) }
	case strings.HasPrefix(cmd, "world import"):
		run = func() error { return importWorld(&cli.World.Import, os.Stdin, os.Stderr) }
	case strings.HasPrefix(cmd, "verify"):
		run = func() error { return verifyRecordings(&cli.Verify, os.Stdout, os.Stderr) }
	case cmd == "worlds":
		run = func() error { return listWorlds(&cli.Worlds, os.Stdout) }
	case strings.HasPrefix(cmd, "completion"):
		run = func() error { return config.WriteCompletion(os.Stdout, cli.Completion.Shell) }
	default:
		run = func() error { return serve(&cli.Serve) }
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "simulator:", err)
		os.Exit(1)
	}
}

// serve runs the simulator until SIGINT or SIGTERM, then shuts it down cleanly.
func serve(flags *config.Serve) error {
	opts, err := flags.Options(os.Stdout, os.Stderr)
	if err != nil {
		return err
	}
	if flags.Pprof != "" {
		stopPprof, err := startPprof(flags.Pprof, opts.Logger)
		if err != nil {
			return err
		}
		defer stopPprof()
	}
	s, err := sim.New(opts)
	if err != nil {
		return err
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	if err := s.Start(); err != nil {
		s.Close()
		return err
	}
	sig := <-stop
	opts.Logger.Info("shutting down", "signal", sig.String())
	return s.Close()
}
