package openscaler_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/panelsim/panelsim/simtest"
)

// TestLBLifecycle: a load balancer is created over server-sent events like a VM, is listed
// and readable (its id a string), then is deleted and gone.
func TestLBLifecycle(t *testing.T) {
	e := newEnv(t)
	s, refused := e.openStream(e.c, "/lbs", lbBody("web-lb", "description", "Front"))
	if refused != nil {
		t.Fatalf("refused: %v", refused)
	}
	if s.res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("content type %q", s.res.Header.Get("Content-Type"))
	}
	if ev := s.next(); ev.name != "progress" || ev.json(t)["message"] != "Creating load balancer web-lb" {
		t.Fatalf("first event %s %s", ev.name, ev.data)
	}
	// While it is being created it is listed, "creating", and refuses changes.
	if st := e.c.Do("GET", "/lbs/1", nil).Expect(t, 200).String("status"); st != "creating" {
		t.Fatalf("status %s", st)
	}
	if d := e.c.Do("POST", "/lbs/1/backends", backend("b")).Expect(t, 409).String("detail"); d != "Load balancer 1 is still being created" {
		t.Fatalf("backend during creation: %q", d)
	}
	s.quiet(100 * time.Millisecond)
	e.advance(lbCreateSeconds * time.Second)
	final, progress := s.final()
	if final.name != "200" || progress != 4 {
		t.Fatalf("final %s %s after %d more progress events", final.name, final.data, progress)
	}
	want := `{"id":"1","name":"web-lb","description":"Front","user_id":"` + e.c.Do("GET", "/projects/default", nil).String("user_id") +
		`","project_id":"default","size":"small","region":"alg1","visibility":"public","status":"ready","vpc_id":1,` +
		`"private_ip":"10.0.1.2","public_ip":"10.99.88.77","public_ip_ports":[],"created_at":"2025-01-20T12:00:00","updated_at":"2025-01-20T12:00:30"}`
	if final.data != want {
		t.Fatalf("final event data\n%s\nwant\n%s", final.data, want)
	}
	if got := string(e.c.Do("GET", "/lbs/1", nil).Expect(t, 200).Body); got != want {
		t.Fatalf("GET differs from the final event: %s", got)
	}
	if n := e.c.Do("GET", "/lbs", nil).Expect(t, 200).Len("lbs"); n != 1 {
		t.Fatalf("%d load balancers listed", n)
	}
	e.c.Do("POST", "/projects", map[string]any{"id": "dz"}).Expect(t, 201)
	if n := e.c.Do("GET", "/lbs?project_id=dz", nil).Expect(t, 200).Len("lbs"); n != 0 {
		t.Fatalf("%d load balancers in dz", n)
	}
	e.c.Do("GET", "/lbs?project_id=nope", nil).Expect(t, 404)
	// A VM of the VPC takes the next address.
	if ip := e.get(e.vm(vmBody("web")), "?only=network").String("network", "private_ip"); ip != "10.0.1.3" {
		t.Fatalf("VM after the load balancer: %s", ip)
	}
	// A private one has no public IP.
	priv := e.lb(lbBody("internal", "visibility", "private"))
	if res := e.c.Do("GET", "/lbs/"+priv, nil).Expect(t, 200); res.Get("public_ip") != nil || res.String("private_ip") != "10.0.1.4" {
		t.Fatalf("private load balancer %s", res.Body)
	}
	e.c.Do("DELETE", "/projects/default", nil).Expect(t, 409)

	// Delete: "deleting" at once, gone after timings.lbDelete, its address free again.
	e.c.Do("DELETE", "/lbs/1", nil).Expect(t, 204)
	if st := e.c.Do("GET", "/lbs/1", nil).Expect(t, 200).String("status"); st != "deleting" {
		t.Fatalf("status %s", st)
	}
	e.c.Do("POST", "/lbs/1/public_ports", map[string]any{"port": 80}).Expect(t, 409)
	e.advance(lbDeleteSeconds * time.Second)
	if d := e.c.Do("GET", "/lbs/1", nil).Expect(t, 404).String("detail"); d != "Load balancer not found" {
		t.Fatalf("404 %q", d)
	}
	e.c.Do("DELETE", "/lbs/1", nil).Expect(t, 404)
	if ip := e.c.Do("GET", "/lbs/"+e.lb(lbBody("again")), nil).String("private_ip"); ip != "10.0.1.2" {
		t.Fatalf("address not reused: %s", ip)
	}
}

