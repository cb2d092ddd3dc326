package e24cloud

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// Credential reads the API key of "Authorization: <key>:<signature>".
func (p *Provider) Credential(r *http.Request) string {
	key, _, ok := strings.Cut(r.Header.Get(echo.HeaderAuthorization), ":")
	if !ok {
		return ""
	}
	return strings.TrimSpace(key)
}

var (
	errNoDate       = errors.New("missing or unreadable X-Date")
	errSkew         = errors.New("X-Date too far from the server's time")
	errBadSignature = errors.New("signature does not match")
)

// Authenticate checks the request's HMAC-SHA256 signature (§A.2): base64 of
// HMAC(secret, METHOD \n HOST \n X-Date \n PATH[?QUERY] \n BODY). It accepts what real clients
// sign: the host with or without its port, the path with or without the query, and a date in
// any of the RFC 1123 variants and zones they send, within the skew window.
func (p *Provider) Authenticate(c echo.Context, w *world.World, body []byte) error {
	r := c.Request()
	key, sig, _ := strings.Cut(r.Header.Get(echo.HeaderAuthorization), ":")
	key, sig = strings.TrimSpace(key), strings.TrimSpace(sig)
	date := r.Header.Get("X-Date")
	if date == "" {
		date = r.Header.Get("Date")
	}
	t, ok := parseDate(date)
	if !ok {
		return errNoDate
	}
	if d := p.cfg.Wall().Sub(t); d > p.cfg.Skew || d < -p.cfg.Skew {
		return errSkew
	}
	want, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		if want, err = base64.RawStdEncoding.DecodeString(sig); err != nil {
			return errBadSignature
		}
	}
	secrets, err := p.secrets(w, key)
	if err != nil {
		return err
	}
	uri := provider.RequestURI(c) // as sent: the router takes a trailing slash off
	path, _, _ := strings.Cut(uri, "?")
	hosts := []string{r.Host}
	if h, _, err := net.SplitHostPort(r.Host); err == nil {
		hosts = append(hosts, h)
	}
	for _, secret := range secrets {
		for _, host := range hosts {
			for _, u := range []string{uri, path} {
				mac := hmac.New(sha256.New, []byte(secret))
				mac.Write([]byte(r.Method + "\n" + host + "\n" + date + "\n" + u + "\n"))
				mac.Write(body)
				if hmac.Equal(mac.Sum(nil), want) {
					return nil
				}
			}
		}
	}
	return errBadSignature
}

// secrets are the secrets a key may sign with: the one the world's account holds for it, and
// one declared for it on the command line (which may differ from what a world made earlier
// holds) until the secret is rotated through the API. A key the account does not list (never
// made, or deleted) signs nothing. With no world yet (w nil: an unknown key under
// --any-token), it is the secret the new world would give the key.
func (p *Provider) secrets(w *world.World, key string) ([]string, error) {
	if w == nil {
		return []string{p.secretOf(key)}, nil
	}
	var out []string
	err := w.View(func(tx *state.Tx) error {
		a, err := loadAccount(tx)
		if err != nil {
			return err
		}
		for _, k := range a.APIKeys {
			if k.Key != key {
				continue
			}
			out = append(out, k.Secret)
			if s, ok := p.cfg.Keys[key]; ok && !k.Rotated && s != k.Secret {
				out = append(out, s)
			}
		}
		return nil
	})
	return out, err
}

// Unauthorized answers 401 in e24cloud's shape.
func (p *Provider) Unauthorized(c echo.Context) error {
	return c.JSON(http.StatusUnauthorized, failure{Error: "Unauthorized: missing, unknown or badly signed API key."})
}

// dateLayouts are the forms of X-Date real clients send: RFC 1123 with a zone name (Go's
// time.RFC1123 with the local zone, Python's formatdate with GMT), with a numeric zone, and
// the documentation's own "Mon, 04 Jul 2015, 14:01:02 EST".
var dateLayouts = []string{
	time.RFC1123, time.RFC1123Z, "Mon, 02 Jan 2006, 15:04:05 MST", "Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04:05 -0700", time.RFC850, time.ANSIC, time.RFC3339,
}

// zoneOffsets are the zone names clients put in dates, in hours from UTC (Go reads unknown
// names as UTC, which would be an hour off for a client in Poznań).
var zoneOffsets = map[string]int{
	"UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}

func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if name, off := t.Zone(); off == 0 {
			if h, ok := zoneOffsets[name]; ok {
				t = t.Add(-time.Duration(h) * time.Hour)
			}
		}
		return t, true
	}
	return time.Time{}, false
}
