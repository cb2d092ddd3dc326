package servers_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestAvailableStatistics: by what the server is.
func TestAvailableStatistics(t *testing.T) {
	e := newEnv(t)
	e.addVM(40, 3)
	for id, want := range map[string]string{"2": "bandwidth,ipmi", "5": "bandwidth", "40": "bandwidth,cpu,memory,diskio"} {
		res := e.do("GET", "/servers/"+id+"/stats/getAvailableStatistics?predefined=1h", nil).Expect(t, 200)
		if got := strings.Join(strs(res, "result", "available"), ","); got != want {
			t.Fatalf("server %s: %s, want %s", id, got, want)
		}
	}
	e.do("GET", "/servers/40/stats/getAvailableStatistics", nil, as(3)...).Expect(t, 200)
	e.do("GET", "/servers/40/stats/getAvailableStatistics", nil, as(4)...).Expect(t, 404)
}

// TestStatisticsSeries: points every interval up to the world's clock, the same for the same
// clock, moving with it; kinds the server lacks are refused.
func TestStatisticsSeries(t *testing.T) {
	e := newEnv(t)
	e.addVM(40, 1)
	cpu := func() map[string]any {
		res := e.do("POST", "/servers/40/stats/cpu/graph", map[string]any{"predefined": "1h"}).Expect(t, 200)
		return res.Get("result").(map[string]any)
	}
	now := time.Date(2025, 1, 20, 12, 0, 0, 0, time.UTC).Unix()
	a, b := cpu(), cpu()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Fatal("two answers for the same clock differ")
	}
	series := a["series"].([]any)[0].(map[string]any)
	data := series["data"].([]any)
	last := data[len(data)-1].([]any)
	if len(data) != 61 || series["name"] != "cpu" || series["unit"] != "%" || num(last[0]) != float64(now) ||
		num(a["period"].(map[string]any)["interval"]) != 60 {
		t.Fatalf("cpu: %s", ja)
	}
	for _, p := range data {
		if v := num(p.([]any)[1]); v < 0 || v > 100 {
			t.Fatalf("cpu value %v", v)
		}
	}
	e.advance(2 * time.Minute)
	c := cpu()
	d := c["series"].([]any)[0].(map[string]any)["data"].([]any)
	if num(d[len(d)-1].([]any)[0]) != float64(now+120) || num(d[len(d)-3].([]any)[1]) != num(last[1]) {
		t.Fatalf("after two minutes: %v", d[len(d)-3:])
	}
	res := e.do("POST", "/servers/40/stats/memory/text", map[string]any{"predefined": "24h"}).Expect(t, 200)
	if res.String("result", "series", 1, "name") != "total" || res.Get("result", "summary", "total", "max").(json.Number).String() != "2048" {
		t.Fatalf("memory: %v", res)
	}
	e.do("POST", "/servers/40/stats/diskio/graph", map[string]any{"predefined": "14days"}).Expect(t, 200)

	res = e.do("POST", "/servers/2/stats/network/graph", map[string]any{"predefined": "30days", "summary": true, "groupBy": "1mo"}).Expect(t, 200)
	if res.String("result", "series", 0, "name") != "in" || res.String("result", "series", 0, "port") != "uplink" ||
		res.Get("result", "traffic", "total_gb") == nil || res.Len("result", "months") != 2 || res.String("result", "months", 1, "period") != "2025-01" {
		t.Fatalf("network: %v", res)
	}
	if res.Len("result", "series", 0, "data") > 400 {
		t.Fatalf("%d points", res.Len("result", "series", 0, "data"))
	}
	res = e.do("POST", "/servers/2/stats/ipmi/graph", map[string]any{"from": "2025-01-20T11:00:00", "to": "2025-01-20T13:00:00"}).Expect(t, 200)
	if res.Int("result", "period", "to") != now+120 || res.Int("result", "period", "from") != now-3600 {
		t.Fatalf("ipmi period: %v", res.Get("result", "period"))
	}
	e.do("POST", "/servers/2/stats/cpu/graph", map[string]any{"predefined": "1h"}).Expect(t, 422)
	e.do("POST", "/servers/5/stats/ipmi/graph", nil).Expect(t, 422)
	e.do("POST", "/servers/2/stats/ipmi/graph", map[string]any{"from": "2025-01-20 11:00:00", "to": "2025-01-19 11:00:00"}).Expect(t, 422)
	e.do("POST", "/servers/2/stats/ipmi/graph", map[string]any{"from": "yesterday"}).Expect(t, 422)
	e.do("POST", "/servers/2/stats/ipmi/chart", nil).Expect(t, 404, 422)
}

func num(v any) float64 {
	switch n := v.(type) {
	case json.Number:
		f, _ := n.Float64()
		return f
	case float64:
		return n
	}
	return -1
}
