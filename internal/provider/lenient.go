package provider

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// WarningHeader carries, on an answer, each leniency the request relied on: what panelsim
// accepted that a real panel might refuse, worded as what the panel would do.
const WarningHeader = "Panelsim-Warning"

const (
	keyLenient = "panelsim.lenient"
	keyStrict  = "panelsim.strict"
)

// SetStrict makes the request strict (--strict): Lenient refuses instead of accepting.
func SetStrict(c echo.Context) { c.Set(keyStrict, true) }

// Lenient records that the request relies on a leniency: msg says what a real panel would do
// ("VirtFusion takes rulesets; rules is panelsim's alias for it"). Under --strict it
// returns refusal, the panel's own error, which the caller returns; otherwise it adds msg to
// the answer's Panelsim-Warning header and to the journal entry, and returns nil.
func Lenient(c echo.Context, msg string, refusal error) error {
	if strict, _ := c.Get(keyStrict).(bool); strict {
		return refusal
	}
	list, _ := c.Get(keyLenient).([]string)
	for _, m := range list {
		if m == msg {
			return nil
		}
	}
	c.Set(keyLenient, append(list, msg))
	c.Response().Header().Add(WarningHeader, msg)
	return nil
}

// Leniencies are what Lenient recorded for the request.
func Leniencies(c echo.Context) []string {
	list, _ := c.Get(keyLenient).([]string)
	return list
}

// LeniencyText joins the leniencies for a journal entry.
func LeniencyText(c echo.Context) string { return strings.Join(Leniencies(c), "; ") }
