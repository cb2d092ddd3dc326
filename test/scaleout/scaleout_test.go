package scaleout

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

const (
	adminToken = "scaleout-admin"
	// e24Secret is the secret a fresh world gives an API key it was made for (the e24cloud
	// fixtures' defaultSecret).
	e24Secret   = "panelsim-secret"
	instanceHdr = "Panelsim-Instance"
	worldsCount = 200
)

// TestShardingThroughProxies runs three instances behind the shipped HAProxy configuration,
// then behind the shipped nginx one, and proves the sharding: a world's API and control calls
// always reach one instance, e24cloud requests route by key, a dead instance fails only its
// own worlds (which come back with their state when it restarts) and a fourth instance takes
// about a quarter of the worlds.
func TestShardingThroughProxies(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	for _, kind := range []Kind{HAProxy, Nginx} {
		t.Run(string(kind), func(t *testing.T) {
			bin, err := exec.LookPath(string(kind))
			if err != nil {
				if os.Getenv("PANELSIM_PROXY_TESTS") == "1" {
					t.Fatalf("%s is not installed (apt-get install -y haproxy nginx) and PANELSIM_PROXY_TESTS=1", kind)
				}
				t.Skipf("%s is not installed (set PANELSIM_PROXY_TESTS=1 to fail instead)", kind)
			}
			proveSharding(t, kind, bin)
		})
	}
}

// cluster is the instances and the proxy in front of them.
type cluster struct {
	t         *testing.T
	kind      Kind
	bin       string
	dir       string
	instances []*simInstance
	listen    map[int]int // shipped port -> the proxy's port here
	proxy     *process
	client    *http.Client
}

