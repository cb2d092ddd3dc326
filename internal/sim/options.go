package sim

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/panelsim/panelsim/internal/clock"
)

// DefaultToken is the token that works out of the box, with a world of its own.
const DefaultToken = "panelsim"

// Off disables a provider's listener.
const Off = "off"

// Options configure a Simulator. The zero value runs every provider on a free loopback port
// with a real clock and a store in a temporary file is NOT implied: DataPath is required.
type Options struct {
	// DataPath is the bbolt file.
	DataPath string
	// Tokens each get a world of their own (DefaultToken always has one too).
	Tokens []string
	// AnyToken gives every unknown token a fresh world.
	AnyToken bool
	// E24Keys are e24cloud API keys with their secrets, each with a world of its own.
	E24Keys map[string]string
	// E24Skew is how far an e24cloud request's X-Date may be from the host's clock.
	E24Skew time.Duration
	// AdminToken, when set, may call the control API's cross-world operations.
	AdminToken string
	// Clock is real (default) or manual; TimeScale speeds a real clock up.
	Clock     clock.Mode
	TimeScale float64
	// Wall is the wall-clock source (tests inject one); nil is time.Now.
	Wall clock.Wall
	// Listen maps a provider name to the address its listener binds ("127.0.0.1:0" picks a
	// free port, Off disables it). Providers missing from the map use their default address.
	Listen map[string]string
	// TLS serves HTTPS: with TLSCert/TLSKey when given, else with a generated self-signed
	// certificate.
	TLS             bool
	TLSCert, TLSKey string
	// RecordUpstream turns a provider's API into a proxy to a real panel (provider name ->
	// base URL of the panel) that records every exchange into RecordDir as a scenario.
	RecordUpstream map[string]string
	RecordDir      string
	// FixturesDir replaces the embedded fixtures.
	FixturesDir string
	// AnswerCacheMB bounds the encoded answers kept for reuse while a world is unchanged, in
	// MiB across every world (0: the default, 32; negative: keep none).
	AnswerCacheMB int
	// DecodeCacheMB bounds the stored records kept decoded, in MiB across every world (0: the
	// default, 48; negative: keep none).
	DecodeCacheMB int
	// JournalSize is how many requests each world's journal keeps.
	JournalSize int
	// JournalBodiesMB bounds the bodies of requests and answers kept for the newest journal
	// entries of all worlds together, in MiB (0: the default, 16; negative: none).
	JournalBodiesMB int
	// KeepAllBodies keeps the bodies of every world's requests; otherwise only of worlds
	// someone watches (GET /_sim/events open: the dashboard).
	KeepAllBodies bool
	// BodyLimit is the largest request body accepted (default 1 MiB).
	BodyLimit int64
	// MaxHeaderBytes is the largest request line and header fields accepted, answered beyond
	// with the provider's own 431 (default 64 KiB).
	MaxHeaderBytes int
	// IdleTimeout closes a keep-alive connection idle that long (default 30 s); ReadTimeout
	// bounds the reading of a request's header and body (default 30 s); WriteTimeout bounds
	// the writing of an answer (default 60 s; an event stream gets it afresh for each event).
	IdleTimeout, ReadTimeout, WriteTimeout time.Duration
	// MaxConns bounds the connections open on all listeners together (default: half the
	// process's descriptor limit, at most 4096). Past it, the longest idle connection is
	// closed to make room; when none is idle, the new one is refused.
	MaxConns int
	// ShutdownGrace is how long Close lets requests in flight finish (default 5 s).
	ShutdownGrace time.Duration
	// Strict refuses, with the panel's own error, the requests panelsim would otherwise accept
	// leniently (provider.Lenient): a client tested here then fails here as in production.
	Strict bool
	// WorldTTL removes a world made under AnyToken once unused that long (0: never).
	WorldTTL time.Duration
	// MaxSnapshots and MaxSnapshotBytes bound each world's snapshots (defaults 20 and 64 MiB).
	MaxSnapshots     int
	MaxSnapshotBytes int64
	// MaxScenarios and MaxScenarioBytes bound the scenarios a world posts (defaults 32 and
	// 256 KiB).
	MaxScenarios     int
	MaxScenarioBytes int64
	// CheckResponses validates every API answer against the provider's document and reports
	// departures to OnResponseViolation (tests turn this on).
	CheckResponses      bool
	OnResponseViolation func(provider, operation string, err error)
	// NoSync skips fsync on commit (benchmarks).
	NoSync bool
	// NoMetrics serves no /metrics and measures nothing (see internal/metrics).
	NoMetrics bool
	// InstanceName is what every answer's Panelsim-Instance header says (default: the host's
	// name), and what GET /_sim/worlds gives as each world's instance.
	InstanceName string
	// Peers are the control URLs of the other instances sharing the worlds behind a proxy:
	// GET /_sim/worlds lists their worlds too.
	Peers []string
	// Sleep waits a scenario's latency (default: on the wall clock, until the client gives
	// up); tests inject their own.
	Sleep func(ctx context.Context, d time.Duration) error
	// TaskTick is how often a real clock looks for due tasks (default 50 ms).
	TaskTick time.Duration
	// Logger receives the simulator's logs; nil discards them.
	Logger *slog.Logger
	// URLWriter receives one PANELSIM_<PROVIDER>_URL=… line per listener once it accepts
	// connections; nil writes nothing.
	URLWriter io.Writer
}

// DefaultAddrs are the listeners' default addresses.
var DefaultAddrs = map[string]string{
	"virtfusion": "127.0.0.1:8081",
	"tenantos":   "127.0.0.1:8082",
	"e24cloud":   "127.0.0.1:8083",
	"openscaler": "127.0.0.1:8084",
}

// withDefaults fills in every unset option.
func (o Options) withDefaults() Options {
	if o.Clock == "" {
		o.Clock = clock.Real
	}
	if o.BodyLimit <= 0 {
		o.BodyLimit = 1 << 20
	}
	if o.MaxHeaderBytes <= 0 {
		o.MaxHeaderBytes = 64 << 10
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 30 * time.Second
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 30 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 60 * time.Second
	}
	if o.MaxConns <= 0 {
		o.MaxConns = defaultMaxConns()
	}
	if o.ShutdownGrace <= 0 {
		o.ShutdownGrace = 5 * time.Second
	}
	if o.MaxSnapshots <= 0 {
		o.MaxSnapshots = 20
	}
	if o.MaxSnapshotBytes <= 0 {
		o.MaxSnapshotBytes = 64 << 20
	}
	if o.MaxScenarios <= 0 {
		o.MaxScenarios = 32
	}
	if o.MaxScenarioBytes <= 0 {
		o.MaxScenarioBytes = 256 << 10
	}
	if o.TaskTick <= 0 {
		o.TaskTick = 50 * time.Millisecond
	}
	if o.Wall == nil {
		o.Wall = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleepWall
	}
	return o
}
