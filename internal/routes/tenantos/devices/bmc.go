package devices

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// The BMC user operations manage the IPMI user slots of a server's BMC (tenantos.BMC: slots 1
// to 10, slot 1 the anonymous user). They talk to the BMC through the server's IPMI
// connection, so a server without one, or whose connection the BMC does not take (see
// testServerConnection), is refused with 422 on server.
//
// Decisions where the documentation is silent, for all of them:
//   - administrators and resellers who see the server may manage its BMC users; end users
//     are refused with 403 (as for raw BMC commands), and so is a user the server is
//     suspended for; a server the caller does not see is 404;
//   - a user is named by slot or by username (slot wins when both are sent); with
//     withoutSlotCheck false a slot that holds no user is 422 on slot, with true (the
//     default) the change is made to the slot as it is; an unknown username is 422;
//   - user names have 1 to 16 characters without spaces, passwords 1 to 20 (IPMI 2.0);
//     privileges are 1 (callback) to 4 (administrator);
//   - passwords are kept as hashes and never answered;
//   - the user the panel's IPMI connection logs in as must stay able to log in: deleting or
//     disabling it, or taking its privilege below USER, is 422; changing its password or name
//     changes the connection's credentials too, so that the panel keeps its access;
//   - every change writes an activity entry on the server (rootType serverBmc).

// bmcUserView is an IPMI user as listUsers shows it.
type bmcUserView struct {
	ID            int    `json:"id"`
	Name          string `json:"name"`
	Callin        bool   `json:"callin"`
	LinkAuth      bool   `json:"linkAuth"`
	IpmiMsg       bool   `json:"ipmiMsg"`
	PrivilegeName string `json:"privilegeName"`
	PrivilegeID   int    `json:"privilegeId"`
}

// bmcInput is every field the BMC user operations take.
type bmcInput struct {
	Slot                           *int64  `json:"slot"`
	Username                       *string `json:"username"`
	Password                       *string `json:"password"`
	Privilege                      *int64  `json:"privilege"`
	ChannelAccessSettings          *string `json:"channelAccessSettings"`
	AccessSettings                 *string `json:"accessSettings"`
	WithoutSlotCheck               *bool   `json:"withoutSlotCheck"`
	DontFailIfUserExists           bool    `json:"dontFailIfUserExists"`
	DontFailIfPasswordChangeFailed bool    `json:"dontFailIfPasswordChangeFailed"`
	DontChangePasswordIfUserExists bool    `json:"dontChangePasswordIfUserExists"`
}

// bmcRun is one BMC user operation: the server, its BMC and the panel's IPMI connections.
type bmcRun struct {
	tx    *tenantos.Tx
	s     *tenantos.Server
	b     *tenantos.BMC
	conns []*tenantos.Connection // the server's IPMI connections
	in    *bmcInput
}

