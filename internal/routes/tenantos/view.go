package tenantos

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/panelsim/panelsim/internal/state"
)

// Times as Laravel writes them: created_at and updated_at in ISO 8601 with microseconds,
// other dates (assignmentDate) as "Y-m-d H:i:s".
func LaravelTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }
func PlainTime(t time.Time) string   { return t.UTC().Format("2006-01-02 15:04:05") }

// Flag is a 0/1 integer, as the panel writes booleans in most places.
func Flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// OwnerView is one link of an owner chain.
type OwnerView struct {
	UserID         int64  `json:"userId"`
	Name           string `json:"name"`
	Username       string `json:"username"`
	Type           string `json:"type"`
	AssignmentDate string `json:"assignmentDate"`
}

// OwnerType is what an owner chain calls a user by its role.
func OwnerType(u *User) string {
	switch u.RoleID {
	case RoleAdmin:
		return "admin"
	case RoleReseller:
		return "reseller"
	}
	return "enduser"
}

// ServerView is the server object, keys in the documented order.
type ServerView struct {
	ID                       int64              `json:"id"`
	Hostname                 string             `json:"hostname"`
	Servername               string             `json:"servername"`
	UserID                   int64              `json:"user_id"`
	OS                       string             `json:"os"`
	ServerType               string             `json:"servertype"`
	SuspendedUserIDs         []int64            `json:"suspendedUserIds"`
	PrimaryIP                string             `json:"primaryip"`
	ReinstallationProvider   string             `json:"reinstallationprovider"`
	PowerProvider            powerProvider      `json:"powerprovider"`
	ConsoleProvider          consoleProvider    `json:"consoleprovider"`
	OwnerRealname            string             `json:"owner_realname"`
	Tags                     []string           `json:"tags"`
	Description              string             `json:"description"`
	ReinstallationRunning    int                `json:"reinstallationRunning"`
	DiskwipeRunning          int                `json:"diskwipeRunning"`
	RescueBootRunning        int                `json:"rescueBootRunning"`
	HardwarecollectRunning   int                `json:"hardwarecollectRunning"`
	PasswordResetRunning     int                `json:"passwordResetRunning"`
	DetailedHardware         json.RawMessage    `json:"detailedHardwareInformation"`
	OwnerChain               []OwnerView        `json:"ownerChain"`
	TypeOfServer             string             `json:"typeOfServer"`
	CachedPowerstatus        string             `json:"cachedPowerstatus"`
	BackendDeletable         int                `json:"backendDeletable"`
	AssignmentDate           string             `json:"assignmentDate"`
	IsExternalServer         int                `json:"isExternalServer"`
	PostReinstallationAction string             `json:"postReinstallationActionAvailable"`
	TrafficStatistics        trafficView        `json:"trafficStatistics"`
	LastBwrate               rateView           `json:"lastBwrate"`
	IPAssignments            []IPAssignmentView `json:"ipassignments"`
	IsSuspended              int                `json:"isSuspended"`
}

type powerProvider struct {
	Type              string   `json:"type"`
	SupportedFeatures []string `json:"supportedFeatures"`
}

type consoleProvider struct {
	Type                 string `json:"type"`
	SupportedConsoleMode string `json:"supportedConsoleMode"`
}

// consoleModes is the console mode the panel offers by console type.
var consoleModes = map[string]string{"ipmi": "standard", "proxmox": "novnc"}

type trafficView struct {
	Day       string `json:"1d"`
	Week      string `json:"7d"`
	Fortnight string `json:"14d"`
	Month     string `json:"30d"`
	P95In     string `json:"95th_in_30d"`
	P95Out    string `json:"95th_out_30d"`
	P95Total  string `json:"95th_total_30d"`
}

type rateView struct {
	In  string `json:"in"`
	Out string `json:"out"`
}

// IPAssignmentView is an IP of a server, as its ipassignments list shows it.
type IPAssignmentView struct {
	ID                int64          `json:"id"`
	UpdatedAt         string         `json:"updated_at"`
	IP                string         `json:"ip"`
	PrimaryIP         int            `json:"primary_ip"`
	Description       *string        `json:"description"`
	IPAttributes      ipAttributes   `json:"ipAttributes"`
	SubnetInformation subnetInfoView `json:"subnetinformation"`
}

type ipAttributes struct {
	IsIPv4   int `json:"isIpv4"`
	IsIPv6   int `json:"isIpv6"`
	IsSubnet int `json:"isSubnet"`
}

