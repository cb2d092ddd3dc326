package accounts

import (
	"encoding/json"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// The activity log is written by every group (tenantos.LogActivity); these are its readers.
// Entries are listed newest first, at most {limit} where the route takes one (the optional
// trailing segment, or ?limit=). Entries the panel shows administrators only (visibleFor
// "admin") are hidden from everyone else.
//
// Decisions where the documentation is silent:
//   - the user log is the entries the acting user caused (a request made while impersonating
//     is the token's user's);
//   - the system log is the whole log, for administrators only (403 otherwise);
//   - the agents log is the entries about remote agents (relationType "agents"), of agent
//     {agentId} when given, for administrators only;
//   - the server log is the entries about the server, for whoever manages its owner (404 for
//     anyone else, as for an unknown server).

type activityView struct {
	ID            int64           `json:"id"`
	UserID        string          `json:"userId"`
	RelationID    string          `json:"relationId"`
	RelationType  string          `json:"relationType"`
	RootID        string          `json:"rootId"`
	RootType      string          `json:"rootType"`
	Description   string          `json:"description"`
	ModelChanges  json.RawMessage `json:"modelchanges"`
	UserIP        string          `json:"userIp"`
	VisibleFor    string          `json:"visibleFor"`
	LogLevel      string          `json:"loglevel"`
	PostData      string          `json:"postdata"`
	CreatedAt     string          `json:"created_at"`
	UpdatedAt     string          `json:"updated_at"`
	Endpoint      string          `json:"endpoint"`
	Method        string          `json:"method"`
	RequestSource string          `json:"requestSource"`
	UserDetails   userDetails     `json:"userDetails"`
	Meta          metaView        `json:"meta"`
	AgentID       *int64          `json:"agentId,omitempty"`
	AgentName     *string         `json:"agentName,omitempty"`
}

type userDetails struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	ID       any    `json:"id"`
}

type metaView struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

// idText is an id as the log writes it: a string, "" for none.
func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return itoa(id)
}

func viewActivity(tx *state.Tx, a *tenantos.Activity) activityView {
	v := activityView{ID: a.ID, UserID: "system", RelationID: idText(a.RelationID), RelationType: a.RelationType,
		RootID: idText(a.RootID), RootType: a.RootType, Description: a.Description, ModelChanges: a.ModelChanges, UserIP: a.UserIP,
		VisibleFor: a.VisibleFor, LogLevel: a.LogLevel, PostData: a.PostData, CreatedAt: tenantos.LaravelTime(a.Created),
		UpdatedAt: tenantos.LaravelTime(a.Created), Endpoint: a.Endpoint, Method: a.Method, RequestSource: "api",
		UserDetails: userDetails{Username: "System", Name: "system", ID: "System"}, Meta: metaView{Href: a.MetaHref, Text: a.MetaText}}
	if len(v.ModelChanges) == 0 {
		v.ModelChanges = json.RawMessage("[]")
	}
	if v.UserIP == "" {
		v.UserIP = "-"
	}
	if a.UserID != 0 {
		v.UserID = itoa(a.UserID)
		v.UserDetails = userDetails{Username: "", Name: "Deleted user", ID: a.UserID}
		if u, err := tenantos.Users.Get(tx, a.UserID); err == nil {
			v.UserDetails = userDetails{Username: u.Username, Name: u.Name, ID: u.ID}
		}
	}
	if a.RelationType == "agents" && a.RelationID != 0 {
		id, name := a.RelationID, ""
		if ag, err := tenantos.RemoteAgents.Get(tx, id); err == nil {
			name = ag.Name
		}
		v.AgentID, v.AgentName = &id, &name
	}
	return v
}

// listActivity renders the entries keep selects, newest first, at most limit (0: all); the
// admin-only ones only for administrators.
func listActivity(tx *state.Tx, viewer *tenantos.User, limit int, ids []int64, keep func(*tenantos.Activity) bool) ([]activityView, error) {
	var entries []*tenantos.Activity
	collect := func(a *tenantos.Activity) error {
		if (a.VisibleFor != "admin" || viewer.RoleID == tenantos.RoleAdmin) && keep(a) {
			entries = append(entries, a)
		}
		return nil
	}
	if ids != nil {
		for _, id := range ids {
			a, err := tenantos.Activities.Get(tx, id)
			if err != nil {
				continue
			}
			collect(a)
		}
	} else if err := tenantos.Activities.Each(tx, collect); err != nil {
		return nil, err
	}
	out := []activityView{}
	for i := len(entries) - 1; i >= 0 && (limit == 0 || len(out) < limit); i-- {
		out = append(out, viewActivity(tx, entries[i]))
	}
	return out, nil
}

func all(*tenantos.Activity) bool { return true }

// listServerActivityLog lists what happened to a server whose owner the caller manages.
func (g *group) listServerActivityLog(c echo.Context) error {
	var out []activityView
	err := provider.World(c).View(func(tx *state.Tx) error {
		a := actor(c)
		s, err := tenantos.VisibleServer(tx, a, provider.PathInt(c, "server_id"))
		if err != nil {
			return err
		}
		ids := []int64{}
		ids = append(ids, members(tx, tenantos.SetActivityByServer, s.ID)...)
		out, err = listActivity(tx, a, 0, ids, all)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// listUserActivityLog lists what the acting user did.
func (g *group) listUserActivityLog(c echo.Context) error {
	limit, err := limitOf(c)
	if err != nil {
		return err
	}
	var out []activityView
	err = provider.World(c).View(func(tx *state.Tx) error {
		a := actor(c)
		out, err = listActivity(tx, a, limit, nil, func(e *tenantos.Activity) bool { return e.UserID == a.ID })
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// listSystemActivityLog lists the whole activity log, to administrators.
func (g *group) listSystemActivityLog(c echo.Context) error {
	limit, err := limitOf(c)
	if err != nil {
		return err
	}
	a := actor(c)
	if a.RoleID != tenantos.RoleAdmin {
		return tenantos.ErrForbidden
	}
	var out []activityView
	err = provider.World(c).View(func(tx *state.Tx) error {
		out, err = listActivity(tx, a, limit, nil, all)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// listAgentActivityLog lists what happened to remote agents (to agent {agentId} when the
// path names one: an unknown agent is 404), to administrators.
func (g *group) listAgentActivityLog(c echo.Context) error {
	limit, err := limitOf(c)
	if err != nil {
		return err
	}
	a := actor(c)
	if a.RoleID != tenantos.RoleAdmin {
		return tenantos.ErrForbidden
	}
	var agent int64
	if c.Param("agentId") != "" {
		agent = provider.PathInt(c, "agentId")
	}
	var out []activityView
	err = provider.World(c).View(func(tx *state.Tx) error {
		if agent != 0 {
			if _, err := tenantos.RemoteAgents.Get(tx, agent); err != nil {
				return err
			}
		}
		out, err = listActivity(tx, a, limit, nil, func(e *tenantos.Activity) bool {
			return e.RelationType == "agents" && (agent == 0 || e.RelationID == agent)
		})
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
