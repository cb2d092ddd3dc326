package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestSecretsFromFiles: tokens, the admin token and e24cloud keys can come from files, so
// they stay out of the process list; blank lines and comments are skipped.
func TestSecretsFromFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cli, _, err := parse(t, "--token", "cli", "--token-file", write("tokens", "# CI jobs\nfile-a\n\n  file-b  \n"),
		"--admin-token-file", write("admin", "s3cret\n"), "--e24cloud-key-file", write("keys", "K1:S1\nK2:S2\n"), "--world-ttl", "2h")
	if err != nil {
		t.Fatal(err)
	}
	o, err := cli.Serve.Options(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(o.Tokens, ",") != "cli,file-a,file-b" || o.AdminToken != "s3cret" || o.E24Keys["K2"] != "S2" || len(o.E24Keys) != 2 || o.WorldTTL != 2*time.Hour {
		t.Fatalf("from files: tokens %v admin %q keys %v ttl %v", o.Tokens, o.AdminToken, o.E24Keys, o.WorldTTL)
	}
	cli, _, _ = parse(t, "--admin-token-file", write("two", "a\nb\n"))
	if _, err := cli.Serve.Options(nil, nil); err == nil {
		t.Fatal("an admin token file of two lines accepted")
	}
	if cli, _, err := parse(t, "--world-ttl=-1h"); err == nil {
		if _, err := cli.Serve.Options(nil, nil); err == nil {
			t.Fatal("a negative --world-ttl accepted")
		}
	}
	if _, _, err := parse(t, "--token-file", filepath.Join(dir, "missing")); err == nil {
		t.Fatal("a missing token file accepted")
	}
}
