// Package scaleout proves the shipped proxy configurations of deploy/ (HAProxy and nginx,
// hashing each request on the token that names its world) in front of several panelsim
// instances on loopback. Render turns a shipped configuration into one for given ports, so
// that what the tests run, and what bench/scaleout.sh measures, is the shipped file.
package scaleout

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ProviderPorts are the simulator's default ports, which the shipped configurations use both
// for the proxy's listeners and for the instances'.
var ProviderPorts = map[string]int{"virtfusion": 8081, "tenantos": 8082, "e24cloud": 8083, "openscaler": 8084}

// Instance is one panelsim instance as a proxy reaches it: its listener's port per provider,
// on 127.0.0.1.
type Instance struct {
	Ports map[string]int
}

// Kind is a proxy whose configuration Render knows how to rewrite.
type Kind string

// The proxies of deploy/.
const (
	HAProxy Kind = "haproxy"
	Nginx   Kind = "nginx"
)

// syntax is how a kind of configuration writes its listening addresses and its servers.
type syntax struct {
	listen *regexp.Regexp // prefix, port, rest
	server *regexp.Regexp // prefix, index, port, rest
	// address writes instance i's server line address for port.
	address func(i, port int) string
}

var syntaxes = map[Kind]syntax{
	HAProxy: {
		listen:  regexp.MustCompile(`^(\s*bind\s+):(\d+)(.*)$`),
		server:  regexp.MustCompile(`^(\s*server\s+)panelsim-(\d+)\s+"?[^\s"]*:(\d+)"?(.*)$`),
		address: func(i, port int) string { return fmt.Sprintf("panelsim-%d 127.0.0.1:%d", i, port) },
	},
	Nginx: {
		listen:  regexp.MustCompile(`^(\s*listen\s+)(\d+)(.*)$`),
		server:  regexp.MustCompile(`^(\s*server\s+)panelsim-(\d+)[^\s:]*:(\d+)(.*)$`),
		address: func(_, port int) string { return fmt.Sprintf("127.0.0.1:%d", port) },
	},
}

// Render rewrites a shipped configuration of kind for instances on loopback. Each listening
// port P (":8081" for HAProxy, "listen 8081" for nginx) becomes 127.0.0.1:listen[P]; in each
// backend, the shipped server lines (panelsim-0, panelsim-1, …, each naming a provider's
// default port) become one line per instance, in order, each keeping the options of the
// shipped panelsim-0 line. Every other line is kept as it is.
func Render(kind Kind, shipped string, listen map[int]int, instances []Instance) (string, error) {
	syn, ok := syntaxes[kind]
	if !ok {
		return "", fmt.Errorf("render: unknown proxy %q", kind)
	}
	if len(instances) == 0 {
		return "", fmt.Errorf("render: no instances")
	}
	byPort := map[int]string{}
	for name, port := range ProviderPorts {
		byPort[port] = name
	}
	var out []string
	listens, servers := 0, 0
	for n, line := range strings.Split(shipped, "\n") {
		if m := syn.listen.FindStringSubmatch(line); m != nil {
			port, _ := strconv.Atoi(m[2])
			to, ok := listen[port]
			if !ok {
				return "", fmt.Errorf("render: line %d listens on %d, which has no port given", n+1, port)
			}
			out = append(out, fmt.Sprintf("%s127.0.0.1:%d%s", m[1], to, m[3]))
			listens++
			continue
		}
		m := syn.server.FindStringSubmatch(line)
		if m == nil {
			out = append(out, line)
			continue
		}
		if m[2] != "0" {
			continue // the first server line stands for all of them
		}
		port, _ := strconv.Atoi(m[3])
		provider, ok := byPort[port]
		if !ok {
			return "", fmt.Errorf("render: line %d names port %d, which is no provider's", n+1, port)
		}
		for i, inst := range instances {
			p, ok := inst.Ports[provider]
			if !ok {
				return "", fmt.Errorf("render: instance %d has no %s port", i, provider)
			}
			out = append(out, m[1]+syn.address(i, p)+m[4])
		}
		servers++
	}
	if listens == 0 || servers == 0 {
		return "", fmt.Errorf("render: %d listening lines and %d server groups found: not a %s configuration of deploy/", listens, servers, kind)
	}
	return strings.Join(out, "\n"), nil
}
