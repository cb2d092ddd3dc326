// Package provider is what a simulated API plugs into the simulator with: its OpenAPI
// document, one handler per operation, how it reads credentials, how it words errors, its
// fixtures and its task runners. The plumbing around it (listener, journal, authentication,
// validation, tasks, control API) is the simulator's and is written once.
package provider

import (
	"encoding/json"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/scenarios"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// Authenticator is implemented by providers whose credential is more than a token to look up:
// e24cloud signs every request with a secret kept in the world. Authenticate runs once the
// credential has found its world, with the raw body; an error is answered as Unauthorized.
// w is nil for an unknown credential under --any-token: the request must then be signed
// with the secret a new world would give it, before that world is made.
type Authenticator interface {
	Authenticate(c echo.Context, w *world.World, body []byte) error
}

// Faulter is implemented by providers with domain faults that scenarios can set off: a build
// that fails, a hypervisor in maintenance, a server that vanishes. Fault applies one to the
// world for the request r, in the world's state, and returns what undoes it (nil when
// nothing does) as data, which is saved with the world's scenarios; Undo reverses it when
// the scenario is deactivated, even after a restart or a snapshot restore.
type Faulter interface {
	Faults() []string
	Fault(w *world.World, name string, params map[string]any, r *scenarios.Request) (undo json.RawMessage, err error)
	Undo(w *world.World, undo json.RawMessage) error
}

// Provider is one simulated panel API.
type Provider interface {
	// Name is the provider's name in flags, URLs lines and task kinds ("virtfusion").
	Name() string
	// BasePath prefixes every path of the document ("/api/v1").
	BasePath() string
	// Spec is the provider's OpenAPI document; every operation must have a handler.
	Spec() *openapi3.T
	// Handlers maps each operationId of the document to its handler.
	Handlers() map[string]echo.HandlerFunc
	// Credential reads the token (or key) that selects the world; "" when there is none.
	Credential(r *http.Request) string
	// Unauthorized answers a request whose credential is missing or unknown.
	Unauthorized(c echo.Context) error
	// WriteError answers err in the provider's own shape: *apierr.Error, validation errors
	// from internal/openapi, *echo.HTTPError (404, 405, 413) and anything else (500).
	WriteError(c echo.Context, err error)
	// Seed fills a new world with the provider's fixtures.
	Seed(tx *state.Tx) error
	// Runners carry out the provider's tasks, keyed by task kind.
	Runners() map[string]world.Runner
}

// Reuser is implemented by a provider some of whose read operations may be answered again,
// byte for byte, while the world is unchanged (see Reused). ReusableAnswer tells, for one GET
// request that passed validation, whether its answer may be kept, and what it depends on
// besides the world, the URL and the world's clock (who: the acting user, where answers
// differ by user).
type Reuser interface {
	ReusableAnswer(c echo.Context) (who string, ok bool)
}

// WorldForgetter is implemented by a provider that keeps something of a world outside the
// store (in memory): it forgets it when the world is reset or removed.
type WorldForgetter interface {
	ForgetWorld(id string)
}

// Extra is implemented by a provider with routes outside its document, served as they are
// (no validation, no token): a hardware-detection script and its callback, whose URL names
// its world. find resolves a token of the given scope to its world; a handler that finds one
// records it with SetWorld, so that the journal shows the call.
type Extra interface {
	ExtraRoutes(e *echo.Echo, find func(token, scope string) (*world.World, bool))
}
