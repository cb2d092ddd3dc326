package network

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// providerKinds are the RDNS providers the panel can drive, by the type a client sends (any
// case): the stored provider name and the name shown.
var providerKinds = map[string][2]string{"powerdns": {"powerdns", "PowerDNS"}}

// rdnsProviderView is the RDNS provider object, keys in the documented order.
type rdnsProviderView struct {
	ID                    int64            `json:"id"`
	Provider              string           `json:"provider"`
	ProviderName          string           `json:"providerName"`
	ServerName            string           `json:"serverName"`
	DetailedAssignments   []rdnsAssignment `json:"detailedAssignments"`
	Assignments           []string         `json:"assignments"`
	ConfigurationFeatures []string         `json:"configurationFeatures"`
	Data                  json.RawMessage  `json:"data"`
	Status                *rdnsStatus      `json:"status,omitempty"`
}

type rdnsAssignment struct {
	Subnet string `json:"subnet"`
	ID     int64  `json:"id"`
}

type rdnsStatus struct {
	Success bool `json:"success"`
}

// viewRdnsProvider renders a provider: the subnets linked to it (by network address), and
// its access details as stored — the vendor shows them in clear, mysql_password included.
// withStatus adds the result of a connection check, which always succeeds in the simulator.
func viewRdnsProvider(cat *catalog, rp *tenantos.RdnsProvider, withStatus bool) rdnsProviderView {
	name := rp.Provider
	if k, ok := providerKinds[strings.ToLower(rp.Provider)]; ok {
		name = k[1]
	}
	v := rdnsProviderView{ID: rp.ID, Provider: rp.Provider, ProviderName: name, ServerName: rp.ServerName,
		DetailedAssignments: []rdnsAssignment{}, Assignments: []string{}, ConfigurationFeatures: []string{"createZone", "assignSubnets"},
		Data: rp.Data}
	if len(v.Data) == 0 {
		v.Data = json.RawMessage("{}")
	}
	for _, s := range cat.all {
		if s.RdnsServerID != nil && *s.RdnsServerID == rp.ID {
			v.DetailedAssignments = append(v.DetailedAssignments, rdnsAssignment{Subnet: s.Subnet, ID: s.ID})
			v.Assignments = append(v.Assignments, s.Subnet)
		}
	}
	if withStatus {
		v.Status = &rdnsStatus{Success: true}
	}
	return v
}

// withStatusCheck reads the flag from the body or the query string.
func withStatusCheck(c echo.Context) bool {
	b, _ := provider.Input(c).Body["withStatusCheck"].(bool)
	return b
}

// pathProvider loads the RDNS provider a path names (404 for text that is not an id).
func pathProvider(tx *tenantos.Tx, c echo.Context, name string) (*tenantos.RdnsProvider, error) {
	id := provider.PathInt(c, name)
	if id == 0 {
		id, _ = strconv.ParseInt(strings.TrimSpace(provider.PathString(c, name)), 10, 64)
	}
	return tenantos.RdnsProviders.Get(tx, id)
}

