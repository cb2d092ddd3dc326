package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/state"
)

// recordsPerPage is how many records the world page shows at a time.
const recordsPerPage = 50

// kindCount is a kind of record and how many the world holds.
type kindCount struct {
	Provider, Kind string
	Count          int
}

// cell is one field of a record as a table shows it: text, and a link when the field names
// a record of another kind.
type cell struct {
	Text string
	Link string
}

// recordRow is one record: its id and its fields in the table's column order.
type recordRow struct {
	ID    string
	Link  string
	Cells []cell
}

// worldData is the world page: the kinds per provider, and the records of the kind chosen
// (or the one record chosen).
type worldData struct {
	Providers  []string
	Kinds      map[string][]kindCount
	Provider   string
	Kind       string
	Columns    []string
	Rows       []recordRow
	Total      int
	Offset     int
	Prev, Next string
	Record     *recordRow // one record, its fields down the page
}

func (d *dashboard) worldPage(c echo.Context, s *sess) error {
	ctx := c.Request().Context()
	var counts struct {
		Providers map[string]map[string]int `json:"providers"`
	}
	if err := d.api.call(ctx, s.token, "GET", "/objects", nil, &counts); err != nil {
		return d.fail(c, s, err)
	}
	data := worldData{Kinds: map[string][]kindCount{}, Provider: c.QueryParam("provider"), Kind: c.QueryParam("kind")}
	sources := []string{"GET /_sim/objects"}
	for p, kinds := range counts.Providers {
		for k, n := range kinds {
			data.Kinds[p] = append(data.Kinds[p], kindCount{Provider: p, Kind: k, Count: n})
		}
		sort.Slice(data.Kinds[p], func(i, j int) bool { return data.Kinds[p][i].Kind < data.Kinds[p][j].Kind })
		data.Providers = append(data.Providers, p)
	}
	sort.Strings(data.Providers)
	kindsOf := func(p string) map[string]bool {
		out := map[string]bool{}
		for k := range counts.Providers[p] {
			out[k] = true
		}
		return out
	}
	if data.Provider != "" && data.Kind != "" {
		base := "/objects/" + url.PathEscape(data.Provider) + "/" + url.PathEscape(data.Kind)
		if id := c.QueryParam("id"); id != "" {
			var rec state.DocRecord
			if err := d.api.call(ctx, s.token, "GET", base+"/"+url.PathEscape(id), nil, &rec); err != nil {
				return d.fail(c, s, err)
			}
			sources = append(sources, "GET /_sim"+base+"/"+id)
			cols, rows := table(data.Provider, data.Kind, []state.DocRecord{rec}, kindsOf(data.Provider), 4000)
			data.Columns, data.Record = cols, &rows[0]
		} else {
			data.Offset, _ = strconv.Atoi(c.QueryParam("offset"))
			data.Offset = max(data.Offset, 0)
			var page struct {
				state.BrowsePage
			}
			q := fmt.Sprintf("?offset=%d&limit=%d", data.Offset, recordsPerPage)
			if err := d.api.call(ctx, s.token, "GET", base+q, nil, &page); err != nil {
				return d.fail(c, s, err)
			}
			sources = append(sources, "GET /_sim"+base+q)
			data.Total = page.Total
			data.Columns, data.Rows = table(data.Provider, data.Kind, page.Records, kindsOf(data.Provider), 48)
			link := func(off int) string {
				return Base + "/world?provider=" + url.QueryEscape(data.Provider) + "&kind=" + url.QueryEscape(data.Kind) + "&offset=" + strconv.Itoa(off)
			}
			if data.Offset > 0 {
				data.Prev = link(max(data.Offset-recordsPerPage, 0))
			}
			if data.Offset+recordsPerPage < data.Total {
				data.Next = link(data.Offset + recordsPerPage)
			}
		}
	}
	return d.render(c, http.StatusOK, "world", view{Title: "World", World: s.world, Admin: s.admin, Data: data, Sources: sources})
}

// recordID is a record's id or key as the control API names it.
func recordID(r state.DocRecord) string {
	switch {
	case r.ID != nil:
		return strconv.FormatUint(*r.ID, 10)
	case r.Key != nil:
		return *r.Key
	case r.KeyBase64 != nil:
		return *r.KeyBase64
	}
	return ""
}

// table lays records out in columns: every top-level field any of them has, "id" first.
func table(provider, kind string, recs []state.DocRecord, kinds map[string]bool, cut int) ([]string, []recordRow) {
	fields := make([]map[string]json.RawMessage, len(recs))
	seen := map[string]bool{}
	var cols []string
	for i, r := range recs {
		m := map[string]json.RawMessage{}
		switch {
		case r.Value != nil:
			if json.Unmarshal(r.Value, &m) != nil {
				m = map[string]json.RawMessage{"value": r.Value}
			}
		case r.Text != nil:
			raw, _ := json.Marshal(*r.Text)
			m["value"] = raw
		case r.Base64 != nil:
			raw, _ := json.Marshal("base64:" + *r.Base64)
			m["value"] = raw
		}
		fields[i] = m
		for k := range m {
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
			}
		}
	}
	sort.Slice(cols, func(i, j int) bool {
		if (cols[i] == "id") != (cols[j] == "id") {
			return cols[i] == "id"
		}
		return cols[i] < cols[j]
	})
	rows := make([]recordRow, len(recs))
	for i, r := range recs {
		id := recordID(r)
		rows[i] = recordRow{ID: id, Link: recordLink(provider, kind, id)}
		for _, col := range cols {
			raw, ok := fields[i][col]
			if !ok {
				rows[i].Cells = append(rows[i].Cells, cell{})
				continue
			}
			text := valueText(raw, cut)
			ce := cell{Text: text}
			if target := linkedKind(col, kinds); target != "" && text != "" && text != "null" && text != "0" {
				ce.Link = recordLink(provider, target, text)
			}
			rows[i].Cells = append(rows[i].Cells, ce)
		}
	}
	return cols, rows
}

func recordLink(provider, kind, id string) string {
	return Base + "/world?provider=" + url.QueryEscape(provider) + "&kind=" + url.QueryEscape(kind) + "&id=" + url.QueryEscape(id)
}

// valueText shows a JSON value: a string as itself, anything else as compact JSON, cut to
// about cut bytes.
func valueText(raw json.RawMessage, cut int) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	if len(s) > cut {
		i := cut
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i] + "…"
	}
	return s
}

// kindAliases name the kind a field refers to where its name does not (ownerId is a user).
var kindAliases = map[string]string{"owner": "users", "user": "users", "hypervisorGroup": "hypervisorGroups", "group": "hypervisorGroups"}

// linkedKind is the kind of record a field names by id (userId: users, hypervisor_id:
// hypervisors), when the world holds such a kind; "" otherwise.
func linkedKind(field string, kinds map[string]bool) string {
	var base string
	for _, suffix := range []string{"Id", "_id", "ID"} {
		if b, ok := strings.CutSuffix(field, suffix); ok && b != "" {
			base = b
			break
		}
	}
	if base == "" {
		return ""
	}
	candidates := []string{base + "s", base + "es", strings.TrimSuffix(base, "y") + "ies", base}
	if a, ok := kindAliases[base]; ok {
		candidates = append([]string{a}, candidates...)
	}
	for _, k := range candidates {
		if kinds[k] {
			return k
		}
	}
	return ""
}

func sortStrings(s []string) { sort.Strings(s) }
