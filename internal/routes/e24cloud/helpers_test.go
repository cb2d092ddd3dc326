package e24cloud_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// Fixture facts (fixtures/e24cloud/world.yaml).
const (
	zonePoz       = "24e12e20-0851-5354-e2c3-04b16c4c9c45"
	zoneWaw       = "0daeacdb-7b1b-f510-d44e-ec8fd457d7aa"
	tmplUbuntu    = "2528"
	tmplWindows   = "2700"
	defaultSecret = "panelsim-secret"
	installTime   = 120 * time.Second
	ipDetachTime  = 10 * time.Second

	// An Ed25519 public key and its MD5 fingerprint (ssh-keygen -l -E md5).
	pubKey      = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKYRNBKvxA0QcVy4j9Z96rpiWpkPa/b8uhvMjH7Xquq+ admin@laptop"
	fingerprint = "ab:23:eb:4d:bc:75:34:b8:29:37:8b:a6:ba:69:72:cc"
)

type env struct {
	t *testing.T
	s *simtest.Sim
	c *simtest.Client
}

func newEnv(t *testing.T, opts ...simtest.Option) *env {
	t.Helper()
	s := simtest.New(t, opts...)
	return &env{t: t, s: s, c: s.E24Client(simtest.DefaultToken, defaultSecret)}
}

func (e *env) advance(d time.Duration) { e.t.Helper(); e.s.Advance(simtest.DefaultToken, d) }

// vm creates a VM and returns its id (still installing).
func (e *env) vm(name string) string {
	e.t.Helper()
	res := e.c.Do("PUT", "/virtual-machines", map[string]any{"create_vm": map[string]any{
		"cpus": 2, "ram": 2048, "zone_id": zonePoz, "name": name, "boot_type": "image", "os": tmplUbuntu, "password": "Secret123!"}})
	res.Expect(e.t, 200)
	return res.String("virtual_machine", "id")
}

// online creates a VM and runs the clock until it is installed.
func (e *env) online(name string) string {
	e.t.Helper()
	id := e.vm(name)
	e.advance(installTime)
	return id
}

func (e *env) get(id string) *simtest.Response {
	e.t.Helper()
	return e.c.Do("GET", "/virtual-machines/"+id, nil)
}

func (e *env) state(id string) string {
	e.t.Helper()
	return e.get(id).String("virtual_machine", "state")
}

// vmIn creates a VM in a zone and returns its id (still installing).
func (e *env) vmIn(zone, name string) string {
	e.t.Helper()
	res := e.c.Do("PUT", "/virtual-machines", map[string]any{"create_vm": map[string]any{
		"cpus": 1, "ram": 1024, "zone_id": zone, "name": name, "os": tmplUbuntu}})
	res.Expect(e.t, 200)
	return res.String("virtual_machine", "id")
}

// volume creates a free-standing volume in Poznań and returns its id.
func (e *env) volume(name string, size int, shared bool) string {
	e.t.Helper()
	res := e.c.Do("PUT", "/storage-volumes", map[string]any{"label": name, "size": size, "type": "ssd", "zone_id": zonePoz, "shared_disk": shared})
	res.Expect(e.t, 200)
	return res.String("storage_volume", "id")
}

// address allocates an address in a zone and returns its id and the address.
func (e *env) address(zone string) (string, string) {
	e.t.Helper()
	res := e.c.Do("PUT", "/ipv4-addresses", map[string]any{"zone_id": zone}).Expect(e.t, 200)
	return res.String("ipv4_address", "id"), res.String("ipv4_address", "ipv4_address")
}

// vmField reads a field of a VM.
func (e *env) vmField(id string, path ...any) any {
	e.t.Helper()
	return e.get(id).Expect(e.t, 200).Get(append([]any{"virtual_machine"}, path...)...)
}

// ids lists the ids of the objects in a list answer.
func ids(res *simtest.Response, path ...any) []string {
	var out []string
	for i := 0; i < res.Len(path...); i++ {
		v := res.Get(append(append([]any{}, path...), i, "id")...)
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// count is how many objects a list endpoint has.
func (e *env) count(path, key string) int {
	e.t.Helper()
	return e.c.Do("GET", path, nil).Expect(e.t, 200).Len(key)
}

// call is one step of a table-driven test: a request, the status it must get and what else
// must hold. Steps run in order, in one world, so later ones see what earlier ones did.
type call struct {
	name   string
	method string
	path   string
	body   any
	want   int
	check  func(t *testing.T, res *simtest.Response)
}

func (e *env) run(calls []call) {
	e.t.Helper()
	for _, c := range calls {
		e.t.Run(c.name, func(t *testing.T) {
			res := e.c.Do(c.method, c.path, c.body).Expect(t, c.want)
			if c.want != 200 && (res.Get("success") != false || res.String("error") == "") {
				t.Fatalf("error body: %v", res)
			}
			if c.want == 200 && res.Get("success") != true {
				t.Fatalf("success body: %v", res)
			}
			if c.check != nil {
				c.check(t, res)
			}
		})
	}
}
