package e24cloud

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/openapi"
)

// failure is e24cloud's error body. The documentation shows none; clients look only at the
// status and at success, so panelsim adds the reason in "error".
type failure struct {
	Success bool   `json:"success"`
	Error   string `json:"error"`
}

// okBody is the bare success answer.
type okBody struct {
	Success bool `json:"success"`
}

// succeeded is the bare {"success":true}.
var succeeded = okBody{Success: true}

// statusOf is where e24cloud's statuses differ from the usual ones of apierr's kinds.
var statusOf = map[apierr.Kind]int{apierr.KindInvalid: http.StatusBadRequest, apierr.KindLocked: http.StatusConflict}

// WriteError answers err in e24cloud's shape: 400 for bad input, 404 for unknown ids, 409 for
// an action the object's state does not allow.
func (p *Provider) WriteError(c echo.Context, err error) {
	var (
		ae *apierr.Error
		ve *openapi.ValidationError
		pe *openapi.PathError
		he *echo.HTTPError
	)
	switch {
	case errors.As(err, &ae):
		status := ae.Code(statusOf)
		msg := strings.Join(ae.Messages, " ")
		if msg == "" {
			msg = http.StatusText(status)
		}
		c.JSON(status, failure{Error: msg})
	case errors.As(err, &ve):
		c.JSON(http.StatusBadRequest, failure{Error: strings.Join(ve.Messages(), " ")})
	case errors.As(err, &pe):
		c.JSON(http.StatusNotFound, failure{Error: "Not found."})
	case errors.As(err, &he):
		msg, _ := he.Message.(string)
		if he.Code == http.StatusRequestEntityTooLarge {
			msg = "The request body is too large."
		}
		if msg == "" {
			msg = http.StatusText(he.Code)
		}
		c.JSON(he.Code, failure{Error: msg})
	default:
		p.Log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		c.JSON(http.StatusInternalServerError, failure{Error: "Internal server error."})
	}
}