// listRdnsProviders lists the RDNS providers (administrators only); withStatusCheck adds each
// one's status.
func listRdnsProviders(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		out := []rdnsProviderView{}
		err := provider.World(c).View(func(tx *tenantos.Tx) error {
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			return tenantos.RdnsProviders.Each(tx, func(rp *tenantos.RdnsProvider) error {
				out = append(out, viewRdnsProvider(cat, rp, withStatusCheck(c)))
				return nil
			})
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// getRdnsProvider shows one RDNS provider (administrators only).
func getRdnsProvider(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		var out rdnsProviderView
		err := provider.World(c).View(func(tx *tenantos.Tx) error {
			rp, err := pathProvider(tx, c, "id")
			if err != nil {
				return err
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			out = viewRdnsProvider(cat, rp, withStatusCheck(c))
			return nil
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// providerData validates a PowerDNS provider's access details: serverName (a hostname),
// mysql_host, mysql_username and mysql_database are needed; mysql_port defaults to 3306 and
// record_ttl to 86400. Other keys are kept as sent.
func providerData(data map[string]any) (map[string]any, error) {
	str := func(k string) string {
		switch v := data[k].(type) {
		case string:
			return strings.TrimSpace(v)
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}
	for _, k := range []string{"serverName", "mysql_host", "mysql_username", "mysql_database"} {
		if str(k) == "" {
			return nil, tenantos.Invalidf("data."+k, "The data.%s field is required.", k)
		}
	}
	if !validHostname(str("serverName")) {
		return nil, tenantos.Invalid("data.serverName", "The data.serverName must be a valid hostname.")
	}
	for k, def := range map[string]float64{"mysql_port": 3306, "record_ttl": 86400} {
		switch v := data[k].(type) {
		case nil:
			data[k] = def
		case string:
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 {
				return nil, tenantos.Invalidf("data."+k, "The data.%s must be a positive integer.", k)
			}
			data[k] = n
		case float64:
			if v < 1 || v != float64(int64(v)) {
				return nil, tenantos.Invalidf("data."+k, "The data.%s must be a positive integer.", k)
			}
		default:
			return nil, tenantos.Invalidf("data."+k, "The data.%s must be a positive integer.", k)
		}
	}
	data["serverName"] = str("serverName")
	return data, nil
}

// dataObject reads the free-form data field: an object, or PHP's empty array for none.
func dataObject(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return x, true
	case []any:
		return map[string]any{}, len(x) == 0
	case nil:
		return map[string]any{}, true
	}
	return nil, false
}

// createRdnsProvider adds an RDNS provider (administrators only). type names the kind
// (PowerDNS; others are refused with 422) and data its access details (see providerData).
// The answer is the new provider.
func createRdnsProvider(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		body := provider.Input(c).Body
		typ, _ := body["type"].(string)
		kind, ok := providerKinds[strings.ToLower(strings.TrimSpace(typ))]
		if !ok {
			return tenantos.Invalid("type", "The selected type is invalid.")
		}
		data, ok := dataObject(body["data"])
		if !ok {
			return tenantos.Invalid("data", "The data must be an array.")
		}
		data, err := providerData(data)
		if err != nil {
			return err
		}
		raw, _ := json.Marshal(data)
		var out rdnsProviderView
		err = provider.World(c).Update(func(tx *tenantos.Tx) error {
			id, err := tenantos.RdnsProviders.NextID(tx)
			if err != nil {
				return err
			}
			rp := &tenantos.RdnsProvider{ID: id, Provider: kind[0], ServerName: data["serverName"].(string), Data: raw, Created: tx.Now, Updated: tx.Now}
			if err := tenantos.RdnsProviders.Put(tx, id, rp); err != nil {
				return err
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			out = viewRdnsProvider(cat, rp, false)
			return logSystem(c, tx, fmt.Sprintf("RDNS provider %s (%s) created", rp.ServerName, kind[1]))
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// updateRdnsProvider changes an RDNS provider's access details (administrators only): the
// keys of data replace the stored ones, the others stay; an empty data changes nothing.
func updateRdnsProvider(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		patch, ok := dataObject(provider.Input(c).Body["data"])
		if !ok {
			return tenantos.Invalid("data", "The data must be an array.")
		}
		var out rdnsProviderView
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			rp, err := pathProvider(tx, c, "id")
			if err != nil {
				return err
			}
			data := map[string]any{}
			if len(rp.Data) > 0 {
				if err := json.Unmarshal(rp.Data, &data); err != nil {
					return err
				}
			}
			keys := make([]string, 0, len(patch))
			for k, v := range patch {
				data[k] = v
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if data, err = providerData(data); err != nil {
				return err
			}
			rp.Data, _ = json.Marshal(data)
			rp.ServerName, rp.Updated = data["serverName"].(string), tx.Now
			if err := tenantos.RdnsProviders.Put(tx, rp.ID, rp); err != nil {
				return err
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			out = viewRdnsProvider(cat, rp, false)
			return logSystem(c, tx, fmt.Sprintf("RDNS provider %s updated: %s", rp.ServerName, strings.Join(keys, ", ")))
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// deleteRdnsProvider removes an RDNS provider (administrators only); its subnets lose
// their RDNS server (rdnsAvailable 0) and the PTR records it kept.
func deleteRdnsProvider(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			rp, err := pathProvider(tx, c, "id")
			if err != nil {
				return err
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			for _, s := range cat.all {
				if s.RdnsServerID != nil && *s.RdnsServerID == rp.ID {
					if err := linkRdns(tx, s, nil); err != nil {
						return err
					}
				}
			}
			if err := tenantos.RdnsProviders.Delete(tx, rp.ID); err != nil {
				return err
			}
			return logSystem(c, tx, fmt.Sprintf("RDNS provider %s deleted", rp.ServerName))
		})
		if err != nil {
			return err
		}
		return tenantos.Done(c)
	}
}

// testRdnsProviderConnectivity checks that the panel reaches an RDNS provider
// (administrators only); the simulated DNS servers always answer.
func testRdnsProviderConnectivity(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		err := provider.World(c).View(func(tx *tenantos.Tx) error {
			_, err := pathProvider(tx, c, "provider")
			return err
		})
		if err != nil {
			return err
		}
		return tenantos.Done(c)
	}
}

// configureRdnsProvider runs a provider's setup (administrators only): for PowerDNS it
// creates the reverse zones of the subnets linked to it, which the activity log lists.
func configureRdnsProvider(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			rp, err := pathProvider(tx, c, "provider")
			if err != nil {
				return err
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			var zones []string
			for _, s := range cat.all {
				if s.RdnsServerID != nil && *s.RdnsServerID == rp.ID {
					zones = append(zones, reverseZone(tenantos.SubnetPrefix(s)))
				}
			}
			desc := fmt.Sprintf("RDNS provider %s configured: no subnet linked, no zone created", rp.ServerName)
			if len(zones) > 0 {
				desc = fmt.Sprintf("RDNS provider %s configured: zones %s", rp.ServerName, strings.Join(zones, ", "))
			}
			return logSystem(c, tx, desc)
		})
		if err != nil {
			return err
		}
		return tenantos.Done(c)
	}
}

// reverseZone is the reverse DNS zone of a network, on the octet (IPv4) or nibble (IPv6)
// boundary at or above its prefix length.
func reverseZone(p netip.Prefix) string {
	b := p.Addr().AsSlice()
	var labels []string
	if p.Addr().Is4() {
		for i := p.Bits() / 8; i > 0; i-- {
			labels = append(labels, strconv.Itoa(int(b[i-1])))
		}
		return strings.Join(append(labels, "in-addr.arpa"), ".")
	}
	for i := p.Bits() / 4; i > 0; i-- {
		x := b[(i-1)/2]
		if (i-1)%2 == 0 {
			x >>= 4
		}
		labels = append(labels, strconv.FormatInt(int64(x&0xf), 16))
	}
	return strings.Join(append(labels, "ip6.arpa"), ".")
}

// addRdnsProviderSubnetAssignment links a subnet, named by its network address without
// prefix length (422 otherwise, or when no subnet starts there; the largest one when a child
// subnet starts at the same address), to an RDNS provider (administrators only).
func addRdnsProviderSubnetAssignment(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		var in struct {
			Subnet string `json:"subnet"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			rp, err := pathProvider(tx, c, "provider")
			if err != nil {
				return err
			}
			a, err := netip.ParseAddr(strings.TrimSpace(in.Subnet))
			if err != nil {
				return tenantos.Invalid("subnet", "The subnet must be a valid subnet (without CIDR).")
			}
			cat, err := loadCatalog(tx)
			if err != nil {
				return err
			}
			var s *tenantos.Subnet
			for _, x := range cat.all {
				if x.Subnet == a.Unmap().String() && (s == nil || x.CIDR < s.CIDR) {
					s = x
				}
			}
			if s == nil {
				return tenantos.Invalid("subnet", "The selected subnet is invalid.")
			}
			id := rp.ID
			if err := linkRdns(tx, s, &id); err != nil {
				return err
			}
			return logSubnet(c, tx, s, fmt.Sprintf("Subnet %s linked to RDNS provider %s", tenantos.SubnetPrefix(s), rp.ServerName))
		})
		if err != nil {
			return err
		}
		return tenantos.Done(c)
	}
}

// getSubnetRdnsAssignment tells which RDNS server a subnet uses (administrators only):
// {"serverId", "serverName", "provider"} in result, or {} when it has none. (The vendor's
// only sample is {}; the shape with a server is the simulator's.)
func getSubnetRdnsAssignment(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		out := map[string]any{}
		err := provider.World(c).View(func(tx *tenantos.Tx) error {
			s, err := tenantos.Subnets.Get(tx, provider.PathInt(c, "subnet"))
			if err != nil {
				return err
			}
			if s.RdnsServerID == nil {
				return nil
			}
			rp, err := tenantos.RdnsProviders.Get(tx, *s.RdnsServerID)
			if err != nil {
				return nil
			}
			out = map[string]any{"serverId": rp.ID, "serverName": rp.ServerName, "provider": rp.Provider}
			return nil
		})
		if err != nil {
			return err
		}
		return tenantos.OK(c, out)
	}
}

// createSubnetRdnsAssignment links a subnet to an RDNS provider, serverId (administrators
// only; 422 for a provider that does not exist). Moving to another provider loses the PTR
// records the old one kept.
func createSubnetRdnsAssignment(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		var in struct {
			ServerID int64 `json:"serverId"`
		}
		if err := provider.Bind(c, &in); err != nil {
			return err
		}
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			s, err := tenantos.Subnets.Get(tx, provider.PathInt(c, "subnet"))
			if err != nil {
				return err
			}
			rp, err := tenantos.RdnsProviders.Get(tx, in.ServerID)
			if err != nil {
				return tenantos.Invalid("serverId", "The selected server id is invalid.")
			}
			id := rp.ID
			if err := linkRdns(tx, s, &id); err != nil {
				return err
			}
			return logSubnet(c, tx, s, fmt.Sprintf("Subnet %s linked to RDNS provider %s", tenantos.SubnetPrefix(s), rp.ServerName))
		})
		if err != nil {
			return err
		}
		return tenantos.Done(c)
	}
}

// deleteSubnetRdnsAssignment unlinks a subnet from its RDNS server (administrators only);
// its PTR records go. A subnet without one is 404.
func deleteSubnetRdnsAssignment(p *tenantos.Provider) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := adminOnly(c); err != nil {
			return err
		}
		err := provider.World(c).Update(func(tx *tenantos.Tx) error {
			s, err := tenantos.Subnets.Get(tx, provider.PathInt(c, "subnet"))
			if err != nil {
				return err
			}
			if s.RdnsServerID == nil {
				return errNoAssignment
			}
			if err := linkRdns(tx, s, nil); err != nil {
				return err
			}
			return logSubnet(c, tx, s, fmt.Sprintf("Subnet %s unlinked from its RDNS provider", tenantos.SubnetPrefix(s)))
		})
		if err != nil {
			return err
		}
		return tenantos.Done(c)
	}
}

// logSystem writes an activity entry of the panel's own settings (seen by administrators).
func logSystem(c echo.Context, tx *tenantos.Tx, desc string) error {
	return tenantos.LogActivity(c, tx, tenantos.LogEntry{RelationType: "system", RootType: "rdns", Description: desc,
		MetaHref: "/system/rdns", MetaText: "RDNS", AdminOnly: true})
}