// TestLBCreateRefusals: refusals before the stream are plain JSON; a name taken in the
// project ends the stream with "400"; deleting it while it is created ends it with "500".
func TestLBCreateRefusals(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		body   map[string]any
		status int
		detail string
	}{
		{lbBody("x", "size", "huge"), 400, "Load balancer size 'huge' not found."},
		{lbBody("x", "region", "eu-west-1"), 400, "Region 'eu-west-1' not found."},
		{lbBody("x", "vpc_id", 7), 400, "VPC 7 not found in project 'default' and region 'alg1'."},
		{lbBody("x", "project_id", "nope"), 400, "Project 'nope' not found."},
		{lbBody("x", "visibility", "internet"), 422, "enum body.visibility: Input should be 'public' or 'private'"},
		{lbBody("x", "vpc_id", nil, "name", ""), 422, "string_too_short body.name: String should have at least 1 character | missing body.vpc_id: Field required"},
	} {
		_, res := e.openStream(e.c, "/lbs", tt.body)
		if res == nil || res.Status != tt.status {
			t.Fatalf("%v: %v", tt.body, res)
		}
		got := res.String("detail")
		if tt.status == 422 {
			got = pyErrors(t, res)
		}
		if got != tt.detail {
			t.Fatalf("%v: %q", tt.body, got)
		}
	}
	e.lb(lbBody("web-lb"))
	s, refused := e.openStream(e.c, "/lbs", lbBody("web-lb"))
	if refused != nil {
		t.Fatalf("plain answer: %v", refused)
	}
	if ev := s.next(); ev.name != "progress" || ev.json(t)["percentage"] != json.Number("0") {
		t.Fatalf("first event %s %s", ev.name, ev.data)
	}
	if ev := s.next(); ev.name != "400" || ev.json(t)["detail"] != "A load balancer named 'web-lb' already exists in project 'default'." {
		t.Fatalf("second event %s %s", ev.name, ev.data)
	}
	s.ended()
	if n := e.c.Do("GET", "/lbs", nil).Len("lbs"); n != 1 {
		t.Fatalf("%d load balancers after a refusal", n)
	}
	// Deleted while being created.
	s, _ = e.openStream(e.c, "/lbs", lbBody("short-lived"))
	s.next()
	e.c.Do("DELETE", "/lbs/2", nil).Expect(t, 204)
	if ev, _ := s.final(); ev.name != "500" || !strings.Contains(ev.data, "Load balancer 2 was deleted before its creation finished.") {
		t.Fatalf("final %s %s", ev.name, ev.data)
	}
	e.advance(lbCreateSeconds * time.Second)
	e.c.Do("GET", "/lbs/2", nil).Expect(t, 404)
	if n := e.pending(); n != 0 {
		t.Fatalf("%d tasks left", n)
	}
}

