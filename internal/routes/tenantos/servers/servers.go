package servers

import (
	"net/netip"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// listServers answers GET /api/servers: every server the caller may see (an admin all of
// them, a reseller those of the users below it, an end user its own), in id order, as the
// server object. There is no paging: query parameters are ignored.
func (g *group) listServers(c echo.Context) error {
	who := tenantos.CallerOf(c)
	var out []*tenantos.ServerView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		list, err := visibleServers(tx, who)
		if err != nil {
			return err
		}
		out, err = views(tx, who, list)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getServer answers GET /api/servers/{id}: one server; one the caller may not see is 404.
func (g *group) getServer(c echo.Context) error {
	who := tenantos.CallerOf(c)
	var out *tenantos.ServerView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		s, err := tenantos.VisibleServer(tx, who.User, serverID(c))
		if err != nil {
			return err
		}
		out, err = tenantos.ViewServer(tx, who.User, s)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getServerByIp answers GET /api/servers/getByIp/{ip}: the server an IPv4 address is
// assigned to. An address that is not IPv4, that the panel does not know, that is free, or
// whose server the caller may not see is 404.
func (g *group) getServerByIp(c echo.Context) error {
	who := tenantos.CallerOf(c)
	addr, err := netip.ParseAddr(provider.PathString(c, "ip"))
	if err != nil || !addr.Is4() {
		return tenantos.ErrServerNotFound
	}
	var out *tenantos.ServerView
	err = provider.World(c).View(func(tx *tenantos.Tx) error {
		ip, err := tenantos.IPByAddress(tx, addr.String())
		if err != nil || ip.ServerID == 0 {
			return tenantos.ErrServerNotFound
		}
		s, err := tenantos.VisibleServer(tx, who.User, ip.ServerID)
		if err != nil {
			return err
		}
		out, err = tenantos.ViewServer(tx, who.User, s)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getServersByTags answers POST /api/servers/getByTags {tags}: the servers the caller may see
// that carry every one of the tags (AND). An empty list matches every server.
func (g *group) getServersByTags(c echo.Context) error {
	var in struct {
		Tags []string `json:"tags"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	want := cleanTags(in.Tags)
	who := tenantos.CallerOf(c)
	var out []*tenantos.ServerView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		list, err := visibleServers(tx, who)
		if err != nil {
			return err
		}
		var match []*tenantos.Server
		for _, s := range list {
			if hasAllTags(s.Tags, want) {
				match = append(match, s)
			}
		}
		out, err = views(tx, who, match)
		return err
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}
