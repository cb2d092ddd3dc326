// Command simulator runs panelsim: one listener per simulated panel API, a control API under
// /_sim/ on each, state in one bbolt file. See README.md.
package main

import (
	"fmt"
	"os"
	"os/signal"
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
	if err := serve(&cli.Serve); err != nil {
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
