package config

import (
	"fmt"
	"strings"
	"time"
)

// HealthPath is the control API's health call, which needs no token.
const HealthPath = "/_sim/health"

// Health holds the flags of "simulator health": the probe a container's health check runs,
// since the image has neither a shell nor curl.
type Health struct {
	URL      string        `name:"url" env:"PANELSIM_HEALTH_URL" default:"http://127.0.0.1:8081" placeholder:"URL" help:"A listener's base URL (as printed in PANELSIM_<PROVIDER>_URL), or its full /_sim/health URL."`
	Timeout  time.Duration `env:"PANELSIM_HEALTH_TIMEOUT" default:"5s" help:"How long to wait for the answer."`
	Insecure bool          `env:"PANELSIM_HEALTH_INSECURE" help:"Do not verify the listener's certificate (for the self-signed one of --tls)."`
}

// HealthURL is the URL the probe GETs: --url itself when it already ends in /_sim/health,
// otherwise that path on the listener --url names.
func (h *Health) HealthURL() (string, error) {
	u, err := listenerURL(h.URL)
	if err != nil {
		return "", err
	}
	switch path := strings.TrimSuffix(u.Path, "/"); {
	case path == "":
		u.Path = HealthPath
	case path == HealthPath:
		u.Path = path
	default:
		return "", fmt.Errorf("--url %q: want a listener's base URL or its %s URL", h.URL, HealthPath)
	}
	if h.Timeout <= 0 {
		return "", fmt.Errorf("--timeout must be positive")
	}
	return u.String(), nil
}