func proveSharding(t *testing.T, kind Kind, bin string) {
	c := &cluster{t: t, kind: kind, bin: bin, dir: t.TempDir(), listen: map[int]int{},
		client: &http.Client{Timeout: 10 * time.Second}}
	for _, port := range ProviderPorts {
		c.listen[port] = freePort(t)
	}
	c.listen[8404] = freePort(t) // HAProxy's own health frontend
	for i := range 3 {
		c.addInstance(i)
	}
	for _, in := range c.instances {
		startInstance(t, in, c.peers())
	}
	c.startProxy()

	// Every token's world: a user and a server made through the proxy, read back, all on one
	// instance.
	tokens := make([]string, worldsCount)
	for i := range tokens {
		b := make([]byte, 8)
		rand.Read(b)
		tokens[i] = "scale-" + hex.EncodeToString(b)
	}
	home := map[string]string{}
	server := map[string]int64{}
	var mu sync.Mutex
	parallel(tokens, func(token string) error {
		where := map[string]bool{}
		res, err := c.call("virtfusion", "POST", "/api/v1/users", token, "", map[string]any{"name": "Shard", "email": token + "@example.com"})
		if err != nil || res.status != 201 {
			return fmt.Errorf("create user: %v %v", res, err)
		}
		where[res.instance] = true
		user := res.int("data", "id")
		res, err = c.call("virtfusion", "POST", "/api/v1/servers", token, "", map[string]any{"packageId": 1, "userId": user, "hypervisorId": 1})
		if err != nil || res.status != 201 {
			return fmt.Errorf("create server: %v %v", res, err)
		}
		where[res.instance] = true
		id := res.int("data", "id")
		res, err = c.call("virtfusion", "GET", fmt.Sprintf("/api/v1/servers/%d", id), token, "", nil)
		if err != nil || res.status != 200 {
			return fmt.Errorf("read server: %v %v", res, err)
		}
		where[res.instance] = true
		if len(where) != 1 || res.instance == "" {
			return fmt.Errorf("one world answered by %v", where)
		}
		mu.Lock()
		home[token], server[token] = res.instance, id
		mu.Unlock()
		return nil
	})(t)
	if t.Failed() {
		t.FailNow()
	}
	share := map[string]int{}
	for _, in := range home {
		share[in]++
	}
	for _, in := range c.instances {
		if share[in.name] < worldsCount/10 {
			t.Errorf("%s holds %d of %d worlds: the hash does not spread them (%v)", in.name, share[in.name], worldsCount, share)
		}
	}
	t.Logf("%s: worlds per instance %v", kind, share)

	// The control API of each world reaches the world that holds the server, on every
	// provider's port: its journal has the three calls. Both proxies keep one hash ring for
	// every port (HAProxy's backends list the same servers in the same order; nginx hashes
	// once, onto its per-instance relays), so a world is whole on one instance.
	parallel(tokens, func(token string) error {
		for provider := range ProviderPorts {
			res, err := c.call(provider, "GET", "/_sim/journal", "", token, nil)
			if err != nil || res.status != 200 || res.instance != home[token] {
				return fmt.Errorf("control on %s: %v %v, want %s", provider, res, err, home[token])
			}
			if n := res.len("entries"); n < 3 {
				return fmt.Errorf("control on %s reached a world with %d journal entries, want the 3 calls", provider, n)
			}
		}
		return nil
	})(t)

	// e24cloud: requests signed with an API key route by the key, to the instance of the
	// token's world.
	parallel(tokens[:worldsCount/2], func(key string) error {
		want := home[key]
		for range 3 {
			res, err := c.call("e24cloud", "GET", "/v2/regions", "", "", nil, signedBy(key))
			if err != nil || res.status != 200 || res.instance != want {
				return fmt.Errorf("e24cloud signed request: %v %v, want 200 from %s", res, err, want)
			}
		}
		return nil
	})(t)

	// The admin view through the proxy: whichever instance answers gathers its peers' worlds.
	res, err := c.call("virtfusion", "GET", "/_sim/worlds", "", adminToken, nil)
	if err != nil || res.status != 200 {
		t.Fatalf("worlds: %v %v", res, err)
	}
	listed := map[string][]string{}
	for i := range res.len("worlds") {
		token := res.str("worlds", i, "token")
		listed[token] = append(listed[token], res.str("worlds", i, "instance"))
	}
	for _, token := range tokens {
		if got := listed[token]; !slices.Equal(got, []string{home[token]}) {
			t.Errorf("GET /_sim/worlds lists %s on %v, want %s", token, got, home[token])
			break
		}
	}
	if res.len("peers") != 2 {
		t.Errorf("peers: %v", res.get("peers"))
	}

	// nginx tells its relays the provider in X-Panelsim-Provider: a client's own cannot send
	// a request to another provider's port of the instance.
	if kind == Nginx {
		parallel(tokens[:20], func(token string) error {
			res, err := c.call("virtfusion", "GET", fmt.Sprintf("/api/v1/servers/%d", server[token]), token, "", nil, withHeader("X-Panelsim-Provider", "tenantos"))
			if err != nil || res.status != 200 || res.instance != home[token] || res.int("data", "id") != server[token] {
				return fmt.Errorf("VirtFusion call with X-Panelsim-Provider: tenantos: %v %v, want the server from %s", res, err, home[token])
			}
			return nil
		})(t)
	}

	// One instance dies: only its worlds fail, with the proxy's own error.
	victim := c.instances[1]
	victim.proc.stop(9)
	parallel(tokens, func(token string) error {
		res, err := c.call("virtfusion", "GET", fmt.Sprintf("/api/v1/servers/%d", server[token]), token, "", nil)
		if err != nil {
			return err
		}
		if home[token] == victim.name {
			if res.status < 500 || res.instance != "" {
				return fmt.Errorf("a world of the dead instance: %v, want the proxy's 5xx", res)
			}
			return nil
		}
		if res.status != 200 || res.instance != home[token] {
			return fmt.Errorf("a world of a live instance: %v, want 200 from %s", res, home[token])
		}
		return nil
	})(t)

	// It restarts on its data file: its worlds are back, with their servers.
	startInstance(t, victim, c.peers())
	parallel(tokens, func(token string) error {
		res, err := c.call("virtfusion", "GET", fmt.Sprintf("/api/v1/servers/%d", server[token]), token, "", nil)
		if err != nil || res.status != 200 || res.instance != home[token] {
			return fmt.Errorf("after the restart: %v %v, want 200 from %s", res, err, home[token])
		}
		return nil
	})(t)

	// A fourth instance: about a quarter of the worlds move, all of them to it.
	c.addInstance(3)
	startInstance(t, c.instances[3], nil)
	c.proxy.stop(15)
	c.startProxy()
	var moved int
	parallel(tokens, func(token string) error {
		res, err := c.call("virtfusion", "GET", "/_sim/clock", "", token, nil)
		if err != nil || res.status != 200 {
			return fmt.Errorf("clock: %v %v", res, err)
		}
		if res.instance == home[token] {
			return nil
		}
		mu.Lock()
		moved++
		mu.Unlock()
		if res.instance != c.instances[3].name {
			return fmt.Errorf("a world moved from %s to %s, not to the new instance", home[token], res.instance)
		}
		return nil
	})(t)
	frac := float64(moved) / worldsCount
	t.Logf("%s: %d of %d worlds (%.0f%%) moved to the fourth instance", kind, moved, worldsCount, 100*frac)
	if frac < 0.10 || frac > 0.40 {
		t.Errorf("%d of %d worlds moved (%.0f%%), want about a quarter", moved, worldsCount, 100*frac)
	}
}

func (c *cluster) addInstance(i int) {
	in := &simInstance{name: fmt.Sprintf("panelsim-%d", i), data: filepath.Join(c.dir, fmt.Sprintf("panelsim-%d.db", i)), ports: map[string]int{}}
	for p := range ProviderPorts {
		in.ports[p] = freePort(c.t)
	}
	in.relay = freePort(c.t)
	c.instances = append(c.instances, in)
}

// peers are the control URLs of every instance (each skips itself).
func (c *cluster) peers() []string {
	var out []string
	for _, in := range c.instances {
		out = append(out, fmt.Sprintf("http://127.0.0.1:%d", in.ports["virtfusion"]))
	}
	return out
}

