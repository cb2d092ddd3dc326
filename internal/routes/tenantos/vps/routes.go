// Package vps is the Tenantos operations on virtual servers: external providers (Proxmox),
// VPS and balancer plans, VM resources, backups, snapshots and the tasks they run as.
package vps

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// Routes is the group's route table: one handler per operation, named after it.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	return map[string]echo.HandlerFunc{}
}
