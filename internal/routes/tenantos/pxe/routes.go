// Package pxe is the Tenantos operations on the PXE catalogue: profiles, disk layouts, scripts and Windows profiles, linked by tags.
package pxe

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// Routes is the group's route table: one handler per operation, named after it.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	return map[string]echo.HandlerFunc{}
}
