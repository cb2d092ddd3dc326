package provider

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// RawPage writes the bytes c.JSON writes for the same page, headers included, pretty or not.
func TestRawPageAsJSON(t *testing.T) {
	items := []json.RawMessage{json.RawMessage(`{"id":1,"name":"a<b>&c"}`), json.RawMessage(`{"id":2,"data":[]}`)}
	for _, tc := range []struct {
		name, query string
		items       []json.RawMessage
	}{{"two", "", items}, {"none", "", nil}, {"pretty", "?pretty", items}} {
		t.Run(tc.name, func(t *testing.T) {
			e := echo.New()
			e.JSONSerializer = JSONSerializer{}
			answer := func(raw bool) *httptest.ResponseRecorder {
				rec := httptest.NewRecorder()
				c := e.NewContext(httptest.NewRequest("GET", "/things"+tc.query, nil), rec)
				page := NewPage(c, PageRequest{Page: 1, PerPage: 2}, tc.items, 7)
				var err error
				if raw {
					err = RawPage(c, http.StatusOK, page)
				} else {
					err = c.JSON(http.StatusOK, page)
				}
				if err != nil {
					t.Fatal(err)
				}
				return rec
			}
			want, got := answer(false), answer(true)
			if want.Body.String() != got.Body.String() || want.Code != got.Code {
				t.Fatalf("RawPage\n%s\nc.JSON\n%s", got.Body, want.Body)
			}
			for _, h := range []string{echo.HeaderContentType, echo.HeaderContentLength} {
				if want.Header().Get(h) != got.Header().Get(h) {
					t.Errorf("%s: %q, c.JSON %q", h, got.Header().Get(h), want.Header().Get(h))
				}
			}
		})
	}
}