// TestLBBackendsAndFrontends: backends of the load balancer's VMs (ids as strings), frontends
// that route to them in the same mode, and what each refuses.
func TestLBBackendsAndFrontends(t *testing.T) {
	e := newEnv(t)
	vm1, vm2 := e.vm(vmBody("a")), e.vm(vmBody("b"))
	lb := e.lb(lbBody("web-lb"))
	base := "/lbs/" + lb
	res := e.c.Do("POST", base+"/backends", backend("api", itoa(vm1), itoa(vm2))).Expect(t, 201)
	want := `{"name":"api","mode":"http","balancing_method":"roundrobin","port":8080,"servers":{"type":"computer","computer_ids":["1","2"]},` +
		`"options":{"tls":false,"tls_verify":false,"forward_for":true,"proxy_protocol":null,"sticky_session":null,"health_check":null}}`
	if string(res.Body) != want {
		t.Fatalf("backend\n%s\nwant\n%s", res.Body, want)
	}
	if string(e.c.Do("GET", base+"/backends/api", nil).Expect(t, 200).Body) != want {
		t.Fatal("GET differs")
	}
	e.c.Do("POST", base+"/backends", backend("api", itoa(vm1))).Expect(t, 409)
	if d := e.c.Do("POST", base+"/backends", backend("x", "99")).Expect(t, 400).String("detail"); d != "VM '99' not found." {
		t.Fatalf("unknown VM: %q", d)
	}
	if got := pyErrors(t, e.c.Do("POST", base+"/backends", map[string]any{"name": "x", "mode": "udp", "balancing_method": "roundrobin", "port": 1,
		"servers": map[string]any{"type": "computer", "computer_ids": []any{1}}}).Expect(t, 422)); got !=
		"enum body.mode: Input should be 'http' or 'tcp' | string_type body.servers.computer_ids.0: Input should be a valid string" {
		t.Fatalf("422: %s", got)
	}
	// Options: defaults filled in, the health check's port from the backend's.
	tcp := backend("db", itoa(vm2))
	tcp["mode"], tcp["port"] = "tcp", "5432"
	tcp["options"] = map[string]any{"forward_for": false, "sticky_session": map[string]any{"type": "cookie"}, "health_check": map[string]any{"type": "postgres"}}
	res = e.c.Do("POST", base+"/backends", tcp).Expect(t, 201)
	if res.Int("port") != 5432 || res.Get("options", "forward_for") != false || res.String("options", "sticky_session", "cookie") != "SERVERID" ||
		res.Int("options", "health_check", "port") != 5432 {
		t.Fatalf("tcp backend %s", res.Body)
	}
	if n := e.c.Do("GET", base+"/backends", nil).Expect(t, 200).Len("backends"); n != 2 {
		t.Fatalf("%d backends", n)
	}

	// Frontends: the same mode as their backends, ACLs they define, certificates of the LB.
	front := map[string]any{"name": "https", "mode": "http", "default_backend": "api",
		"binds":    []any{map[string]any{"port": 443, "ssl": true, "ssl_certificate": "cert"}},
		"acls":     []any{map[string]any{"name": "is_api", "criterion": "path_beg", "value": "/api"}},
		"backends": []any{map[string]any{"backend": "api", "test": "is_api"}}}
	if d := e.c.Do("POST", base+"/frontends", front).Expect(t, 400).String("detail"); d != "Certificate 'cert' not found on load balancer 1." {
		t.Fatalf("no certificate: %q", d)
	}
	e.c.Do("POST", base+"/certificates", map[string]any{"name": "cert", "cert_type": "self_signed", "cn_name": "example.com"}).Expect(t, 201)
	res = e.c.Do("POST", base+"/frontends", front).Expect(t, 201)
	if res.String("backends", 0, "cond") != "if" || res.Get("options", "forward_for") != true || res.Get("binds", 0, "use_http3") != false {
		t.Fatalf("frontend %s", res.Body)
	}
	front["name"], front["default_backend"] = "mixed", "db"
	front["binds"] = []any{map[string]any{"port": 80}}
	if d := e.c.Do("POST", base+"/frontends", front).Expect(t, 400).String("detail"); d != "Frontend 'mixed' is in http mode and backend 'db' in tcp mode; they must match." {
		t.Fatalf("mode mismatch: %q", d)
	}
	front["default_backend"] = "api"
	front["binds"] = []any{map[string]any{"port": 443}}
	if d := e.c.Do("POST", base+"/frontends", front).Expect(t, 409).String("detail"); d != "Port 443 is already bound by frontend 'https'" {
		t.Fatalf("port taken: %q", d)
	}
	front["binds"] = []any{map[string]any{"port": 80}}
	front["backends"] = []any{map[string]any{"backend": "api", "test": "nope"}}
	e.c.Do("POST", base+"/frontends", front).Expect(t, 400)
	// In use: a backend a frontend routes to, a certificate a bind uses.
	if d := e.c.Do("DELETE", base+"/backends/api", nil).Expect(t, 409).String("detail"); d != "Backend 'api' is used by frontend 'https'" {
		t.Fatalf("delete a used backend: %q", d)
	}
	changed := backend("api", itoa(vm1))
	changed["mode"] = "tcp"
	e.c.Do("PUT", base+"/backends/api", changed).Expect(t, 409)
	e.c.Do("DELETE", base+"/certificates/cert", nil).Expect(t, 409)
	// Update replaces; rename while unused.
	upd := backend("database", itoa(vm2))
	upd["mode"] = "tcp"
	if n := e.c.Do("PUT", base+"/backends/db", upd).Expect(t, 200).String("name"); n != "database" {
		t.Fatalf("renamed to %s", n)
	}
	e.c.Do("GET", base+"/backends/db", nil).Expect(t, 404)
	front = map[string]any{"name": "https", "mode": "http", "binds": []any{map[string]any{"port": 8443}}}
	e.c.Do("PUT", base+"/frontends/https", front).Expect(t, 200)
	if res := e.c.Do("GET", base+"/frontends/https", nil).Expect(t, 200); res.Get("default_backend") != nil || res.Int("binds", 0, "port") != 8443 {
		t.Fatalf("replaced frontend %s", res.Body)
	}
	e.c.Do("DELETE", base+"/certificates/cert", nil).Expect(t, 204)
	e.c.Do("DELETE", base+"/backends/api", nil).Expect(t, 204)
	e.c.Do("DELETE", base+"/frontends/https", nil).Expect(t, 204)
	e.c.Do("GET", base+"/frontends/https", nil).Expect(t, 404)
	if n := e.c.Do("GET", base+"/frontends", nil).Expect(t, 200).Len("frontends"); n != 0 {
		t.Fatalf("%d frontends", n)
	}

	// A deleted VM leaves the backends that named it.
	e.c.Do("PUT", base+"/backends/database", backend("database", itoa(vm1), itoa(vm2))).Expect(t, 200)
	e.c.Do("DELETE", "/vms/"+itoa(vm1), nil).Expect(t, 204)
	e.advance(deleteSeconds * time.Second)
	if ids := e.c.Do("GET", base+"/backends/database", nil).Expect(t, 200).Get("servers", "computer_ids"); len(ids.([]any)) != 1 || ids.([]any)[0] != "2" {
		t.Fatalf("computer_ids after the VM went: %v", ids)
	}
	// A VM of another VPC cannot be a server.
	e.c.Do("POST", "/projects", map[string]any{"id": "dz"}).Expect(t, 201)
	far := e.vm(vmBody("far", "project_id", "dz"))
	if d := e.c.Do("POST", base+"/backends", backend("far", itoa(far))).Expect(t, 400).String("detail"); d != "VM 3 is not in VPC 1 of load balancer 1." {
		t.Fatalf("VM of another VPC: %q", d)
	}
}

