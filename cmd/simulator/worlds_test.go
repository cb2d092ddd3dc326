package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// sh runs the binary to its end and returns its standard output; a failure fails the test
// unless wantFail.
func sh(t *testing.T, bin string, stdin []byte, wantFail bool, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "PANELSIM_OPENSCALER=127.0.0.1:0")
	var out, errOut bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(stdin), &out, &errOut
	err := cmd.Run()
	if (err != nil) != wantFail {
		t.Fatalf("simulator %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}

func call(t *testing.T, method, url, token string, body string) []byte {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Panelsim-Token", token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, url, res.StatusCode, raw)
	}
	return raw
}

// A world made through a running simulator is exported from its data file once the simulator
// stops, imported into another file, and served from there; the same through --url while
// a simulator runs. `simulator worlds` lists both with their counts.
func TestWorldCommands(t *testing.T) {
	bin := build(t)
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first.db"), filepath.Join(dir, "second.db")
	common := []string{"--virtfusion", "127.0.0.1:0", "--tenantos", "off", "--e24cloud", "off", "--clock", "manual"}

	cmd, url := run(t, bin, append([]string{"--data", first, "--token", "team"}, common...)...)
	call(t, "POST", url+"/api/v1/users", "team", `{"name":"A","email":"a@example.com","extRelationId":9}`)
	call(t, "POST", url+"/api/v1/servers", "team", `{"packageId":1,"userId":1,"hypervisorId":1}`)
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()

	doc, _ := sh(t, bin, nil, false, "world", "export", "team", "--data", first)
	var parsed map[string]any
	if err := json.Unmarshal([]byte(doc), &parsed); err != nil || parsed["format"] != "panelsim-world/1" {
		t.Fatalf("export: %v\n%.300s", err, doc)
	}
	file := filepath.Join(dir, "world.json")
	os.WriteFile(file, []byte(doc), 0o644)
	sh(t, bin, nil, false, "world", "import", "moved", file, "--data", second)
	again, _ := sh(t, bin, nil, false, "world", "export", "moved", "--data", second)
	if strip(again) != strip(doc) {
		t.Fatalf("export after import differs:\n%s\n---\n%s", again, doc)
	}
	list, _ := sh(t, bin, nil, false, "worlds", "--data", second)
	if !strings.Contains(list, "moved") || !strings.Contains(list, "virtfusion: ") || !strings.Contains(list, "1 servers") {
		t.Fatalf("worlds:\n%s", list)
	}
	_, msg := sh(t, bin, nil, true, "world", "export", "nobody", "--data", second)
	if !strings.Contains(msg, "no world") {
		t.Fatalf("export of an unknown token said %q", msg)
	}
	bad := strings.Replace(doc, `"schema": 1`, `"schema": 7`, 1)
	_, msg = sh(t, bin, []byte(bad), true, "world", "import", "moved", "-", "--data", second)
	if !strings.Contains(msg, "schema is 7") {
		t.Fatalf("import of a bad document said %q", msg)
	}

	// Through a running simulator's control API.
	_, url = run(t, bin, append([]string{"--data", second, "--token", "live", "--admin-token", "root"}, common...)...)
	base := url
	sh(t, bin, nil, false, "world", "import", "live", file, "--url", base)
	got := call(t, "GET", url+"/api/v1/servers/1", "live", "")
	if !bytes.Contains(got, []byte(`"id":1`)) {
		t.Fatalf("server of the imported world: %s", got)
	}
	viaURL, _ := sh(t, bin, nil, false, "world", "export", "live", "--url", base)
	if strip(viaURL) != strip(doc) {
		t.Fatalf("export over --url differs:\n%s", viaURL)
	}
	list, _ = sh(t, bin, nil, false, "worlds", "--url", base, "--admin-token", "root", "--json")
	if !strings.Contains(list, `"live"`) || !strings.Contains(list, `"servers": 1`) {
		t.Fatalf("worlds over --url:\n%s", list)
	}
	_, msg = sh(t, bin, nil, true, "world", "export", "live", "--data", second)
	if !strings.Contains(msg, "in use") {
		t.Fatalf("export from a file in use said %q", msg)
	}
	if out, _ := sh(t, bin, nil, false, "completion", "bash"); !strings.Contains(out, "complete -F") {
		t.Fatalf("completion: %s", out)
	}
}

// strip drops the world id, which differs from file to file.
func strip(doc string) string {
	var out []string
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), `"id": "w`) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
