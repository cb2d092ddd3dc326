// Package network is the Tenantos operations on addresses: subnets, IP assignments of
// servers, the administrator's IP manager and reverse DNS.
package network

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// Routes is the group's route table: one handler per operation, named after it.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	return map[string]echo.HandlerFunc{}
}
