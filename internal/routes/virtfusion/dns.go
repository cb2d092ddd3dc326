package virtfusion

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

const collDNSServices = "dnsServices"

var errDNSServiceNotFound = apierr.NotFound("dns service not found")

// DNSService is a DNS provider the panel manages zones on.
type DNSService struct {
	ID                int64     `json:"id"`
	Type              int       `json:"type"`
	Name              string    `json:"name"`
	Username          *string   `json:"username"`
	URL               *string   `json:"url"`
	IP                *string   `json:"ip"`
	Port              int       `json:"port"`
	EncryptedPassword string    `json:"encryptedPassword"`
	SubAccount        bool      `json:"subAccount"`
	Capabilities      int       `json:"capabilities"`
	Enabled           bool      `json:"enabled"`
	Created           time.Time `json:"created"`
	Updated           time.Time `json:"updated"`
}

type dnsServiceView struct {
	ID           int64          `json:"id"`
	Type         int            `json:"type"`
	Name         string         `json:"name"`
	Username     *string        `json:"username"`
	URL          *string        `json:"url"`
	IP           *string        `json:"ip"`
	Port         int            `json:"port"`
	Password     string         `json:"password"`
	Config       map[string]any `json:"config"`
	SubAccount   bool           `json:"subAccount"`
	Capabilities int            `json:"capabilities"`
	Enabled      bool           `json:"enabled"`
	Created      string         `json:"created"`
	Updated      string         `json:"updated"`
}

// pathID reads a path value typed string in the document as a record id; 0 when it is not
// a positive integer.
func pathID(c echo.Context, name string) int64 {
	n, err := strconv.ParseInt(provider.PathString(c, name), 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

func (p *Provider) getDnsService(c echo.Context) error {
	var d DNSService
	err := provider.World(c).View(func(tx *state.Tx) error {
		return get(tx, collDNSServices, pathID(c, "serviceId"), &d, errDNSServiceNotFound)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{dnsServiceView{ID: d.ID, Type: d.Type, Name: d.Name, Username: d.Username, URL: d.URL,
		IP: d.IP, Port: d.Port, Password: d.EncryptedPassword, Config: map[string]any{}, SubAccount: d.SubAccount,
		Capabilities: d.Capabilities, Enabled: d.Enabled, Created: fmtTime(d.Created, tsOffset), Updated: fmtTime(d.Updated, tsOffset)}})
}