// bmc runs a BMC user operation: fn changes the BMC and says what it did, for the activity
// log ("" for a read); the BMC and the connections are stored after it.
func (g *group) bmc(c echo.Context, fn func(r *bmcRun) (string, error)) error {
	var in bmcInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		r, err := openBMC(tx, c, &in)
		if err != nil {
			return err
		}
		panelSlots := r.panelSlots()
		desc, err := fn(r)
		if err != nil {
			return err
		}
		for slot, name := range panelSlots {
			u := r.b.Slot(slot)
			if u.Name == "" || !u.Enabled || u.Privilege < tenantos.PrivUser || u.Privilege > tenantos.PrivAdmin {
				return tenantos.Invalidf("username", "The panel's IPMI connection logs in as %s: it must stay enabled with at least the USER privilege.", name)
			}
		}
		if err := tenantos.BMCs.Put(tx, r.b.ID, r.b); err != nil {
			return err
		}
		for _, conn := range r.conns {
			if err := tenantos.SaveConnection(tx, conn); err != nil {
				return err
			}
		}
		return logServer(c, tx, r.s, "serverBmc", desc)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// openBMC loads the server's BMC for the caller (see the rules above).
func openBMC(tx *tenantos.Tx, c echo.Context, in *bmcInput) (*bmcRun, error) {
	who := tenantos.CallerOf(c)
	s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
	if err != nil {
		return nil, err
	}
	if who.User.RoleID == tenantos.RoleUser {
		return nil, errEndUser
	}
	if suspendedFor(who, s) {
		return nil, errSuspended
	}
	conns, err := tenantos.ServerConnections(tx, s.ID)
	if err != nil {
		return nil, err
	}
	body := *in // the operation may change its copy; the transaction may run again
	r := &bmcRun{tx: tx, s: s, in: &body}
	working := false
	for _, conn := range conns {
		if conn.Type == tenantos.ConnIPMI {
			r.conns = append(r.conns, conn)
			working = working || connectionOnline(tx, conn)
		}
	}
	if len(r.conns) == 0 {
		return nil, tenantos.Invalid("server", "The server has no IPMI connection to reach its BMC through.")
	}
	if !working {
		return nil, tenantos.Invalid("server", "The BMC does not answer the server's IPMI connection (test the connection and check its credentials).")
	}
	if r.b, err = tenantos.BMCs.Get(tx, s.ID); err != nil {
		return nil, err
	}
	return r, nil
}

// panelSlots are the slots of the BMC users the panel's working IPMI connections log in as,
// with their names.
func (r *bmcRun) panelSlots() map[int]string {
	out := map[int]string{}
	for _, conn := range r.conns {
		if u := r.b.ByName(conn.MetaString("username")); u != nil && connectionOnline(r.tx, conn) {
			out[u.Slot] = u.Name
		}
	}
	return out
}

// target finds the slot the body names by slot or username.
func (r *bmcRun) target() (*tenantos.BMCUser, error) {
	in := r.in
	if in.Slot != nil && *in.Slot != 0 {
		u := r.b.Slot(int(*in.Slot))
		if u == nil {
			return nil, tenantos.Invalidf("slot", "The slot must be between 1 and %d.", tenantos.BMCSlots)
		}
		if u.Name == "" && u.Slot != 1 && in.WithoutSlotCheck != nil && !*in.WithoutSlotCheck {
			return nil, tenantos.Invalidf("slot", "The IPMI slot %d holds no user.", u.Slot)
		}
		return u, nil
	}
	if in.Username == nil || strings.TrimSpace(*in.Username) == "" {
		return nil, tenantos.Invalid("slot", "The slot field is required when username is not present.")
	}
	u := r.b.ByName(strings.TrimSpace(*in.Username))
	if u == nil {
		return nil, tenantos.Invalidf("username", "The BMC has no IPMI user %s.", strings.TrimSpace(*in.Username))
	}
	return u, nil
}

// label names a user in the activity log.
func label(u *tenantos.BMCUser) string {
	if u.Name == "" {
		return fmt.Sprintf("slot %d", u.Slot)
	}
	return fmt.Sprintf("%s (slot %d)", u.Name, u.Slot)
}

// checkName checks an IPMI user name.
func checkName(name string) error {
	switch {
	case name == "":
		return tenantos.Invalid("username", "The username field is required.")
	case len(name) > 16:
		return tenantos.Invalid("username", "The username may not be greater than 16 characters.")
	case strings.ContainsAny(name, " \t\r\n:"):
		return tenantos.Invalid("username", "The username may not contain spaces or colons.")
	}
	return nil
}

// checkPassword checks an IPMI password.
func checkPassword(pw *string) (string, error) {
	if pw == nil || *pw == "" {
		return "", tenantos.Invalid("password", "The password field is required.")
	}
	if len(*pw) > 20 {
		return "", tenantos.Invalid("password", "The password may not be greater than 20 characters.")
	}
	return *pw, nil
}

// checkPrivilege checks a privilege level (1 to 4).
func checkPrivilege(p *int64) (int, error) {
	if p == nil {
		return 0, tenantos.Invalid("privilege", "The privilege field is required.")
	}
	if *p < 1 || *p > 4 {
		return 0, tenantos.Invalid("privilege", "The selected privilege is invalid (1 to 4).")
	}
	return int(*p), nil
}

// applyAccess applies ipmitool channel access settings ("ipmi=on callin=on link=on
// privilege=4") to a user; field names the body field for errors.
func applyAccess(u *tenantos.BMCUser, settings, field string) error {
	for _, tok := range strings.Fields(settings) {
		k, v, ok := strings.Cut(strings.ToLower(tok), "=")
		if !ok {
			return tenantos.Invalidf(field, "The %s setting %q is not key=value.", field, tok)
		}
		onOff := func() (bool, error) {
			switch v {
			case "on":
				return true, nil
			case "off":
				return false, nil
			}
			return false, tenantos.Invalidf(field, "The %s setting %s must be on or off.", field, k)
		}
		var err error
		switch k {
		case "ipmi":
			u.IpmiMsg, err = onOff()
		case "callin":
			u.Callin, err = onOff()
		case "link":
			u.LinkAuth, err = onOff()
		case "privilege":
			n, perr := strconv.Atoi(v)
			if perr != nil || n < 1 || (n > 5 && n != tenantos.PrivNoAccess) {
				return tenantos.Invalidf(field, "The %s privilege must be 1 to 5, or 15 (no access).", field)
			}
			u.Privilege = n
		default:
			return tenantos.Invalidf(field, "The %s setting %s is unknown (ipmi, callin, link, privilege).", field, k)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// setPassword sets a user's password; the panel's connections that log in as it follow.
func (r *bmcRun) setPassword(u *tenantos.BMCUser, pw string) {
	for _, conn := range r.conns {
		if conn.MetaString("username") == u.Name && u.Name != "" {
			conn.Meta["password"], conn.Updated = pw, r.tx.Now
		}
	}
	u.PasswordHash = tenantos.HashBMCPassword(r.s.ID, pw)
}

// rename renames a user; the panel's connections that log in as it follow.
func (r *bmcRun) rename(u *tenantos.BMCUser, name string) error {
	if name == u.Name {
		return nil
	}
	if err := checkName(name); err != nil {
		return err
	}
	if other := r.b.ByName(name); other != nil && other.Slot != u.Slot {
		return tenantos.Invalidf("username", "The IPMI user %s already exists (slot %d).", name, other.Slot)
	}
	if u.Slot == 1 {
		return tenantos.Invalid("slot", "Slot 1 is the anonymous user; its name cannot be set.")
	}
	for _, conn := range r.conns {
		if conn.MetaString("username") == u.Name && u.Name != "" {
			conn.Meta["username"], conn.Updated = name, r.tx.Now
		}
	}
	u.Name = name
	return nil
}

// freeSlot is the first slot from 2 on that holds no user.
func (r *bmcRun) freeSlot() (*tenantos.BMCUser, error) {
	for i := 2; i <= len(r.b.Users); i++ {
		if u := r.b.Slot(i); u.Name == "" {
			return u, nil
		}
	}
	return nil, tenantos.Invalid("username", "The BMC has no free user slot.")
}

// listBmcUsers answers GET /api/servers/{server}/bmc/users/listUsers: the slots that hold a
// user, in slot order (the anonymous slot 1 has no name and is not listed).
func (g *group) listBmcUsers(c echo.Context) error {
	out := []bmcUserView{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		r, err := openBMC(tx, c, &bmcInput{})
		if err != nil {
			return err
		}
		for _, u := range r.b.Users {
			if u.Name != "" {
				out = append(out, bmcUserView{ID: u.Slot, Name: u.Name, Callin: u.Callin, LinkAuth: u.LinkAuth, IpmiMsg: u.IpmiMsg,
					PrivilegeName: tenantos.PrivilegeName(u.Privilege), PrivilegeID: u.Privilege})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createBmcUser answers POST …/bmc/users/createUser {username, channelAccessSettings,
// dontFailIfUserExists}: the user takes the first free slot (from 2), without a password and
// disabled, with no access unless channelAccessSettings gives it (set its password and enable
// it next, or use createUserWithPasswordAndPrivilege). A user that exists is 422 on username,
// or left as it is with dontFailIfUserExists. No free slot is 422.
func (g *group) createBmcUser(c echo.Context) error {
	return g.bmc(c, func(r *bmcRun) (string, error) {
		name := ""
		if r.in.Username != nil {
			name = strings.TrimSpace(*r.in.Username)
		}
		if err := checkName(name); err != nil {
			return "", err
		}
		if u := r.b.ByName(name); u != nil {
			if r.in.DontFailIfUserExists {
				return "Created IPMI user " + label(u) + " (it existed)", nil
			}
			return "", tenantos.Invalidf("username", "The IPMI user %s already exists (slot %d).", name, u.Slot)
		}
		u, err := r.freeSlot()
		if err != nil {
			return "", err
		}
		*u = tenantos.BMCUser{Slot: u.Slot, Name: name, Privilege: tenantos.PrivNoAccess}
		if r.in.ChannelAccessSettings != nil {
			if err := applyAccess(u, *r.in.ChannelAccessSettings, "channelAccessSettings"); err != nil {
				return "", err
			}
		}
		return "Created IPMI user " + label(u), nil
	})
}

// createBmcUserWithPasswordAndPrivilege answers POST …/bmc/users/
// createUserWithPasswordAndPrivilege: the recommended way to make a working user: it takes
// the first free slot, with its password and privilege, enabled, with channel access
// "ipmi=on callin=on link=on privilege=<privilege>" unless channelAccessSettings says
// otherwise. A user that exists is 422 on username unless dontFailIfUserExists: then it is
// updated (privilege, channel access, enabled; its password too unless
// dontChangePasswordIfUserExists).
func (g *group) createBmcUserWithPasswordAndPrivilege(c echo.Context) error {
	return g.bmc(c, func(r *bmcRun) (string, error) {
		name := ""
		if r.in.Username != nil {
			name = strings.TrimSpace(*r.in.Username)
		}
		if err := checkName(name); err != nil {
			return "", err
		}
		pw, err := checkPassword(r.in.Password)
		if err != nil {
			return "", err
		}
		priv, err := checkPrivilege(r.in.Privilege)
		if err != nil {
			return "", err
		}
		u, verb := r.b.ByName(name), "Updated"
		switch {
		case u != nil && !r.in.DontFailIfUserExists:
			return "", tenantos.Invalidf("username", "The IPMI user %s already exists (slot %d).", name, u.Slot)
		case u == nil:
			if u, err = r.freeSlot(); err != nil {
				return "", err
			}
			*u = tenantos.BMCUser{Slot: u.Slot, Name: name}
			verb = "Created"
			r.setPassword(u, pw)
		case !r.in.DontChangePasswordIfUserExists:
			r.setPassword(u, pw)
		}
		u.Privilege, u.Enabled, u.IpmiMsg, u.Callin, u.LinkAuth = priv, true, true, true, true
		if r.in.ChannelAccessSettings != nil {
			if err := applyAccess(u, *r.in.ChannelAccessSettings, "channelAccessSettings"); err != nil {
				return "", err
			}
			u.Privilege = priv
		}
		return fmt.Sprintf("%s IPMI user %s with privilege %s", verb, label(u), tenantos.PrivilegeName(priv)), nil
	})
}

// updateBmcUser answers POST …/bmc/users/updateUser {slot, username, password, privilege,
// channelAccessSettings}: the slot's user gets the name, password, privilege and channel
// access sent. A slot that holds no user needs a username (it is made there, enabled when a
// password is sent). Slot 1 (anonymous) cannot be named.
func (g *group) updateBmcUser(c echo.Context) error {
	return g.bmc(c, func(r *bmcRun) (string, error) {
		if r.in.Slot == nil {
			return "", tenantos.Invalid("slot", "The slot field is required.")
		}
		u := r.b.Slot(int(*r.in.Slot))
		if u == nil {
			return "", tenantos.Invalidf("slot", "The slot must be between 1 and %d.", tenantos.BMCSlots)
		}
		priv, err := checkPrivilege(r.in.Privilege)
		if err != nil {
			return "", err
		}
		wasEmpty := u.Name == "" && u.Slot != 1
		if r.in.Username != nil && strings.TrimSpace(*r.in.Username) != "" {
			if err := r.rename(u, strings.TrimSpace(*r.in.Username)); err != nil {
				return "", err
			}
		} else if wasEmpty {
			return "", tenantos.Invalidf("username", "The IPMI slot %d holds no user: a username is needed.", u.Slot)
		}
		if r.in.Password != nil && *r.in.Password != "" {
			pw, err := checkPassword(r.in.Password)
			if err != nil {
				return "", err
			}
			r.setPassword(u, pw)
			if wasEmpty {
				u.Enabled, u.IpmiMsg = true, true
			}
		}
		if r.in.ChannelAccessSettings != nil {
			if err := applyAccess(u, *r.in.ChannelAccessSettings, "channelAccessSettings"); err != nil {
				return "", err
			}
		}
		u.Privilege = priv
		return fmt.Sprintf("Updated IPMI user %s (privilege %s)", label(u), tenantos.PrivilegeName(priv)), nil
	})
}

// setBmcUserPassword answers POST …/bmc/users/setUserPassword {slot | username, password}.
func (g *group) setBmcUserPassword(c echo.Context) error {
	return g.bmc(c, func(r *bmcRun) (string, error) {
		u, err := r.target()
		if err != nil {
			return "", err
		}
		pw, err := checkPassword(r.in.Password)
		if err != nil {
			return "", err
		}
		r.setPassword(u, pw)
		return "Changed the password of IPMI user " + label(u), nil
	})
}

// setBmcUserPrivilege answers POST …/bmc/users/setUserPrivilege {slot | username, privilege}.
func (g *group) setBmcUserPrivilege(c echo.Context) error {
	return g.bmc(c, func(r *bmcRun) (string, error) {
		u, err := r.target()
		if err != nil {
			return "", err
		}
		priv, err := checkPrivilege(r.in.Privilege)
		if err != nil {
			return "", err
		}
		u.Privilege = priv
		return fmt.Sprintf("Set the privilege of IPMI user %s to %s", label(u), tenantos.PrivilegeName(priv)), nil
	})
}

// enableBmcUser answers PUT …/bmc/users/enableUser {slot | username}.
func (g *group) enableBmcUser(c echo.Context) error {
	return g.bmc(c, func(r *bmcRun) (string, error) {
		u, err := r.target()
		if err != nil {
			return "", err
		}
		u.Enabled = true
		return "Enabled IPMI user " + label(u), nil
	})
}

// disableBmcUser answers PUT …/bmc/users/disableUser {slot | username}.
func (g *group) disableBmcUser(c echo.Context) error {
	return g.bmc(c, func(r *bmcRun) (string, error) {
		u, err := r.target()
		if err != nil {
			return "", err
		}
		u.Enabled = false
		return "Disabled IPMI user " + label(u), nil
	})
}

// deleteBmcUser answers DELETE …/bmc/users/deleteUser {slot | username}: the slot is emptied
// (no name, no password, disabled, no access). The anonymous slot 1 cannot be deleted (422);
// a slot that holds no user is 422.
func (g *group) deleteBmcUser(c echo.Context) error {
	return g.bmc(c, func(r *bmcRun) (string, error) {
		check := false
		r.in.WithoutSlotCheck = &check
		u, err := r.target()
		if err != nil {
			return "", err
		}
		if u.Slot == 1 {
			return "", tenantos.Invalid("slot", "Slot 1 is the anonymous user; it cannot be deleted.")
		}
		desc := "Deleted IPMI user " + label(u)
		*u = tenantos.BMCUser{Slot: u.Slot, Privilege: tenantos.PrivNoAccess}
		return desc, nil
	})
}

// setBmcChannelAccess answers POST …/bmc/users/channelSetAccess {slot | username,
// accessSettings}: ipmitool's channel access settings (ipmi, callin and link on or off, a
// privilege) for the user; anything else is 422 on accessSettings.
func (g *group) setBmcChannelAccess(c echo.Context) error {
	return g.bmc(c, func(r *bmcRun) (string, error) {
		u, err := r.target()
		if err != nil {
			return "", err
		}
		if r.in.AccessSettings == nil || strings.TrimSpace(*r.in.AccessSettings) == "" {
			return "", tenantos.Invalid("accessSettings", "The access settings field is required.")
		}
		if err := applyAccess(u, *r.in.AccessSettings, "accessSettings"); err != nil {
			return "", err
		}
		return fmt.Sprintf("Set the channel access of IPMI user %s: %s", label(u), strings.TrimSpace(*r.in.AccessSettings)), nil
	})
}
