package cidocs

import (
	"bytes"
	"net"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/panelsim/panelsim/internal/config"
	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

// names is what the simulator really reads and prints, gathered from the code and from a
// running simulator rather than written down a second time.
type names struct {
	env      map[string]bool // every environment variable the command line reads
	printed  map[string]int  // PANELSIM_<PROVIDER>_URL names the simulator prints, with their default port
	ports    map[int]bool    // the listeners' default ports
	provPort map[string]int  // provider → default port
	sim      *simtest.Sim
}

// syncBuffer is a bytes.Buffer safe to write from the simulator while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var urlLine = regexp.MustCompile(`(?m)^(PANELSIM_[A-Z0-9_]+)=(\S+)$`)

func gatherNames(t *testing.T) *names {
	t.Helper()
	n := &names{env: map[string]bool{}, printed: map[string]int{}, ports: map[int]bool{}, provPort: map[string]int{}}
	collectEnv(reflect.TypeOf(config.CLI{}), n.env)
	if !n.env["PANELSIM_DATA"] || !n.env["PANELSIM_VIRTFUSION"] || !n.env["PANELSIM_HEALTH_URL"] {
		t.Fatalf("the env tags of config.CLI were not found: %v", n.env)
	}
	for p, addr := range sim.DefaultAddrs {
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatal(err)
		}
		n.provPort[p] = atoi(t, port)
		n.ports[n.provPort[p]] = true
	}
	var out syncBuffer
	n.sim = simtest.New(t, simtest.WithOptions(func(o *sim.Options) { o.URLWriter = &out }))
	for _, m := range urlLine.FindAllStringSubmatch(out.String(), -1) {
		provider := strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(m[1], "PANELSIM_"), "_URL"))
		port, ok := n.provPort[provider]
		if !ok || n.sim.URL(provider) != m[2] {
			t.Fatalf("printed %s=%s: no such listener", m[1], m[2])
		}
		n.printed[m[1]] = port
	}
	if len(n.printed) != len(sim.DefaultAddrs) {
		t.Fatalf("printed URL lines %q, want one per listener", out.String())
	}
	return n
}

// collectEnv adds the env tags (kong: comma-separated names) of every field of a command
// struct and of its subcommands.
func collectEnv(typ reflect.Type, into map[string]bool) {
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if env, ok := f.Tag.Lookup("env"); ok {
			for _, name := range strings.Split(env, ",") {
				into[strings.TrimSpace(name)] = true
			}
		}
		if f.Type.Kind() == reflect.Struct {
			collectEnv(f.Type, into)
		}
	}
}

// known reports whether a PANELSIM_* name is one the simulator reads or prints.
func (n *names) known(name string) bool {
	_, printed := n.printed[name]
	return n.env[name] || printed
}
