package verify_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/panelsim/panelsim/internal/scenarios"
	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/internal/verify"
	"github.com/panelsim/panelsim/simtest"
)

// fakeWall is the recording proxy's clock: it moves when the test moves the panel's.
type fakeWall struct {
	mu  sync.Mutex
	now time.Time
}

func (w *fakeWall) Now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(time.Millisecond) // each exchange takes a moment
	return w.now
}

func (w *fakeWall) add(d time.Duration) {
	w.mu.Lock()
	w.now = w.now.Add(d)
	w.mu.Unlock()
}

// session is a panelsim standing in for a real panel and a second one in front of it,
// recording with --record-upstream: a client talks to the proxy, as a billing module would.
type session struct {
	t            *testing.T
	panel, proxy *simtest.Sim
	dir          string
	wall         *fakeWall
	provider     string
}

func newSession(t *testing.T, provider string) *session {
	s := &session{t: t, dir: t.TempDir(), wall: &fakeWall{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}, provider: provider}
	s.panel = simtest.New(t)
	s.proxy = simtest.New(t, simtest.WithOptions(func(o *sim.Options) {
		o.RecordUpstream = map[string]string{provider: s.panel.URL(provider)}
		o.RecordDir = s.dir
		o.Wall = s.wall.Now
	}))
	return s
}

// client talks to the panel through the recording proxy.
func (s *session) client() *simtest.Client { return s.proxy.Client(s.provider, simtest.DefaultToken) }

// direct talks to the panel, unrecorded.
func (s *session) direct() *simtest.Client { return s.panel.Client(s.provider, simtest.DefaultToken) }

// advance moves the panel's clock and the recorder's together, as time passes in a real
// session.
func (s *session) advance(d time.Duration) {
	s.wall.add(d) // first: an exchange the panel's clock ends must end after the gap
	s.panel.Advance(simtest.DefaultToken, d)
}

func (s *session) file() string { return filepath.Join(s.dir, s.provider+"-recorded.yaml") }

// replay verifies the session's recording (or file) against a fresh simulator.
func replay(t *testing.T, file string) *verify.Result {
	t.Helper()
	rec, err := verify.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	target, err := verify.Local(rec.Provider, "")
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	res, err := verify.Replay(context.Background(), rec, target)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Exchanges) != len(rec.Exchanges) {
		t.Fatalf("%d outcomes for %d exchanges", len(res.Exchanges), len(rec.Exchanges))
	}
	return res
}

// expectAllMatch fails the test with the report unless every exchange matches.
func expectAllMatch(t *testing.T, res *verify.Result) {
	t.Helper()
	if res.Matches() != len(res.Exchanges) {
		var b bytes.Buffer
		verify.WriteText(&b, []*verify.Result{res})
		t.Fatalf("not every exchange matches:\n%s", b.String())
	}
}

// loadScenario and saveScenario read and write a recording as the scenario it is.
func loadScenario(t *testing.T, file string) *scenarios.Scenario {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var sc scenarios.Scenario
	if err := yaml.Unmarshal(raw, &sc); err != nil {
		t.Fatal(err)
	}
	return &sc
}

func saveScenario(t *testing.T, sc *scenarios.Scenario, file string) {
	t.Helper()
	raw, err := yaml.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}
