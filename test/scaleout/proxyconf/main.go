// Command proxyconf prints a shipped proxy configuration of deploy/ rewritten for panelsim
// instances on 127.0.0.1 (see scaleout.Render); bench/scaleout.sh uses it.
//
//	proxyconf -kind haproxy -in deploy/haproxy/haproxy.cfg -listen 8081=18081,8404=18404 \
//	    -instance virtfusion=20081,tenantos=20082,e24cloud=20083,openscaler=20084 -instance ...
//
// For nginx, each -instance also names its relay's port (relay=PORT; see scaleout.Instance).
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/panelsim/panelsim/test/scaleout"
)

// list is a repeatable flag.
type list []string

func (l *list) String() string     { return strings.Join(*l, " ") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	kind := flag.String("kind", "haproxy", "haproxy or nginx")
	in := flag.String("in", "", "the shipped configuration")
	listen := flag.String("listen", "", "PORT=PORT,...: where the proxy listens instead of each shipped port")
	var instances list
	flag.Var(&instances, "instance", "PROVIDER=PORT,...: an instance's ports, and relay=PORT for nginx (repeatable, in order)")
	flag.Parse()
	raw, err := os.ReadFile(*in)
	if err != nil {
		fail(err)
	}
	ports := map[int]int{}
	for _, kv := range strings.Split(*listen, ",") {
		from, to, ok := strings.Cut(kv, "=")
		a, err1 := strconv.Atoi(from)
		b, err2 := strconv.Atoi(to)
		if !ok || err1 != nil || err2 != nil {
			fail(fmt.Errorf("-listen %q: want PORT=PORT", kv))
		}
		ports[a] = b
	}
	var insts []scaleout.Instance
	for _, spec := range instances {
		inst := scaleout.Instance{Ports: map[string]int{}}
		for _, kv := range strings.Split(spec, ",") {
			name, port, ok := strings.Cut(kv, "=")
			p, err := strconv.Atoi(port)
			if !ok || err != nil {
				fail(fmt.Errorf("-instance %q: want PROVIDER=PORT", kv))
			}
			if name == "relay" {
				inst.Relay = p
				continue
			}
			inst.Ports[name] = p
		}
		insts = append(insts, inst)
	}
	out, err := scaleout.Render(scaleout.Kind(*kind), string(raw), ports, insts)
	if err != nil {
		fail(err)
	}
	fmt.Println(out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "proxyconf:", err)
	os.Exit(1)
}
