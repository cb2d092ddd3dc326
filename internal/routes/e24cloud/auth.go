package e24cloud

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
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

// Authenticate checks the request's HMAC-SHA256 signature (§A.2): base64 of
// HMAC(secret, METHOD \n HOST \n X-Date \n PATH+QUERY \n BODY), with a date within the skew
// window. It accepts what the documentation allows and what real clients sign (see
// signedURIs, parseSigningDate); what only panelsim accepts goes through provider.Lenient once
// the signature holds. A refusal says why in the Panelsim-Auth-Error header and the journal
// (refuse); its body is e24cloud's 401.
func (p *Provider) Authenticate(c echo.Context, w *world.World, body []byte) error {
	r := c.Request()
	key, sig, _ := strings.Cut(r.Header.Get(echo.HeaderAuthorization), ":")
	key, sig = strings.TrimSpace(key), strings.TrimSpace(sig)
	header, date := "X-Date", r.Header.Get("X-Date")
	if date == "" {
		header, date = "Date", r.Header.Get("Date")
	}
	if date == "" {
		return refuse(c, "no X-Date header: e24cloud signs every request with its date")
	}
	d, err := parseSigningDate(date)
	if err != nil {
		return refuse(c, fmt.Sprintf("%s %s is not a date e24cloud reads (RFC 1123, e.g. %q)", header, quoted(date), exampleDate))
	}
	if _, off := d.nearest(p.cfg.Wall()); off > p.cfg.Skew || off < -p.cfg.Skew {
		return refuse(c, fmt.Sprintf("%s %s is %s the server's clock (allowed: %s either way)", header, quoted(date), howFar(off), p.cfg.Skew))
	}
	want, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		if want, err = base64.RawStdEncoding.DecodeString(sig); err != nil {
			return refuse(c, "the Authorization header is not \"<api key>:<base64 signature>\"")
		}
	}
	secrets, err := p.secrets(w, key)
	if err != nil {
		return err
	}
	if len(secrets) == 0 {
		return refuse(c, fmt.Sprintf("%s is not (or no longer) an API key of the account", quoted(key)))
	}
	documented, pathOnly := signedURIs(provider.RequestURI(c))
	hosts := []string{r.Host}
	if h, _, err := net.SplitHostPort(r.Host); err == nil {
		hosts = append(hosts, h)
	}
	signs := func(uris []string) bool {
		for _, secret := range secrets {
			for _, host := range hosts {
				for _, u := range uris {
					mac := hmac.New(sha256.New, []byte(secret))
					mac.Write([]byte(r.Method + "\n" + host + "\n" + date + "\n" + u + "\n"))
					mac.Write(body)
					if hmac.Equal(mac.Sum(nil), want) {
						return true
					}
				}
			}
		}
		return false
	}
	lenientPath := false
	if !signs(documented) {
		if lenientPath = len(pathOnly) > 0 && signs(pathOnly); !lenientPath {
			return refuse(c, fmt.Sprintf("the signature does not match base64(HMAC-SHA256(secret, %s + %d-byte body))",
				quoted(r.Method+"\n"+r.Host+"\n"+date+"\n"+documented[0]+"\n"), len(body)))
		}
	}
	return p.leniencies(c, header, d, lenientPath)
}

// exampleDate is an X-Date as e24cloud documents it (PHP's gmdate('D, d M Y H:i:s T')).
const exampleDate = "Mon, 04 Jul 2015 14:01:02 GMT"

// signedURIs are the request targets a signature may cover. The documentation writes the
// fourth line as URI_PATH + QUERY_STRING: as sent ("/v2/accounts?limit=5") and, read
// literally, without the "?" ("/v2/accounts" + "limit=5"); both are the panel's rule. The
// path alone while a query is sent is what some clients sign (kali11's driver; an
// e24cloudAuth precedence bug): panelsim's leniency.
func signedURIs(uri string) (documented, pathOnly []string) {
	path, query, hasQuery := strings.Cut(uri, "?")
	if !hasQuery {
		return []string{uri}, nil
	}
	return []string{uri, path + query}, []string{path}
}

// leniencies records (or, under --strict, refuses) what a well-signed request relied on that
// e24cloud does not document.
func (p *Provider) leniencies(c echo.Context, header string, d *signingDate, pathOnly bool) error {
	var rules []string
	if header == "Date" {
		rules = append(rules, "e24cloud reads the signing date from X-Date; panelsim took it from the Date header")
	}
	if d.form != "" {
		rules = append(rules, "e24cloud documents X-Date as an RFC 1123 date ("+exampleDate+"); panelsim read this "+d.form+" date")
	}
	if d.unknownZone != "" {
		rules = append(rules, "X-Date names a zone e24cloud may not know ("+quoted(d.unknownZone)+"); panelsim read it as UTC")
	}
	if pathOnly {
		rules = append(rules, "e24cloud signs the path with its query string; this request signed the path alone")
	}
	for _, msg := range rules {
		if err := provider.Lenient(c, msg, errLenientAuth); err != nil {
			return refuse(c, "strict: "+msg)
		}
	}
	return nil
}

var errLenientAuth = errors.New("refused under --strict")

// AuthErrorHeader says why panelsim refused a request's signature; the body stays e24cloud's
// 401.
const AuthErrorHeader = "Panelsim-Auth-Error"

// refuse records why a request is refused, in the Panelsim-Auth-Error header and in the
// journal's rule field ("e24cloud-auth: …", after any scenario rule that fired), and returns
// the error that makes the pipeline answer 401.
func refuse(c echo.Context, reason string) error {
	c.Response().Header().Set(AuthErrorHeader, reason)
	rule := "e24cloud-auth: " + reason
	if prev := provider.Rule(c); prev != "" {
		rule = prev + "," + rule
	}
	provider.SetRule(c, rule)
	return errors.New(reason)
}

// quoted quotes what a client sent for a header value: escaped to ASCII, and cut at 80
// bytes.
func quoted(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return strconv.QuoteToASCII(s)
}

// howFar says how far a date is from the clock: "47m0s behind" or "20m0s ahead of".
func howFar(off time.Duration) string {
	if off > 0 {
		return off.Round(time.Second).String() + " behind"
	}
	return (-off).Round(time.Second).String() + " ahead of"
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

// Unauthorized answers 401 in e24cloud's shape. Panelsim-Auth-Error says why, when
// Authenticate did not already.
func (p *Provider) Unauthorized(c echo.Context) error {
	if h := c.Response().Header(); h.Get(AuthErrorHeader) == "" {
		reason := "unknown API key"
		switch {
		case provider.Rule(c) != "":
			reason = "scenario rule " + quoted(provider.Rule(c)) + " answers 401"
		case p.Credential(c.Request()) == "":
			reason = "no Authorization header \"<api key>:<base64 signature>\""
		}
		h.Set(AuthErrorHeader, reason)
	}
	return c.JSON(http.StatusUnauthorized, failure{Error: "Unauthorized: missing, unknown or badly signed API key."})
}
