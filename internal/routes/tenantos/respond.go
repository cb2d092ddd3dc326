package tenantos

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// Envelope is every success answer: {"result": …, "message": "success"}, status 200, creates
// and deletes included.
type Envelope struct {
	Result  any    `json:"result"`
	Message string `json:"message"`
}

// OK answers result in the envelope.
func OK(c echo.Context, result any) error {
	return c.JSON(http.StatusOK, Envelope{Result: result, Message: "success"})
}

// Done answers {"result": "ok", "message": "success"}: deletes and actions the vendor
// documents no answer for.
func Done(c echo.Context) error { return OK(c, "ok") }

// List makes a nil slice an empty JSON array, never null.
func List[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
