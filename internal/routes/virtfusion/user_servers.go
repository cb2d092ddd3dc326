package virtfusion

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// userServerView is a server in GET /servers/user/{userId}, the panel's older, flatter shape.
type userServerView struct {
	ID               int64   `json:"id"`
	OwnerID          int64   `json:"ownerId"`
	HypervisorID     int64   `json:"hypervisorId"`
	Name             string  `json:"name"`
	Hostname         *string `json:"hostname"`
	CommissionStatus int     `json:"commissionStatus"`
	UUID             string  `json:"uuid"`
	State            string  `json:"state"`
	Rebuild          bool    `json:"rebuild"`
	Suspended        bool    `json:"suspended"`
	Protected        bool    `json:"protected"`
	BuildFailed      bool    `json:"buildFailed"`
	BackupLevel      int     `json:"backup_level"`
	BackupPlan       *int64  `json:"backup_plan"`
	OS               struct {
		Screen string `json:"screen"`
	} `json:"os"`
	ServerInfo struct {
		Show  bool    `json:"show"`
		Icon  *string `json:"icon"`
		Name  *string `json:"name"`
		Label *string `json:"label"`
	} `json:"server_info"`
	VNC struct {
		ExposeDetails bool    `json:"expose_details"`
		IP            string  `json:"ip"`
		Hostname      *string `json:"hostname"`
		Port          int     `json:"port"`
		Enabled       int     `json:"enabled"`
	} `json:"vnc"`
	Resources struct {
		Resources
		CPUModel *string `json:"cpu_model"`
	} `json:"resources"`
	Network struct {
		Interfaces []userServerInterface `json:"interfaces"`
	} `json:"network"`
	Config struct {
		UEFI      bool     `json:"uefi"`
		BootOrder []string `json:"bootOrder"`
	} `json:"config"`
	Media struct {
		ISOMounted bool   `json:"isoMounted"`
		ISOName    string `json:"isoName"`
	} `json:"media"`
}

type userServerInterface struct {
	Order      int              `json:"order"`
	Enabled    bool             `json:"enabled"`
	Tag        int64            `json:"tag"`
	Name       string           `json:"name"`
	MAC        string           `json:"mac"`
	InAverage  int              `json:"inAverage"`
	InPeak     int              `json:"inPeak"`
	InBurst    int              `json:"inBurst"`
	OutAverage int              `json:"outAverage"`
	OutPeak    int              `json:"outPeak"`
	OutBurst   int              `json:"outBurst"`
	IsNat      bool             `json:"isNat"`
	IPv4       []userServerIPv4 `json:"ipv4"`
	IPv6       []any            `json:"ipv6"`
}

type userServerIPv4 struct {
	Order     int    `json:"order"`
	Enabled   bool   `json:"enabled"`
	Address   string `json:"address"`
	Gateway   string `json:"gateway"`
	Netmask   string `json:"netmask"`
	Resolver1 string `json:"resolver1"`
	Resolver2 string `json:"resolver2"`
}

func (p *Provider) viewUserServer(tx *state.Tx, s *Server) (userServerView, error) {
	var h Hypervisor
	if err := get(tx, collHypervisors, s.HypervisorID, &h, errHypervisorNotFound); err != nil {
		return userServerView{}, err
	}
	iface, err := viewInterface(tx, s, &h)
	if err != nil {
		return userServerView{}, err
	}
	v := userServerView{ID: s.ID, OwnerID: s.OwnerID, HypervisorID: s.HypervisorID, Name: s.Name, Hostname: s.Hostname,
		CommissionStatus: s.CommissionStatus, UUID: s.UUID, State: s.State, Suspended: s.Suspended, Protected: s.Protected,
		BuildFailed: s.BuildFailed}
	v.OS.Screen = screenPNG
	v.VNC.ExposeDetails, v.VNC.IP, v.VNC.Port = true, h.IP, s.VNCPort
	if s.VNCEnabled {
		v.VNC.Enabled = 1
	}
	v.Resources.Resources = s.Resources
	if s.BackupPlanID != 0 {
		plan := s.BackupPlanID
		v.BackupPlan = &plan
	}
	ui := userServerInterface{Order: 1, Enabled: true, Tag: s.Tag, Name: iface.Name, MAC: s.MAC, InAverage: s.NetworkIn,
		OutAverage: s.NetworkOut, IPv4: []userServerIPv4{}, IPv6: []any{}}
	for _, a := range iface.IPv4 {
		ui.IPv4 = append(ui.IPv4, userServerIPv4{Order: a.Order, Enabled: true, Address: a.Address, Gateway: a.Gateway,
			Netmask: a.Netmask, Resolver1: a.Resolver1, Resolver2: a.Resolver2})
	}
	for _, a := range iface.IPv6 {
		ui.IPv6 = append(ui.IPv6, map[string]any{"order": a.Order, "enabled": true, "subnet": a.Subnet, "cidr": a.Cidr,
			"gateway": a.Gateway, "resolver1": a.Resolver1, "resolver2": a.Resolver2})
	}
	v.Network.Interfaces = []userServerInterface{ui}
	v.Config.BootOrder = []string{"hd", "cdrom"}
	return v, nil
}

func (p *Provider) listUserServers(c echo.Context) error {
	out := []userServerView{}
	err := provider.World(c).View(func(tx *state.Tx) error {
		var u User
		if err := get(tx, collUsers, provider.PathInt(c, "userId"), &u, errUserNotFound); err != nil {
			return err
		}
		servers := tx.Coll(Name, collServers)
		return tx.Set(Name, setServersByOwner).Members(state.ID(uint64(u.ID)), 0, -1, func(key []byte) error {
			var s Server
			if err := servers.Get(key, &s); err != nil {
				return err
			}
			v, err := p.viewUserServer(tx, &s)
			out = append(out, v)
			return err
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}