type subnetInfoView struct {
	CIDR                    int    `json:"cidr"`
	Subnet                  string `json:"subnet"`
	Netmask                 string `json:"netmask"`
	Gateway                 string `json:"gw"`
	Type                    string `json:"type"`
	RdnsAvailable           int    `json:"rdnsAvailable"`
	VlanAutomationAvailable bool   `json:"vlanAutomationAvailable"`
	SubnetOwnedByUser       bool   `json:"subnetOwnedByUser"`
	RootSubnetID            *int64 `json:"rootSubnetId"`
	IsExternalProvider      int    `json:"isExternalProvider"`
}

// ViewIPAssignment renders one IP of a server for viewer.
func ViewIPAssignment(tx *state.Tx, viewer *User, ip *IP) (IPAssignmentView, error) {
	s, err := Subnets.Get(tx, ip.SubnetID)
	if err != nil {
		return IPAssignmentView{}, err
	}
	addr := ip.Address
	isSubnet := strings.Contains(addr, "/")
	v6 := strings.Contains(addr, ":")
	return IPAssignmentView{ID: ip.ID, UpdatedAt: LaravelTime(ip.Updated), IP: addr, PrimaryIP: Flag(ip.Primary), Description: ip.Description,
		IPAttributes: ipAttributes{IsIPv4: Flag(!v6), IsIPv6: Flag(v6), IsSubnet: Flag(isSubnet)},
		SubnetInformation: subnetInfoView{CIDR: s.CIDR, Subnet: s.Subnet, Netmask: s.Netmask, Gateway: s.Gateway, Type: s.Type,
			RdnsAvailable: Flag(s.RdnsServerID != nil), SubnetOwnedByUser: ManagesID(tx, viewer, s.UserID), RootSubnetID: s.RootSubnetID,
			IsExternalProvider: Flag(s.External)}}, nil
}

// Running says which provisioning flag a kind of run sets.
func Running(s *Server, kind string) int {
	return Flag(s.Install != nil && s.Install.Running && s.Install.Kind == kind)
}

// ViewServer renders a server for viewer.
func ViewServer(tx *state.Tx, viewer *User, s *Server) (*ServerView, error) {
	assigned, err := ServerIPs(tx, s.ID)
	if err != nil {
		return nil, err
	}
	chain := OwnerChain(tx, s.UserID)
	v := &ServerView{ID: s.ID, Hostname: s.Hostname, Servername: s.Servername, UserID: s.UserID, OS: s.OS, ServerType: s.ServerType,
		SuspendedUserIDs: List(s.SuspendedUserIDs), PrimaryIP: PrimaryIP(assigned), ReinstallationProvider: s.ReinstallationProvider,
		PowerProvider:   powerProvider{Type: s.PowerType, SupportedFeatures: List(s.SupportedFeatures)},
		ConsoleProvider: consoleProvider{Type: s.ConsoleType, SupportedConsoleMode: consoleModes[s.ConsoleType]}, IsSuspended: Flag(len(s.SuspendedUserIDs) > 0), Tags: List(s.Tags), Description: s.Description,
		ReinstallationRunning: Running(s, KindInstall), DiskwipeRunning: Running(s, KindDiskWipe), RescueBootRunning: Running(s, KindRescue),
		PasswordResetRunning: Running(s, KindPasswordReset), HardwarecollectRunning: Flag(s.HardwareCollect), DetailedHardware: s.Hardware, OwnerChain: []OwnerView{},
		TypeOfServer: s.TypeOfServer, CachedPowerstatus: s.PowerStatus, BackendDeletable: Flag(s.VM != nil),
		AssignmentDate: PlainTime(s.AssignedAt), IsExternalServer: Flag(s.External),
		TrafficStatistics: trafficView{Day: Money(s.Traffic.Day), Week: Money(s.Traffic.Week), Fortnight: Money(s.Traffic.Fortnight),
			Month: Money(s.Traffic.Month), P95In: Money(s.Traffic.P95In), P95Out: Money(s.Traffic.P95Out), P95Total: Money(s.Traffic.P95Total)},
		LastBwrate:    rateView{In: Money(s.Traffic.RateIn), Out: Money(s.Traffic.RateOut)},
		IPAssignments: []IPAssignmentView{}}
	if len(s.Hardware) == 0 {
		v.DetailedHardware = json.RawMessage("{}")
	}
	for _, o := range chain {
		v.OwnerChain = append(v.OwnerChain, OwnerView{UserID: o.ID, Name: o.Name, Username: o.Username, Type: OwnerType(o), AssignmentDate: PlainTime(s.AssignedAt)})
	}
	if len(chain) > 0 {
		v.OwnerRealname = chain[len(chain)-1].Name
	}
	for _, ip := range assigned {
		iv, err := ViewIPAssignment(tx, viewer, ip)
		if err != nil {
			return nil, err
		}
		v.IPAssignments = append(v.IPAssignments, iv)
	}
	return v, nil
}

