package config

import (
	"slices"
	"testing"
)

// TestInstanceAndPeers: --instance-name and --peers reach the options, from flags and from
// the environment; a peer that is not a listener's URL is refused.
func TestInstanceAndPeers(t *testing.T) {
	cli, _, err := parse(t, "serve", "--instance-name", "panelsim-1", "--peers", "http://panelsim-0.panelsim:8081/,https://10.0.0.3:8081")
	if err != nil {
		t.Fatal(err)
	}
	o, err := cli.Serve.Options(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.InstanceName != "panelsim-1" || !slices.Equal(o.Peers, []string{"http://panelsim-0.panelsim:8081", "https://10.0.0.3:8081"}) {
		t.Fatalf("flags: %q %q", o.InstanceName, o.Peers)
	}

	t.Setenv("PANELSIM_INSTANCE_NAME", "from-env")
	t.Setenv("PANELSIM_PEERS", "http://a:8081, http://b:8081")
	cli, _, err = parse(t)
	if err != nil {
		t.Fatal(err)
	}
	if o, err = cli.Serve.Options(nil, nil); err != nil || o.InstanceName != "from-env" || !slices.Equal(o.Peers, []string{"http://a:8081", "http://b:8081"}) {
		t.Fatalf("environment: %q %q %v", o.InstanceName, o.Peers, err)
	}

	for _, bad := range []string{"panelsim-0:8081", "ftp://a:21", "http://a:8081/_sim/worlds", "http://a:8081?x=1", "http://"} {
		cli, _, err := parse(t, "serve", "--peers", bad)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cli.Serve.Options(nil, nil); err == nil {
			t.Errorf("--peers %q was taken", bad)
		}
	}
}
