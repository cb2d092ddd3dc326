package servers

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// hit is one entry of the quick search.
type hit struct {
	ID            int64    `json:"id"`
	Match         string   `json:"match"`
	MatchedFields []string `json:"matchedFields"`
	Desc          string   `json:"desc"`
	Path          string   `json:"path"`
	Group         string   `json:"group"`
	UUID          string   `json:"uuid"`
}

// field is a searchable value of a record, with the name the search shows for it.
type field struct{ name, value string }

// quickSearch answers POST /api/search/quicksearch {text}: the records the caller may see
// whose fields contain text (case-insensitive): servers by servername, hostname, IP, tag and
// description; users (for administrators and resellers, those they manage) by name,
// username and email; subnets (administrators only) by network and description.
//
// Each hit names the first field that matched in match, every field that matched in
// matchedFields, a description (a server's hostname, or its servername when the hostname is
// what matched; a user's email; a subnet's description), the panel page and a uuid like
// PHP's uniqid, made from the world's clock.
func (g *group) quickSearch(c echo.Context) error {
	var in struct {
		Text string `json:"text"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	q := strings.ToLower(strings.TrimSpace(in.Text))
	if q == "" {
		return tenantos.Invalid("text", "The text field is required.")
	}
	who := tenantos.CallerOf(c)
	out := []hit{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		add := func(id int64, group, path, desc string, fields []field) {
			h := hit{ID: id, Path: path, Group: group, Desc: desc, MatchedFields: []string{}}
			for _, f := range fields {
				if f.value != "" && strings.Contains(strings.ToLower(f.value), q) {
					if h.Match == "" {
						h.Match = f.value
					}
					if !tenantos.Contains(h.MatchedFields, f.name) {
						h.MatchedFields = append(h.MatchedFields, f.name)
					}
				}
			}
			if h.Match == "" {
				return
			}
			n := tx.Now.UnixMicro() + int64(len(out))
			h.UUID = fmt.Sprintf("%s-%08x%05x", strings.ToLower(group), n/1e6, n%1e6)
			out = append(out, h)
		}
		list, err := visibleServers(tx, who)
		if err != nil {
			return err
		}
		for _, s := range list {
			fields := []field{{"Servername", s.Servername}, {"Hostname", s.Hostname}}
			ips, err := tenantos.ServerIPs(tx, s.ID)
			if err != nil {
				return err
			}
			for _, ip := range ips {
				fields = append(fields, field{"IP", ip.Address})
			}
			for _, t := range s.Tags {
				fields = append(fields, field{"Tags", t})
			}
			fields = append(fields, field{"Description", s.Description})
			desc := s.Hostname
			if strings.Contains(strings.ToLower(s.Hostname), q) && !strings.Contains(strings.ToLower(s.Servername), q) {
				desc = s.Servername
			}
			add(s.ID, "Servers", fmt.Sprintf("/servers/%d", s.ID), desc, fields)
		}
		if who.User.RoleID != tenantos.RoleUser {
			if err := tenantos.Users.Each(tx, func(u *tenantos.User) error {
				if tenantos.Manages(tx, who.User, u) {
					add(u.ID, "Users", fmt.Sprintf("/users/%d", u.ID), u.Email,
						[]field{{"Name", u.Name}, {"Username", u.Username}, {"Email", u.Email}})
				}
				return nil
			}); err != nil {
				return err
			}
		}
		if who.Admin() {
			return tenantos.Subnets.Each(tx, func(sn *tenantos.Subnet) error {
				desc := ""
				if sn.Description != nil {
					desc = *sn.Description
				}
				add(sn.ID, "Subnets", fmt.Sprintf("/subnets/%d", sn.ID), desc,
					[]field{{"Subnet", fmt.Sprintf("%s/%d", sn.Subnet, sn.CIDR)}, {"Description", desc}})
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
