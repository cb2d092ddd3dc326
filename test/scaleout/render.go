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
	// Relay is, for nginx, the loopback port of the instance's relay (the second level, which
	// the ring points at). nginx places a server on the ring by its address, so an instance
	// keeps its relay port from one render to the next.
	Relay int
}

// Kind is a proxy whose configuration Render knows how to rewrite.
type Kind string

// The proxies of deploy/.
const (
	HAProxy Kind = "haproxy"
	Nginx   Kind = "nginx"
)

var (
	haproxyListen = regexp.MustCompile(`^(\s*bind\s+):(\d+)(.*)$`)                               // prefix, port, rest
	haproxyServer = regexp.MustCompile(`^(\s*server\s+)panelsim-(\d+)\s+"?[^\s"]*:(\d+)"?(.*)$`) // prefix, index, port, rest
	nginxListen   = regexp.MustCompile(`^(\s*listen\s+)(\d+)(.*)$`)                              // prefix, port, rest
	nginxRelay    = regexp.MustCompile(`listen\s+127\.0\.0\.1:(\d+);.*http://panelsim-(\d+)-`)   // port, index
	nginxRing     = regexp.MustCompile(`^(\s*server\s+)127\.0\.0\.1:(\d+)(.*)$`)                 // prefix, port, rest
	nginxIndex    = regexp.MustCompile(`panelsim-(\d+)\b`)                                       // index
	nginxAddress  = regexp.MustCompile(`panelsim-0[^\s:;]*:(\d+)`)                               // port
)

// Render rewrites a shipped configuration of kind for instances on loopback. Each listening
// port P (":8081" for HAProxy, "listen 8081" for nginx) becomes 127.0.0.1:listen[P]. The
// shipped configurations name instances panelsim-0, panelsim-1, …, each on the providers'
// default ports; what they write for panelsim-0 stands for every instance and is written
// once per instance, in order, and what they write for the others is dropped:
//   - HAProxy: in each backend, the server line of panelsim-0, with its options;
//   - nginx: the ring's server line of panelsim-0's relay (127.0.0.1:Relay), its relay
//     server and its upstreams, each provider's address becoming 127.0.0.1:Ports[provider].
//
// Every other line is kept as it is.
func Render(kind Kind, shipped string, listen map[int]int, instances []Instance) (string, error) {
	if len(instances) == 0 {
		return "", fmt.Errorf("render: no instances")
	}
	switch kind {
	case HAProxy:
		return renderHAProxy(shipped, listen, instances)
	case Nginx:
		return renderNginx(shipped, listen, instances)
	}
	return "", fmt.Errorf("render: unknown proxy %q", kind)
}

func renderHAProxy(shipped string, listen map[int]int, instances []Instance) (string, error) {
	var out []string
	listens, servers := 0, 0
	for n, line := range strings.Split(shipped, "\n") {
		if m := haproxyListen.FindStringSubmatch(line); m != nil {
			l, err := listenLine(n, m, listen)
			if err != nil {
				return "", err
			}
			out = append(out, l)
			listens++
			continue
		}
		m := haproxyServer.FindStringSubmatch(line)
		if m == nil {
			out = append(out, line)
			continue
		}
		if m[2] != "0" {
			continue // the first server line stands for all of them
		}
		for i, inst := range instances {
			port, err := instancePort(n, m[3], i, inst)
			if err != nil {
				return "", err
			}
			out = append(out, fmt.Sprintf("%spanelsim-%d 127.0.0.1:%d%s", m[1], i, port, m[4]))
		}
		servers++
	}
	if listens == 0 || servers == 0 {
		return "", fmt.Errorf("render: %d listening lines and %d server groups found: not a haproxy configuration of deploy/", listens, servers)
	}
	return strings.Join(out, "\n"), nil
}

func renderNginx(shipped string, listen map[int]int, instances []Instance) (string, error) {
	lines := strings.Split(shipped, "\n")
	// The shipped relays' ports, by the instance they stand for.
	relays := map[string]string{}
	for _, line := range lines {
		if m := nginxRelay.FindStringSubmatch(line); m != nil {
			relays[m[1]] = m[2]
		}
	}
	for i, inst := range instances {
		if inst.Relay == 0 {
			return "", fmt.Errorf("render: instance %d has no relay port", i)
		}
	}
	var out []string
	listens, ring, perInstance := 0, 0, 0
	for n, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			out = append(out, line)
			continue
		}
		if m := nginxListen.FindStringSubmatch(line); m != nil {
			l, err := listenLine(n, m, listen)
			if err != nil {
				return "", err
			}
			out = append(out, l)
			listens++
			continue
		}
		if m := nginxRing.FindStringSubmatch(line); m != nil {
			index, ok := relays[m[2]]
			if !ok {
				return "", fmt.Errorf("render: line %d names 127.0.0.1:%s, which is no relay's", n+1, m[2])
			}
			if index == "0" {
				for _, inst := range instances {
					out = append(out, fmt.Sprintf("%s127.0.0.1:%d%s", m[1], inst.Relay, m[3]))
				}
				ring++
			}
			continue
		}
		m := nginxIndex.FindStringSubmatch(line)
		if m == nil {
			out = append(out, line)
			continue
		}
		if m[1] != "0" {
			continue // panelsim-0's lines stand for every instance's
		}
		relay0 := ""
		if r := nginxRelay.FindStringSubmatch(line); r != nil {
			relay0 = "127.0.0.1:" + r[1]
		}
		for i, inst := range instances {
			var err error
			l := nginxAddress.ReplaceAllStringFunc(line, func(addr string) string {
				port, e := instancePort(n, nginxAddress.FindStringSubmatch(addr)[1], i, inst)
				if e != nil {
					err = e
				}
				return fmt.Sprintf("127.0.0.1:%d", port)
			})
			if err != nil {
				return "", err
			}
			if relay0 != "" {
				l = strings.Replace(l, relay0, fmt.Sprintf("127.0.0.1:%d", inst.Relay), 1)
			}
			out = append(out, nginxIndex.ReplaceAllString(l, fmt.Sprintf("panelsim-%d", i)))
		}
		perInstance++
	}
	if listens == 0 || ring == 0 || perInstance == 0 {
		return "", fmt.Errorf("render: %d listening lines, %d ring lines and %d lines of panelsim-0 found: not an nginx configuration of deploy/", listens, ring, perInstance)
	}
	return strings.Join(out, "\n"), nil
}

// listenLine rewrites a listening line (prefix, port, rest) to listen on 127.0.0.1:listen[port].
func listenLine(n int, m []string, listen map[int]int) (string, error) {
	port, _ := strconv.Atoi(m[2])
	to, ok := listen[port]
	if !ok {
		return "", fmt.Errorf("render: line %d listens on %d, which has no port given", n+1, port)
	}
	return fmt.Sprintf("%s127.0.0.1:%d%s", m[1], to, m[3]), nil
}

// instancePort is instance i's port for the provider whose default port a shipped line names.
func instancePort(n int, shipped string, i int, inst Instance) (int, error) {
	port, _ := strconv.Atoi(shipped)
	for name, p := range ProviderPorts {
		if p != port {
			continue
		}
		to, ok := inst.Ports[name]
		if !ok {
			return 0, fmt.Errorf("render: instance %d has no %s port", i, name)
		}
		return to, nil
	}
	return 0, fmt.Errorf("render: line %d names port %d, which is no provider's", n+1, port)
}
