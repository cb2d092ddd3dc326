package provider

import (
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestLenient: a leniency is recorded once in the header and for the journal, and refused
// in strict mode with the panel's own error.
func TestLenient(t *testing.T) {
	e := echo.New()
	rec := httptest.NewRecorder()
	c := e.NewContext(httptest.NewRequest("GET", "/", nil), rec)
	refusal := errors.New("the panel's own 422")
	for i := 0; i < 2; i++ {
		if err := Lenient(c, "rules is panelsim's alias for rulesets", refusal); err != nil {
			t.Fatal(err)
		}
	}
	Lenient(c, "a Date header stands in for X-Date", refusal)
	if got := rec.Header().Values(WarningHeader); len(got) != 2 {
		t.Fatalf("warnings %v", got)
	}
	if LeniencyText(c) != "rules is panelsim's alias for rulesets; a Date header stands in for X-Date" {
		t.Fatalf("journal text %q", LeniencyText(c))
	}
	strict := e.NewContext(httptest.NewRequest("GET", "/", nil), httptest.NewRecorder())
	SetStrict(strict)
	if err := Lenient(strict, "anything", refusal); err != refusal {
		t.Fatalf("strict: %v", err)
	}
	if len(Leniencies(strict)) != 0 {
		t.Fatal("a refused leniency was recorded")
	}
}
