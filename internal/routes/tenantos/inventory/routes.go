// Package inventory is the Tenantos operations on inventory components and custom fields, a
// server's inventory and hardware summary, and hardware detection.
//
// Every handler is a method of group named after its operationId. Who may call an operation
// is first the role's permissions (the accounts group's Authorize hook: with the default
// roles the catalogue and the detection command are the administrator's, a server's items
// and summary every user's); the handlers add their own rules: a server's items, summary and
// command are for whoever manages its owner (404 for anyone else, as for an unknown server),
// and only administrators change the catalogue or the items (403). The default world holds
// the vendor's built-in components and custom fields and, for every server of the fixtures,
// the items its hardware is made of (see seed.go).
//
// Hardware detection (see detect.go) is the panel's one route to a server that is not the
// API: getInventoryCommand gives a shell one-liner that fetches the detection script from
// the panel (GET /api/scripts/hwdetect) and runs it with a callback URL whose last segment
// is a fresh secret; the script posts what it found there
// (POST /api/servers/inventory/callback/<secret>, no token: the secret names the world and
// the server and opens nothing else), and the server's items and detailedHardwareInformation
// follow. While a command waits for its report the server shows hardwarecollectRunning 1,
// for an hour of the world's clock at most (the job inventory.detectExpire).
package inventory

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// group is the inventory group: its handlers, job and routes share the provider.
type group struct {
	p *tenantos.Provider
}

// Job names of the group.
const jobDetectExpire = "inventory.detectExpire"

// Routes is the group's route table: one handler per operation, named after it. It also
// registers the group's seeder, job, cleanup of a deleted server and the detection routes
// outside the document.
func Routes(p *tenantos.Provider) map[string]echo.HandlerFunc {
	g := &group{p: p}
	p.AddSeeder("inventory", seed)
	p.AddJob(jobDetectExpire, g.detectExpireJob)
	p.OnServerDeleted("inventory", forgetServer)
	p.Hooks.Extra = append(p.Hooks.Extra, g.detectionRoutes)
	return map[string]echo.HandlerFunc{
		// Inventory
		"listInventoryComponents":    g.listInventoryComponents,
		"createInventoryComponent":   g.createInventoryComponent,
		"getInventoryComponent":      g.getInventoryComponent,
		"updateInventoryComponent":   g.updateInventoryComponent,
		"deleteInventoryComponent":   g.deleteInventoryComponent,
		"listInventoryCustomFields":  g.listInventoryCustomFields,
		"createInventoryCustomField": g.createInventoryCustomField,
		"getInventoryCustomField":    g.getInventoryCustomField,
		"updateInventoryCustomField": g.updateInventoryCustomField,
		"deleteInventoryCustomField": g.deleteInventoryCustomField,
		// Server Inventory
		"getHardwareSummary":            g.getHardwareSummary,
		"getHardwareSummaryWithDetails": g.getHardwareSummaryWithDetails,
		"listServerInventory":           g.listServerInventory,
		"createServerInventoryItem":     g.createServerInventoryItem,
		"getServerInventoryItem":        g.getServerInventoryItem,
		"updateServerInventoryItem":     g.updateServerInventoryItem,
		"deleteServerInventoryItem":     g.deleteServerInventoryItem,
		"getInventoryCommand":           g.getInventoryCommand,
	}
}
