package ui_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/panelsim/panelsim/simtest"
)

// chrome starts a headless Chromium for the test: Debian's chromium, or the test is skipped
// unless PANELSIM_BROWSER_TESTS=1 asks for it (then a missing browser fails).
func chrome(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("PANELSIM_BROWSER_TESTS") == "1" {
			t.Fatal("PANELSIM_BROWSER_TESTS=1 but no chromium is installed (apt-get install chromium)")
		}
		t.Skip("no chromium: browser tests skipped (set PANELSIM_BROWSER_TESTS=1 to require them)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 860), chromedp.Flag("disable-gpu", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(func() { cancelTime(); cancelCtx(); cancelAlloc() })
	return ctx
}

// shot saves the page as docs/images/ui-<name>.png when PANELSIM_SCREENSHOTS=1.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("PANELSIM_SCREENSHOTS") != "1" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join("..", "..", "docs", "images", "ui-"+name+".png")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval reads a JavaScript expression's value on the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor polls cond (a JavaScript expression) on the page until it is true.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !eval[bool](t, ctx, "!!("+cond+")") {
		if time.Now().After(deadline) {
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.querySelector('main').innerText"))
			t.Fatalf("%s: not seen on the page in 15s; page: %.1500s", what, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDashboardInABrowser signs in, opens every page, watches a VirtFusion build move on the
// Tasks page as the clock advances (live, without a reload), switches a scenario on with one
// click and sees its answer in the live journal, and takes and restores a snapshot.
func TestDashboardInABrowser(t *testing.T) {
	ctx := chrome(t)
	s := simtest.New(t, simtest.WithTokens(worldToken))
	base := s.URL("virtfusion") + "/_sim/ui"
	api := s.Client("virtfusion", worldToken)

	// Sign in.
	run(t, ctx, "sign in", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), worldToken), chromedp.Click(chromedp.CSS("#sign-in")),
		chromedp.WaitVisible(chromedp.CSS("aside.kinds")))
	if strings.Contains(eval[string](t, ctx, "document.documentElement.outerHTML"), worldToken) {
		t.Error("the world page shows the token")
	}
	if eval[string](t, ctx, "document.cookie") != "" {
		t.Error("the session cookie is readable from scripts")
	}

	// A server, made and built through the API.
	u := api.Do("POST", "/users", map[string]any{"name": "Ada Lovelace", "email": "ada@example.com"}).Expect(t, 201).Int("data", "id")
	srv := api.Do("POST", "/servers", map[string]any{"packageId": 1, "userId": u, "hypervisorId": 1}).Expect(t, 201).Int("data", "id")
	api.Do("POST", fmt.Sprintf("/servers/%d/build", srv), map[string]any{"operatingSystemId": 1, "name": "web-1"}).Expect(t, 200)

	run(t, ctx, "world page", chromedp.Navigate(base+"/world?provider=virtfusion&kind=servers"), chromedp.WaitVisible(chromedp.CSS("#records")))
	if !eval[bool](t, ctx, fmt.Sprintf(`[...document.querySelectorAll('#records a')].some(a => a.href.endsWith('kind=users&id=%d'))`, u)) {
		t.Error("the server's ownerId does not link to its user")
	}
	shot(t, ctx, "world")
	run(t, ctx, "follow the owner link", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#records a[href$="kind=users&id=%d"]`, u))),
		chromedp.WaitVisible(chromedp.CSS("#record")))
	if !strings.Contains(eval[string](t, ctx, "document.querySelector('#record').innerText"), "ada@example.com") {
		t.Error("the owner link does not open the user")
	}

	// The build's progress moves on the Tasks page as the clock advances step by step.
	run(t, ctx, "tasks page", chromedp.Navigate(base+"/tasks"), chromedp.WaitVisible(chromedp.CSS("#pending")))
	waitFor(t, ctx, "the live stream", `document.querySelector('#live').textContent === 'live'`)
	eval[bool](t, ctx, `window.notReloaded = true`)
	readPct := `(document.querySelector('#pending .pct') || {textContent: 'done'}).textContent.trim()`
	seen := []string{eval[string](t, ctx, readPct)}
	for step := 0; step < 20; step++ {
		clk := api.Control("GET", "/_sim/clock", nil).Expect(t, 200)
		due := clk.String("nextDue")
		if due == "" {
			break
		}
		api.Control("POST", "/_sim/clock/advance", map[string]any{"to": due}).Expect(t, 200)
		last := seen[len(seen)-1]
		waitFor(t, ctx, "the progress after step "+strconv.Itoa(step+1), readPct+" !== "+strconv.Quote(last))
		seen = append(seen, eval[string](t, ctx, readPct))
		if step == 4 {
			shot(t, ctx, "tasks")
		}
	}
	if len(seen) < 5 || seen[len(seen)-1] != "done" {
		t.Errorf("progress seen on the page: %v", seen)
	}
	prev := -1
	for _, p := range seen[:len(seen)-1] {
		n, err := strconv.Atoi(strings.TrimSuffix(p, "%"))
		if err != nil || n <= prev {
			t.Errorf("progress does not move forward: %v", seen)
			break
		}
		prev = n
	}
	waitFor(t, ctx, "the build's 11 steps in the timeline", `[...document.querySelectorAll('#ran tbody tr')].filter(r => r.innerText.includes('build')).length === 11`)
	if !eval[bool](t, ctx, "window.notReloaded === true") {
		t.Error("the tasks page was reloaded")
	}
	if api.Do("GET", fmt.Sprintf("/servers/%d", srv), nil).Expect(t, 200).String("data", "state") != "complete" {
		t.Error("the server is not built")
	}

	// A scenario switched on with one click; its answer shows in the live journal.
	run(t, ctx, "scenarios page", chromedp.Navigate(base+"/scenarios"),
		chromedp.Click(chromedp.CSS(`button[data-scenario="virtfusion/rate-limited"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#flash`)))
	if res := api.Control("GET", "/_sim/scenarios", nil).Expect(t, 200); res.String("active", 0, "name") != "virtfusion/rate-limited" {
		t.Fatalf("the click did not switch the scenario on: %v", res)
	}
	if !eval[bool](t, ctx, `document.querySelector('button[data-scenario="virtfusion/rate-limited"]').classList.contains('on')`) {
		t.Error("the scenarios page does not show the scenario on")
	}
	shot(t, ctx, "scenarios")
	run(t, ctx, "journal page", chromedp.Navigate(base+"/journal"), chromedp.WaitVisible(chromedp.CSS("#journal")))
	waitFor(t, ctx, "the live stream", `document.querySelector('#live').textContent === 'live'`)
	api.Do("GET", "/servers", nil).Expect(t, 429)
	waitFor(t, ctx, "the 429 with its rule", `[...document.querySelectorAll('#journal tr.entry')].some(r => r.querySelector('.status').textContent === '429' && r.querySelector('.rule').textContent.startsWith('virtfusion/rate-limited'))`)
	run(t, ctx, "open the entry", chromedp.Click(chromedp.CSS(`#journal tr.entry:first-child summary`)))
	if txt := eval[string](t, ctx, `document.querySelector('#journal tr.entry:first-child details').innerText`); !strings.Contains(txt, "status 429") || !strings.Contains(txt, "GET /api/v1/servers") ||
		!strings.Contains(txt, "Answer body") || !strings.Contains(txt, "Too Many") {
		t.Errorf("the entry opens to %q", txt)
	}
	shot(t, ctx, "journal")
	// Filtered by status, only the refused request is left.
	run(t, ctx, "filter", chromedp.SetValue(chromedp.CSS("#f-status"), "429"), chromedp.Submit(chromedp.CSS("#filters")), chromedp.WaitVisible(chromedp.CSS("#journal")))
	waitFor(t, ctx, "the filtered journal", `location.search.includes('status=429')`)
	if n := eval[int](t, ctx, `[...document.querySelectorAll('#journal tr.entry .status')].filter(s => s.textContent !== '429').length`); n != 0 {
		t.Errorf("the status filter left %d other entries", n)
	}
	api.Deactivate(t, "virtfusion/rate-limited")

	// Snapshots: take one, move the clock, restore it.
	run(t, ctx, "take a snapshot", chromedp.Navigate(base+"/snapshots"), chromedp.SendKeys(chromedp.CSS("#snapshot-name"), "built"),
		chromedp.Click(chromedp.CSS("#take")), chromedp.WaitVisible(chromedp.CSS("#snapshot-built")))
	before := api.Control("GET", "/_sim/clock", nil).Expect(t, 200).String("now")
	api.Control("POST", "/_sim/clock/advance", map[string]any{"hours": 5}).Expect(t, 200)
	shot(t, ctx, "snapshots")
	run(t, ctx, "restore it", chromedp.Click(chromedp.CSS("#snapshot-built button.restore")))
	waitFor(t, ctx, "the restore's message", `(document.querySelector('#flash') || {textContent: ''}).textContent.includes('restored')`)
	if now := api.Control("GET", "/_sim/clock", nil).Expect(t, 200).String("now"); now != before {
		t.Errorf("clock after restoring from the page: %s, want %s", now, before)
	}

	// The clock: advance from the page and see what ran.
	api.Control("POST", fmt.Sprintf("/api/v1/servers/%d/power/shutdown", srv), nil)
	api.Do("POST", fmt.Sprintf("/servers/%d/power/shutdown", srv), nil)
	run(t, ctx, "clock page", chromedp.Navigate(base+"/clock"), chromedp.SetValue(chromedp.CSS("#amount"), "2"),
		chromedp.SetValue(chromedp.CSS("#unit"), "minutes"), chromedp.Click(chromedp.CSS("#advance")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	if txt := eval[string](t, ctx, `document.querySelector('#flash').textContent`); !strings.Contains(txt, "Advanced 2 minutes") {
		t.Errorf("clock page says %q", txt)
	}
	shot(t, ctx, "clock")

	// Requests: charts per operation.
	for i := 0; i < 5; i++ {
		api.Do("GET", "/servers", nil).Expect(t, 200)
	}
	run(t, ctx, "requests page", chromedp.Navigate(base+"/requests"), chromedp.WaitVisible(chromedp.CSS("#ops svg.chart")))
	if !strings.Contains(eval[string](t, ctx, `document.querySelector('#ops').innerText`), "virtfusion · listServers\t") {
		t.Errorf("requests page: %s", eval[string](t, ctx, `document.querySelector('#ops').innerText`))
	}
	shot(t, ctx, "requests")
	run(t, ctx, "world overview", chromedp.Navigate(base+"/world?provider=virtfusion&kind=hypervisors"), chromedp.WaitVisible(chromedp.CSS("#records")))
	if strings.Contains(eval[string](t, ctx, "document.documentElement.outerHTML"), worldToken) {
		t.Error("a page shows the token")
	}
}
