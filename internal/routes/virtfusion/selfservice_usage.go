package virtfusion

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// What a user's servers use by the hour. A server is billed by the hour when its owner had an
// hourly group profile as it was created (or given to them) and it is in no resource pack
// (Server.Hourly); it is billed at its package's rate (fixtures: selfService.hourlyRates), for
// every hour or part of an hour it exists in a period, at most monthToHourRate hours a
// month. Deleted servers keep counting for the periods they lived in. A user without an
// hourly profile has no hourly servers: the totals are false, as the vendor's examples show.

// usageLine is what one server used in a period.
type usageLine struct {
	ServerID  int64
	PackageID int64
	UUID      string
	Name      string
	Package   string
	Rate      int64 // thousandths of a token an hour
	Created   time.Time
	Deleted   *time.Time
	Hours     int64 // hours or parts of hours it existed in the period
	Billable  int64 // Hours, at most monthToHourRate
}

// tokens and billableTokens are in thousandths of a token.
func (l usageLine) tokens() int64         { return l.Hours * l.Rate }
func (l usageLine) billableTokens() int64 { return l.Billable * l.Rate }

// hourlyUsage lists the user's servers billed by the hour that existed in [start, end), by id.
func (p *Provider) hourlyUsage(tx *state.Tx, userID int64, start, end time.Time) ([]usageLine, error) {
	var lines []usageLine
	add := func(id, pkgID int64, hourly bool, uuid, name string, created time.Time, deleted *time.Time) {
		if !hourly {
			return
		}
		to := tx.Now
		if deleted != nil {
			to = *deleted
		}
		from := maxTime(created, start)
		to = minTime(to, end)
		if !from.Before(end) || to.Before(from) {
			return
		}
		hours := int64((to.Sub(from) + time.Hour - 1) / time.Hour)
		var pk Package
		_ = get(tx, collPackages, pkgID, &pk, errPackageNotFound) // packages are never deleted; no name otherwise
		lines = append(lines, usageLine{ServerID: id, PackageID: pkgID, UUID: uuid, Name: name, Package: pk.Name,
			Rate: p.hourlyRate(pkgID), Created: created, Deleted: deleted, Hours: hours, Billable: min(hours, p.monthToHourRate())})
	}
	key := state.ID(uint64(userID))
	err := tx.Set(Name, setServersByOwner).Members(key, 0, -1, func(m []byte) error {
		s, err := loadServer(tx, int64(state.IDOf(m)))
		if err != nil {
			return err
		}
		add(s.ID, s.PackageID, s.Hourly && s.ResourcePackID == 0, s.UUID, s.Name, s.Created, nil)
		return nil
	})
	if err != nil {
		return nil, err
	}
	history := tx.Coll(Name, collServerHistory)
	err = tx.Set(Name, setHistoryByOwner).Members(key, 0, -1, func(m []byte) error {
		var h ServerHistory
		if err := history.Get(m, &h); err != nil {
			return err
		}
		deleted := h.Deleted
		add(h.ServerID, h.PackageID, h.Hourly && h.PackID == 0, h.UUID, h.Name, h.Created, &deleted)
		return nil
	})
	slices.SortFunc(lines, func(a, b usageLine) int { return cmp.Compare(a.ServerID, b.ServerID) })
	return lines, err
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// usageTotal sums lines: hours, billable hours, tokens and billable tokens.
type usageTotal struct {
	Hours, Billable        int64
	Tokens, BillableTokens int64 // thousandths
}

func sumUsage(lines []usageLine) usageTotal {
	var t usageTotal
	for _, l := range lines {
		t.Hours += l.Hours
		t.Billable += l.Billable
		t.Tokens += l.tokens()
		t.BillableTokens += l.billableTokens()
	}
	return t
}

// valueCents is what lines are worth in cur: the sum of each server's value, so that the
// servers of a report add up to its total.
func valueCents(lines []usageLine, cur Currency) int64 {
	var sum int64
	for _, l := range lines {
		sum += cents(l.billableTokens(), cur)
	}
	return sum
}

// serverUsageView is a server in a report or a usage period.
type serverUsageView struct {
	ID            int64   `json:"id"`
	UUID          string  `json:"uuid"`
	Name          string  `json:"name"`
	PackageID     int64   `json:"packageId"`
	Package       string  `json:"package"`
	HourlyRate    float64 `json:"hourlyRate"`
	Created       string  `json:"created"`
	Deleted       *string `json:"deleted"`
	Hours         int64   `json:"hours"`
	BillableHours int64   `json:"billableHours"`
	Tokens        float64 `json:"tokens"`
	Value         string  `json:"value"`
}

// viewServerUsage shows lines with their value in cur.
func viewServerUsage(lines []usageLine, cur Currency) []serverUsageView {
	out := make([]serverUsageView, 0, len(lines))
	for _, l := range lines {
		out = append(out, serverUsageView{ID: l.ServerID, UUID: l.UUID, Name: l.Name, PackageID: l.PackageID, Package: l.Package,
			HourlyRate: float64(l.Rate) / 1000, Created: fmtTime(l.Created, tsOffset), Deleted: fmtTimePtr(l.Deleted, tsOffset),
			Hours: l.Hours, BillableHours: l.Billable, Tokens: tokensOf(l.billableTokens()), Value: money(cents(l.billableTokens(), cur))})
	}
	return out
}

// monthOf is the first instant of t's month (UTC).
func monthOf(t time.Time) time.Time {
	y, m, _ := t.UTC().Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
}

func monthName(t time.Time) string { return t.Format("January 2006") }

// queryDates reads period[] (YYYY-MM-DD, already matched against the pattern). A plain
// period= (no brackets) is a string to PHP, which the panel's array rule refuses; panelsim
// takes it as one date, a leniency it names.
func queryDates(c echo.Context) ([]time.Time, error) {
	if q := c.Request().URL.Query(); q.Has("period") {
		if err := provider.Lenient(c, "VirtFusion takes period[]=YYYY-MM-DD; a plain period= is a string to PHP, which panelsim takes as one date",
			apierr.Invalid("The period field must be an array.")); err != nil {
			return nil, err
		}
	}
	raw, _ := provider.Input(c).Query["period"].([]any)
	var out []time.Time
	var msgs []string
	for i, v := range raw {
		s, _ := v.(string)
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("The period.%d field must be a valid date.", i))
			continue
		}
		out = append(out, d)
	}
	if len(msgs) > 0 {
		return nil, apierr.Invalid(msgs...)
	}
	return out, nil
}

// stringOrEmpty is a nullable string as "" when null.
func stringOrEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
