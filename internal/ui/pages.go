package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/journal"
	"github.com/panelsim/panelsim/internal/scenarios"
	"github.com/panelsim/panelsim/internal/state"
)

// taskAnswer is the control API's list of tasks (GET /_sim/tasks).
type taskAnswer struct {
	World   string    `json:"world"`
	Now     time.Time `json:"now"`
	Total   int       `json:"total"`
	Pending []struct {
		ID       uint64          `json:"id"`
		Provider string          `json:"provider"`
		Kind     string          `json:"kind"`
		Due      time.Time       `json:"due"`
		Created  time.Time       `json:"created"`
		Data     json.RawMessage `json:"data"`
		Step     *int            `json:"step"`
		Progress *int            `json:"progress"`
		Action   string          `json:"action"`
	} `json:"pending"`
	Ran []struct {
		ID       uint64    `json:"id"`
		Provider string    `json:"provider"`
		Kind     string    `json:"kind"`
		Created  time.Time `json:"created"`
		At       time.Time `json:"at"`
	} `json:"ran"`
}

// vtime writes a virtual time the way every page shows it.
func vtime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

func (d *dashboard) readTasks(c echo.Context, s *sess) (taskAnswer, error) {
	var t taskAnswer
	err := d.api.call(c.Request().Context(), s.token, "GET", "/tasks", nil, &t)
	return t, err
}

func (d *dashboard) tasksPage(c echo.Context, s *sess) error {
	t, err := d.readTasks(c, s)
	if err != nil {
		return d.fail(c, s, err)
	}
	return d.render(c, http.StatusOK, "tasks", view{Title: "Tasks", World: s.world, Admin: s.admin, Now: vtime(t.Now),
		Data: map[string]any{"Tasks": t, "Timeline": timelineChart(t)}, Sources: []string{"GET /_sim/tasks", "GET /_sim/events"}})
}

// journalData is the journal page: its entries newest first, the filters, and the choices
// the filters offer.
type journalData struct {
	Entries    []journal.Entry
	Operation  string
	Status     string
	Operations []string
	LastSeq    uint64
}

// readJournal reads the newest 1000 entries of the world's journal (oldest first).
func (d *dashboard) readJournal(c echo.Context, s *sess, query string) (journal.Page, error) {
	var p journal.Page
	err := d.api.call(c.Request().Context(), s.token, "GET", "/journal?limit=1000"+query, nil, &p)
	return p, err
}

func (d *dashboard) journalPage(c echo.Context, s *sess) error {
	data := journalData{Operation: c.QueryParam("operation"), Status: c.QueryParam("status")}
	query := "&bodies=true"
	if data.Status != "" {
		if n, err := strconv.Atoi(data.Status); err != nil || n < 100 || n > 999 {
			return d.render(c, http.StatusBadRequest, "error", view{Title: "Journal", World: s.world, Admin: s.admin, Error: "status must be an HTTP status such as 500"})
		}
		query += "&status=" + url.QueryEscape(data.Status)
	}
	all, err := d.readJournal(c, s, "&bodies=true")
	if err != nil {
		return d.fail(c, s, err)
	}
	page := all
	if data.Status != "" {
		if page, err = d.readJournal(c, s, query); err != nil {
			return d.fail(c, s, err)
		}
	}
	ops := map[string]bool{}
	for _, e := range all.Entries {
		if e.Operation != "" {
			ops[e.Operation] = true
		}
		data.LastSeq = max(data.LastSeq, e.Seq)
	}
	for op := range ops {
		data.Operations = append(data.Operations, op)
	}
	sort.Strings(data.Operations)
	for i := len(page.Entries) - 1; i >= 0 && len(data.Entries) < 300; i-- {
		if e := page.Entries[i]; data.Operation == "" || e.Operation == data.Operation {
			data.Entries = append(data.Entries, e)
		}
	}
	return d.render(c, http.StatusOK, "journal", view{Title: "Journal", World: s.world, Admin: s.admin, Data: data,
		Sources: []string{"GET /_sim/journal?limit=1000" + query, "GET /_sim/events"}})
}

// scenarioRow is a scenario of the library or the world's own, whether it is switched on,
// and its rules' counters when it is.
type scenarioRow struct {
	scenarios.Summary
	Active bool
	Rules  []scenarios.RuleReport
}

func (d *dashboard) scenariosPage(c echo.Context, s *sess) error {
	var l scenarios.Listing
	if err := d.api.call(c.Request().Context(), s.token, "GET", "/scenarios", nil, &l); err != nil {
		return d.fail(c, s, err)
	}
	active := map[string]scenarios.ActiveReport{}
	for _, a := range l.Active {
		active[a.Name] = a
	}
	rows := []scenarioRow{}
	for _, sum := range l.Library {
		a, on := active[sum.Name]
		rows = append(rows, scenarioRow{Summary: sum, Active: on, Rules: a.Rules})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Active && !rows[j].Active })
	return d.render(c, http.StatusOK, "scenarios", view{Title: "Scenarios", World: s.world, Admin: s.admin, Data: rows,
		Sources: []string{"GET /_sim/scenarios"}})
}

// switchScenario turns a scenario on or off: POST /_sim/scenarios/{name}/activate|deactivate.
func (d *dashboard) switchScenario(c echo.Context, s *sess) error {
	name, verb := c.FormValue("name"), "deactivate"
	if c.FormValue("on") == "1" {
		verb = "activate"
	}
	if name == "" || strings.Contains(name, "..") {
		flash(c, "no scenario named")
		return c.Redirect(http.StatusSeeOther, Base+"/scenarios")
	}
	if err := d.api.call(c.Request().Context(), s.token, "POST", "/scenarios/"+name+"/"+verb, nil, nil); err != nil {
		flash(c, err.Error())
	} else {
		flash(c, fmt.Sprintf("%s: %sd.", name, verb))
	}
	return c.Redirect(http.StatusSeeOther, Base+"/scenarios")
}

