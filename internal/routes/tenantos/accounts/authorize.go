package accounts

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
	"github.com/panelsim/panelsim/internal/state"
)

// The access rules (tenantos.Hooks.Authorize, run before every handler with the resolved
// caller). Decisions, the vendor documenting only the permissions' names and shape:
//
//   - Administrators may call everything, and see every field.
//   - Anyone else may call an operation when its role holds the operation's endpoint
//     permission (operationPermissions), directly or through one of its permission sets
//     (sets are expanded when checked, so a role follows the catalogue); otherwise 403
//     {"message": "This action is unauthorized."}, before the handler looks at the record.
//     The handlers' own rules (whom the caller manages, suspensions …) apply on top.
//   - Update fields: a body field F of an operation whose permission is P (servers.update,
//     users.update, servers.ipassignments.update) needs P.param.F when the catalogue has that
//     permission (servers.update.param.tags …); fields the catalogue does not name are left
//     to the handler. A field the role may not change is 403.
//   - Output fields: the answers of a resource's own operations (permission R.<action>:
//     servers.index, servers.show, users.show, system.version …) lose every field F for
//     which the catalogue has R.apiOutput.param.F and the role lacks it: the key is removed
//     from the result object, or from each object of a result list. Only fields no schema
//     requires are named by output permissions. The default roles hold every output of their
//     level, so their users get whole objects and their answers are not touched.
//   - A role with serversIndexDisablePermissionChecks lists servers (GET /api/servers) without
//     servers.index and with every field.
//   - Alias users (shared access) act as the account they share (tenantos.Caller.Alias): they
//     may call what both their alias role and that account's role allow, and reach only the
//     servers their user_alias_assignments of type "servers" list (or all of the account's
//     with hasAccessToAllItems; none without an assignment): another server named by the path
//     is 404, and server listings (GET /api/servers, getByTags, the quick search) leave the
//     others out. The tags list and the subnets stay the account's.

// grants is what a caller's role allows.
type grants struct {
	perms     map[string]bool
	all       bool // an administrator (an alias's shared account may be one)
	unchecked bool // serversIndexDisablePermissionChecks
}

func (g *grants) has(p string) bool { return g.all || g.perms[p] }

// grantsOf is what a role allows: its single permissions and its sets' (the administrator
// role everything).
func grantsOf(tx *state.Tx, roleID int64) *grants {
	if roleID == tenantos.RoleAdmin {
		return &grants{all: true}
	}
	out := &grants{perms: map[string]bool{}}
	r, err := tenantos.Roles.Get(tx, roleID)
	if err != nil {
		return out
	}
	for _, p := range r.Permissions {
		out.perms[p] = true
	}
	for _, p := range expand(nil, r.PermissionSets) {
		out.perms[p] = true
	}
	out.unchecked = r.ServersIndexDisablePermissionChecks
	return out
}

// both is what two grants allow together (an alias role within its account's role).
func both(a, b *grants) *grants {
	switch {
	case a.all:
		return b
	case b.all:
		return a
	}
	out := &grants{perms: map[string]bool{}, unchecked: a.unchecked && b.unchecked}
	for p := range a.perms {
		if b.perms[p] {
			out.perms[p] = true
		}
	}
	return out
}

// scope is the servers an alias user reaches: all of its account's, or those listed.
type scope struct {
	all     bool
	servers map[int64]bool
}

func (s *scope) reaches(id int64) bool { return s == nil || s.all || s.servers[id] }

// scopeOf reads an alias user's assignments of type servers.
func scopeOf(alias *tenantos.User) *scope {
	out := &scope{servers: map[int64]bool{}}
	for _, raw := range alias.AliasAssignments {
		var a aliasAssignment
		if json.Unmarshal(raw, &a) != nil || a.Type != "servers" {
			continue
		}
		out.all = out.all || a.HasAccessToAllItems
		for _, id := range a.ItemIDs {
			out.servers[id] = true
		}
	}
	return out
}

// serverLists are the operations that answer lists of servers an alias user's scope
// filters.
var serverLists = map[string]bool{"listServers": true, "getServersByTags": true, "quickSearch": true}

// authorize is the provider's Hooks.Authorize: see the top of the file.
func (g *group) authorize(c echo.Context, who *tenantos.Caller) error {
	if who.Alias == nil && who.Admin() {
		return nil
	}
	op := provider.Operation(c)
	perm, known := operationPermissions[op]
	if !known {
		return tenantos.ErrForbidden
	}
	perm = fillPath(c, perm)
	var (
		gr  *grants
		sc  *scope
		err error
	)
	err = provider.World(c).View(func(tx *state.Tx) error {
		if who.Alias == nil {
			gr = grantsOf(tx, who.User.RoleID)
			return nil
		}
		gr = both(grantsOf(tx, who.Alias.RoleID), grantsOf(tx, who.User.RoleID))
		sc = scopeOf(who.Alias)
		return checkScope(c, tx, op, sc)
	})
	if err != nil {
		return err
	}
	unchecked := op == "listServers" && gr.unchecked
	if perm != open && !gr.has(perm) && !unchecked {
		return tenantos.ErrForbidden
	}
	if err := checkUpdates(c, gr, perm); err != nil {
		return err
	}
	var hidden map[string]bool
	if !unchecked {
		hidden = hiddenOutputs(gr, perm)
	}
	var keep func([]member) bool
	if sc != nil && !sc.all && serverLists[op] {
		keep = func(elem []member) bool {
			if op == "quickSearch" && stringMember(elem, "group") != "Servers" {
				return true
			}
			id, ok := intMember(elem, "id")
			return ok && sc.reaches(id)
		}
	}
	if len(hidden) > 0 || keep != nil {
		tenantos.SetAnswerFilter(c, func(body []byte) []byte { return filterResult(body, keep, hidden) })
	}
	return nil
}

