package config

import "testing"

// TestMetricsFlag: metrics are served unless --metrics=false, --no-metrics or
// PANELSIM_METRICS=false says otherwise.
func TestMetricsFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  string
		off  bool
	}{
		{nil, "", false},
		{[]string{"--metrics"}, "", false},
		{[]string{"--metrics=false"}, "", true},
		{[]string{"--no-metrics"}, "", true},
		{[]string{"--metrics=true"}, "", false},
		{nil, "false", true},
		{[]string{"--metrics"}, "false", false},
	} {
		if c.env != "" {
			t.Setenv("PANELSIM_METRICS", c.env)
		}
		cli, _, err := parse(t, c.args...)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		o, err := cli.Serve.Options(nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if o.NoMetrics != c.off {
			t.Errorf("%v with PANELSIM_METRICS=%q: NoMetrics %v, want %v", c.args, c.env, o.NoMetrics, c.off)
		}
	}
}