// startProxy renders the shipped configuration for the instances and starts the proxy on it.
func (c *cluster) startProxy() {
	t := c.t
	t.Helper()
	shipped := map[Kind]string{HAProxy: "../../deploy/haproxy/haproxy.cfg", Nginx: "../../deploy/nginx/nginx.conf"}[c.kind]
	raw, err := os.ReadFile(shipped)
	if err != nil {
		t.Fatal(err)
	}
	var insts []Instance
	for _, in := range c.instances {
		insts = append(insts, Instance{Ports: in.ports, Relay: in.relay})
	}
	conf, err := Render(c.kind, string(raw), c.listen, insts)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(c.dir, fmt.Sprintf("%s-%d", c.kind, len(c.instances)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var args []string
	switch c.kind {
	case HAProxy:
		path := filepath.Join(dir, "haproxy.cfg")
		writeFile(t, path, conf)
		args = []string{"-db", "-f", path}
	case Nginx:
		// The shipped file leaves pid and temporary files where the packaged nginx keeps
		// them; here they go to the test's folder.
		temp := fmt.Sprintf("http {\n    client_body_temp_path %[1]s/body;\n    proxy_temp_path %[1]s/proxy;\n"+
			"    fastcgi_temp_path %[1]s/fastcgi;\n    uwsgi_temp_path %[1]s/uwsgi;\n    scgi_temp_path %[1]s/scgi;\n", dir)
		conf = strings.Replace(conf, "http {\n", temp, 1)
		path := filepath.Join(dir, "nginx.conf")
		writeFile(t, path, conf)
		args = []string{"-p", dir, "-c", path, "-e", "stderr", "-g", "daemon off; pid " + filepath.Join(dir, "nginx.pid") + ";"}
	}
	c.proxy = start(t, string(c.kind), c.bin, args, nil)
	var ports []int
	for _, p := range ProviderPorts {
		ports = append(ports, c.listen[p])
	}
	waitListening(t, c.proxy, ports...)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// answer is a response through the proxy: status, the instance that gave it (none when the
// proxy answered itself) and the JSON body.
type answer struct {
	status   int
	instance string
	body     []byte
	json     any
}

func (a *answer) String() string {
	if a == nil {
		return "<no answer>"
	}
	return fmt.Sprintf("%d from %q: %.200s", a.status, a.instance, a.body)
}

func (a *answer) get(path ...any) any {
	r := simtest.Response{JSON: a.json}
	return r.Get(path...)
}
func (a *answer) int(path ...any) int64 { r := simtest.Response{JSON: a.json}; return r.Int(path...) }
func (a *answer) str(path ...any) string {
	r := simtest.Response{JSON: a.json}
	return r.String(path...)
}
func (a *answer) len(path ...any) int { r := simtest.Response{JSON: a.json}; return r.Len(path...) }

// call sends a request to the proxy's port for provider: with a bearer token, a control
// token, and whatever opts add (signedBy, withHeader).
func (c *cluster) call(provider, method, path, bearer, control string, body any, opts ...requestOption) (*answer, error) {
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d%s", c.listen[ProviderPorts[provider]], path)
	req, err := http.NewRequest(method, url, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if control != "" {
		req.Header.Set("X-Panelsim-Token", control)
	}
	for _, opt := range opts {
		opt(req, raw)
	}
	res, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out := &answer{status: res.StatusCode, instance: res.Header.Get(instanceHdr)}
	if out.body, err = io.ReadAll(res.Body); err != nil {
		return out, err
	}
	dec := json.NewDecoder(bytes.NewReader(out.body))
	dec.UseNumber() // as simtest.Response reads numbers
	_ = dec.Decode(&out.json)
	return out, nil
}

// requestOption changes a request of call before it is sent; raw is its body.
type requestOption func(req *http.Request, raw []byte)

// signedBy signs a request as e24cloud wants, with key and the default secret.
func signedBy(key string) requestOption {
	return func(req *http.Request, raw []byte) { simtest.SignE24(req, raw, key, e24Secret, time.Now()) }
}

// withHeader sets a header of a request.
func withHeader(name, value string) requestOption {
	return func(req *http.Request, _ []byte) { req.Header.Set(name, value) }
}

// parallel returns a check that runs f for every token on 8 goroutines and reports the
// first few failures.
func parallel(tokens []string, f func(token string) error) func(t *testing.T) {
	return func(t *testing.T) {
		t.Helper()
		var mu sync.Mutex
		var errs []string
		var wg sync.WaitGroup
		next := make(chan string)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for token := range next {
					if err := f(token); err != nil {
						mu.Lock()
						errs = append(errs, token+": "+err.Error())
						mu.Unlock()
					}
				}
			}()
		}
		for _, token := range tokens {
			next <- token
		}
		close(next)
		wg.Wait()
		for i, e := range errs {
			if i == 5 {
				t.Errorf("… and %d more", len(errs)-5)
				break
			}
			t.Error(e)
		}
	}
}
