package config

import (
	"fmt"
	"net/url"
	"strings"
)

// peerURLs checks --peers: each an http or https URL of another instance's listener, given
// without a path, query or fragment (GET /_sim/worlds is asked at its root).
func peerURLs(values []string) ([]string, error) {
	var out []string
	for _, v := range values {
		v = strings.TrimRight(strings.TrimSpace(v), "/")
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("--peers %q: want a listener's URL such as http://panelsim-1:8081", v)
		}
		out = append(out, v)
	}
	return out, nil
}
