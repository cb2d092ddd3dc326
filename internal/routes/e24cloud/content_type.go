package e24cloud

import (
	"mime"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
)

// errContentType is what --strict answers a body sent without a JSON content type.
var errContentType = apierr.Invalid("The Content-Type header must be application/json.")

func isJSONType(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json")
}

// jsonOnly wraps a handler: e24cloud documents Content-Type: application/json on every
// request, but the validator reads a body that is a JSON object whatever its content type
// says (x-panelsim-json-any-content-type in the document: a PUT sent with text/plain, or with
// none, is not answered "field required"), and form fields too. When the handler gets fields
// from a body without a JSON content type, that is a leniency.
func jsonOnly(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ct := c.Request().Header.Get(echo.HeaderContentType)
		if len(provider.Input(c).Body) > 0 && !isJSONType(ct) {
			if ct == "" {
				ct = "no Content-Type"
			}
			msg := "e24cloud requires Content-Type: application/json; panelsim read the body sent with " + quoted(ct)
			if err := provider.Lenient(c, msg, errContentType); err != nil {
				return err
			}
		}
		return h(c)
	}
}
