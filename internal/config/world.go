package config

import (
	"fmt"
	"net/url"
	"strings"
)

// Place says where the worlds are: a data file no simulator is running on, or a running
// simulator's control API.
type Place struct {
	Data     string `env:"PANELSIM_DATA" default:"panelsim.db" placeholder:"FILE" help:"bbolt file holding every world (no simulator may be running on it: see --url)."`
	Fixtures string `env:"PANELSIM_FIXTURES" type:"existingdir" placeholder:"DIR" help:"Fixtures folder replacing the embedded defaults (for worlds made in the file)."`
	URL      string `name:"url" env:"PANELSIM_URL" placeholder:"URL" help:"A running simulator's listener (http://127.0.0.1:8081): go through its control API instead of the data file."`
	Insecure bool   `env:"PANELSIM_INSECURE" help:"With --url over https, do not verify the certificate (the self-signed one of --tls)."`
}

// ControlURL is the URL of the control API's path (as "/_sim/world") on the simulator --url
// names.
func (p *Place) ControlURL(path string) (string, error) {
	u, err := listenerURL(p.URL)
	if err != nil {
		return "", err
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	return u.String(), nil
}

// listenerURL parses --url, an http or https URL with a host.
func listenerURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err == nil && ((u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		err = fmt.Errorf("no http or https scheme and host")
	}
	if err != nil {
		return nil, fmt.Errorf("--url %q: want http://HOST:PORT or https://HOST:PORT (%v)", raw, err)
	}
	return u, nil
}

// World holds the world subcommands.
type World struct {
	Export WorldExport `cmd:"" help:"Write a world (records, clock, tasks, scenarios) as one JSON document to standard output."`
	Import WorldImport `cmd:"" help:"Replace a world with a JSON document written by export (the token gets a world if it has none)."`
}

// WorldExport holds the flags of "simulator world export".
type WorldExport struct {
	Token string `arg:"" help:"The token of the world."`
	Place
}

// WorldImport holds the flags of "simulator world import".
type WorldImport struct {
	Token string `arg:"" help:"The token of the world to replace."`
	File  string `arg:"" default:"-" help:"The document (- for standard input)."`
	Place
}

// Worlds holds the flags of "simulator worlds".
type Worlds struct {
	Place
	AdminToken string `env:"PANELSIM_ADMIN_TOKEN" placeholder:"TOKEN" help:"With --url, the simulator's admin token (GET /_sim/worlds needs it)."`
	JSON       bool   `name:"json" help:"Print the list as JSON."`
}

// Completion holds the flags of "simulator completion".
type Completion struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"bash, zsh or fish."`
}
