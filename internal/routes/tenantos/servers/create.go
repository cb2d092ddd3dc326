package servers

import (
	"encoding/json"
	"fmt"
	"net/netip"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// createInput is the body of POST /api/servers.
type createInput struct {
	Hostname      string          `json:"hostname"`
	Servername    string          `json:"servername"`
	UserID        int64           `json:"user_id"`
	Description   string          `json:"description"`
	Tags          []string        `json:"tags"`
	OS            string          `json:"os"`
	ServerType    string          `json:"servertype"`
	VpsPlan       int64           `json:"vpsplan"`
	Overrides     json.RawMessage `json:"overrideVpsResources"`
	Config        json.RawMessage `json:"config"`
	IPAssignments []struct {
		IP        string `json:"ip"`
		SubnetsID int64  `json:"subnets_id"`
		Primary   bool   `json:"primary_ip"`
	} `json:"ipassignments"`
}

// serverConfig is what the config object of a create says of the server's connections: the
// remote agent it is reached through, its IPMI (address and credentials) and whether its
// power and console go through it, its PXE boot and DHCP (the MAC address it boots from).
type serverConfig struct {
	AgentID         int64  `json:"agentId"`
	IpmiIP          string `json:"ipmi_ip"`
	IpmiUser        string `json:"ipmi_user"`
	IpmiPassword    string `json:"ipmi_password"`
	PxeMac          string `json:"pxe_mac"`
	EnablePxe       *bool  `json:"enable_pxe"`
	EnableConsole   *bool  `json:"enable_ipmi_console"`
	EnablePowerMgmt *bool  `json:"enable_ipmi_powermanagement"`
}

// on is a flag of the config: as given, or def when not given.
func on(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// readConfig decodes config, which PHP clients may send as [] when empty.
func readConfig(raw json.RawMessage) (*serverConfig, error) {
	if len(raw) == 0 || string(raw) == "null" || string(raw) == "[]" {
		return nil, nil
	}
	var cfg serverConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, tenantos.Invalid("config", "The config must be an array.")
	}
	return &cfg, nil
}

// readOverrides decodes overrideVpsResources (a free-form object; [] counts as empty).
func readOverrides(raw json.RawMessage) (map[string]any, error) {
	out := map[string]any{}
	if len(raw) == 0 || string(raw) == "null" || string(raw) == "[]" {
		return out, nil
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, tenantos.Invalid("overrideVpsResources", "The override vps resources must be an array.")
	}
	return out, nil
}

// createServer answers POST /api/servers: a dedicated server added to the inventory, or a VM
// made from a VPS plan (servertype vm, or a vpsplan), with its IPs, in one transaction, and
// answers the new server as GET shows it.
//
// Decisions where the documentation is silent:
//   - Administrators and resellers may add servers; end users may not (403). The owner is
//     user_id (a user the caller manages, else 422), or the caller when user_id is 0 or absent.
//   - A dedicated server's power, console and reinstallation come from its connections,
//     which config makes (see applyConfig; the devices group manages them afterwards). With an
//     IPMI connection (ipmi_ip given, or enable_ipmi_powermanagement) the
//     power provider is ipmi with the features of p.Fx.PowerFeatures["ipmi"]; with
//     enable_ipmi_console (default: on when there is an IPMI connection) the console is ipmi;
//     with PXE (pxe_mac given, or enable_pxe) it is reinstalled over PXE. Without config the
//     server has no power provider ("none", no features, cached power status "unknown"), no
//     console and no reinstallation provider, as a server added by hand before its
//     connections are set up.
//   - A VM is made by the VPS group's CreateVM hook; when there is none the create is
//     refused with 422 on vpsplan. servertype vm without a vpsplan, and a vpsplan with
//     servertype dedicated, are refused with 422.
//   - ipassignments: each IP must be known and free (IPv6 addresses inside an IPv6 subnet
//     named by subnets_id are added to it); a taken, reserved or unknown IP refuses the whole
//     create (422 on ipassignments.N.ip), nothing is written. The entry with primary_ip true
//     becomes the primary IP, else the first one.
func (g *group) createServer(c echo.Context) error {
	var in createInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	cfg, err := readConfig(in.Config)
	if err != nil {
		return err
	}
	overrides, err := readOverrides(in.Overrides)
	if err != nil {
		return err
	}
	if in.ServerType == "" {
		in.ServerType = "auto"
	}
	vm := in.ServerType == "vm" || in.VpsPlan > 0
	switch {
	case in.ServerType == "vm" && in.VpsPlan <= 0:
		return tenantos.Invalid("vpsplan", "The vpsplan field is required when servertype is vm.")
	case in.ServerType == "dedicated" && in.VpsPlan > 0:
		return tenantos.Invalid("servertype", "The servertype must be vm or auto when a vpsplan is given.")
	}
	who := tenantos.CallerOf(c)
	if who.User.RoleID == tenantos.RoleUser {
		return apierr.Forbidden("This action is unauthorized.")
	}
	var out *tenantos.ServerView
	err = provider.World(c).Update(func(tx *tenantos.Tx) error {
		owner := who.User.ID
		if in.UserID != 0 {
			if !tenantos.Users.Has(tx, in.UserID) || !tenantos.ManagesID(tx, who.User, in.UserID) {
				return tenantos.Invalid("user_id", "The selected user id is invalid.")
			}
			owner = in.UserID
		}
		id, err := tenantos.Servers.NextID(tx)
		if err != nil {
			return err
		}
		now := tx.Now
		s := &tenantos.Server{ID: id, Hostname: in.Hostname, Servername: in.Servername, UserID: owner, AssignedAt: now,
			OS: in.OS, ServerType: in.ServerType, TypeOfServer: "dedicated", SuspendedUserIDs: []int64{},
			ReinstallationProvider: "none", PowerType: "none", SupportedFeatures: []string{}, ConsoleType: "none",
			Tags: cleanTags(in.Tags), Description: in.Description, Power: "online", PowerStatus: "unknown",
			Hardware: json.RawMessage("{}"), Created: now, Updated: now}
		if cfg != nil && cfg.AgentID > 0 {
			s.AgentID = cfg.AgentID
		}
		if cfg != nil && !vm {
			if err := g.applyConfig(tx, s, cfg); err != nil {
				return err
			}
		}
		if vm {
			if _, err := tenantos.VpsPlans.Get(tx, in.VpsPlan); err != nil {
				return tenantos.Invalid("vpsplan", "The selected vpsplan is invalid.")
			}
			hook := g.p.Hooks.CreateVM
			if hook == nil {
				return tenantos.Invalid("vpsplan", "Virtual servers cannot be created: no VPS provider is set up.")
			}
			s.TypeOfServer, s.PowerStatus = "vm", "offline"
			if err := hook(c, tx, s, in.VpsPlan, overrides); err != nil {
				return err
			}
		}
		if err := tenantos.Servers.Put(tx, s.ID, s); err != nil {
			return err
		}
		primary := ""
		for i, a := range in.IPAssignments {
			ip, err := freeIP(tx, i, a.IP, a.SubnetsID)
			if err != nil {
				return err
			}
			if err := tenantos.AssignIP(tx, s, ip, nil, now); err != nil {
				return err
			}
			if a.Primary {
				primary = ip.Address
			}
		}
		if primary != "" {
			if err := setPrimary(tx, s.ID, primary); err != nil {
				return err
			}
		}
		if err := logServer(c, tx, s, "servers", "Created Server "+s.Servername, nil); err != nil {
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

// applyConfig makes the connections config asks for (the caller stores s): an IPMI
// connection when ipmi_ip is given or enable_ipmi_powermanagement is on, used for power
// management unless enable_ipmi_powermanagement is off and as remote console unless
// enable_ipmi_console is off; a PXE connection when enable_pxe is on (by default, when
// pxe_mac is given) and a DHCP connection with pxe_mac. The server's providers then follow
// its connections (tenantos.Provider.SyncConnections): the IPMI power features, the ipmi
// console, reinstallation over PXE.
func (g *group) applyConfig(tx *tenantos.Tx, s *tenantos.Server, cfg *serverConfig) error {
	if cfg.IpmiIP != "" || on(cfg.EnablePowerMgmt, false) {
		types := []string{}
		if on(cfg.EnablePowerMgmt, true) {
			types = append(types, tenantos.UsePower)
		}
		if on(cfg.EnableConsole, true) {
			types = append(types, tenantos.UseConsole)
		}
		meta := map[string]any{"ip": cfg.IpmiIP, "username": cfg.IpmiUser, "password": cfg.IpmiPassword, "javaVersion": "auto", "bmcPort": "623"}
		if _, err := tenantos.NewConnection(tx, s, cfg.AgentID, tenantos.ConnIPMI, types, meta); err != nil {
			return err
		}
	}
	if on(cfg.EnablePxe, cfg.PxeMac != "") {
		if _, err := tenantos.NewConnection(tx, s, cfg.AgentID, tenantos.ConnPXE, nil, map[string]any{}); err != nil {
			return err
		}
	}
	if cfg.PxeMac != "" {
		if _, err := tenantos.NewConnection(tx, s, cfg.AgentID, tenantos.ConnDHCP, nil, map[string]any{"pxe_mac": cfg.PxeMac}); err != nil {
			return err
		}
	}
	return g.p.SyncConnections(tx, s)
}

// freeIP finds the address of the i-th entry of ipassignments and checks that it can be
// assigned: known (or an IPv6 address inside the IPv6 subnet named), in the subnet named,
// free and not reserved.
func freeIP(tx *tenantos.Tx, i int, addr string, subnetID int64) (*tenantos.IP, error) {
	field := fmt.Sprintf("ipassignments.%d.ip", i)
	norm := tenantos.NormalizeAddress(addr)
	ip, err := tenantos.IPByAddress(tx, norm)
	if err != nil {
		ip, err = addIPv6(tx, norm, subnetID)
		if err != nil {
			return nil, err
		}
		if ip == nil {
			return nil, tenantos.Invalidf(field, "The IP %s is in no subnet of the panel.", addr)
		}
	}
	switch {
	case subnetID > 0 && ip.SubnetID != subnetID:
		return nil, tenantos.Invalidf(field, "The IP %s is not in the selected subnet.", addr)
	case ip.ServerID != 0:
		return nil, tenantos.Invalidf(field, "The IP %s is already assigned to another server.", ip.Address)
	case ip.Reserved:
		return nil, tenantos.Invalidf(field, "The IP %s is reserved.", ip.Address)
	}
	return ip, nil
}

// addIPv6 adds an IPv6 address (or child network) to the IPv6 subnet subnetID when it lies
// inside it (IPv6 addresses are not generated in advance); nil when it does not.
func addIPv6(tx *tenantos.Tx, addr string, subnetID int64) (*tenantos.IP, error) {
	if subnetID <= 0 || !tenantos.IsIPv6(addr) {
		return nil, nil
	}
	sn, err := tenantos.Subnets.Get(tx, subnetID)
	if err != nil || sn.Type != "v6" {
		return nil, nil
	}
	net := tenantos.SubnetPrefix(sn)
	if p, err := netip.ParsePrefix(addr); err == nil {
		if !net.Contains(p.Addr()) || p.Bits() < net.Bits() {
			return nil, nil
		}
	} else if a, err := netip.ParseAddr(addr); err != nil || !net.Contains(a) {
		return nil, nil
	}
	return tenantos.AddIP(tx, subnetID, addr, false, tx.Now)
}

// setPrimary makes addr the server's primary IP.
func setPrimary(tx *tenantos.Tx, serverID int64, addr string) error {
	list, err := tenantos.ServerIPs(tx, serverID)
	if err != nil {
		return err
	}
	for _, ip := range list {
		want := ip.Address == addr
		if ip.Primary != want {
			ip.Primary = want
			if err := tenantos.IPs.Put(tx, ip.ID, ip); err != nil {
				return err
			}
		}
	}
	return nil
}
