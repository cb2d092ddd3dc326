package servers

import (
	"fmt"
	"net/netip"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// startConsole answers GET /api/servers/{server}/console/start {authorizedIp, consoleMode}
// (from the query string or a JSON body): a console session for the server, opened from
// authorizedIp only. It answers the session's token and the URL that opens it on the panel.
//
// Decisions where the documentation is silent: the token is 40 hex characters from
// crypto/rand (never seeded); the session itself is not kept (nothing reads it back); a server
// without a console provider (consoleprovider.type "none") is refused with 422 on
// consoleMode; a user the server is suspended for is refused with 403; authorizedIp must be
// an IP address (422); each session writes an activity entry ("Started console session").
func (g *group) startConsole(c echo.Context) error {
	var in struct {
		AuthorizedIP string `json:"authorizedIp"`
		ConsoleMode  string `json:"consoleMode"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if _, err := netip.ParseAddr(in.AuthorizedIP); err != nil {
		return tenantos.Invalid("authorizedIp", "The authorized ip must be a valid IP address.")
	}
	if in.ConsoleMode == "" {
		in.ConsoleMode = "standard"
	}
	who := tenantos.CallerOf(c)
	token := consoleToken()
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
		if err != nil {
			return err
		}
		if suspendedFor(who, s) {
			return errSuspended
		}
		if s.ConsoleType == "" || s.ConsoleType == "none" {
			return tenantos.Invalid("consoleMode", "The server has no console.")
		}
		return logServer(c, tx, s, "servers", fmt.Sprintf("Started console session (%s) for %s", in.ConsoleMode, in.AuthorizedIP), nil)
	})
	if err != nil {
		return err
	}
	scheme := c.Scheme()
	return tenantos.OK(c, map[string]string{"token": token, "accessUrl": scheme + "://" + c.Request().Host + "/console/" + token})
}

// consoleToken is a new console token: 40 hex characters from crypto/rand.
func consoleToken() string {
	cr := provider.Credentials()
	return fmt.Sprintf("%016x%016x%08x", cr.Uint64(), cr.Uint64(), cr.Uint32())
}