// clockData is the clock page: the clock, the tasks that fall due next, and the tasks that
// ran in the last advance.
type clockData struct {
	Clock   clockAnswer
	Tasks   taskAnswer
	JustRan []string
	Amount  string
	Unit    string
}

func (d *dashboard) clockPage(c echo.Context, s *sess) error {
	var data clockData
	if err := d.api.call(c.Request().Context(), s.token, "GET", "/clock", nil, &data.Clock); err != nil {
		return d.fail(c, s, err)
	}
	t, err := d.readTasks(c, s)
	if err != nil {
		return d.fail(c, s, err)
	}
	data.Tasks = t
	data.Amount, data.Unit = "1", "minutes"
	if from, err := time.Parse(time.RFC3339Nano, c.QueryParam("from")); err == nil {
		for i := len(t.Ran) - 1; i >= 0; i-- {
			if r := t.Ran[i]; r.At.After(from) || r.At.Equal(from) {
				data.JustRan = append(data.JustRan, fmt.Sprintf("%s  %s/%s (task %d)", vtime(r.At), r.Provider, r.Kind, r.ID))
			}
		}
	}
	return d.render(c, http.StatusOK, "clock", view{Title: "Clock", World: s.world, Admin: s.admin, Now: vtime(data.Clock.Now), Data: data,
		Sources: []string{"GET /_sim/clock", "GET /_sim/tasks", "POST /_sim/clock/advance"}})
}

// advance moves the clock by the amount of the form: POST /_sim/clock/advance.
func (d *dashboard) advance(c echo.Context, s *sess) error {
	amount, err := strconv.ParseFloat(c.FormValue("amount"), 64)
	unit := c.FormValue("unit")
	if err != nil || (unit != "seconds" && unit != "minutes" && unit != "hours") {
		flash(c, "Give an amount and a unit (seconds, minutes or hours).")
		return c.Redirect(http.StatusSeeOther, Base+"/clock")
	}
	var before, after clockAnswer
	if err := d.api.call(c.Request().Context(), s.token, "GET", "/clock", nil, &before); err != nil {
		return d.fail(c, s, err)
	}
	if err := d.api.call(c.Request().Context(), s.token, "POST", "/clock/advance", map[string]float64{unit: amount}, &after); err != nil {
		flash(c, err.Error())
		return c.Redirect(http.StatusSeeOther, Base+"/clock")
	}
	ran := 0
	if after.Ran != nil {
		ran = *after.Ran
	}
	flash(c, fmt.Sprintf("Advanced %g %s to %s: %d tasks ran.", amount, unit, vtime(after.Now), ran))
	return c.Redirect(http.StatusSeeOther, Base+"/clock?from="+url.QueryEscape(before.Now.Add(time.Nanosecond).Format(time.RFC3339Nano)))
}

func (d *dashboard) snapshotsPage(c echo.Context, s *sess) error {
	var out struct {
		Snapshots []state.Snapshot `json:"snapshots"`
	}
	if err := d.api.call(c.Request().Context(), s.token, "GET", "/snapshots", nil, &out); err != nil {
		return d.fail(c, s, err)
	}
	return d.render(c, http.StatusOK, "snapshots", view{Title: "Snapshots", World: s.world, Admin: s.admin, Data: out.Snapshots,
		Sources: []string{"GET /_sim/snapshots", "POST /_sim/snapshots", "POST /_sim/snapshots/{name}/restore", "DELETE /_sim/snapshots/{name}"}})
}

// snapshotAction takes, restores or deletes a snapshot.
func (d *dashboard) snapshotAction(c echo.Context, s *sess) error {
	name := c.FormValue("name")
	ctx := c.Request().Context()
	var err error
	var done string
	switch c.FormValue("do") {
	case "take":
		err, done = d.api.call(ctx, s.token, "POST", "/snapshots", map[string]string{"name": name}, nil), "taken"
	case "restore":
		err, done = d.api.call(ctx, s.token, "POST", "/snapshots/"+url.PathEscape(name)+"/restore", nil, nil), "restored"
	case "delete":
		err, done = d.api.call(ctx, s.token, "DELETE", "/snapshots/"+url.PathEscape(name), nil, nil), "deleted"
	default:
		err = fmt.Errorf("unknown action")
	}
	if err != nil {
		flash(c, "Snapshot "+name+": "+err.Error())
	} else {
		flash(c, "Snapshot "+name+" "+done+".")
	}
	return c.Redirect(http.StatusSeeOther, Base+"/snapshots")
}

func (d *dashboard) requestsPage(c echo.Context, s *sess) error {
	page, err := d.readJournal(c, s, "")
	if err != nil {
		return d.fail(c, s, err)
	}
	return d.render(c, http.StatusOK, "requests", view{Title: "Requests", World: s.world, Admin: s.admin, Data: requestCharts(page.Entries),
		Sources: []string{"GET /_sim/journal?limit=1000"}})
}

// events relays the world's event stream (GET /_sim/events) to the page's EventSource.
func (d *dashboard) events(c echo.Context, s *sess) error {
	path := "/events"
	if after := c.QueryParam("after"); after != "" {
		if _, err := strconv.ParseUint(after, 10, 64); err != nil {
			return c.String(http.StatusBadRequest, "after must be a whole number")
		}
		path += "?after=" + after
	}
	d.api.stream(c.Response(), c.Request(), s.token, path)
	return nil
}
