package tenantos

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/openapi"
)

// MessageBody is Laravel's bare error: 401, 403 and 500.
type MessageBody struct {
	Message string `json:"message"`
}

// ResultError is Tenantos' own refusal: the envelope's keys, with the kind of failure in
// message and the human text in result, as the one documented error shows
// ({"message":"Exception","result":"Access to this file denied or file not found."}).
type ResultError struct {
	Message string  `json:"message"`
	Result  *string `json:"result"`
}

// ValidationBody is Laravel's 422.
type ValidationBody struct {
	Message string              `json:"message"`
	Errors  map[string][]string `json:"errors"`
}

// FieldError is a refusal of one field found by a handler (a taken username, an IP that is
// not in the subnet), answered as Laravel's validator would.
type FieldError struct {
	field, msg string
}

func (e *FieldError) Error() string { return e.field + ": " + e.msg }

// Invalid refuses field with Laravel's wording of msg.
func Invalid(field, msg string) error { return &FieldError{field, msg} }

// Invalidf is invalid with a formatted message.
func Invalidf(field, format string, a ...any) error {
	return &FieldError{field, fmt.Sprintf(format, a...)}
}

func Text(s string) *string { return &s }

// statusOf is where Tenantos' statuses differ from the usual ones of apierr's kinds: a record
// busy with a task is a conflict.
var statusOf = map[apierr.Kind]int{apierr.KindLocked: http.StatusConflict}

// WriteError answers err in Tenantos' shapes: 422 as Laravel's validator, 401 and 403 as
// Laravel's {"message"}, the panel's own refusals (404, 409, 413, 503 …) as
// {"message": <kind>, "result": <text>}, routes Laravel does not know as its 404 and 405, and
// 500 {"message": "Server Error"} for anything else.
func (p *Provider) WriteError(c echo.Context, err error) {
	var (
		fe *FieldError
		ae *apierr.Error
		ve *openapi.ValidationError
		pe *openapi.PathError
		he *echo.HTTPError
	)
	switch {
	case errors.As(err, &fe):
		WriteValidation(c, map[string][]string{fe.field: {fe.msg}}, []string{fe.field})
	case errors.As(err, &ve):
		fields, order := map[string][]string{}, []string(nil)
		for _, pr := range ve.Problems {
			f := pr.Field
			if f == "" {
				f = pr.In
			}
			if _, seen := fields[f]; !seen {
				order = append(order, f)
			}
			if m := pr.Laravel(); !Contains(fields[f], m) {
				fields[f] = append(fields[f], m)
			}
		}
		WriteValidation(c, fields, order)
	case errors.As(err, &ae):
		status := ae.Code(statusOf)
		msg := strings.Join(ae.Messages, " ")
		switch {
		case ae.Kind == apierr.KindInvalid:
			WriteValidation(c, map[string][]string{"request": ae.Messages}, []string{"request"})
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			if msg == "" {
				msg = "This action is unauthorized."
			}
			c.JSON(status, MessageBody{msg})
		default:
			if msg == "" {
				msg = http.StatusText(status)
			}
			c.JSON(status, ResultError{http.StatusText(status), Text(msg)})
		}
	case errors.As(err, &pe):
		c.JSON(http.StatusNotFound, ResultError{"Not Found", Text(NotFoundText(pe.Param))})
	case errors.As(err, &he):
		path := strings.TrimPrefix(c.Request().URL.Path, "/")
		switch he.Code {
		case http.StatusNotFound:
			c.JSON(http.StatusNotFound, MessageBody{"The route " + path + " could not be found."})
		case http.StatusMethodNotAllowed:
			c.JSON(http.StatusMethodNotAllowed, MessageBody{"The " + c.Request().Method + " method is not supported for route " + path + "."})
		default:
			msg, _ := he.Message.(string)
			if msg == "" || msg == http.StatusText(he.Code) {
				msg = http.StatusText(he.Code)
			}
			c.JSON(he.Code, ResultError{http.StatusText(he.Code), Text(msg)})
		}
	default:
		p.Log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		c.JSON(http.StatusInternalServerError, MessageBody{"Server Error"})
	}
}

// WriteValidation answers Laravel's 422: the first message, "(and N more errors)" when there
// are more, and every message by field.
func WriteValidation(c echo.Context, fields map[string][]string, order []string) {
	if len(order) == 0 {
		for f := range fields {
			order = append(order, f)
		}
		sort.Strings(order)
	}
	n := 0
	for _, msgs := range fields {
		n += len(msgs)
	}
	first := "The given data was invalid."
	if len(order) > 0 && len(fields[order[0]]) > 0 {
		first = fields[order[0]][0]
	}
	switch {
	case n == 2:
		first += " (and 1 more error)"
	case n > 2:
		first += fmt.Sprintf(" (and %d more errors)", n-1)
	}
	c.JSON(http.StatusUnprocessableEntity, ValidationBody{first, fields})
}

// NotFoundText words the 404 of a path value that names no record.
func NotFoundText(param string) string {
	switch {
	case strings.Contains(param, "server"):
		return "Server not found."
	case strings.Contains(param, "user"):
		return "User not found."
	case strings.Contains(param, "subnet"):
		return "Subnet not found."
	}
	return "Record not found."
}

func Contains[T comparable](List []T, v T) bool {
	for _, x := range List {
		if x == v {
			return true
		}
	}
	return false
}
