// Package devices is the Tenantos operations on network devices (SNMP switches and PDUs), a server's connections (IPMI, PDU and switch ports), BMC users and manageable network ports.
package devices

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// Routes is the group's route table: one handler per operation, named after it.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	return map[string]echo.HandlerFunc{}
}
