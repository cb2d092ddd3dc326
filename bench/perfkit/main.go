// Command perfkit is the Go side of bench/perf.sh: it fills a world with servers, makes
// worlds under --any-token, captures answers for the static baseline, times a clock advance
// under concurrent reads, runs create+build pairs, times start-up, and prints the markdown
// tables. Every subcommand exits non-zero on a non-2xx answer or a socket error.
//
//	perfkit fill     -url VF -servers N [-build] [-c 64]        prints FIRST_ID= LAST_ID= USER_ID=
//	perfkit worlds   -url VF -tokens FILE [-c 16]               one GET per token, each a new world
//	perfkit capture  -url VF -out DIR -uri URI...|-pages P      answers saved for bench/static -dir
//	perfkit advance  -url VF -id ID [-seconds 3600] [-c 2]      advance wall time, GET latency during it
//	perfkit pairs    -url VF -user U -c N -secs S               create+build pairs per second
//	perfkit startup  -bin SIM -n N                              exec to first URL line and to health 200
//	perfkit table    -in TSV -group G -cols ... -ratio ...      markdown table with per-round ratios and medians
//	perfkit tokens   -n N                                       N random tokens, one a line
//	perfkit port                                                a free port on 127.0.0.1
package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: perfkit fill|worlds|capture|advance|pairs|startup|table [flags]")
	}
	cmds := map[string]func([]string){
		"fill": fill, "worlds": worlds, "capture": capture, "advance": advance,
		"pairs": pairs, "startup": startup, "table": table, "port": port, "tokens": tokens,
	}
	cmd, ok := cmds[os.Args[1]]
	if !ok {
		fail("perfkit: unknown subcommand %q", os.Args[1])
	}
	cmd(os.Args[2:])
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

var client = &http.Client{
	Timeout:   10 * time.Minute,
	Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, DisableCompression: true},
}

// call sends one request with a bearer token (or the control token header when control is
// set) and fails on a socket error or an answer outside 2xx.
func call(method, u, token string, body any, control bool) []byte {
	out, status, err := try(method, u, token, body, control)
	if err != nil {
		fail("%s %s: %v", method, u, err)
	}
	if status < 200 || status > 299 {
		fail("%s %s: %d %s", method, u, status, truncate(out))
	}
	return out
}