// Money writes a figure with two decimals, as the panel's statistics are strings.
func Money(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// UserView is the user object, keys in the documented order.
type UserView struct {
	ID                 int64      `json:"id"`
	Name               string     `json:"name"`
	Email              string     `json:"email"`
	TwoFactorConfirmed int        `json:"two_factor_confirmed"`
	CreatedAt          string     `json:"created_at"`
	RootOwner          int64      `json:"root_owner"`
	Username           string     `json:"username"`
	AccountStatus      string     `json:"accountstatus"`
	Timezone           string     `json:"timezone"`
	DatetimeFormat     string     `json:"datetimeFormat"`
	Darkmode           *int       `json:"darkmode"`
	Prefs              any        `json:"prefs"`
	AllowedHosts       []string   `json:"allowedHosts"`
	IsSharedAccess     bool       `json:"isSharedAccess"`
	SharedUserID       *int64     `json:"sharedUserId"`
	RealOrSharedUserID int64      `json:"realOrSharedUserId"`
	RoleID             int64      `json:"role_id"`
	RoleName           string     `json:"role_name"`
	RootOwnerUsername  string     `json:"root_owner_username"`
	LastLogin          lastLogin  `json:"lastlogin"`
	CanCreateSubUsers  int        `json:"canCreateSubUsers"`
	Description        *string    `json:"description"`
	SubUsers           any        `json:"subUsers"`
	Roles              [][]string `json:"roles"`
	Permissions        []string   `json:"permissions"`
}

type lastLogin struct {
	IP   string `json:"ip"`
	Date string `json:"date"`
}

// ViewUser renders a user.
func ViewUser(tx *state.Tx, u *User) (*UserView, error) {
	role, err := Roles.Get(tx, u.RoleID)
	if err != nil {
		role = &Role{Name: "", Permissions: []string{}}
	}
	owner := u
	if u.RootOwner != u.ID {
		if o, err := Users.Get(tx, u.RootOwner); err == nil {
			owner = o
		}
	}
	v := &UserView{ID: u.ID, Name: u.Name, Email: u.Email, TwoFactorConfirmed: Flag(u.TwoFactor), CreatedAt: LaravelTime(u.Created),
		RootOwner: u.RootOwner, Username: u.Username, AccountStatus: u.AccountStatus, Timezone: u.Timezone, DatetimeFormat: u.DatetimeFormat,
		Prefs: []string{}, AllowedHosts: List(u.AllowedHosts), IsSharedAccess: u.SharedUserID != nil, SharedUserID: u.SharedUserID,
		RealOrSharedUserID: u.ID, RoleID: u.RoleID, RoleName: role.Name, RootOwnerUsername: owner.Username,
		LastLogin: lastLogin{IP: "-", Date: "Never"}, CanCreateSubUsers: Flag(u.RoleID != RoleUser), Description: u.Description,
		SubUsers: nil, Roles: [][]string{{}}, Permissions: List(role.Permissions)}
	if u.SharedUserID != nil {
		v.RealOrSharedUserID = *u.SharedUserID
	}
	if u.LastLogin != nil {
		v.LastLogin = lastLogin{IP: u.LastLoginIP, Date: LaravelTime(*u.LastLogin)}
	}
	subs, err := SubUsers(tx, u.ID)
	if err != nil {
		return nil, err
	}
	if len(subs) > 0 {
		m := map[string]int64{}
		for i, id := range subs {
			m[fmt.Sprint(i+1)] = id
		}
		v.SubUsers = m
	}
	return v, nil
}

// SubUsers lists the ids of the users a user owns directly (itself excluded).
func SubUsers(tx *state.Tx, owner int64) ([]int64, error) {
	var out []int64
	err := Users.Each(tx, func(u *User) error {
		if u.RootOwner == owner && u.ID != owner {
			out = append(out, u.ID)
		}
		return nil
	})
	return out, err
}

// IsIPv6 reports whether an address or network is IPv6.
func IsIPv6(s string) bool {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Addr().Is6()
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6()
}