// TestLBPublicPorts: public ports of a load balancer come from their own range.
func TestLBPublicPorts(t *testing.T) {
	e := newEnv(t)
	lb := e.lb(lbBody("web-lb"))
	path := "/lbs/" + lb + "/public_ports"
	if p := e.c.Do("POST", path, map[string]any{"port": 80, "desc": "HTTP"}).Expect(t, 200).Int("public_port"); p != 32000 {
		t.Fatalf("first port %d", p)
	}
	if p := e.c.Do("POST", path, map[string]any{"port": 443}).Expect(t, 200).Int("public_port"); p != 32001 {
		t.Fatalf("second port %d", p)
	}
	e.c.Do("POST", path, map[string]any{"port": 443}).Expect(t, 409)
	res := e.c.Do("GET", "/lbs/"+lb, nil)
	if res.Len("public_ip_ports") != 2 || res.String("public_ip_ports", 0, "description") != "HTTP" || res.Int("public_ip_ports", 1, "internal_port") != 443 {
		t.Fatalf("ports %s", res.Body)
	}
	e.c.Do("DELETE", path, map[string]any{"port": 80}).Expect(t, 204)
	e.c.Do("DELETE", path, map[string]any{"port": 80}).Expect(t, 404)
	if p := e.c.Do("POST", path, map[string]any{"port": 8080}).Expect(t, 200).Int("public_port"); p != 32000 {
		t.Fatalf("freed port not reused: %d", p)
	}
	priv := e.lb(lbBody("internal", "visibility", "private"))
	if d := e.c.Do("POST", "/lbs/"+priv+"/public_ports", map[string]any{"port": 80}).Expect(t, 409).String("detail"); d != "Load balancer 2 is private: it has no public ports" {
		t.Fatalf("private: %q", d)
	}
	// Deleting the load balancer frees its ports.
	e.c.Do("DELETE", "/lbs/"+lb, nil).Expect(t, 204)
	e.advance(lbDeleteSeconds * time.Second)
	third := e.lb(lbBody("third"))
	if p := e.c.Do("POST", "/lbs/"+third+"/public_ports", map[string]any{"port": 80}).Expect(t, 200).Int("public_port"); p != 32000 {
		t.Fatalf("port after deletion %d", p)
	}
}

