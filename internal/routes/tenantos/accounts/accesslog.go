package accounts

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

type accessView struct {
	ID            int64  `json:"id"`
	Request       string `json:"request"`
	Response      string `json:"response"`
	Endpoint      string `json:"endpoint"`
	Method        string `json:"method"`
	StatusCode    string `json:"statuscode"`
	IP            string `json:"ip"`
	UserAgent     string `json:"userAgent"`
	CreatedAt     string `json:"created_at"`
	RequestSource string `json:"requestSource"`
}

// listAccessLog lists the API calls a user the caller manages made (with its own tokens;
// calls made while impersonating count for the token's user), newest first, at most {limit}
// (the optional trailing segment, or ?limit=). The log is the core's in-memory ring: the
// last 200 calls of the world, bodies cut to 512 bytes, empty after a restart. The call
// asking is not in it yet. requestSource is "api": every call reaches the simulator through
// the API.
func (g *group) listAccessLog(c echo.Context) error {
	limit, err := limitOf(c)
	if err != nil {
		return err
	}
	w := provider.World(c)
	var userID int64
	err = w.View(func(tx *state.Tx) error {
		u, err := pathUser(c, tx, "user_id")
		if err != nil {
			return err
		}
		userID = u.ID
		return nil
	})
	if err != nil {
		return err
	}
	out := []accessView{}
	for _, a := range g.p.AccessLog(w.ID, userID, limit) {
		out = append(out, accessView{ID: a.ID, Request: a.Request, Response: a.Response, Endpoint: a.Endpoint, Method: a.Method,
			StatusCode: strconv.Itoa(a.StatusCode), IP: a.IP, UserAgent: a.UserAgent, CreatedAt: tenantos.LaravelTime(a.Created),
			RequestSource: "api"})
	}
	return tenantos.OK(c, out)
}
