package devices

import (
	"encoding/json"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// adminOnly refuses callers who are not administrators: network devices are the panel's.
func adminOnly(c echo.Context) error {
	if !tenantos.CallerOf(c).Admin() {
		return tenantos.ErrForbidden
	}
	return nil
}

// errEndUser refuses what end users may not do on a server they see.
var errEndUser = apierr.Forbidden("This action is unauthorized.")

// errSuspended refuses what a user the server is suspended for may not do.
var errSuspended = apierr.Forbidden("This server is suspended.")

// suspendedFor reports whether the server is suspended for the acting user (administrators
// never are).
func suspendedFor(who *tenantos.Caller, s *tenantos.Server) bool {
	return !who.Admin() && tenantos.Contains(s.SuspendedUserIDs, who.User.ID)
}

// pathID is an id from the path: a validated integer, or the text of a parameter declared as
// a string (text that is not a number names nothing: 0).
func pathID(c echo.Context, names ...string) int64 {
	for _, name := range names {
		if n := provider.PathInt(c, name); n > 0 {
			return n
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(provider.PathString(c, name)), 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return 0
}

// serverID is the server of a path ({server} or {server_id}).
func serverID(c echo.Context) int64 { return pathID(c, "server", "server_id") }

// logDevice writes an activity entry about a network device (administrators' only).
func logDevice(c echo.Context, tx *tenantos.Tx, d *tenantos.NetworkDevice, desc string, changes any) error {
	return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "system", RelationID: d.ID, RootType: "networkDevices",
		RootID: d.ID, Description: desc, Changes: changes, MetaHref: fmt.Sprintf("/networkDevices/%d", d.ID), MetaText: d.Name,
		AdminOnly: true})
}

// logServer writes an activity entry about a server.
func logServer(c echo.Context, tx *tenantos.Tx, s *tenantos.Server, rootType, desc string) error {
	return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "servers", RelationID: s.ID, RootType: rootType,
		RootID: s.ID, Description: desc, MetaHref: fmt.Sprintf("/servers/%d", s.ID), MetaText: s.Servername})
}

// str reads a free-form body value as text: strings as they are, numbers written plainly.
func str(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case json.Number:
		return x.String(), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int:
		return strconv.Itoa(x), true
	case bool:
		if x {
			return "1", true
		}
		return "0", true
	}
	return "", false
}

// integer reads a free-form body value as an integer (a number or numeric text).
func integer(v any) (int64, bool) {
	s, ok := str(v)
	if !ok || s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return 0, false
		}
		n = int64(f)
	}
	return n, true
}

// validHost reports whether s is an IP address or a host name.
func validHost(s string) bool {
	if net.ParseIP(s) != nil {
		return true
	}
	return reHostname.MatchString(s) && len(s) <= 253
}

var (
	reHostname = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$`)
	reMAC      = regexp.MustCompile(`^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$`)
)

// parseTime reads a date as clients send it: "2024-08-02 09:12:27", RFC 3339 or a day.
func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02 15:04:05", time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// masked is what a password is answered as: "" when none is set, else the logs' mask.
func masked(secret string) string {
	if secret == "" {
		return ""
	}
	return tenantos.Redacted
}

// keepSecret is what a password field of an update becomes: the old secret when the client
// sent nothing, "" or the mask it was shown.
func keepSecret(old string, sent *string) string {
	if sent == nil || *sent == "" || *sent == tenantos.Redacted {
		return old
	}
	return *sent
}

// schedulePowerStatus queues the job that makes a server's cached power status follow its
// power state.
func (g *group) schedulePowerStatus(tx *tenantos.Tx, serverID int64) error {
	_, err := tenantos.Schedule(tx, tenantos.Seconds(g.p.Fx.Timings.PowerStatus), tenantos.Job{Op: jobPowerStatus, ServerID: serverID})
	return err
}

// powerStatusJob makes a server's cached power status what its power is (the panel's poll).
// A server deleted meanwhile, or one without a power provider, is skipped.
func (g *group) powerStatusJob(tx *tenantos.Tx, j *tenantos.Job) error {
	s, err := tenantos.Servers.Get(tx, j.ServerID)
	if err == tenantos.ErrServerNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if s.PowerStatus == s.Power || s.PowerType == "none" {
		return nil
	}
	s.PowerStatus = s.Power
	return tenantos.Servers.Put(tx, s.ID, s)
}

// setPower switches a server (a PDU outlet or a connection's power action did) and queues the
// cached status's poll; the caller's transaction stores nothing else of s.
func (g *group) setPower(tx *tenantos.Tx, s *tenantos.Server, power string) error {
	if s.Power == power {
		return nil
	}
	s.Power, s.Updated = power, tx.Now
	if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
		return err
	}
	return g.schedulePowerStatus(tx, s.ID)
}
