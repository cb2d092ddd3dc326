package accounts

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// Single sign-on: POST /api/users/{user}/generateSsoToken makes a one-time token the browser
// logs in with at https://<panel>/tokenLogin/<authToken> (a page, not part of the API). The
// token is kept in tenantos.IdxSSOToken with its user, landing page and validity, on the
// world's clock.

// ssoToken is what the index keeps of a token.
type ssoToken struct {
	UserID     int64     `json:"userId"`
	Endpoint   string    `json:"endpoint"`
	Created    time.Time `json:"created"`
	ValidUntil time.Time `json:"validUntil"`
}

// SSO validity, in seconds. Decision: the vendor documents no default nor bounds; a token is
// valid for a minute unless asked otherwise, and for at most a day.
const (
	ssoDefaultSeconds = 60
	ssoMaxSeconds     = 86400
	ssoTokenLength    = 100 // hex digits, as the vendor's example
)

type ssoInput struct {
	Endpoint        *string `json:"endpoint"`
	ValidForSeconds *int64  `json:"validForSeconds"`
}

type ssoView struct {
	AuthToken  string `json:"authToken"`
	ValidUntil int64  `json:"validUntil"`
}

// newSSOToken draws an SSO token: 100 hex digits from crypto/rand.
func newSSOToken() string {
	f := provider.Credentials()
	const hex = "0123456789abcdef"
	b := make([]byte, ssoTokenLength)
	for i := range b {
		b[i] = hex[f.IntN(16)]
	}
	return string(b)
}

// dropSSOTokens deletes the user's SSO tokens for which drop is true.
func dropSSOTokens(tx *state.Tx, userID int64, drop func(*ssoToken) bool) error {
	idx := tx.Index(tenantos.Name, tenantos.IdxSSOToken)
	set := tx.Set(tenantos.Name, setSSOByUser)
	for _, tok := range rawMembers(tx, setSSOByUser, userID) {
		var t ssoToken
		raw := idx.Get([]byte(tok))
		if raw != nil && json.Unmarshal(raw, &t) == nil && !drop(&t) {
			continue
		}
		if err := idx.Delete([]byte(tok)); err != nil {
			return err
		}
		if err := set.Remove(key(userID), []byte(tok)); err != nil {
			return err
		}
	}
	return nil
}

// generateSsoToken makes a one-time login token for a user the caller manages, landing on
// endpoint (default "/"; a path without its leading slash gets one), valid for
// validForSeconds (default 60, 1 to 86400) from now on the world's clock: validUntil is
// that moment in unix seconds. Only users that may have sub-users make tokens for others;
// anyone may make one for themselves. The user's expired tokens are dropped.
func (g *group) generateSsoToken(c echo.Context) error {
	var in ssoInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	secs := int64(ssoDefaultSeconds)
	if in.ValidForSeconds != nil {
		secs = *in.ValidForSeconds
		if secs < 1 || secs > ssoMaxSeconds {
			return tenantos.Invalidf("validForSeconds", "The valid for seconds must be between 1 and %d.", ssoMaxSeconds)
		}
	}
	endpoint := "/"
	if in.Endpoint != nil && strings.TrimSpace(*in.Endpoint) != "" {
		endpoint = strings.TrimSpace(*in.Endpoint)
		if !strings.HasPrefix(endpoint, "/") {
			endpoint = "/" + endpoint
		}
	}
	token := newSSOToken()
	var out ssoView
	err := provider.World(c).Update(func(tx *state.Tx) error {
		u, err := pathUser(c, tx, "user")
		if err != nil {
			return err
		}
		if a := actor(c); u.ID != a.ID && !mayOwnUsers(a) {
			return tenantos.ErrForbidden
		}
		if err := dropSSOTokens(tx, u.ID, func(t *ssoToken) bool { return !t.ValidUntil.After(tx.Now) }); err != nil {
			return err
		}
		t := ssoToken{UserID: u.ID, Endpoint: endpoint, Created: tx.Now, ValidUntil: tx.Now.Add(time.Duration(secs) * time.Second)}
		raw, err := json.Marshal(t)
		if err != nil {
			return err
		}
		if err := tx.Index(tenantos.Name, tenantos.IdxSSOToken).Put([]byte(token), raw); err != nil {
			return err
		}
		if err := tx.Set(tenantos.Name, setSSOByUser).Add(key(u.ID), []byte(token)); err != nil {
			return err
		}
		out = ssoView{AuthToken: token, ValidUntil: t.ValidUntil.Unix()}
		return tenantos.LogActivity(c, tx, userEntry(u, "Generated an SSO login token for", nil))
	})
	if err != nil {
		return err
	}
	err = tenantos.OK(c, out)
	return err
}
