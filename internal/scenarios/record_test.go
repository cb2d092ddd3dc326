package scenarios

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRecorderKeepsExchanges: a recording keeps each exchange's time and request (query,
// Accept, body) with every secret scrubbed, even one nested in the body, and loads back as
// a scenario.
func TestRecorderKeepsExchanges(t *testing.T) {
	file := filepath.Join(t.TempDir(), "e24cloud-recorded.yaml")
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	r := NewRecorder("e24cloud", "https://panel.example.com", file, at)
	body := `{"create_vm":{"name":"web","password":"Nested-Secret-1"},"zone":"poz"}`
	err := r.Add("PUT", "/v2/virtual-machines", url.Values{"api_key": {"Query-Secret-2"}, "page": {"1"}}, []byte(body), 200,
		"application/json", "", []byte(`{"virtual_machine":{"id":"x","root_password":"Answer-Secret-3"}}`),
		Exchange{At: at, Seconds: 1.23456, ContentType: "application/json", Accept: "application/json"})
	if err != nil {
		t.Fatal(err)
	}
	err = r.Add("POST", "/api/servers/2/provisioning/startReinstallation", nil, []byte("profileId=1&rootpassword=Form-Secret-4"), 200,
		"application/json", "", []byte(`{}`), Exchange{At: at.Add(time.Minute), ContentType: "application/x-www-form-urlencoded"})
	if err != nil {
		t.Fatal(err)
	}
	err = r.Add("POST", "/v2/upload", nil, []byte("\x00binary Other-Secret-5"), 201, "", "", nil, Exchange{At: at.Add(2 * time.Minute), ContentType: "application/octet-stream"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Nested-Secret-1", "Query-Secret-2", "Answer-Secret-3", "Form-Secret-4", "Other-Secret-5"} {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("the recording keeps %s:\n%s", secret, raw)
		}
	}
	sc, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Check(map[string][]string{"e24cloud": nil}); err != nil {
		t.Fatal(err)
	}
	first, second := sc.Rules[0], sc.Rules[1]
	if first.Match.Body["zone"] != "poz" || first.Match.Body["create_vm"] != nil || first.Match.Query["page"] != "1" {
		t.Fatalf("match %+v", first.Match)
	}
	x := first.Recorded
	if x == nil || !x.At.Equal(at) || x.Seconds != 1.235 || x.Accept != "application/json" || x.Query != "api_key=%5Bscrubbed%5D&page=1" ||
		x.Body != `{"create_vm":{"name":"web","password":"[scrubbed]"},"zone":"poz"}` {
		t.Fatalf("recorded %+v", x)
	}
	if second.Recorded.Body != "profileId=1&rootpassword=%5Bscrubbed%5D" || sc.Rules[2].Recorded.Body != "" {
		t.Fatalf("form and binary bodies: %q %q", second.Recorded.Body, sc.Rules[2].Recorded.Body)
	}
}