// TestLBCertificates: self-signed, Let's Encrypt and uploaded certificates.
func TestLBCertificates(t *testing.T) {
	e := newEnv(t)
	base := "/lbs/" + e.lb(lbBody("web-lb")) + "/certificates"
	res := e.c.Do("POST", base, map[string]any{"name": "le", "cert_type": "let_encrypt", "cn_name": "www.example.com", "let_encrypt_email": "a@example.com"}).Expect(t, 201)
	if res.String("issuers") != "R11" || res.String("not_before") != "2025-01-20T12:00:30Z" || res.String("not_after") != "2025-04-20T12:00:30Z" ||
		res.String("domains") != "www.example.com" || res.Int("size") != 2048 || len(res.String("serial")) != 47 {
		t.Fatalf("let's encrypt %s", res.Body)
	}
	if got := pyErrors(t, e.c.Do("POST", base, map[string]any{"name": "le2", "cert_type": "let_encrypt", "cn_name": "x.example.com"}).Expect(t, 422)); got !=
		"value_error body: Value error, cn_name and let_encrypt_email are required for a let_encrypt certificate" {
		t.Fatalf("let's encrypt without email: %s", got)
	}
	if res := e.c.Do("POST", base, map[string]any{"name": "self", "cert_type": "self_signed"}).Expect(t, 201); res.String("common_name") != "web-lb" || res.String("issuers") != "web-lb" {
		t.Fatalf("self-signed %s", res.Body)
	}
	e.c.Do("POST", base, map[string]any{"name": "self", "cert_type": "self_signed"}).Expect(t, 409)

	// Upload: the certificate and its key, read for what the page shows.
	pemText, other := testCertificate(t)
	res = e.c.Do("POST", base, map[string]any{"name": "up", "cert_type": "upload", "cert_content": pemText}).Expect(t, 201)
	want := `{"name":"up","cert_type":"upload","common_name":"example.com","subject":"CN=example.com,O=Example","domains":"example.com, www.example.com",` +
		`"issuers":"example.com","not_before":"2024-01-01T00:00:00Z","not_after":"2025-01-01T00:00:00Z","serial":"03:AB:CD:EF","size":256}`
	if string(res.Body) != want {
		t.Fatalf("uploaded\n%s\nwant\n%s", res.Body, want)
	}
	if string(e.c.Do("GET", base+"/up", nil).Expect(t, 200).Body) != want {
		t.Fatal("GET differs")
	}
	for content, detail := range map[string]string{
		"hello": "cert_content holds no PEM certificate.",
		strings.Split(pemText, "-----BEGIN EC PRIVATE KEY-----")[0]:         "cert_content holds no private key (PEM) for the certificate.",
		strings.Split(pemText, "-----BEGIN EC PRIVATE KEY-----")[0] + other: "The private key in cert_content does not match the certificate.",
	} {
		if d := e.c.Do("POST", base, map[string]any{"name": "bad", "cert_type": "upload", "cert_content": content}).Expect(t, 400).String("detail"); d != detail {
			t.Fatalf("%q: %q", content, d)
		}
	}
	if n := e.c.Do("GET", base, nil).Expect(t, 200).Len("certificates"); n != 3 {
		t.Fatalf("%d certificates", n)
	}
	e.c.Do("DELETE", base+"/self", nil).Expect(t, 204)
	e.c.Do("GET", base+"/self", nil).Expect(t, 404)
}

// testCertificate is a PEM certificate (serial 03:AB:CD:EF, P-256) with its key, and another
// key.
func testCertificate(t *testing.T) (certAndKey, otherKey string) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(0x03abcdef), Subject: pkix.Name{CommonName: "example.com", Organization: []string{"Example"}},
		DNSNames: []string{"example.com", "www.example.com"}, NotBefore: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := func(k *ecdsa.PrivateKey) string {
		b, _ := x509.MarshalECPrivateKey(k)
		return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: b}))
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})) + pemKey(key), pemKey(other)
}

// TestRestartDuringLBCreation: a creation under way goes on after a restart.
func TestRestartDuringLBCreation(t *testing.T) {
	e := newEnv(t, simtest.WithTokens("keep"))
	s, _ := e.openStream(e.c, "/lbs", lbBody("web-lb"))
	s.next()
	e.advance(15 * time.Second)
	e.s.Restart()
	e.c = e.s.Client("openscaler", simtest.DefaultToken)
	if st := e.c.Do("GET", "/lbs/1", nil).Expect(t, 200).String("status"); st != "creating" {
		t.Fatalf("status after restart %s", st)
	}
	e.c.Do("POST", "/lbs/1/public_ports", map[string]any{"port": 80}).Expect(t, 409)
	e.advance(lbCreateSeconds * time.Second)
	res := e.c.Do("GET", "/lbs/1", nil).Expect(t, 200)
	if res.String("status") != "ready" || res.String("updated_at") != "2025-01-20T12:00:30" {
		t.Fatalf("after the restart %s", res.Body)
	}
	e.c.Do("POST", "/lbs/1/public_ports", map[string]any{"port": 80}).Expect(t, 200)
	if id := e.lb(lbBody("next")); id != "2" {
		t.Fatalf("next id %s", id)
	}
}
