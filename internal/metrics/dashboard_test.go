package metrics_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/panelsim/panelsim/internal/metrics"
)

// dashboardFile is the Grafana dashboard shipped for panelsim's metrics.
const dashboardFile = "../../deploy/grafana/panelsim-dashboard.json"

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type dashboard struct {
	Inputs []struct {
		Name     string `json:"name"`
		Type     string `json:"type"`
		PluginID string `json:"pluginId"`
	} `json:"__inputs"`
	SchemaVersion int    `json:"schemaVersion"`
	Title         string `json:"title"`
	UID           string `json:"uid"`
	Panels        []struct {
		ID         int         `json:"id"`
		Type       string      `json:"type"`
		Title      string      `json:"title"`
		Datasource *datasource `json:"datasource"`
		GridPos    struct {
			H, W, X, Y int
		} `json:"gridPos"`
		Targets []struct {
			RefID      string      `json:"refId"`
			Expr       string      `json:"expr"`
			Datasource *datasource `json:"datasource"`
		} `json:"targets"`
	} `json:"panels"`
	Templating struct {
		List []struct {
			Name       string      `json:"name"`
			Datasource *datasource `json:"datasource"`
			Definition string      `json:"definition"`
		} `json:"list"`
	} `json:"templating"`
}

// metricName finds the names of metrics in a PromQL expression (those of panelsim and of
// Go's and the process's collectors).
var metricName = regexp.MustCompile(`\b(?:panelsim|go|process)_[a-zA-Z0-9_]+`)

// exported reports whether a metric name is one of fams, a histogram's series included.
func exported(fams map[string]*dto.MetricFamily, name string) bool {
	if fams[name] != nil {
		return true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if f := fams[strings.TrimSuffix(name, suffix)]; f != nil && strings.HasSuffix(name, suffix) && f.GetType() == dto.MetricType_HISTOGRAM {
			return true
		}
	}
	return false
}

// TestDashboardQueriesWhatIsExported parses the Grafana dashboard and checks it: schema 39,
// the data source an input variable, and every metric its queries name one that /metrics
// gives after the known sequence; every panelsim metric has a panel.
func TestDashboardQueriesWhatIsExported(t *testing.T) {
	raw, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	if d.SchemaVersion != 39 || d.UID == "" || d.Title == "" {
		t.Errorf("schemaVersion %d, uid %q, title %q", d.SchemaVersion, d.UID, d.Title)
	}
	if len(d.Inputs) != 1 || d.Inputs[0].Name != "DS_PROMETHEUS" || d.Inputs[0].PluginID != "prometheus" {
		t.Errorf("inputs %+v, want DS_PROMETHEUS for prometheus", d.Inputs)
	}
	viaInput := func(where string, ds *datasource) {
		if ds == nil || ds.Type != "prometheus" || ds.UID != "${DS_PROMETHEUS}" {
			t.Errorf("%s: data source %+v, want prometheus ${DS_PROMETHEUS}", where, ds)
		}
	}
	fams := runKnown(t).fams
	used := map[string]bool{}
	check := func(where, expr string) {
		names := metricName.FindAllString(expr, -1)
		if len(names) == 0 {
			t.Errorf("%s: %q names no metric", where, expr)
		}
		for _, n := range names {
			if !exported(fams, n) {
				t.Errorf("%s: %s is not exported by the simulator", where, n)
			}
			used[n] = true
		}
	}
	ids := map[int]bool{}
	queries := 0
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d twice", p.ID)
		}
		ids[p.ID] = true
		if p.Type == "row" {
			continue
		}
		if p.GridPos.W == 0 || p.GridPos.H == 0 || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("panel %q: grid position %+v", p.Title, p.GridPos)
		}
		viaInput("panel "+p.Title, p.Datasource)
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, q := range p.Targets {
			viaInput("panel "+p.Title+" "+q.RefID, q.Datasource)
			check("panel "+p.Title, q.Expr)
			queries++
		}
	}
	for _, v := range d.Templating.List {
		viaInput("variable "+v.Name, v.Datasource)
		check("variable "+v.Name, v.Definition)
	}
	if queries < 10 {
		t.Errorf("%d queries", queries)
	}
	for _, name := range []string{metrics.RequestsTotal, metrics.RequestDuration + "_bucket", metrics.Worlds, metrics.TasksPending,
		metrics.TasksRunTotal, metrics.RuleHitsTotal, metrics.StoreSize, metrics.CommitDuration + "_bucket"} {
		if !used[name] {
			t.Errorf("no panel shows %s", name)
		}
	}
}
