package tenantos

import "github.com/labstack/echo/v4"

// Cleanup of a deleted server. DELETE /api/servers/{id} (the servers group) removes the server
// record, its IPs and its VM; the groups that keep records of their own per server (the
// comments group's comments and attached files, …) register a ServerCleanup, which the
// servers group runs in the deleting transaction, so that nothing of the server is left
// behind and a failure rolls the whole deletion back.

// ServerCleanup removes a group's records of server s, which is being deleted in tx. It is
// given the provider and the request (for activity entries).
type ServerCleanup func(p *Provider, c echo.Context, tx *Tx, s *Server) error

// OnServerDeleted registers fn under name (the group's name; registering a name again
// replaces it). Call it from the group's Routes, like AddJob.
func (p *Provider) OnServerDeleted(name string, fn ServerCleanup) { p.serverCleanups[name] = fn }

// ServerDeleted runs the registered cleanups in name order for server s, deleted in tx; the
// first error ends them (and rolls the deletion back).
func (p *Provider) ServerDeleted(c echo.Context, tx *Tx, s *Server) error {
	for _, n := range sortedKeys(p.serverCleanups) {
		if err := p.serverCleanups[n](p, c, tx, s); err != nil {
			return err
		}
	}
	return nil
}
