package servers

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// updateInput is the body of PUT /api/servers/{id}; nil fields were not sent.
type updateInput struct {
	Hostname        *string   `json:"hostname"`
	Servername      *string   `json:"servername"`
	UserID          *int64    `json:"user_id"`
	Description     *string   `json:"description"`
	Tags            *[]string `json:"tags"`
	OS              *string   `json:"os"`
	ServerType      *string   `json:"servertype"`
	SuspendUserIDs  *[]int64  `json:"suspendUserIds"`
	AssignmentDates []struct {
		UserID   int64  `json:"userId"`
		Datetime string `json:"datetime"`
	} `json:"assignmentDates"`
	SuspendPowerAction       string `json:"suspendPowerAction"`
	SuspendNetworkPortAction string `json:"suspendNetworkPortAction"`
}

// ownerOnly are the fields only administrators and resellers may change: an end user may
// rename its server's host and describe it, not give it away, suspend it or retag it.
var ownerOnly = []string{"user_id", "servername", "tags", "os", "servertype", "suspendUserIds", "assignmentDates",
	"suspendPowerAction", "suspendNetworkPortAction"}

// updateServer answers PUT /api/servers/{id}: names, description, OS, tags (the list is
// replaced), owner and suspension; it answers the updated server as GET shows it.
//
// Decisions where the documentation is silent:
//   - user_id assigns the server to a user the caller manages (else 422), AssignedAt
//     becoming now; null, "" or 0 unassigns it: the server goes back to the administrator,
//     or, when a reseller unassigns it, to the reseller (it would otherwise lose it).
//     Assigning or unassigning lifts the suspensions of the users who no longer hold it.
//   - End users may change hostname and description only (403 for the other fields).
//   - suspendUserIds replaces the list (suspendedUserIds); each id must be a user the caller
//     manages. suspendPowerAction setPowerOff/setPowerOn runs that power action (when the
//     server supports it) as the suspension changes; suspendNetworkPortAction is accepted
//     and has no effect (switch ports are not simulated).
//   - assignmentDates set when the current owner got the server (the one assignment date
//     the simulator keeps); dates of other users are ignored; a date must be in the past.
//   - servertype may only say what the server is: auto or dedicated for a dedicated server,
//     auto or vm for a VM.
//   - One activity entry "Updated Server <servername>" lists the plain field changes as
//     model changes; an assignment and a suspension change get an entry each.
func (g *group) updateServer(c echo.Context) error {
	var in updateInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	raw := rawBody(c)
	unassign := (in.UserID != nil && *in.UserID == 0) || sentEmpty(raw, "user_id")
	clearDesc := sentEmpty(raw, "description")
	who := tenantos.CallerOf(c)
	if who.User.RoleID == tenantos.RoleUser {
		for _, f := range ownerOnly {
			if _, sent := provider.Input(c).Body[f]; sent || (f == "user_id" && unassign) {
				return apierr.Forbidden("This action is unauthorized.")
			}
		}
	}
	var out *tenantos.ServerView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
		if err != nil {
			return err
		}
		changes := map[string]change{}
		set := func(field string, cur *string, v *string) {
			if v != nil && *v != *cur {
				changes[field] = change{*cur, *v}
				*cur = *v
			}
		}
		set("hostname", &s.Hostname, in.Hostname)
		set("servername", &s.Servername, in.Servername)
		set("os", &s.OS, in.OS)
		if clearDesc {
			in.Description = new(string)
		}
		set("description", &s.Description, in.Description)
		if in.ServerType != nil && *in.ServerType != s.ServerType {
			if *in.ServerType != "auto" && *in.ServerType != s.TypeOfServer {
				return tenantos.Invalid("servertype", "The selected servertype is invalid.")
			}
			changes["servertype"] = change{s.ServerType, *in.ServerType}
			s.ServerType = *in.ServerType
		}
		if in.Tags != nil {
			tags := cleanTags(*in.Tags)
			if !slices.Equal(tags, s.Tags) {
				changes["tags"] = change{tenantos.List(s.Tags), tags}
				s.Tags = tags
			}
		}
		assigned, err := g.assign(tx, who, s, in.UserID, unassign)
		if err != nil {
			return err
		}
		if err := g.assignmentDates(s, in, tx.Now); err != nil {
			return err
		}
		suspension, err := g.suspend(tx, who, s, in)
		if err != nil {
			return err
		}
		if len(changes) == 0 && assigned == "" && suspension == "" && len(in.AssignmentDates) == 0 {
			out, err = tenantos.ViewServer(tx, who.User, s)
			return err
		}
		s.Updated = tx.Now
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		if len(changes) > 0 {
			if err := logServer(c, tx, s, "servers", "Updated Server "+s.Servername, changes); err != nil {
				return err
			}
		}
		for _, desc := range []string{assigned, suspension} {
			if desc != "" {
				if err := logServer(c, tx, s, "servers", desc, nil); err != nil {
					return err
				}
			}
		}
		out, err = tenantos.ViewServer(tx, who.User, s)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// assign gives the server to user_id, or takes it back when unassign; it returns the
// activity description of the change ("" when the owner stays).
func (g *group) assign(tx *tenantos.Tx, who *tenantos.Caller, s *tenantos.Server, userID *int64, unassign bool) (string, error) {
	var owner *tenantos.User
	switch {
	case unassign:
		back := int64(tenantos.AdminID)
		if !who.Admin() {
			back = who.User.ID
		}
		u, err := tenantos.Users.Get(tx, back)
		if err != nil {
			return "", err
		}
		owner = u
	case userID != nil:
		u, err := tenantos.Users.Get(tx, *userID)
		if err != nil || !tenantos.Manages(tx, who.User, u) {
			return "", tenantos.Invalid("user_id", "The selected user id is invalid.")
		}
		owner = u
	default:
		return "", nil
	}
	if owner.ID == s.UserID {
		return "", nil
	}
	old := s.UserID
	s.UserID, s.AssignedAt = owner.ID, tx.Now
	// Suspensions are per user: those who no longer hold the server lose theirs.
	keep := []int64{}
	for _, id := range s.SuspendedUserIDs {
		for _, o := range tenantos.OwnerChain(tx, owner.ID) {
			if o.ID == id {
				keep = append(keep, id)
			}
		}
	}
	s.SuspendedUserIDs = keep
	if unassign {
		return fmt.Sprintf("Removed the assignment of user %d", old), nil
	}
	return fmt.Sprintf("Assigned to %s (%s)", owner.Name, owner.Username), nil
}

// assignmentDates applies the date the current owner got the server; dates of other users
// are ignored. A date must be a date, and not in the future of the world's clock.
func (g *group) assignmentDates(s *tenantos.Server, in updateInput, now time.Time) error {
	for i, a := range in.AssignmentDates {
		field := fmt.Sprintf("assignmentDates.%d.datetime", i)
		t, ok := parseTime(a.Datetime)
		if !ok {
			return tenantos.Invalidf(field, "The %s is not a valid date.", field)
		}
		if t.After(now) {
			return tenantos.Invalidf(field, "The %s must be a date before now.", field)
		}
		if a.UserID == s.UserID {
			s.AssignedAt = t
		}
	}
	return nil
}

// suspend applies suspendUserIds and the power action that goes with it; it returns the
// activity description of the change ("" when the list stays).
func (g *group) suspend(tx *tenantos.Tx, who *tenantos.Caller, s *tenantos.Server, in updateInput) (string, error) {
	if in.SuspendUserIDs == nil {
		return "", nil
	}
	ids := []int64{}
	for i, id := range *in.SuspendUserIDs {
		if !tenantos.Users.Has(tx, id) || !tenantos.ManagesID(tx, who.User, id) {
			return "", tenantos.Invalidf(fmt.Sprintf("suspendUserIds.%d", i), "The selected suspendUserIds.%d is invalid.", i)
		}
		if !tenantos.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if slices.Equal(ids, tenantos.List(s.SuspendedUserIDs)) {
		return "", nil
	}
	s.SuspendedUserIDs = ids
	if m := in.SuspendPowerAction; (m == "setPowerOff" || m == "setPowerOn") && tenantos.Contains(s.SupportedFeatures, m) {
		if err := g.applyPower(tx, s, m, ""); err != nil {
			return "", err
		}
	}
	if len(ids) == 0 {
		return "Unsuspended server", nil
	}
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = fmt.Sprint(id)
	}
	return "Suspended server for user ids " + strings.Join(list, ", "), nil
}

// parseTime reads a date as clients write them: "Y-m-d H:i:s", "Y-m-d", or ISO 8601.
func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", time.RFC3339, "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