// fillPath puts the request's path values in a permission's {names}.
func fillPath(c echo.Context, perm string) string {
	for strings.Contains(perm, "{") {
		i, j := strings.Index(perm, "{"), strings.Index(perm, "}")
		if j < i {
			break
		}
		perm = perm[:i] + c.Param(perm[i+1:j]) + perm[j+1:]
	}
	return perm
}

// serverByID are the operations whose {id} is a server.
var serverByID = map[string]bool{"getServer": true, "updateServer": true, "deleteServer": true}

// checkScope refuses an alias user a server its assignments do not give it, as one that
// does not exist (404): the server of the path, of the IP looked up, or of the task.
func checkScope(c echo.Context, tx *state.Tx, op string, sc *scope) error {
	var ids []int64
	for _, name := range []string{"server", "server_id"} {
		if c.Param(name) != "" {
			ids = append(ids, provider.PathInt(c, name))
		}
	}
	switch {
	case serverByID[op]:
		ids = append(ids, provider.PathInt(c, "id"))
	case op == "getServerByIp":
		if ip, err := tenantos.IPByAddress(tx, c.Param("ip")); err == nil && ip.ServerID != 0 {
			ids = append(ids, ip.ServerID)
		}
	case op == "getTask":
		if t, err := tenantos.Tasks.Get(tx, provider.PathInt(c, "id")); err == nil && !sc.reaches(t.ServerID) {
			return tenantos.ErrTaskNotFound
		}
	}
	for _, id := range ids {
		if !sc.reaches(id) {
			return tenantos.ErrServerNotFound
		}
	}
	return nil
}

// updateParams and outputParams are the catalogue's update-field and output permissions.
var (
	updateParams = map[string]bool{}
	outputParams = map[string][]string{} // resource -> its output permissions
)

func init() {
	for _, s := range catalogue {
		for _, p := range s.Updates {
			updateParams[p] = true
		}
		for _, p := range s.Outputs {
			res := p[:strings.Index(p, ".")]
			if !tenantos.Contains(outputParams[res], p) {
				outputParams[res] = append(outputParams[res], p)
			}
		}
	}
}

// checkUpdates refuses a body field the role may not change (see the top of the file).
func checkUpdates(c echo.Context, gr *grants, perm string) error {
	if gr.all || !strings.HasSuffix(perm, ".update") {
		return nil
	}
	for _, f := range bodyFields(c) {
		if p := perm + ".param." + f; updateParams[p] && !gr.has(p) {
			return tenantos.ErrForbidden
		}
	}
	return nil
}

// bodyFields are the top-level fields of the request body as sent (nulls and empty strings
// too, which the validated body leaves out) and of the validated input.
func bodyFields(c echo.Context) []string {
	var out []string
	for k := range provider.Input(c).Body {
		out = append(out, k)
	}
	req := c.Request()
	if req.Body == nil {
		return out
	}
	raw, err := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(raw))
	var m map[string]json.RawMessage
	if err == nil && json.Unmarshal(raw, &m) == nil {
		for k := range m {
			out = append(out, k)
		}
	}
	return out
}

// hiddenOutputs are the fields a role does not see in the answers of perm's resource: only
// for its own operations (R.<action>), the output permissions of R it lacks.
func hiddenOutputs(gr *grants, perm string) map[string]bool {
	if gr.all || strings.Count(perm, ".") != 1 {
		return nil
	}
	res := perm[:strings.Index(perm, ".")]
	var out map[string]bool
	for _, p := range outputParams[res] {
		if !gr.has(p) {
			if out == nil {
				out = map[string]bool{}
			}
			out[p[strings.LastIndex(p, ".")+1:]] = true
		}
	}
	return out
}

// intMember is an integer member of an object.
func intMember(obj []member, key string) (int64, bool) {
	for _, m := range obj {
		if m.key == key {
			n, err := strconv.ParseInt(strings.Trim(string(m.val), `"`), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// stringMember is a string member of an object, "" when absent.
func stringMember(obj []member, key string) string {
	for _, m := range obj {
		if m.key == key {
			var s string
			json.Unmarshal(m.val, &s)
			return s
		}
	}
	return ""
}
