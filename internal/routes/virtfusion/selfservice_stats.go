package virtfusion

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// The three statistics endpoints (hourly statistics, usage, report) read the same numbers:
// the user's hourly usage (selfservice_usage.go), their credit balance and the currencies.

// statsCurrency is a currency in the hourly statistics: value is what a token is worth in it,
// currentValue the user's credit balance in it.
type statsCurrency struct {
	Code         string  `json:"code"`
	Prefix       string  `json:"prefix"`
	Suffix       string  `json:"suffix"`
	Value        float64 `json:"value"`
	CurrentValue float64 `json:"currentValue"`
}

type hourlyStatsView struct {
	PeriodID       int    `json:"periodId"`
	Period         string `json:"period"`
	PreviousPeriod string `json:"previousPeriod"`
	NextPeriod     string `json:"nextPeriod"`
	MonthlyTotal   struct {
		Hours  int64  `json:"hours"`
		Value  string `json:"value"`
		Tokens any    `json:"tokens"` // false when no server was billed
	} `json:"monthlyTotal"`
	Servers int `json:"servers"`
	Credit  struct {
		Value float64 `json:"value"`
	} `json:"credit"`
	Currency statsCurrency `json:"currency"`
}

// monthsBack is how many months t's month lies before now's (0 = this month).
func monthsBack(now, t time.Time) int {
	ny, nm, _ := now.UTC().Date()
	y, m, _ := t.UTC().Date()
	return (ny*12 + int(nm)) - (y*12 + int(m))
}

