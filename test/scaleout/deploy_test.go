package scaleout

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const deployDir = "../../deploy"

// manifest is what the checks read of a Kubernetes object.
type manifest struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec map[string]any `yaml:"spec"`
}

// readManifests parses every document of a YAML file.
func readManifests(t *testing.T, path string) []manifest {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var out []manifest
	for {
		var m manifest
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, m)
	}
}

// TestKubernetesBase: the Kustomize base parses, lists files that exist, and holds a
// StatefulSet with a volume per replica, a headless Service and the proxy's Deployment,
// all on the simulator's ports; the proxy's configuration is the shipped HAProxy file.
func TestKubernetesBase(t *testing.T) {
	dir := filepath.Join(deployDir, "k8s")
	var kust struct {
		Resources          []string `yaml:"resources"`
		ConfigMapGenerator []struct {
			Name  string   `yaml:"name"`
			Files []string `yaml:"files"`
		} `yaml:"configMapGenerator"`
		Images []struct {
			Name string `yaml:"name"`
		} `yaml:"images"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &kust); err != nil {
		t.Fatalf("kustomization.yaml: %v", err)
	}
	kinds := map[string]manifest{}
	for _, r := range kust.Resources {
		for _, m := range readManifests(t, filepath.Join(dir, r)) {
			kinds[m.Kind+"/"+m.Metadata.Name] = m
		}
	}
	sts, ok := kinds["StatefulSet/panelsim"]
	if !ok {
		t.Fatalf("no StatefulSet panelsim in %v", kinds)
	}
	if claims, _ := sts.Spec["volumeClaimTemplates"].([]any); len(claims) != 1 || sts.Spec["serviceName"] != "panelsim" {
		t.Errorf("the StatefulSet wants a volume per replica and the headless service: %v", sts.Spec)
	}
	headless := kinds["Service/panelsim"]
	if headless.Spec["clusterIP"] != "None" || headless.Spec["publishNotReadyAddresses"] != true {
		t.Errorf("Service panelsim is not headless with every pod's name published: %v", headless.Spec)
	}
	if _, ok := kinds["Deployment/panelsim-proxy"]; !ok {
		t.Errorf("no proxy Deployment in %v", kinds)
	}
	for _, name := range []string{"Service/panelsim", "Service/panelsim-proxy"} {
		ports := fmt.Sprint(kinds[name].Spec["ports"])
		for p, port := range ProviderPorts {
			if !strings.Contains(ports, fmt.Sprintf("port:%d", port)) || !strings.Contains(ports, p) {
				t.Errorf("%s does not serve %s on %d: %s", name, p, port, ports)
			}
		}
	}
	if len(kust.ConfigMapGenerator) != 1 || len(kust.ConfigMapGenerator[0].Files) != 1 {
		t.Fatalf("configMapGenerator: %+v", kust.ConfigMapGenerator)
	}
	inK8s, err := os.ReadFile(filepath.Join(dir, kust.ConfigMapGenerator[0].Files[0]))
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := os.ReadFile(filepath.Join(deployDir, "haproxy", "haproxy.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(inK8s, shipped) {
		t.Error("deploy/k8s/haproxy.cfg differs from deploy/haproxy/haproxy.cfg")
	}
	if len(kust.Images) != 2 {
		t.Errorf("images: %+v", kust.Images)
	}
}

// TestProxyConfigsNameTheSimulatorsPorts: each shipped proxy configuration listens on and
// forwards to the four providers' ports, and Render turns it into one for given ports.
func TestProxyConfigsNameTheSimulatorsPorts(t *testing.T) {
	for kind, file := range map[Kind]string{HAProxy: "haproxy/haproxy.cfg", Nginx: "nginx/nginx.conf"} {
		raw, err := os.ReadFile(filepath.Join(deployDir, file))
		if err != nil {
			t.Fatal(err)
		}
		listen := map[int]int{8404: 9404}
		insts := []Instance{{Ports: map[string]int{}, Relay: 40001}, {Ports: map[string]int{}, Relay: 40002}}
		for p, port := range ProviderPorts {
			listen[port] = port + 10000
			insts[0].Ports[p], insts[1].Ports[p] = port+20000, port+30000
		}
		out, err := Render(kind, string(raw), listen, insts)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for p, port := range ProviderPorts {
			for _, want := range []string{fmt.Sprintf("127.0.0.1:%d", port+10000), fmt.Sprintf("127.0.0.1:%d", port+20000), fmt.Sprintf("127.0.0.1:%d", port+30000)} {
				if strings.Count(out, want) != 1 {
					t.Errorf("%s: %s: %q appears %d times, want once", file, p, want, strings.Count(out, want))
				}
			}
		}
		if strings.Contains(out, "panelsim-2") && kind == Nginx || strings.Contains(out, "PANELSIM_DOMAIN}:") {
			t.Errorf("%s: a shipped server line is left:\n%s", file, out)
		}
		if kind == Nginx {
			// Each relay is on the ring and listens; the shipped relays are gone.
			for _, inst := range insts {
				if want := fmt.Sprintf("127.0.0.1:%d", inst.Relay); strings.Count(out, want) != 2 {
					t.Errorf("%s: relay %q appears %d times, want twice (ring and listener)", file, want, strings.Count(out, want))
				}
			}
			if strings.Contains(out, "127.0.0.1:1800") || strings.Contains(out, ".panelsim:") {
				t.Errorf("%s: a shipped relay or address is left:\n%s", file, out)
			}
		}
	}
	if _, err := Render(Nginx, "listen 8081;\n", map[int]int{8081: 1}, []Instance{{Ports: map[string]int{}}}); err == nil {
		t.Error("Render took an nginx instance with no relay port")
	}
	if _, err := Render(HAProxy, "frontend x\n    bind :9999\n", map[int]int{}, []Instance{{}}); err == nil {
		t.Error("Render took a port it was given no replacement for")
	}
}
