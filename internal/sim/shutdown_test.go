package sim_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/panelsim/panelsim/internal/sim"
	"github.com/panelsim/panelsim/simtest"
)

// TestShutdownAnswersInFlight: on Close, a request held by a scenario's latency is answered
// instead of cut, a hung request's connection is closed deliberately, and Close returns
// well within the grace.
func TestShutdownAnswersInFlight(t *testing.T) {
	s := simtest.New(t, simtest.WithOptions(func(o *sim.Options) { o.ShutdownGrace = 3 * time.Second }))
	c := s.Client("virtfusion", simtest.DefaultToken)
	c.Control("POST", "/_sim/scenarios", "name: virtfusion/slow-and-hung\ndescription: test\nrules:\n"+
		"  - match: {operation: testConnection}\n    action: {latency: 30s}\n"+
		"  - match: {operation: listPackages}\n    action: {hang: true}\n").Expect(t, 201)
	c.Activate(t, "virtfusion/slow-and-hung")
	type result struct {
		status int
		err    error
	}
	get := func(path string) <-chan result {
		ch := make(chan result, 1)
		go func() {
			req, _ := http.NewRequest("GET", c.Base+path, nil)
			req.Header.Set("Authorization", "Bearer "+simtest.DefaultToken)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				ch <- result{err: err}
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			ch <- result{status: res.StatusCode}
		}()
		return ch
	}
	slow, hung := get("/connect"), get("/packages")
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	if err := s.Simulator().Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Close took %v", d)
	}
	if r := <-slow; r.err != nil || r.status != 200 {
		t.Fatalf("a request held by latency at shutdown: %d %v", r.status, r.err)
	}
	if r := <-hung; r.err == nil {
		t.Fatalf("a hung request got an answer: %d", r.status)
	}
}

// TestTLSLeafModernHTTP2: the self-signed certificate is a leaf, not a CA; TLS 1.2 offers no
// CBC suites; HTTP/2 is negotiated; a scenario that drops the connection resets the HTTP/2
// stream instead, and the journal still records it.
func TestTLSLeafModernHTTP2(t *testing.T) {
	s := simtest.New(t, simtest.WithTLS())
	addr := s.URL("virtfusion")[len("https://"):]
	conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	cert := conn.ConnectionState().PeerCertificates[0]
	conn.Close()
	if cert.IsCA || cert.KeyUsage&x509.KeyUsageCertSign != 0 {
		t.Fatalf("certificate: CA %v, key usage %b", cert.IsCA, cert.KeyUsage)
	}
	for _, suite := range []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256} {
		c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{suite}})
		if err == nil {
			c.Close()
			t.Fatalf("TLS 1.2 handshake with %s succeeded", tls.CipherSuiteName(suite))
		}
	}
	for _, v := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
		c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MinVersion: v, MaxVersion: v})
		if err == nil {
			c.Close()
			t.Fatalf("handshake with %s succeeded", tls.VersionName(v))
		}
	}

	h2 := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, ForceAttemptHTTP2: true}, Timeout: 10 * time.Second}
	do := func(path string) (*http.Response, error) {
		req, _ := http.NewRequest("GET", s.URL("virtfusion")+"/api/v1"+path, nil)
		req.Header.Set("Authorization", "Bearer "+simtest.DefaultToken)
		return h2.Do(req)
	}
	res, err := do("/connect")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.ProtoMajor != 2 || res.StatusCode != 200 {
		t.Fatalf("%s %d", res.Proto, res.StatusCode)
	}
	c := s.Client("virtfusion", simtest.DefaultToken)
	c.Control("POST", "/_sim/scenarios", "name: virtfusion/cut\ndescription: test\nrules:\n"+
		"  - match: {operation: listPackages}\n    action: {drop: true}\n"+
		"  - match: {operation: testConnection}\n    action: {truncate: true}\n").Expect(t, 201)
	c.Activate(t, "virtfusion/cut")
	if res, err := do("/packages"); err == nil {
		res.Body.Close()
		t.Fatalf("a dropped request over HTTP/2 was answered %d", res.StatusCode)
	}
	if res, err := do("/connect"); err == nil {
		_, err = io.ReadAll(res.Body)
		res.Body.Close()
		if err == nil {
			t.Fatal("a truncated answer over HTTP/2 was read whole")
		}
	}
	if res, err := do("/servers/1"); err != nil { // the connection carries other streams on
		t.Fatalf("a request after the reset streams: %v", err)
	} else {
		res.Body.Close()
	}
	j := c.Control("GET", "/_sim/journal?path=/packages", nil).Expect(t, 200)
	if j.Len("entries") != 1 || j.String("entries", 0, "rule") == "" {
		t.Fatalf("journal of the dropped request: %s", j.Body)
	}
}
