package provider

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"
)

// Page is Laravel's length-aware paginator as the Laravel-based panels answer lists, keys in
// Laravel's order.
type Page[T any] struct {
	CurrentPage  int        `json:"current_page"`
	Data         []T        `json:"data"`
	FirstPageURL string     `json:"first_page_url"`
	From         *int       `json:"from"`
	LastPage     int        `json:"last_page"`
	LastPageURL  string     `json:"last_page_url"`
	Links        []PageLink `json:"links"`
	NextPageURL  *string    `json:"next_page_url"`
	Path         string     `json:"path"`
	PerPage      int        `json:"per_page"`
	PrevPageURL  *string    `json:"prev_page_url"`
	To           *int       `json:"to"`
	Total        int        `json:"total"`
}

// PageLink is one entry of a paginator's links.
type PageLink struct {
	URL    *string `json:"url"`
	Label  string  `json:"label"`
	Active bool    `json:"active"`
}

// PageRequest is which page of how many items a client asked for.
type PageRequest struct {
	Page, PerPage int
	// KeepResults keeps "results" in the page URLs, as the panel does when it was sent.
	KeepResults bool
}

// Offset is the index of the first item of the page.
func (p PageRequest) Offset() int { return (p.Page - 1) * p.PerPage }

// PageParams reads Laravel-style page parameters: page (from 1) and a page size parameter
// (VirtFusion's "results") with its default.
func PageParams(c echo.Context, sizeParam string, def int) PageRequest {
	p := PageRequest{Page: int(QueryInt(c, "page", 1)), PerPage: int(QueryInt(c, sizeParam, int64(def)))}
	if p.Page < 1 {
		p.Page = 1
	}
	if p.PerPage < 1 {
		p.PerPage = def
	}
	p.KeepResults = HasQuery(c, sizeParam)
	return p
}

// NewPage builds the paginator for one page of items out of total.
func NewPage[T any](c echo.Context, req PageRequest, items []T, total int) Page[T] {
	if items == nil {
		items = []T{}
	}
	last := (total + req.PerPage - 1) / req.PerPage
	if last < 1 {
		last = 1
	}
	base := RequestBase(c) + c.Request().URL.Path
	link := func(n int) string {
		q := url.Values{}
		if req.KeepResults {
			q.Set("results", strconv.Itoa(req.PerPage))
		}
		s := base + "?"
		if enc := q.Encode(); enc != "" {
			s += enc + "&"
		}
		return s + "page=" + strconv.Itoa(n)
	}
	p := Page[T]{
		CurrentPage: req.Page, Data: items, FirstPageURL: link(1), LastPage: last,
		LastPageURL: link(last), Path: base, PerPage: req.PerPage, Total: total,
	}
	if len(items) > 0 {
		from, to := req.Offset()+1, req.Offset()+len(items)
		p.From, p.To = &from, &to
	}
	if req.Page > 1 {
		s := link(req.Page - 1)
		p.PrevPageURL = &s
	}
	if req.Page < last {
		s := link(req.Page + 1)
		p.NextPageURL = &s
	}
	p.Links = append(p.Links, PageLink{URL: p.PrevPageURL, Label: "&laquo; Previous"})
	for _, n := range urlWindow(req.Page, last) {
		if n == 0 {
			p.Links = append(p.Links, PageLink{Label: "..."})
			continue
		}
		u := link(n)
		p.Links = append(p.Links, PageLink{URL: &u, Label: strconv.Itoa(n), Active: n == req.Page})
	}
	p.Links = append(p.Links, PageLink{URL: p.NextPageURL, Label: "Next &raquo;"})
	return p
}

// urlWindow is the page numbers Laravel's UrlWindow shows (onEachSide 3), with 0 where it puts
// "...".
func urlWindow(current, last int) []int {
	const each = 3
	const window = each + 4
	rng := func(a, b int) []int {
		var out []int
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
		return out
	}
	switch {
	case last < each*2+8:
		return rng(1, last)
	case current <= window:
		return append(append(rng(1, window+each), 0), rng(last-1, last)...)
	case current > last-window:
		return append(append(rng(1, 2), 0), rng(last-(window+each-1), last)...)
	}
	out := append(rng(1, 2), 0)
	out = append(out, rng(current-each, current+each)...)
	return append(append(out, 0), rng(last-1, last)...)
}

// RequestBase is scheme://host of the request, as the client addressed the panel.
func RequestBase(c echo.Context) string {
	return c.Scheme() + "://" + c.Request().Host
}