func try(method, u, token string, body any, control bool) ([]byte, int, error) {
	var rd io.Reader
	if raw, ok := body.([]byte); ok {
		rd = bytes.NewReader(raw) // encoded once by the caller
	} else if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		return nil, 0, err
	}
	if control {
		req.Header.Set("X-Panelsim-Token", token)
	} else {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	out, err := io.ReadAll(res.Body)
	res.Body.Close()
	return out, res.StatusCode, err
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func dataID(raw []byte) int {
	// The answers of panelsim begin {"data":{"id":N,…: read N without decoding 6 KB of JSON,
	// so that the load generator takes less of the CPU it shares with the simulator.
	if rest, ok := bytes.CutPrefix(raw, []byte(`{"data":{"id":`)); ok {
		n, i := 0, 0
		for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9' && i < 18; i++ {
			n = n*10 + int(rest[i]-'0')
		}
		if i > 0 && i < len(rest) && (rest[i] == ',' || rest[i] == '}') && n > 0 {
			return n
		}
	}
	var v struct {
		Data struct {
			ID int `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.Data.ID == 0 {
		fail("no data.id in %s", truncate(raw))
	}
	return v.Data.ID
}

func newUser(api, token string) int {
	return dataID(call("POST", api+"/users", token, map[string]any{"name": "Perf", "email": fmt.Sprintf("perf%d@example.com", time.Now().UnixNano())}, false))
}

// parallel runs f(i) for i in [0,n) on c goroutines.
func parallel(n, c int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

func fill(args []string) {
	fs := flag.NewFlagSet("fill", flag.ExitOnError)
	base := fs.String("url", "", "VirtFusion root URL")
	token := fs.String("token", "panelsim", "bearer token")
	n := fs.Int("servers", 10000, "servers to create")
	build := fs.Bool("build", false, "POST build for each server")
	c := fs.Int("c", 64, "concurrent clients")
	fs.Parse(args)
	api := *base + "/api/v1"
	user := newUser(api, *token)
	began := time.Now()
	var mu sync.Mutex
	first, last := math.MaxInt, 0
	parallel(*n, *c, func(int) {
		id := dataID(call("POST", api+"/servers", *token, map[string]any{"packageId": 1, "userId": user, "hypervisorId": 1}, false))
		if *build {
			call("POST", fmt.Sprintf("%s/servers/%d/build", api, id), *token, map[string]any{"operatingSystemId": 1}, false)
		}
		mu.Lock()
		first, last = min(first, id), max(last, id)
		mu.Unlock()
	})
	d := time.Since(began)
	if first == math.MaxInt {
		first = 0
	}
	fmt.Fprintf(os.Stderr, "fill: %d servers%s in %v (%.0f/s)\n", *n, map[bool]string{true: " built"}[*build], d.Round(time.Millisecond), float64(*n)/d.Seconds())
	fmt.Printf("USER_ID=%d\nFIRST_ID=%d\nLAST_ID=%d\n", user, first, last)
}

func worlds(args []string) {
	fs := flag.NewFlagSet("worlds", flag.ExitOnError)
	base := fs.String("url", "", "VirtFusion root URL")
	file := fs.String("tokens", "", "file of tokens, one a line")
	path := fs.String("path", "/api/v1/servers?results=1", "what each new token GETs")
	c := fs.Int("c", 16, "concurrent clients")
	fs.Parse(args)
	raw, err := os.ReadFile(*file)
	if err != nil {
		fail("%v", err)
	}
	tokens := strings.Fields(string(raw))
	began := time.Now()
	parallel(len(tokens), *c, func(i int) { call("GET", *base+*path, tokens[i], nil, false) })
	d := time.Since(began)
	fmt.Printf("WORLDS=%d\nWORLDS_SECS=%.1f\nWORLDS_PER_SEC=%.0f\n", len(tokens), d.Seconds(), float64(len(tokens))/d.Seconds())
}

// capture saves answers under DIR, each named by its request URI, query-escaped, which is how
// bench/static -dir finds them.
func capture(args []string) {
	fs := flag.NewFlagSet("capture", flag.ExitOnError)
	base := fs.String("url", "", "root URL")
	token := fs.String("token", "panelsim", "bearer token")
	out := fs.String("out", "", "directory")
	pages := fs.Int("pages", 0, "capture /api/v1/servers?results=R&page=1..P")
	results := fs.Int("results", 100, "page size with -pages")
	fs.Parse(args)
	uris := fs.Args()
	for p := 1; p <= *pages; p++ {
		uris = append(uris, fmt.Sprintf("/api/v1/servers?results=%d&page=%d", *results, p))
	}
	os.MkdirAll(*out, 0o755)
	var total atomic.Int64
	parallel(len(uris), 8, func(i int) {
		body := call("GET", *base+uris[i], *token, nil, false)
		total.Add(int64(len(body)))
		if err := os.WriteFile(filepath.Join(*out, url.QueryEscape(uris[i])), body, 0o644); err != nil {
			fail("%v", err)
		}
	})
	fmt.Fprintf(os.Stderr, "capture: %d answers, %d bytes\n", len(uris), total.Load())
}

type sample struct {
	start time.Time
	d     time.Duration
}

func advance(args []string) {
	fs := flag.NewFlagSet("advance", flag.ExitOnError)
	base := fs.String("url", "", "VirtFusion root URL")
	token := fs.String("token", "panelsim", "token of the world")
	id := fs.Int("id", 1, "server the readers GET")
	secs := fs.Int("seconds", 3600, "virtual seconds to advance")
	c := fs.Int("c", 2, "concurrent readers")
	warm := fs.Duration("warm", time.Second, "reading before the advance")
	fs.Parse(args)
	get := fmt.Sprintf("%s/api/v1/servers/%d", *base, *id)
	stop := make(chan struct{})
	var mu sync.Mutex
	var samples []sample
	var bad atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < *c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				t0 := time.Now()
				out, status, err := try("GET", get, *token, nil, false)
				d := time.Since(t0)
				if err != nil || status != 200 {
					fmt.Fprintf(os.Stderr, "advance: GET %s: %d %v %s\n", get, status, err, truncate(out))
					bad.Add(1)
					continue
				}
				mu.Lock()
				samples = append(samples, sample{t0, d})
				mu.Unlock()
			}
		}()
	}
	time.Sleep(*warm)
	t0 := time.Now()
	out := call("POST", *base+"/_sim/clock/advance", *token, map[string]any{"seconds": *secs}, true)
	t1 := time.Now()
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	if bad.Load() > 0 {
		fail("advance: %d GETs failed", bad.Load())
	}
	var clk struct {
		TasksRun     int `json:"tasksRun"`
		PendingTasks int `json:"pendingTasks"`
	}
	json.Unmarshal(out, &clk)
	// A GET counts as during the advance when it was in flight at any moment of it.
	var before, during []time.Duration
	for _, s := range samples {
		switch {
		case s.start.Add(s.d).Before(t0):
			before = append(before, s.d)
		case s.start.Before(t1):
			during = append(during, s.d)
		}
	}
	if len(during) == 0 {
		fail("advance: no GET during the advance")
	}
	fmt.Printf("ADVANCE_MS=%.1f\nTASKS_RUN=%d\nPENDING=%d\nGETS_BEFORE=%d\nBEFORE_P99_MS=%.2f\nGETS_DURING=%d\nDURING_P50_MS=%.2f\nDURING_P99_MS=%.2f\nDURING_MAX_MS=%.2f\n",
		ms(t1.Sub(t0)), clk.TasksRun, clk.PendingTasks, len(before), ms(pct(before, 99)), len(during), ms(pct(during, 50)), ms(pct(during, 99)), ms(pct(during, 100)))
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

func pairs(args []string) {
	fs := flag.NewFlagSet("pairs", flag.ExitOnError)
	base := fs.String("url", "", "VirtFusion root URL")
	token := fs.String("token", "panelsim", "bearer token")
	user := fs.Int("user", 0, "owner of the servers (0: make one)")
	c := fs.Int("c", 1, "concurrent clients")
	secs := fs.Float64("secs", 10, "how long")
	fs.Parse(args)
	api := *base + "/api/v1"
	if *user == 0 {
		*user = newUser(api, *token)
	}
	deadline := time.Now().Add(time.Duration(*secs * float64(time.Second)))
	create, _ := json.Marshal(map[string]any{"packageId": 1, "userId": *user, "hypervisorId": 1})
	build, _ := json.Marshal(map[string]any{"operatingSystemId": 1, "name": "perf"})
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	began := time.Now()
	for w := 0; w < *c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(deadline) {
				t0 := time.Now()
				id := dataID(call("POST", api+"/servers", *token, create, false))
				call("POST", api+"/servers/"+strconv.Itoa(id)+"/build", *token, build, false)
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	d := time.Since(began)
	fmt.Printf("PAIRS=%d\nPAIRS_PER_SEC=%.1f\nP50_MS=%.3f\nP99_MS=%.3f\n", len(lat), float64(len(lat))/d.Seconds(), ms(pct(lat, 50)), ms(pct(lat, 99)))
}

// startup execs the simulator with its four listeners on free ports and a new data file, n
// times, and reports the medians of the time to its first URL line and to the first 200 of
// GET /_sim/health on that URL.
func startup(args []string) {
	fs := flag.NewFlagSet("startup", flag.ExitOnError)
	bin := fs.String("bin", "", "simulator binary")
	n := fs.Int("n", 5, "starts")
	dir := fs.String("dir", os.TempDir(), "where the data files go")
	fs.Parse(args)
	var first, health []time.Duration
	for i := 0; i < *n; i++ {
		data := filepath.Join(*dir, fmt.Sprintf("startup-%d-%d.db", os.Getpid(), i))
		cmd := exec.Command(*bin, "--data", data, "--clock", "manual", "--virtfusion", "127.0.0.1:0", "--tenantos", "127.0.0.1:0",
			"--e24cloud", "127.0.0.1:0", "--openscaler", "127.0.0.1:0", "--log-level", "error")
		out, err := cmd.StdoutPipe()
		if err != nil {
			fail("%v", err)
		}
		cmd.Stderr = os.Stderr
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			fail("%v", err)
		}
		sc := bufio.NewScanner(out)
		var u string
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), "="); ok && strings.HasPrefix(k, "PANELSIM_") && strings.HasSuffix(k, "_URL") {
				u = v
				break
			}
		}
		t1 := time.Now()
		go io.Copy(io.Discard, out)
		if u == "" {
			cmd.Process.Kill()
			cmd.Wait()
			fail("startup: no URL line from %s", *bin)
		}
		for {
			res, err := http.Get(u + "/_sim/health")
			if err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == 200 {
					break
				}
			}
			if time.Since(t0) > 30*time.Second {
				cmd.Process.Kill()
				cmd.Wait()
				fail("startup: no health 200 from %s in 30 s", u)
			}
			time.Sleep(time.Millisecond)
		}
		t2 := time.Now()
		first, health = append(first, t1.Sub(t0)), append(health, t2.Sub(t0))
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		os.Remove(data)
	}
	fmt.Printf("STARTS=%d\nURL_MS=%.1f\nHEALTH_MS=%.1f\n", *n, ms(pct(first, 50)), ms(pct(health, 50)))
}

// table reads TSV lines "group round target ref peer v1 v2 …" and prints the lines of one
// group as a markdown table: the values, each ratio column against the ref target and against
// the peer target of the same round, then one median line per target (medians of the values
// and of the per-round ratios).
func table(args []string) {
	fs := flag.NewFlagSet("table", flag.ExitOnError)
	in := fs.String("in", "", "TSV file")
	group := fs.String("group", "", "group to print")
	cols := fs.String("cols", "req/s,p50 ms,p99 ms,CPU µs/req", "value column names")
	ratio := fs.String("ratio", "0,3,2", "indexes of the value columns that get ratio columns")
	refName := fs.String("refname", "", "how the ref is named in the ratio headers (default: each line's ref)")
	fs.Parse(args)
	raw, err := os.ReadFile(*in)
	if err != nil {
		fail("%v", err)
	}
	names := strings.Split(*cols, ",")
	var ridx []int
	for _, s := range strings.Split(*ratio, ",") {
		if s == "" {
			continue
		}
		i, err := strconv.Atoi(s)
		if err != nil || i >= len(names) {
			fail("table: bad -ratio %q", *ratio)
		}
		ridx = append(ridx, i)
	}
	type line struct {
		round, target, ref, peer string
		v                        []float64
	}
	var lines []line
	byKey := map[string]line{}
	for _, l := range strings.Split(string(raw), "\n") {
		f := strings.Split(l, "\t")
		if len(f) < 5 || f[0] != *group {
			continue
		}
		ln := line{round: f[1], target: f[2], ref: f[3], peer: f[4]}
		for _, s := range f[5:] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				v = math.NaN()
			}
			ln.v = append(ln.v, v)
		}
		for len(ln.v) < len(names) {
			ln.v = append(ln.v, math.NaN())
		}
		lines = append(lines, ln)
		byKey[ln.round+"\x00"+ln.target] = ln
	}
	if len(lines) == 0 {
		fail("table: nothing in group %q", *group)
	}
	hasRef, hasPeer := false, false
	for _, l := range lines {
		hasRef = hasRef || l.ref != ""
		hasPeer = hasPeer || l.peer != ""
	}
	refLabel := *refName
	if refLabel == "" {
		refLabel = "ref"
	}
	hdr := append([]string{"round", "target"}, names...)
	for _, i := range ridx {
		if hasRef {
			hdr = append(hdr, names[i]+" ÷ "+refLabel)
		}
	}
	for _, i := range ridx {
		if hasPeer {
			hdr = append(hdr, names[i]+" ÷ base")
		}
	}
	fmt.Println("| " + strings.Join(hdr, " | ") + " |")
	fmt.Println("|" + strings.Repeat("---|", len(hdr)))
	ratios := func(l line, other string) []float64 {
		o, ok := byKey[l.round+"\x00"+other]
		var r []float64
		for _, i := range ridx {
			if !ok || other == "" || o.v[i] == 0 {
				r = append(r, math.NaN())
			} else {
				r = append(r, l.v[i]/o.v[i])
			}
		}
		return r
	}
	type acc struct {
		v, ref, peer [][]float64
		ref1, peer1  string
	}
	accs := map[string]*acc{}
	var order []string
	row := func(round, target string, v, rr, pr []float64) {
		cells := []string{round, target}
		for _, x := range v {
			cells = append(cells, num(x))
		}
		if hasRef {
			for _, x := range rr {
				cells = append(cells, ratioCell(x))
			}
		}
		if hasPeer {
			for _, x := range pr {
				cells = append(cells, ratioCell(x))
			}
		}
		fmt.Println("| " + strings.Join(cells, " | ") + " |")
	}
	for _, l := range lines {
		rr, pr := ratios(l, l.ref), ratios(l, l.peer)
		row(l.round, l.target, l.v, rr, pr)
		a := accs[l.target]
		if a == nil {
			a = &acc{ref1: l.ref, peer1: l.peer}
			accs[l.target] = a
			order = append(order, l.target)
		}
		a.v, a.ref, a.peer = append(a.v, l.v), append(a.ref, rr), append(a.peer, pr)
	}
	for _, t := range order {
		a := accs[t]
		row("**median**", "**"+t+"**", medians(a.v), medians(a.ref), medians(a.peer))
	}
	fmt.Println()
	if hasRef {
		var pairs []string
		for _, t := range order {
			if r := accs[t].ref1; r != "" {
				pairs = append(pairs, t+" ÷ "+r)
			}
		}
		fmt.Printf("\"÷ %s\": %s, in the same round.", refLabel, strings.Join(pairs, ", "))
	}
	if hasPeer {
		if hasRef {
			fmt.Print(" ")
		}
		fmt.Print("\"÷ base\": current ÷ base, in the same round.")
	}
	if hasRef || hasPeer {
		fmt.Print(" ")
	}
	fmt.Println("Median lines: medians of the values and of the per-round ratios.")
}

func medians(rows [][]float64) []float64 {
	if len(rows) == 0 {
		return nil
	}
	out := make([]float64, len(rows[0]))
	for i := range out {
		var xs []float64
		for _, r := range rows {
			if i < len(r) && !math.IsNaN(r[i]) {
				xs = append(xs, r[i])
			}
		}
		out[i] = median(xs)
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	sort.Float64s(xs)
	if len(xs)%2 == 1 {
		return xs[len(xs)/2]
	}
	return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
}

func num(x float64) string {
	switch {
	case math.IsNaN(x):
		return "–"
	case x == math.Trunc(x) && math.Abs(x) < 1e15:
		return commas(int64(x))
	case math.Abs(x) >= 1000:
		return commas(int64(math.Round(x)))
	case math.Abs(x) >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case math.Abs(x) >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	default:
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
}

func ratioCell(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	switch {
	case x >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case x != 0 && x < 0.1:
		return strconv.FormatFloat(x, 'f', 3, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func tokens(args []string) {
	fs := flag.NewFlagSet("tokens", flag.ExitOnError)
	n := fs.Int("n", 10000, "how many")
	fs.Parse(args)
	w := bufio.NewWriter(os.Stdout)
	b := make([]byte, 12)
	for i := 0; i < *n; i++ {
		rand.Read(b)
		fmt.Fprintf(w, "perf-%s\n", hex.EncodeToString(b))
	}
	w.Flush()
}

func port([]string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("%v", err)
	}
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
}
