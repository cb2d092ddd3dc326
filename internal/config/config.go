// Package config reads the simulator's command line and environment into sim.Options.
package config

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"github.com/panelsim/panelsim/internal/clock"
	"github.com/panelsim/panelsim/internal/sim"
)

// CLI is the command line. Every flag also reads an environment variable.
type CLI struct {
	Serve   Serve    `cmd:"" default:"withargs" help:"Run the simulator (the default command)."`
	Version struct{} `cmd:"" help:"Print the version."`
	Health  Health   `cmd:"" help:"GET a running simulator's /_sim/health: exit 0 when it answers ok, 1 otherwise (for container health checks)."`
	World   World    `cmd:"" help:"Export a world to a JSON document, or import one."`
	Worlds  Worlds   `cmd:"" help:"List the worlds with how many records of each kind they hold."`
	Verify  Verify   `cmd:"" help:"Replay recordings made against a real panel (--record-upstream) on a simulator and report every answer that differs."`
	// Completion prints a shell's completion script for the command line above.
	Completion Completion `cmd:"" help:"Print the shell completion script for bash, zsh or fish."`
}

// Serve holds the flags of "simulator serve".
type Serve struct {
	VirtFusion     string        `name:"virtfusion" env:"PANELSIM_VIRTFUSION" default:"127.0.0.1:8081" placeholder:"ADDR" help:"VirtFusion listener (host:port; port 0 picks a free port; off disables it)."`
	Tenantos       string        `name:"tenantos" env:"PANELSIM_TENANTOS" default:"127.0.0.1:8082" placeholder:"ADDR" help:"Tenantos listener (host:port; port 0 picks a free port; off disables it)."`
	OpenScaler     string        `name:"openscaler" env:"PANELSIM_OPENSCALER" default:"127.0.0.1:8084" placeholder:"ADDR" help:"OpenScaler listener (host:port; port 0 picks a free port; off disables it)."`
	E24Cloud       string        `name:"e24cloud" env:"PANELSIM_E24CLOUD" default:"127.0.0.1:8083" placeholder:"ADDR" help:"e24cloud listener (host:port; port 0 picks a free port; off disables it)."`
	E24Key         []string      `name:"e24cloud-key" env:"PANELSIM_E24CLOUD_KEY" sep:"," placeholder:"KEY:SECRET" help:"e24cloud API key and secret, with a world of its own (repeatable; key 'panelsim' with secret 'panelsim-secret' always works)."`
	E24KeyFile     string        `name:"e24cloud-key-file" env:"PANELSIM_E24CLOUD_KEY_FILE" type:"existingfile" placeholder:"FILE" help:"File with more e24cloud KEY:SECRET pairs, one per line."`
	E24Skew        time.Duration `name:"e24cloud-skew" env:"PANELSIM_E24CLOUD_SKEW" default:"15m" help:"How far an e24cloud request's X-Date may be from the host's clock."`
	RecordUpstream []string      `name:"record-upstream" env:"PANELSIM_RECORD_UPSTREAM" sep:"," placeholder:"[PROVIDER=]URL" help:"Proxy a provider's API to a real panel and record every exchange as a scenario (repeatable; a URL alone applies to every enabled listener)."`
	RecordDir      string        `name:"record-dir" env:"PANELSIM_RECORD_DIR" default:"." placeholder:"DIR" help:"Where --record-upstream writes <provider>-recorded.yaml."`
	Data           string        `env:"PANELSIM_DATA" default:"panelsim.db" placeholder:"FILE" help:"bbolt file holding every world."`
	Token          []string      `env:"PANELSIM_TOKEN" sep:"," placeholder:"TOKEN" help:"API token with a world of its own (repeatable; the default token 'panelsim' always works)."`
	TokenFile      string        `name:"token-file" env:"PANELSIM_TOKEN_FILE" type:"existingfile" placeholder:"FILE" help:"File with more tokens, one per line (kept out of the process list)."`
	AnyToken       bool          `env:"PANELSIM_ANY_TOKEN" help:"Accept every token, giving each new one a fresh world."`
	Strict         bool          `env:"PANELSIM_STRICT" help:"Refuse, with the panel's own error, what panelsim would otherwise accept leniently (see the Panelsim-Warning header)."`
	WorldTTL       time.Duration `name:"world-ttl" env:"PANELSIM_WORLD_TTL" placeholder:"DURATION" help:"With --any-token, remove a world made for an unknown token once nobody has used it for this long (0 keeps every world)."`
	AdminToken     string        `env:"PANELSIM_ADMIN_TOKEN" placeholder:"TOKEN" help:"Token for the control API's cross-world calls (GET /_sim/worlds)."`
	AdminTokenFile string        `name:"admin-token-file" env:"PANELSIM_ADMIN_TOKEN_FILE" type:"existingfile" placeholder:"FILE" help:"File holding the admin token."`
	Clock          string        `env:"PANELSIM_CLOCK" default:"real" enum:"real,manual" help:"real: time passes (see --time-scale); manual: time moves only through POST /_sim/clock/advance."`
	TimeScale      float64       `env:"PANELSIM_TIME_SCALE" default:"1" help:"With --clock real, how many times faster than the wall clock virtual time runs."`
	TLS            bool          `name:"tls" env:"PANELSIM_TLS" help:"Serve HTTPS (a self-signed certificate unless --tls-cert/--tls-key)."`
	TLSCert        string        `name:"tls-cert" env:"PANELSIM_TLS_CERT" type:"existingfile" placeholder:"FILE" help:"PEM certificate for --tls."`
	TLSKey         string        `name:"tls-key" env:"PANELSIM_TLS_KEY" type:"existingfile" placeholder:"FILE" help:"PEM private key for --tls."`
	Fixtures       string        `env:"PANELSIM_FIXTURES" type:"existingdir" placeholder:"DIR" help:"Fixtures folder replacing the embedded defaults."`
	AnswerCache    int           `name:"answer-cache" env:"PANELSIM_ANSWER_CACHE" default:"32" placeholder:"MIB" help:"MiB of encoded answers kept for reuse while their world is unchanged (0: none)."`
	DecodeCache    int           `name:"decode-cache" env:"PANELSIM_DECODE_CACHE" default:"48" placeholder:"MIB" help:"MiB of stored records kept decoded for the requests and tasks that read them again (0: none)."`
	JournalSize    int           `env:"PANELSIM_JOURNAL_SIZE" default:"1000" help:"Requests kept in each world's journal."`
	JournalBodies  int           `name:"journal-bodies" env:"PANELSIM_JOURNAL_BODIES" default:"16" placeholder:"MIB" help:"MiB of request and answer bodies (4 KiB of each) kept for the newest journal entries of all worlds (0: none)."`
	KeepAllBodies  bool          `name:"journal-bodies-always" env:"PANELSIM_JOURNAL_BODIES_ALWAYS" help:"Keep the bodies of every world's requests, not only of worlds someone watches (the dashboard open)."`
	MaxSnapshots   int           `name:"max-snapshots" env:"PANELSIM_MAX_SNAPSHOTS" default:"20" help:"Snapshots each world may keep."`
	MaxScenarios   int           `name:"max-scenarios" env:"PANELSIM_MAX_SCENARIOS" default:"32" help:"Scenarios each world may post."`
	IdleTimeout    time.Duration `name:"idle-timeout" env:"PANELSIM_IDLE_TIMEOUT" default:"30s" help:"Close a keep-alive connection idle this long."`
	ReadTimeout    time.Duration `name:"read-timeout" env:"PANELSIM_READ_TIMEOUT" default:"30s" help:"Time a client has to send a request's header and body."`
	WriteTimeout   time.Duration `name:"write-timeout" env:"PANELSIM_WRITE_TIMEOUT" default:"60s" help:"Time an answer has to be written (an event stream gets it afresh for each event)."`
	MaxConns       int           `name:"max-conns" env:"PANELSIM_MAX_CONNS" help:"Connections open on all listeners together (default: half the descriptor limit, at most 4096); past it the longest idle one is closed."`
	ShutdownGrace  time.Duration `name:"shutdown-grace" env:"PANELSIM_SHUTDOWN_GRACE" default:"5s" help:"On SIGTERM, how long requests in flight may take to finish."`
	Metrics        bool          `name:"metrics" env:"PANELSIM_METRICS" default:"true" negatable:"" help:"Serve Prometheus metrics at /metrics on every listener (--metrics=false or --no-metrics: none)."`
	Pprof          string        `name:"pprof" env:"PANELSIM_PPROF" placeholder:"ADDR" help:"Serve Go's profiles (net/http/pprof) on this address, loopback only (for measurements; off by default)."`
	InstanceName   string        `name:"instance-name" env:"PANELSIM_INSTANCE_NAME" placeholder:"NAME" help:"Name given in every answer's Panelsim-Instance header and in GET /_sim/worlds (default: the host name)."`
	Peers          []string      `name:"peers" env:"PANELSIM_PEERS" sep:"," placeholder:"URL,..." help:"Control URLs of the other instances behind the same proxy: GET /_sim/worlds lists their worlds too."`
	LogLevel       string        `env:"PANELSIM_LOG_LEVEL" default:"info" enum:"debug,info,warn,error" help:"Log level (logs go to standard error)."`
}

