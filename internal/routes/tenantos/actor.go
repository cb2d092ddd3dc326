package tenantos

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

// Caller is who a request acts as: the user its token belongs to (the world's own token is
// the administrator's), or the user it impersonates. An alias user (shared access) acts as
// the account it shares: User is that account, Alias the alias user, whose alias role and
// assignments limit what it may reach (the accounts group's access rules).
type Caller struct {
	User  *User  // acting user
	Real  *User  // the token's own user
	Token *Token // nil for the world's own token
	Hash  string // sha256 of the token (sessions are kept by it)
	Alias *User  // the alias user acting for User, nil for anyone else
}

// Admin reports whether the acting user is an administrator.
func (c *Caller) Admin() bool { return c.User.RoleID == RoleAdmin }

const keyCaller = "tenantos.caller"

// CallerOf is the request's Caller (set by the route wrapper before any handler runs).
func CallerOf(c echo.Context) *Caller { return c.Get(keyCaller).(*Caller) }

// HashToken is the key a token is kept under: its SHA-256, never the token itself.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ImpersonateHeader names the user a request acts as (the docs' impersonateUserId header).
const ImpersonateHeader = "impersonateUserId"

// resolveCaller finds who the request acts as: the token's user (refused when the token's or
// the user's allowedHosts do not list the client's address, or the account is disabled),
// then the user it impersonates, through the header or a session started with
// /api/impersonate/{id}/start; an alias user then acts as the account it shares (Alias).
func (p *Provider) resolveCaller(c echo.Context, tx *state.Tx, w *world.World) (*Caller, error) {
	token := p.Credential(c.Request())
	out := &Caller{Hash: HashToken(token)}
	if token != w.Token {
		raw := tx.Index(Name, IdxTokenHash).Get([]byte(out.Hash))
		if raw == nil {
			return nil, ErrUnauthenticated
		}
		t, err := Tokens.Get(tx, int64(state.IDOf(raw)))
		if err != nil {
			return nil, ErrUnauthenticated
		}
		out.Token = t
	}
	uid := int64(AdminID)
	if out.Token != nil {
		uid = out.Token.UserID
	}
	u, err := Users.Get(tx, uid)
	if err != nil {
		return nil, ErrUnauthenticated
	}
	if ip := ClientIP(c); out.Token != nil && !HostAllowed(out.Token.AllowedHosts, ip) {
		return nil, apierr.Forbidden("This token may not be used from " + ip + ".")
	}
	if u.AccountStatus == "disabled" {
		return nil, apierr.Forbidden("The account is disabled.")
	}
	out.Real, out.User = u, u
	target := int64(0)
	if h := strings.TrimSpace(c.Request().Header.Get(ImpersonateHeader)); h != "" {
		n, err := strconv.ParseInt(h, 10, 64)
		if err != nil || n <= 0 {
			return nil, ErrForbidden
		}
		target = n
	} else if raw := tx.Index(Name, IdxSession).Get([]byte(out.Hash)); raw != nil {
		target = int64(state.IDOf(raw))
	}
	if target != 0 && target != u.ID {
		other, err := Users.Get(tx, target)
		if err != nil || !Manages(tx, u, other) {
			return nil, ErrForbidden
		}
		out.User = other
	}
	if out.User.SharedUserID != nil {
		shared, err := Users.Get(tx, *out.User.SharedUserID)
		if err != nil {
			return nil, ErrUnauthenticated
		}
		if shared.AccountStatus == "disabled" {
			return nil, apierr.Forbidden("The account is disabled.")
		}
		out.Alias, out.User = out.User, shared
	}
	return out, nil
}

var ErrUnauthenticated = apierr.Status(401, "Unauthenticated.")

// ErrForbidden refuses what the caller may not do (Laravel's 403); it also answers an
// impersonateUserId that names no user the token's user manages.
var ErrForbidden = apierr.Forbidden("This action is unauthorized.")

// IdxSession maps a token's hash to the user it impersonates since /impersonate/{id}/start.
const IdxSession = "impersonation"

// ClientIP is the request's source address, or what impersonateClientIp says it is (the
// docs' header for panels that call their own API on a user's behalf).
func ClientIP(c echo.Context) string {
	if ip := strings.TrimSpace(c.Request().Header.Get("impersonateClientIp")); ip != "" {
		return ip
	}
	host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
	if err != nil {
		return c.Request().RemoteAddr
	}
	return host
}

// HostAllowed reports whether ip may use a token or account limited to hosts (an empty list
// allows every address). Entries are addresses or networks in CIDR notation.
func HostAllowed(hosts []string, ip string) bool {
	if len(hosts) == 0 {
		return true
	}
	addr := net.ParseIP(ip)
	for _, h := range hosts {
		h = strings.TrimSpace(h)
		if h == ip {
			return true
		}
		if _, n, err := net.ParseCIDR(h); err == nil && addr != nil && n.Contains(addr) {
			return true
		}
	}
	return false
}

// OwnerChain lists the owners of userID from the administrator down to the user itself.
func OwnerChain(tx *state.Tx, userID int64) []*User {
	var chain []*User
	seen := map[int64]bool{}
	for id := userID; id != 0 && !seen[id]; {
		seen[id] = true
		u, err := Users.Get(tx, id)
		if err != nil {
			break
		}
		chain = append([]*User{u}, chain...)
		if u.RootOwner == u.ID {
			break
		}
		id = u.RootOwner
	}
	return chain
}

// Manages reports whether actor may see and act on what user owns: administrators manage
// everyone, resellers the users below them, everyone themselves.
func Manages(tx *state.Tx, actor, user *User) bool {
	if actor.RoleID == RoleAdmin || actor.ID == user.ID {
		return true
	}
	for _, o := range OwnerChain(tx, user.ID) {
		if o.ID == actor.ID {
			return true
		}
	}
	return false
}

// ManagesID is manages for a user id; an unknown user is managed by administrators only.
func ManagesID(tx *state.Tx, actor *User, userID int64) bool {
	if actor.RoleID == RoleAdmin || actor.ID == userID {
		return true
	}
	u, err := Users.Get(tx, userID)
	return err == nil && Manages(tx, actor, u)
}

// VisibleServer loads a server the acting user may see: one whose owner it manages. Any
// other server is answered as one that does not exist (404).
func VisibleServer(tx *Tx, who *User, id int64) (*Server, error) {
	s, err := Servers.Get(tx, id)
	if err != nil {
		return nil, err
	}
	if !ManagesID(tx, who, s.UserID) {
		return nil, ErrServerNotFound
	}
	return s, nil
}
