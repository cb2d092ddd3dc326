package provider

import (
	"encoding/json"
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/internal/world"
)

// Keys under which the plumbing leaves things in the echo context for handlers.
const (
	keyRequestURI = "panelsim.requestURI"
	keyWorld      = "panelsim.world"
	keyInput      = "panelsim.input"
	keyOperation  = "panelsim.operation"
	keyRule       = "panelsim.rule"
)

// SetRule records which scenario rules fired for the request (for the journal).
func SetRule(c echo.Context, label string) { c.Set(keyRule, label) }

// Rule is what SetRule recorded, "" when no rule fired.
func Rule(c echo.Context) string {
	s, _ := c.Get(keyRule).(string)
	return s
}

// KeepRequestURI is a pre-routing middleware that remembers the request target as the client
// sent it, before the trailing slash is taken off (e24cloud signs it).
func KeepRequestURI(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(keyRequestURI, c.Request().RequestURI)
		return next(c)
	}
}

// RequestURI is the request target (path and query) exactly as the client sent it.
func RequestURI(c echo.Context) string {
	if s, ok := c.Get(keyRequestURI).(string); ok {
		return s
	}
	return c.Request().RequestURI
}

// SetWorld records the request's world.
func SetWorld(c echo.Context, w *world.World) { c.Set(keyWorld, w) }

// World is the request's world; the authentication step guarantees one before handlers run.
func World(c echo.Context) *world.World {
	w, _ := c.Get(keyWorld).(*world.World)
	return w
}

// SetInput records the validated request.
func SetInput(c echo.Context, in *openapi.Input) { c.Set(keyInput, in) }

// Input is the validated request.
func Input(c echo.Context) *openapi.Input {
	in, _ := c.Get(keyInput).(*openapi.Input)
	if in == nil {
		return &openapi.Input{Path: map[string]any{}, Query: map[string]any{}, Body: map[string]any{}, BodyJSON: []byte("{}")}
	}
	return in
}

// SetOperation records which operation the request is.
func SetOperation(c echo.Context, id string) { c.Set(keyOperation, id) }

// Operation is the operationId of the request, "" when no route matched.
func Operation(c echo.Context) string {
	s, _ := c.Get(keyOperation).(string)
	return s
}

// Bind decodes the validated body into v.
func Bind(c echo.Context, v any) error {
	if err := json.Unmarshal(Input(c).BodyJSON, v); err != nil {
		return apierr.Invalid(fmt.Sprintf("The request body is invalid: %v.", err))
	}
	return nil
}

// PathInt is a validated integer path parameter.
func PathInt(c echo.Context, name string) int64 {
	return toInt(Input(c).Path[name])
}

// PathString is a path parameter as sent.
func PathString(c echo.Context, name string) string { return c.Param(name) }

// QueryInt is a validated integer query parameter, or def when it was not sent.
func QueryInt(c echo.Context, name string, def int64) int64 {
	v, ok := Input(c).Query[name]
	if !ok {
		return def
	}
	return toInt(v)
}

// QueryBool is a validated boolean query parameter, false when it was not sent.
func QueryBool(c echo.Context, name string) bool {
	b, _ := Input(c).Query[name].(bool)
	return b
}

// QueryString is a validated string query parameter, or def.
func QueryString(c echo.Context, name, def string) string {
	if s, ok := Input(c).Query[name].(string); ok {
		return s
	}
	return def
}

// QueryInts is a validated array-of-integers query parameter.
func QueryInts(c echo.Context, name string) []int64 {
	arr, _ := Input(c).Query[name].([]any)
	out := make([]int64, 0, len(arr))
	for _, v := range arr {
		out = append(out, toInt(v))
	}
	return out
}

// HasQuery reports whether a query parameter was sent (and valid).
func HasQuery(c echo.Context, name string) bool {
	_, ok := Input(c).Query[name]
	return ok
}

func toInt(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case int64:
		return n
	case int:
		return int64(n)
	}
	return 0
}