func (p *Provider) getHourlyStats(c echo.Context) error {
	dates, err := queryDates(c)
	if err != nil {
		return err
	}
	var out hourlyStatsView
	err = provider.World(c).View(func(tx *state.Tx) error {
		u, err := userByRelation(tx, c)
		if err != nil {
			return err
		}
		month := monthOf(tx.Now)
		if len(dates) > 0 {
			month = monthOf(dates[0])
		}
		lines, err := p.hourlyUsage(tx, u.ID, month, month.AddDate(0, 1, 0))
		if err != nil {
			return err
		}
		balance, err := creditBalance(tx, u.ID)
		if err != nil {
			return err
		}
		_, cur, err := currencies(tx)
		if err != nil {
			return err
		}
		total := sumUsage(lines)
		out.PeriodID, out.Period = monthsBack(tx.Now, month), monthName(month)
		out.PreviousPeriod, out.NextPeriod = monthName(month.AddDate(0, -1, 0)), monthName(month.AddDate(0, 1, 0))
		out.MonthlyTotal.Hours, out.MonthlyTotal.Value, out.MonthlyTotal.Tokens = total.Billable, money(valueCents(lines, cur)), false
		if len(lines) > 0 {
			out.MonthlyTotal.Tokens = tokensOf(total.BillableTokens)
		}
		out.Servers, out.Credit.Value = len(lines), tokensOf(balance)
		out.Currency = statsCurrency{Code: cur.Code, Prefix: cur.Prefix, Suffix: stringOrEmpty(cur.Suffix), Value: cur.Value,
			CurrentValue: amount(cents(balance, cur))}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}

// usageTotals are hours and tokens in the usage answer; token is rounded to cents of a
// token, tokenReal is not.
type usageTotals struct {
	Hours     int64   `json:"hours"`
	Token     float64 `json:"token"`
	TokenReal float64 `json:"tokenReal"`
}

func totals(hours, tokens int64) usageTotals {
	return usageTotals{Hours: hours, Token: tokensRounded(tokens), TokenReal: tokensOf(tokens)}
}

type usagePeriodView struct {
	Period               string            `json:"period"`
	Range                string            `json:"range"`
	Start                string            `json:"start"`
	End                  string            `json:"end"`
	Timezone             string            `json:"timezone"`
	CurrentPeriod        bool              `json:"currentPeriod"`
	HoursInMonthPeriod   int64             `json:"hoursInMonthPeriod"`
	MonthToHourRate      int64             `json:"monthToHourRate"`
	MonthToHourRateType  int               `json:"monthToHourRateType"`
	Days                 int64             `json:"days"`
	Hours                int64             `json:"hours"`
	Minutes              int64             `json:"minutes"`
	Seconds              int64             `json:"seconds"`
	UsageServers         usageTotals       `json:"usageServers"`
	UsageServersBillable usageTotals       `json:"usageServersBillable"`
	UsageAddons          usageTotals       `json:"usageAddons"`
	UsageAddonsBillable  usageTotals       `json:"usageAddonsBillable"`
	Servers              []serverUsageView `json:"servers"`
}

type usageView struct {
	User struct {
		ID           int64   `json:"id"`
		RelationalID *int64  `json:"relationalId"`
		Currency     *string `json:"currency"`
		Timezone     string  `json:"timezone"`
		Name         string  `json:"name"`
		Email        string  `json:"email"`
	} `json:"user"`
	UsageServers         usageTotals       `json:"usageServers"`
	UsageServersBillable usageTotals       `json:"usageServersBillable"`
	UsageAddons          usageTotals       `json:"usageAddons"`
	UsageAddonsBillable  usageTotals       `json:"usageAddonsBillable"`
	Periods              []usagePeriodView `json:"periods"`
}

// usageRanges are the lengths of a usage period: the range query value, its name in the
// answer, and the end of a period that starts at t.
var usageRanges = map[string]struct {
	name string
	end  func(t time.Time) time.Time
}{
	"d":  {"day", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
	"w":  {"week", func(t time.Time) time.Time { return t.AddDate(0, 0, 7) }},
	"2w": {"2 weeks", func(t time.Time) time.Time { return t.AddDate(0, 0, 14) }},
	"3w": {"3 weeks", func(t time.Time) time.Time { return t.AddDate(0, 0, 21) }},
	"m":  {"month", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
}

func (p *Provider) getUserUsage(c echo.Context) error {
	dates, err := queryDates(c)
	if err != nil {
		return err
	}
	rng := usageRanges[provider.QueryString(c, "range", "m")]
	var out usageView
	err = provider.World(c).View(func(tx *state.Tx) error {
		u, err := userByRelation(tx, c)
		if err != nil {
			return err
		}
		_, cur, err := currencies(tx)
		if err != nil {
			return err
		}
		if len(dates) == 0 {
			dates = []time.Time{monthOf(tx.Now)}
		}
		out.User.ID, out.User.RelationalID, out.User.Timezone, out.User.Name, out.User.Email = u.ID, u.ExtRelationID, u.Timezone, u.Name, u.Email
		var all usageTotal
		out.Periods = []usagePeriodView{}
		for _, start := range dates {
			end := rng.end(start)
			lines, err := p.hourlyUsage(tx, u.ID, start, end)
			if err != nil {
				return err
			}
			t := sumUsage(lines)
			all.Hours, all.Billable, all.Tokens, all.BillableTokens = all.Hours+t.Hours, all.Billable+t.Billable, all.Tokens+t.Tokens, all.BillableTokens+t.BillableTokens
			length := end.Sub(start)
			month := monthOf(start)
			out.Periods = append(out.Periods, usagePeriodView{
				Period: start.Format(time.DateOnly), Range: rng.name, Start: fmtTime(start, tsOffset), End: fmtTime(end.Add(-time.Second), tsOffset),
				Timezone: "UTC", CurrentPeriod: !tx.Now.Before(start) && tx.Now.Before(end),
				HoursInMonthPeriod: int64(month.AddDate(0, 1, 0).Sub(month) / time.Hour), MonthToHourRate: p.monthToHourRate(), MonthToHourRateType: 1,
				Days: int64(length / (24 * time.Hour)), Hours: int64(length / time.Hour), Minutes: int64(length / time.Minute), Seconds: int64(length / time.Second),
				UsageServers: totals(t.Hours, t.Tokens), UsageServersBillable: totals(t.Billable, t.BillableTokens),
				Servers: viewServerUsage(lines, cur),
			})
		}
		out.UsageServers, out.UsageServersBillable = totals(all.Hours, all.Tokens), totals(all.Billable, all.BillableTokens)
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}

// reportTotal is a total of the report: numbers (value in the currency, as text), or false
// for each when the period has nothing.
type reportTotal struct {
	Hours  any `json:"hours"`
	Value  any `json:"value"`
	Tokens any `json:"tokens"`
}

type currencyName struct {
	Prefix string `json:"prefix"`
	Suffix string `json:"suffix"`
	Code   string `json:"code"`
}

type reportView struct {
	Usage struct {
		Servers            []serverUsageView `json:"servers"`
		ServersTotal       reportTotal       `json:"serversTotal"`
		HourConversionRate any               `json:"hourConversionRate"`
		MonthlyTotal       reportTotal       `json:"monthlyTotal"`
		AddonsTotal        struct {
			Hours  int  `json:"hours"`
			Value  int  `json:"value"`
			Tokens bool `json:"tokens"`
		} `json:"addonsTotal"`
		TaxStatus    int    `json:"taxStatus"`
		Success      bool   `json:"success"`
		History      string `json:"history"`
		Breakdown    bool   `json:"breakdown"`
		Term         string `json:"term"`
		PreviousTerm string `json:"previousTerm"`
		NextTerm     string `json:"nextTerm"`
		Period       struct {
			YMD   string `json:"ymd"`
			Start string `json:"start"`
			End   string `json:"end"`
		} `json:"period"`
		ShowHourlyRate  bool `json:"showHourlyRate"`
		ShowMonthlyRate bool `json:"showMonthlyRate"`
	} `json:"usage"`
	Currency struct {
		currencyName
		CurrentValue float64      `json:"currentValue"`
		Value        float64      `json:"value"`
		Default      currencyName `json:"default"`
	} `json:"currency"`
	Limits struct {
		Success bool       `json:"success"`
		Packs   []packView `json:"packs"`
	} `json:"limits"`
}

func nameOf(c Currency) currencyName {
	return currencyName{Prefix: c.Prefix, Suffix: stringOrEmpty(c.Suffix), Code: c.Code}
}

func (p *Provider) generateReport(c echo.Context) error {
	back := provider.QueryInt(c, "period", 0)
	code := strings.ToUpper(provider.QueryString(c, "currency", ""))
	var out reportView
	err := provider.World(c).View(func(tx *state.Tx) error {
		u, err := userByRelation(tx, c)
		if err != nil {
			return err
		}
		enabled, def, err := currencies(tx)
		if err != nil {
			return err
		}
		cur := def
		if code != "" {
			found := false
			for _, e := range enabled {
				if e.Code == code {
					cur, found = e, true
				}
			}
			if !found {
				return apierr.Invalid("The selected currency is invalid.")
			}
		}
		month := monthOf(tx.Now).AddDate(0, -int(back), 0)
		lines, err := p.hourlyUsage(tx, u.ID, month, month.AddDate(0, 1, 0))
		if err != nil {
			return err
		}
		balance, err := creditBalance(tx, u.ID)
		if err != nil {
			return err
		}
		r := &out.Usage
		r.Servers = viewServerUsage(lines, cur)
		r.ServersTotal, r.HourConversionRate = reportTotal{false, false, false}, false
		if len(lines) > 0 {
			t := sumUsage(lines)
			r.ServersTotal = reportTotal{t.Billable, money(valueCents(lines, cur)), tokensOf(t.BillableTokens)}
			r.HourConversionRate, r.Success = p.monthToHourRate(), true
		}
		r.MonthlyTotal = r.ServersTotal // no addons are simulated
		r.TaxStatus, r.History, r.Breakdown = 3, strconv.FormatInt(back, 10), true
		r.Term, r.PreviousTerm, r.NextTerm = monthName(month), monthName(month.AddDate(0, -1, 0)), monthName(month.AddDate(0, 1, 0))
		r.Period.YMD, r.Period.Start = month.Format(time.DateOnly), fmtTime(month, tsOffset)
		r.Period.End = fmtTime(month.AddDate(0, 1, -1), tsOffset)
		out.Currency.currencyName, out.Currency.Default = nameOf(cur), nameOf(def)
		out.Currency.CurrentValue, out.Currency.Value = amount(cents(balance, cur)), cur.Value
		out.Limits.Success = true
		out.Limits.Packs, err = userPacks(tx, u.ID, true)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}

// currencyView is a currency as GET /selfService/currencies lists it.
type currencyView struct {
	ID      int64   `json:"id"`
	Code    string  `json:"code"`
	Value   string  `json:"value"`
	Prefix  string  `json:"prefix"`
	Suffix  *string `json:"suffix"`
	Default bool    `json:"default"`
	Enabled bool    `json:"enabled"`
}

func (p *Provider) listCurrencies(c echo.Context) error {
	out := []currencyView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		coll := tx.Coll(Name, collCurrencies)
		return coll.ForEach(func(k, _ []byte) error {
			var cur Currency
			if err := coll.Get(k, &cur); err != nil {
				return err
			}
			out = append(out, currencyView{ID: cur.ID, Code: cur.Code, Value: fmt.Sprintf("%.10f", cur.Value), Prefix: cur.Prefix,
				Suffix: cur.Suffix, Default: cur.Default, Enabled: cur.Enabled})
			return nil
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}
