package verify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/panelsim/panelsim/internal/clock"
	"github.com/panelsim/panelsim/internal/control"
	"github.com/panelsim/panelsim/internal/routes/e24cloud"
	"github.com/panelsim/panelsim/internal/sim"
)

// DefaultE24Secret is the secret of the default e24cloud key in a fresh simulator (the
// embedded fixtures' defaultSecret).
const DefaultE24Secret = "panelsim-secret"

// Target is the simulator a recording is replayed against: one provider's listener and
// the token of the world to use.
type Target struct {
	// URL is the provider's listener (scheme, host and port).
	URL string
	// Token is the world's token (for e24cloud, its API key); Secret signs e24cloud requests.
	Token, Secret string
	HTTP          *http.Client
	close         func() error
}

// Remote is a running simulator at url (a provider's listener) with the world of token;
// insecure skips the verification of an https certificate (the self-signed one of --tls).
func Remote(url, token, secret string, insecure bool) *Target {
	hc := &http.Client{Timeout: 5 * time.Minute}
	if insecure && strings.HasPrefix(url, "https:") {
		hc.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // asked for with --insecure
	}
	return &Target{URL: strings.TrimSuffix(url, "/"), Token: token, Secret: secret, HTTP: hc}
}

// Local starts a fresh simulator in this process for one provider: a temporary data file,
// a manual clock, a listener on a free loopback port, the default token, and the embedded
// fixtures or those of fixturesDir. Close stops it and removes the file.
func Local(provider, fixturesDir string) (*Target, error) {
	if _, ok := sim.DefaultAddrs[provider]; !ok {
		return nil, fmt.Errorf("no provider %q", provider)
	}
	dir, err := os.MkdirTemp("", "panelsim-verify-")
	if err != nil {
		return nil, err
	}
	o := sim.Options{
		DataPath: filepath.Join(dir, "panelsim.db"), Clock: clock.Manual, NoMetrics: true,
		Listen: map[string]string{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		FixturesDir: fixturesDir,
	}
	for name := range sim.DefaultAddrs {
		o.Listen[name] = sim.Off
	}
	o.Listen[provider] = "127.0.0.1:0"
	s, err := sim.New(o)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.Start(); err != nil {
		s.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	t := Remote(s.URL(provider), sim.DefaultToken, DefaultE24Secret, false)
	t.close = func() error {
		err := s.Close()
		os.RemoveAll(dir)
		return err
	}
	return t, nil
}

// Close stops a simulator Local started; it does nothing for a remote one.
func (t *Target) Close() error {
	if t.close == nil {
		return nil
	}
	return t.close()
}

// send sends one API request, authenticated as the provider wants: a bearer token, or an
// e24cloud signature with the world's key and secret. The answer's body is left to read.
func (t *Target) send(ctx context.Context, provider, method, pathQuery, accept, contentType string, headers map[string]string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, t.URL+pathQuery, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if len(body) == 0 {
		req.Body, req.ContentLength = http.NoBody, 0
	} else if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	if provider == "e24cloud" {
		e24cloud.Sign(req, body, t.Token, t.Secret, time.Now())
	} else if t.Token != "" {
		req.Header.Set("Authorization", "Bearer "+t.Token)
	}
	return t.HTTP.Do(req)
}

// advance moves the world's clock forward through the control API.
func (t *Target) advance(ctx context.Context, d time.Duration) error {
	raw, _ := json.Marshal(map[string]float64{"seconds": d.Seconds()})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL+"/_sim/clock/advance", bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(control.TokenHeader, t.Token)
	res, err := t.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("advance the clock: %w", err)
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("advance the clock: %s: %s", res.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}