// Parse reads args (without the program name). It returns the chosen command.
func Parse(args []string, stdout, stderr io.Writer, exit func(int)) (*CLI, string, error) {
	var cli CLI
	parser, err := kong.New(&cli,
		kong.Name("simulator"),
		kong.Description("panelsim: a stateful simulator of hosting control-panel APIs."),
		kong.UsageOnError(),
		kong.Writers(stdout, stderr),
		kong.Exit(exit),
	)
	if err != nil {
		return nil, "", err
	}
	ctx, err := parser.Parse(args)
	if err != nil {
		return nil, "", err
	}
	return &cli, ctx.Command(), nil
}

// Options turns the serve flags into simulator options.
func (s *Serve) Options(stdout, stderr io.Writer) (sim.Options, error) {
	mode, err := clock.ParseMode(s.Clock)
	if err != nil {
		return sim.Options{}, err
	}
	if (s.TLSCert == "") != (s.TLSKey == "") {
		return sim.Options{}, fmt.Errorf("--tls-cert and --tls-key go together")
	}
	if s.TimeScale <= 0 {
		return sim.Options{}, fmt.Errorf("--time-scale must be positive")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(s.LogLevel)); err != nil {
		return sim.Options{}, err
	}
	e24keys, err := withFile(s.E24Key, s.E24KeyFile)
	if err != nil {
		return sim.Options{}, err
	}
	keys := map[string]string{}
	for _, kv := range e24keys {
		key, secret, ok := strings.Cut(strings.TrimSpace(kv), ":")
		if !ok || key == "" || secret == "" {
			return sim.Options{}, fmt.Errorf("--e24cloud-key %q: want KEY:SECRET", kv)
		}
		keys[key] = secret
	}
	listen := map[string]string{"virtfusion": s.VirtFusion, "tenantos": s.Tenantos, "e24cloud": s.E24Cloud, "openscaler": s.OpenScaler}
	record := map[string]string{}
	for _, r := range s.RecordUpstream {
		name, u, ok := strings.Cut(strings.TrimSpace(r), "=")
		if !ok {
			for p, addr := range listen {
				if addr != sim.Off {
					record[p] = r
				}
			}
			continue
		}
		if _, known := listen[name]; !known {
			return sim.Options{}, fmt.Errorf("--record-upstream %q: unknown provider %q", r, name)
		}
		record[name] = u
	}
	tokens, err := withFile(s.Token, s.TokenFile)
	if err != nil {
		return sim.Options{}, err
	}
	admin := s.AdminToken
	if s.AdminTokenFile != "" {
		lines, err := withFile(nil, s.AdminTokenFile)
		if err != nil {
			return sim.Options{}, err
		}
		if len(lines) != 1 {
			return sim.Options{}, fmt.Errorf("--admin-token-file %s: want one token, found %d lines", s.AdminTokenFile, len(lines))
		}
		admin = lines[0]
	}
	peers, err := peerURLs(s.Peers)
	if err != nil {
		return sim.Options{}, err
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--world-ttl", s.WorldTTL}, {"--idle-timeout", s.IdleTimeout}, {"--read-timeout", s.ReadTimeout}, {"--write-timeout", s.WriteTimeout}, {"--shutdown-grace", s.ShutdownGrace}} {
		if d.v < 0 {
			return sim.Options{}, fmt.Errorf("%s must not be negative", d.name)
		}
	}
	return sim.Options{
		DataPath: s.Data, Tokens: tokens, AnyToken: s.AnyToken, AdminToken: admin, WorldTTL: s.WorldTTL, Strict: s.Strict,
		Clock: mode, TimeScale: s.TimeScale,
		E24Keys: keys, E24Skew: s.E24Skew,
		Listen: listen, RecordUpstream: record, RecordDir: s.RecordDir,
		TLS: s.TLS || s.TLSCert != "", TLSCert: s.TLSCert, TLSKey: s.TLSKey,
		FixturesDir: s.Fixtures, JournalSize: s.JournalSize, AnswerCacheMB: mibOrNone(s.AnswerCache), DecodeCacheMB: mibOrNone(s.DecodeCache),
		JournalBodiesMB: mibOrNone(s.JournalBodies), KeepAllBodies: s.KeepAllBodies,
		MaxSnapshots: s.MaxSnapshots, MaxScenarios: s.MaxScenarios,
		IdleTimeout: s.IdleTimeout, ReadTimeout: s.ReadTimeout, WriteTimeout: s.WriteTimeout,
		MaxConns: s.MaxConns, ShutdownGrace: s.ShutdownGrace, NoMetrics: !s.Metrics,
		InstanceName: strings.TrimSpace(s.InstanceName), Peers: peers,
		Logger:    slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
		URLWriter: stdout,
	}, nil
}

// mibOrNone turns a flag's 0 (none) into the option's "keep none" (negative).
func mibOrNone(mb int) int {
	if mb <= 0 {
		return -1
	}
	return mb
}

// withFile is values, trimmed and without empty ones, followed by the lines of file (when
// given; blank lines and lines starting with # are skipped): secrets kept in a file stay out
// of the process list.
func withFile(values []string, file string) ([]string, error) {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	if file == "" {
		return out, nil
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out, nil
}
