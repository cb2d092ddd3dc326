package ui

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/control"
)

// The dashboard's cookies: the token it was opened with, the world an admin chose, and a
// message for the next page. All are HttpOnly and SameSite=Strict, scoped to /_sim/.
const (
	cookieToken = "panelsim_ui"
	cookieWorld = "panelsim_ui_world"
	cookieFlash = "panelsim_ui_flash"
	cookiePath  = "/_sim/"
)

// sess is who opened a page: the token that calls the control API for the world shown
// (never written into a page), that world's id, and whether the admin token signed in.
type sess struct {
	token string
	world string
	admin bool
	// adminToken is the admin's own token, for the calls across worlds.
	adminToken string
}

type sessHandler func(echo.Context, *sess) error

func setCookie(c echo.Context, name, value string, maxAge int) {
	c.SetCookie(&http.Cookie{Name: name, Value: value, Path: cookiePath, MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: c.Request().TLS != nil})
}

func clearCookie(c echo.Context, name string) { setCookie(c, name, "", -1) }

func cookie(c echo.Context, name string) string {
	ck, err := c.Cookie(name)
	if err != nil {
		return ""
	}
	v, err := url.QueryUnescape(ck.Value)
	if err != nil {
		return ""
	}
	return v
}

// flash keeps msg for the next page (after a redirect).
func flash(c echo.Context, msg string) { setCookie(c, cookieFlash, url.QueryEscape(msg), 60) }

func takeFlash(c echo.Context) string {
	msg := cookie(c, cookieFlash)
	if msg != "" {
		clearCookie(c, cookieFlash)
	}
	return msg
}

func (d *dashboard) isAdmin(token string) bool {
	return d.adminToken != "" && subtle.ConstantTimeCompare([]byte(token), []byte(d.adminToken)) == 1
}

// clockAnswer is the control API's clock (GET /_sim/clock).
type clockAnswer struct {
	World   string     `json:"world"`
	Now     time.Time  `json:"now"`
	Mode    string     `json:"mode"`
	Scale   float64    `json:"scale"`
	Pending int        `json:"pendingTasks"`
	NextDue *time.Time `json:"nextDue"`
	Ran     *int       `json:"tasksRun"`
}

// session resolves the cookie to a world: a page opened without one goes to the sign-in form,
// one whose token opens no world answers 401 with the form, and an admin who has not chosen a
// world goes to the list of worlds.
func (d *dashboard) session(h sessHandler) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := cookie(c, cookieToken)
		if token == "" {
			return c.Redirect(http.StatusSeeOther, Base+"/login")
		}
		s := &sess{token: token}
		if d.isAdmin(token) {
			s.admin, s.adminToken = true, token
			id := cookie(c, cookieWorld)
			worlds, err := d.listWorlds(c, token)
			if err != nil {
				return d.fail(c, s, err)
			}
			s.token = ""
			for _, w := range worlds {
				if w.ID == id {
					s.token, s.world = w.Token, w.ID
				}
			}
			if s.token == "" {
				return c.Redirect(http.StatusSeeOther, Base+"/worlds")
			}
			return h(c, s)
		}
		var clk clockAnswer
		if err := d.api.call(c.Request().Context(), token, "GET", "/clock", nil, &clk); err != nil {
			return d.fail(c, s, err)
		}
		s.world = clk.World
		return h(c, s)
	}
}

// admin lets only the admin token through.
func (d *dashboard) admin(h sessHandler) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := cookie(c, cookieToken)
		if token == "" {
			return c.Redirect(http.StatusSeeOther, Base+"/login")
		}
		if !d.isAdmin(token) {
			return d.render(c, http.StatusForbidden, "error", view{Title: "Worlds", Error: "Only the admin token (--admin-token) lists the worlds."})
		}
		return h(c, &sess{admin: true, adminToken: token, world: cookie(c, cookieWorld)})
	}
}

func (d *dashboard) home(c echo.Context) error {
	token := cookie(c, cookieToken)
	switch {
	case token == "":
		return c.Redirect(http.StatusSeeOther, Base+"/login")
	case d.isAdmin(token) && cookie(c, cookieWorld) == "":
		return c.Redirect(http.StatusSeeOther, Base+"/worlds")
	}
	return c.Redirect(http.StatusSeeOther, Base+"/world")
}

func (d *dashboard) loginForm(c echo.Context) error {
	return d.render(c, http.StatusOK, "login", view{Title: "Sign in"})
}

// login checks the token against the control API and keeps it in the session cookie.
func (d *dashboard) login(c echo.Context) error {
	token := strings.TrimSpace(c.FormValue("token"))
	if token == "" {
		return d.render(c, http.StatusUnauthorized, "login", view{Title: "Sign in", Error: "Give the token of a world, or the admin token."})
	}
	clearCookie(c, cookieWorld)
	if d.isAdmin(token) {
		setCookie(c, cookieToken, url.QueryEscape(token), 0)
		return c.Redirect(http.StatusSeeOther, Base+"/worlds")
	}
	if err := d.api.call(c.Request().Context(), token, "GET", "/clock", nil, nil); err != nil {
		return d.render(c, http.StatusUnauthorized, "login", view{Title: "Sign in", Error: "That token opens no world."})
	}
	setCookie(c, cookieToken, url.QueryEscape(token), 0)
	return c.Redirect(http.StatusSeeOther, Base+"/world")
}

func (d *dashboard) logout(c echo.Context) error {
	clearCookie(c, cookieToken)
	clearCookie(c, cookieWorld)
	return c.Redirect(http.StatusSeeOther, Base+"/login")
}

func (d *dashboard) listWorlds(c echo.Context, adminToken string) ([]control.WorldItem, error) {
	var out struct {
		Worlds []control.WorldItem `json:"worlds"`
	}
	err := d.api.call(c.Request().Context(), adminToken, "GET", "/worlds", nil, &out)
	return out.Worlds, err
}

// worldRow is a world in the admin's list: its token masked.
type worldRow struct {
	ID, Token, Now string
	Records        int
	Providers      []string
	Open           bool
}

func (d *dashboard) worlds(c echo.Context, s *sess) error {
	worlds, err := d.listWorlds(c, s.adminToken)
	if err != nil {
		return d.fail(c, s, err)
	}
	rows := []worldRow{}
	for _, w := range worlds {
		r := worldRow{ID: w.ID, Token: mask(w.Token), Now: w.Now.Format(time.RFC3339), Open: w.ID == s.world}
		for p, kinds := range w.Counts {
			n := 0
			for _, k := range kinds {
				n += k
			}
			if n > 0 {
				r.Providers = append(r.Providers, p)
			}
			r.Records += n
		}
		sortStrings(r.Providers)
		rows = append(rows, r)
	}
	return d.render(c, http.StatusOK, "worlds", view{Title: "Worlds", Admin: true, World: s.world, Data: rows,
		Sources: []string{"GET /_sim/worlds"}})
}

func (d *dashboard) openWorld(c echo.Context, s *sess) error {
	setCookie(c, cookieWorld, url.QueryEscape(c.FormValue("id")), 0)
	return c.Redirect(http.StatusSeeOther, Base+"/world")
}

// mask shows enough of a token to tell tokens apart, never the token.
func mask(token string) string {
	if len(token) < 12 {
		return "••••"
	}
	return token[:3] + "••••" + token[len(token)-2:]
}
