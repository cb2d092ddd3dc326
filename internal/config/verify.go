package config

import (
	"fmt"
	"strings"
)

// Verify holds the flags of "simulator verify".
type Verify struct {
	Recordings []string `arg:"" type:"existingfile" placeholder:"RECORDING" help:"Recordings written by --record-upstream (<provider>-recorded.yaml)."`
	URL        []string `name:"url" env:"PANELSIM_VERIFY_URL" sep:"," placeholder:"[PROVIDER=]URL" help:"Replay against the running simulator listening here (repeatable; a URL alone serves every recording) instead of a fresh one inside this process. The world of --token is changed."`
	Token      string   `env:"PANELSIM_VERIFY_TOKEN" default:"panelsim" placeholder:"TOKEN" help:"With --url, the token of the world to replay in (for e24cloud, the API key)."`
	E24Secret  string   `name:"e24cloud-secret" env:"PANELSIM_VERIFY_E24CLOUD_SECRET" default:"panelsim-secret" placeholder:"SECRET" help:"The secret e24cloud requests are signed again with: of the key --token names with --url, else of the fixtures' default key."`
	Fixtures   string   `env:"PANELSIM_FIXTURES" type:"existingdir" placeholder:"DIR" help:"Without --url, start the fresh simulator with this fixtures folder (say, with your panel's packages, hypervisors and templates)."`
	Insecure   bool     `env:"PANELSIM_INSECURE" help:"With --url over https, do not verify the certificate (the self-signed one of --tls)."`
	JUnit      string   `name:"junit" type:"path" placeholder:"FILE" help:"Also write a JUnit XML report (a test case per exchange) to FILE."`
	JSON       bool     `name:"json" help:"Print a JSON report instead of the text one."`
	EmitTest   string   `name:"emit-test" type:"path" placeholder:"DIR" help:"Write each recording that differs, cut after its last differing exchange, to DIR/<provider>-<name>.yaml (-2, -3… rather than replace a file), secrets scrubbed as recorded: in internal/verify/testdata/confirmed it is a failing test of panelsim, and it is the file to attach upstream (see docs/verify.md)."`
}

// Targets maps each provider to the listener --url names for it; "" is the URL given
// without a provider, for every other one. Empty: replay in a fresh simulator.
func (v *Verify) Targets() (map[string]string, error) {
	out := map[string]string{}
	for _, raw := range v.URL {
		provider, u := "", strings.TrimSpace(raw)
		if p, rest, ok := strings.Cut(u, "="); ok && !strings.Contains(p, "/") {
			provider, u = p, rest
		}
		if _, err := listenerURL(u); err != nil {
			return nil, err
		}
		if _, dup := out[provider]; dup {
			return nil, fmt.Errorf("--url %q: a second URL for %s", raw, orAll(provider))
		}
		out[provider] = strings.TrimSuffix(u, "/")
	}
	return out, nil
}

func orAll(provider string) string {
	if provider == "" {
		return "every provider"
	}
	return provider
}
