// Package ui is panelsim's dashboard: web pages under /_sim/ui/ on every listener that show
// a world (its records, tasks, journal, scenarios, clock, snapshots and request charts) and
// act on it. The pages are rendered on the server with html/template from the answers of the
// control API, called in-process through the handler that serves it to scripts.
package ui

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Base is where the dashboard is mounted.
const Base = "/_sim/ui"

// dashboard serves the pages of one listener.
type dashboard struct {
	api        controlAPI
	adminToken string
	pages      map[string]*template.Template
}

// Register mounts the dashboard under /_sim/ui on e, the listener whose control API (under
// /_sim) it reads; adminToken is the simulator's --admin-token ("" when there is none).
func Register(e *echo.Echo, adminToken string) {
	d := &dashboard{api: controlAPI{h: e}, adminToken: adminToken, pages: parsePages()}
	g := e.Group(Base, noStore)
	assets, _ := fs.Sub(assetFS, "assets")
	g.GET("/assets/*", echo.WrapHandler(http.StripPrefix(Base+"/assets/", http.FileServer(http.FS(assets)))))
	g.GET("", d.home)
	g.GET("/login", d.loginForm)
	g.POST("/login", d.login, sameOrigin)
	g.POST("/logout", d.logout, sameOrigin)
	g.GET("/worlds", d.admin(d.worlds))
	g.POST("/worlds/open", d.admin(d.openWorld), sameOrigin)
	g.GET("/world", d.session(d.worldPage))
	g.GET("/tasks", d.session(d.tasksPage))
	g.GET("/journal", d.session(d.journalPage))
	g.GET("/scenarios", d.session(d.scenariosPage))
	g.POST("/scenarios/switch", d.session(d.switchScenario), sameOrigin)
	g.GET("/clock", d.session(d.clockPage))
	g.POST("/clock/advance", d.session(d.advance), sameOrigin)
	g.GET("/snapshots", d.session(d.snapshotsPage))
	g.POST("/snapshots", d.session(d.snapshotAction), sameOrigin)
	g.GET("/requests", d.session(d.requestsPage))
	g.GET("/events", d.session(d.events))
}

// parsePages reads each page's template with the shared layout.
func parsePages() map[string]*template.Template {
	pages := map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		pages[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n))
	}
	return pages
}

// noStore keeps browsers and proxies from keeping the pages, and forbids framing them.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "same-origin")
		return next(c)
	}
}

// sameOrigin refuses a form posted from another site (the cookie is SameSite=Strict too).
func sameOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if o := c.Request().Header.Get("Origin"); o != "" && o != "null" {
			u, err := url.Parse(o)
			if err != nil || u.Host != c.Request().Host {
				return c.String(http.StatusForbidden, "cross-site form refused")
			}
		}
		return next(c)
	}
}

// view is what every page's template gets: the page's own data and the layout's.
type view struct {
	Page    string
	Title   string
	World   string // the world's id
	Now     string // the world's virtual time
	Admin   bool
	Flash   string
	Error   string
	Data    any
	Sources []string // the control API calls the page was drawn from
}

// render writes a page with status.
func (d *dashboard) render(c echo.Context, status int, page string, v view) error {
	v.Page = page
	if v.Flash == "" {
		v.Flash = takeFlash(c)
	}
	var b strings.Builder
	if err := d.pages[page].ExecuteTemplate(&b, "layout", v); err != nil {
		return err
	}
	return c.HTML(status, b.String())
}

// fail shows a control API refusal on an error page, or ends the session when the token no
// longer opens a world.
func (d *dashboard) fail(c echo.Context, s *sess, err error) error {
	var ae *apiError
	if errors.As(err, &ae) && ae.Status == http.StatusUnauthorized {
		clearCookie(c, cookieToken)
		return d.render(c, http.StatusUnauthorized, "login", view{Title: "Sign in", Error: "The token no longer opens a world."})
	}
	status := http.StatusInternalServerError
	if ae != nil {
		status = ae.Status
	}
	return d.render(c, status, "error", view{Title: "Error", World: s.world, Admin: s.admin, Error: err.Error()})
}
