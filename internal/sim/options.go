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
	// JournalSize is how many requests each world's journal keeps.
	JournalSize int
	// BodyLimit is the largest request body accepted (default 1 MiB).
	BodyLimit int64
	// CheckResponses validates every API answer against the provider's document and reports
	// departures to OnResponseViolation (tests turn this on).
	CheckResponses      bool
	OnResponseViolation func(provider, operation string, err error)
	// NoSync skips fsync on commit (benchmarks).
	NoSync bool
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
	"e24cloud":   "127.0.0.1:8083",
	"openscaler": "127.0.0.1:8084",
}
