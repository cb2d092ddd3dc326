package config

import (
	"bytes"
	"testing"

	"github.com/panelsim/panelsim/internal/clock"
)

func parse(t *testing.T, args ...string) (*CLI, string, error) {
	t.Helper()
	var out bytes.Buffer
	return Parse(args, &out, &out, func(int) {})
}

func TestDefaults(t *testing.T) {
	cli, cmd, err := parse(t)
	if err != nil || cmd != "serve" {
		t.Fatalf("plain simulator: %q %v", cmd, err)
	}
	o, err := cli.Serve.Options(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.DataPath != "panelsim.db" || o.Clock != clock.Real || o.TimeScale != 1 || o.Listen["virtfusion"] != "127.0.0.1:8081" ||
		o.Listen["openscaler"] != "127.0.0.1:8084" || o.TLS {
		t.Fatalf("defaults: %+v", o)
	}
}

func TestFlags(t *testing.T) {
	cli, cmd, err := parse(t, "serve", "--virtfusion", "off", "--openscaler", "127.0.0.1:9084", "--data", "/tmp/x.db", "--token", "a", "--token", "b",
		"--any-token", "--clock", "manual", "--time-scale", "60", "--tls", "--journal-size", "50")
	if err != nil || cmd != "serve" {
		t.Fatalf("%q %v", cmd, err)
	}
	o, err := cli.Serve.Options(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Listen["virtfusion"] != "off" || o.Listen["openscaler"] != "127.0.0.1:9084" || o.DataPath != "/tmp/x.db" || len(o.Tokens) != 2 || !o.AnyToken ||
		o.Clock != clock.Manual || o.TimeScale != 60 || !o.TLS || o.JournalSize != 50 {
		t.Fatalf("flags: %+v", o)
	}
}

func TestEnvironment(t *testing.T) {
	t.Setenv("PANELSIM_DATA", "/tmp/env.db")
	t.Setenv("PANELSIM_TOKEN", "x,y, z")
	t.Setenv("PANELSIM_CLOCK", "manual")
	t.Setenv("PANELSIM_VIRTFUSION", "127.0.0.1:0")
	t.Setenv("PANELSIM_OPENSCALER", "off")
	t.Setenv("PANELSIM_ANY_TOKEN", "true")
	cli, _, err := parse(t)
	if err != nil {
		t.Fatal(err)
	}
	o, err := cli.Serve.Options(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.DataPath != "/tmp/env.db" || len(o.Tokens) != 3 || o.Tokens[2] != "z" || o.Clock != clock.Manual || !o.AnyToken || o.Listen["virtfusion"] != "127.0.0.1:0" ||
		o.Listen["openscaler"] != "off" {
		t.Fatalf("from the environment: %+v", o)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--clock", "sometimes"},
		{"--time-scale", "fast"},
		{"--no-such-flag"},
	} {
		if _, _, err := parse(t, args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	cli, _, err := parse(t, "--time-scale", "0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Serve.Options(nil, nil); err == nil {
		t.Error("time scale 0 accepted")
	}
}
