package tenantos

import (
	"encoding/json"
	"maps"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/internal/provider"
)

// Secrets and the logs. The access log keeps every request's body and the start of every
// answer, and the activity log the body of every change (postdata); both are readable
// through the API by whoever manages the user. A handler whose request carries a secret (a
// password, a root password, a two-factor code) or whose answer does (a new API token, an
// SSO or console token) keeps it out of both with these two calls.

// Redacted is what the logs show instead of a secret.
const Redacted = "********"

// RedactRequest masks the named top-level fields of the request body in what the access log
// and the activity log record of it. Call it once the handler has read its input
// (provider.Bind): from then on provider.Input(c) holds the masked body.
func RedactRequest(c echo.Context, fields ...string) {
	in := provider.Input(c)
	body := maps.Clone(in.Body)
	masked := false
	for _, f := range fields {
		if _, ok := body[f]; ok {
			body[f] = Redacted
			masked = true
		}
	}
	if !masked {
		return
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return
	}
	provider.SetInput(c, &openapi.Input{Path: in.Path, Query: in.Query, Body: body, BodyJSON: raw})
}

// RedactResponse keeps the answer already written for the request out of the access log,
// which records a stand-in instead. Call it after writing the answer.
func RedactResponse(c echo.Context) {
	if cw, ok := c.Response().Writer.(*capture); ok {
		cw.body.Reset()
		cw.body.WriteString(`{"result":"` + Redacted + `","message":"success"}`)
	}
}
