package virtfusion

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
	"github.com/panelsim/panelsim/internal/world"
)

type createServerInput struct {
	PackageID            int64   `json:"packageId"`
	UserID               int64   `json:"userId"`
	HypervisorID         int64   `json:"hypervisorId"` // a hypervisor group
	IPv4                 *int    `json:"ipv4"`
	Storage              *int    `json:"storage"`
	Traffic              *int    `json:"traffic"`
	Memory               *int    `json:"memory"`
	CPUCores             *int    `json:"cpuCores"`
	NetworkSpeedInbound  *int    `json:"networkSpeedInbound"`
	NetworkSpeedOutbound *int    `json:"networkSpeedOutbound"`
	StorageProfile       *int    `json:"storageProfile"`
	FirewallRulesets     []int64 `json:"firewallRulesets"`

	AdditionalStorage1Enable   *bool  `json:"additionalStorage1Enable"`
	AdditionalStorage2Enable   *bool  `json:"additionalStorage2Enable"`
	AdditionalStorage1Profile  *int   `json:"additionalStorage1Profile"`
	AdditionalStorage2Profile  *int   `json:"additionalStorage2Profile"`
	AdditionalStorage1Capacity *int   `json:"additionalStorage1Capacity"`
	AdditionalStorage2Capacity *int   `json:"additionalStorage2Capacity"`
	ResourcePackID             *int64 `json:"resourcePackId"` // panelsim: a pack of the owner's to put the server in
}

func orDefault(v *int, def int) int {
	if v != nil {
		return *v
	}
	return def
}

// resources are the package's, overridden by what the request names.
func (in *createServerInput) resources(pk *Package) (Resources, error) {
	r := Resources{Memory: orDefault(in.Memory, pk.Memory), Storage: orDefault(in.Storage, pk.PrimaryStorage),
		Traffic: orDefault(in.Traffic, pk.Traffic), CPUCores: orDefault(in.CPUCores, pk.CPUCores)}
	var msgs []string
	if r.Memory < 128 {
		msgs = append(msgs, "The memory field must be at least 128.")
	}
	if r.Storage < 1 {
		msgs = append(msgs, "The storage field must be at least 1.")
	}
	if r.CPUCores < 1 {
		msgs = append(msgs, "The cpu cores field must be at least 1.")
	}
	if r.Traffic < 0 {
		msgs = append(msgs, "The traffic field must be at least 0.")
	}
	if in.IPv4 != nil && (*in.IPv4 < 0 || *in.IPv4 > 64) {
		msgs = append(msgs, "The ipv4 field must be between 0 and 64.")
	}
	if len(msgs) > 0 {
		return r, apierr.Invalid(msgs...)
	}
	return r, nil
}

func (p *Provider) createServer(c echo.Context) error {
	var in createServerInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	dryRun := provider.QueryBool(c, "dryRun")
	var out *serverView
	create := func(tx *state.Tx) error {
		s, err := p.newServer(tx, &in)
		if err != nil {
			return err
		}
		out, err = p.renderServer(tx, s, renderOptions{})
		return err
	}
	w := provider.World(c)
	if dryRun {
		// Everything a real create does, in a transaction that is thrown away.
		err := w.Update(func(tx *state.Tx) error {
			if err := create(tx); err != nil {
				return err
			}
			return errDryRun
		})
		if err != errDryRun {
			return err
		}
		return c.JSON(http.StatusOK, data{out})
	}
	// The server is made in the write transaction and shown from a read one after the
	// commit: rendering it is read-only work that need not hold up other writers.
	var made *Server
	err := w.Update(func(tx *state.Tx) (err error) {
		made, err = p.newServer(tx, &in)
		return err
	})
	if err != nil {
		return err
	}
	if out, err = p.viewCommitted(w, made, renderOptions{}); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, data{out})
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = apierr.Invalid("dry run")

// newServer creates a server: checks what it refers to, places it on a hypervisor of the
// group, accounts its resources there and gives it its addresses, all in tx.
func (p *Provider) newServer(tx *state.Tx, in *createServerInput) (*Server, error) {
	var pk Package
	var owner User
	var g HypervisorGroup
	var msgs []string
	if err := peek(tx, collPackages, in.PackageID, &pk, errPackageNotFound); err != nil || !pk.Enabled {
		msgs = append(msgs, "The selected package id is invalid.")
	}
	if err := peek(tx, collUsers, in.UserID, &owner, errUserNotFound); err != nil {
		msgs = append(msgs, "The selected user id is invalid.")
	}
	if err := peek(tx, collGroups, in.HypervisorID, &g, errGroupNotFound); err != nil || !g.Enabled {
		msgs = append(msgs, "The selected hypervisor id is invalid.")
	}
	if len(msgs) > 0 {
		return nil, apierr.Invalid(msgs...)
	}
	need, err := in.resources(&pk)
	if err != nil {
		return nil, err
	}
	pack, err := packForServer(tx, in.ResourcePackID, owner.ID, need)
	if err != nil {
		return nil, err
	}
	rulesets, err := checkRulesets(tx, in.FirewallRulesets)
	if err != nil {
		return nil, err
	}
	disks, err := in.extraDisks()
	if err != nil {
		return nil, err
	}
	withDisks := need
	for _, d := range disks {
		withDisks.Storage += d.Capacity
	}
	ipv4 := orDefault(in.IPv4, 1)
	h, err := place(tx, g.ID, withDisks, ipv4)
	if err != nil {
		return nil, err
	}
	id, err := tx.Coll(Name, collServers).NextID()
	if err != nil {
		return nil, err
	}
	f := p.Faker("server", int64(id))
	s := &Server{
		ID: int64(id), OwnerID: owner.ID, HypervisorID: h.ID, PackageID: pk.ID, UUID: f.UUID(), State: stateAllocated,
		Created: tx.Now, Updated: tx.Now, Resources: need, NetworkIn: orDefault(in.NetworkSpeedInbound, pk.NetworkIn),
		NetworkOut: orDefault(in.NetworkSpeedOutbound, pk.NetworkOut), StorageProfile: orDefault(in.StorageProfile, pk.StorageProfile),
		Rulesets: rulesets, EncryptedPassword: laravelCipher(f), InterfaceID: int64(id), DiskID: int64(id) + 10,
		MAC: strings.ToUpper("00" + f.MacAddress()[2:]), Tag: int64(f.Uint32()), VNCPort: 5900 + h.Alloc.Servers + 1,
		Timezone: "_default", Power: powerStopped, SSHKeys: []int64{}, BackupPlanID: pk.BackupPlanID, Disk: pk.Disk,
	}
	p.initSettings(s)
	if s.IPv4, err = allocateIPv4(tx, h, ipv4, s.ID, 1); err != nil {
		return nil, err
	}
	for _, d := range disks {
		id, err := tx.Coll(Name, collAddresses).NextID()
		if err != nil {
			return nil, err
		}
		d.ID, d.Created = int64(id), tx.Now
		s.ExtraDisks = append(s.ExtraDisks, d)
		if err := addPending(tx, s, pendingDiskAction(d.Drive), map[string]any{"disk": map[string]any{"id": d.ID, "disk_storage_id": nil}}); err != nil {
			return nil, err
		}
	}
	h.Alloc.add(withDisks, 1)
	if err := put(tx, collHypervisors, h.ID, h); err != nil {
		return nil, err
	}
	if err := indexServer(tx, s, true); err != nil {
		return nil, err
	}
	if err := joinPack(tx, s, pack); err != nil {
		return nil, err
	}
	s.Hourly = billedHourly(&owner, s.ResourcePackID)
	return s, saveServer(tx, s)
}

// checkRulesets validates firewall rulesets: [-1] means none.
func checkRulesets(tx *state.Tx, ids []int64) ([]int64, error) {
	if len(ids) == 1 && ids[0] == -1 {
		return []int64{}, nil
	}
	for _, id := range ids {
		var r Ruleset
		if err := tx.Coll(Name, collRulesets).Get(state.ID(uint64(id)), &r); err != nil || !r.Enabled {
			return nil, apierr.Invalid("Invalid or disabled firewall ruleset")
		}
	}
	if ids == nil {
		ids = []int64{}
	}
	return ids, nil
}

// indexServer adds a server to (or takes it out of) the by-hypervisor and by-owner sets.
func indexServer(tx *state.Tx, s *Server, add bool) error {
	key := state.ID(uint64(s.ID))
	byHV, byOwner := tx.Set(Name, setServersByHypervisor), tx.Set(Name, setServersByOwner)
	if add {
		if err := byHV.Add(state.ID(uint64(s.HypervisorID)), key); err != nil {
			return err
		}
		return byOwner.Add(state.ID(uint64(s.OwnerID)), key)
	}
	if err := byHV.Remove(state.ID(uint64(s.HypervisorID)), key); err != nil {
		return err
	}
	return byOwner.Remove(state.ID(uint64(s.OwnerID)), key)
}

func (p *Provider) getServer(c echo.Context) error {
	out, err := p.viewServer(provider.World(c), provider.PathInt(c, "serverId"), renderOptions{remoteState: provider.QueryBool(c, "remoteState")})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}

// viewServer renders a server as it is stored, in a read-only transaction.
func (p *Provider) viewServer(w *world.World, id int64, o renderOptions) (*serverView, error) {
	var out *serverView
	err := w.View(func(tx *state.Tx) error {
		s, err := loadServer(tx, id)
		if err != nil {
			return err
		}
		out, err = p.renderServer(tx, s, o)
		return err
	})
	return out, err
}

// viewCommitted renders s, a server as a write transaction that has committed saved it, in a
// read-only transaction after the commit: what the writer made, without decoding it again.
func (p *Provider) viewCommitted(w *world.World, s *Server, o renderOptions) (*serverView, error) {
	var out *serverView
	err := w.View(func(tx *state.Tx) (err error) {
		out, err = p.renderServer(tx, s, o)
		return err
	})
	return out, err
}

// serverListItem is a server in GET /servers?type=simple.
type serverListItem struct {
	ID           int64  `json:"id"`
	UUID         string `json:"uuid"`
	Name         string `json:"name"`
	Commissioned int    `json:"commissioned"`
	Owner        int64  `json:"owner"`
	HypervisorID int64  `json:"hypervisorId"`
	Suspended    bool   `json:"suspended"`
	Protected    bool   `json:"protected"`
	Updated      string `json:"updated"`
	Created      string `json:"created"`
}

func (p *Provider) listServers(c echo.Context) error {
	req := provider.PageParams(c, "results", 20)
	full := provider.QueryString(c, "type", "simple") == "full"
	hvs := provider.QueryInts(c, "hypervisorId")
	if !full && len(hvs) == 0 {
		if done, err := p.listServerEntries(c, req); done || err != nil {
			return err
		}
	}
	var items []any
	var total int
	err := provider.World(c).View(func(tx *state.Tx) error {
		entries := tx.Coll(Name, collServerList)
		add := func(key, raw []byte) error {
			if entry := entries.Raw(key); entry != nil && !full {
				items = append(items, json.RawMessage(bytes.Clone(entry)))
				return nil
			}
			// The full view, or a server saved before list items were kept beside it.
			var s Server
			if err := json.Unmarshal(raw, &s); err != nil {
				return err
			}
			if !full {
				items = append(items, listItem(&s))
				return nil
			}
			v, err := p.renderServer(tx, &s, renderOptions{})
			if err != nil {
				return err
			}
			items = append(items, v)
			return nil
		}
		servers := tx.Coll(Name, collServers)
		if len(hvs) == 0 {
			total = servers.Count()
			return servers.Page(req.Offset(), req.PerPage, add)
		}
		ids := serversOnHypervisors(tx, hvs)
		total = len(ids)
		for i := req.Offset(); i < len(ids) && i < req.Offset()+req.PerPage; i++ {
			if err := add(ids[i], servers.Raw(ids[i])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, provider.NewPage(c, req, items, total))
}

// listServerEntries answers a page of the simple list straight from the kept list entries,
// when every server has one (done false otherwise: servers saved before entries were kept).
func (p *Provider) listServerEntries(c echo.Context, req provider.PageRequest) (done bool, err error) {
	var items []json.RawMessage
	var total int
	err = provider.World(c).View(func(tx *state.Tx) error {
		entries, servers := tx.Coll(Name, collServerList), tx.Coll(Name, collServers)
		if total = servers.Count(); entries.Count() != total {
			return nil
		}
		done = true
		return entries.Page(req.Offset(), req.PerPage, func(_, raw []byte) error {
			items = append(items, json.RawMessage(bytes.Clone(raw)))
			return nil
		})
	})
	if err != nil || !done {
		return done, err
	}
	return true, provider.RawPage(c, http.StatusOK, provider.NewPage(c, req, items, total))
}

// serversOnHypervisors lists the keys of the servers on any of hvs, in id order.
func serversOnHypervisors(tx *state.Tx, hvs []int64) [][]byte {
	seen := map[string]bool{}
	var keys [][]byte
	for _, hv := range hvs {
		tx.Set(Name, setServersByHypervisor).Members(state.ID(uint64(hv)), 0, -1, func(m []byte) error {
			if !seen[string(m)] {
				seen[string(m)] = true
				keys = append(keys, append([]byte(nil), m...))
			}
			return nil
		})
	}
	slices.SortFunc(keys, bytes.Compare)
	return keys
}

func (p *Provider) modifyServerName(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if len(in.Name) > 255 {
		return apierr.Invalid("The name field must not be greater than 255 characters.")
	}
	err := updateServer(c, func(tx *state.Tx, s *Server) error {
		s.Name, s.Updated = in.Name, tx.Now
		return nil
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusCreated)
}

func (p *Provider) suspendServer(c echo.Context) error   { return p.setSuspended(c, true) }
func (p *Provider) unsuspendServer(c echo.Context) error { return p.setSuspended(c, false) }

// setSuspended suspends or unsuspends a server; both are refused while a job runs for it.
func (p *Provider) setSuspended(c echo.Context, suspend bool) error {
	err := updateServer(c, func(tx *state.Tx, s *Server) error {
		if s.ActiveQueue != 0 {
			return errBusy
		}
		return p.suspend(tx, s, suspend)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// suspend suspends or unsuspends a server (the caller saves it). Suspending shuts a running
// server down at once: the panel stops a suspended server, and the owner cannot boot it.
// Unsuspending does not boot a server, unless suspending is what stopped it: then a boot is
// queued (a queue item, as POST …/power/boot makes), so the server comes back as it was. A
// hypervisor in maintenance takes no boot; the server then stays off.
func (p *Provider) suspend(tx *state.Tx, s *Server, on bool) error {
	if s.Suspended == on {
		return nil
	}
	s.Suspended, s.Updated = on, tx.Now
	if on {
		s.RunningWhenSuspended = s.Power == powerRunning
		s.Power, s.PoweredOn = powerStopped, nil
		return nil
	}
	boot := s.RunningWhenSuspended && s.State == stateComplete
	s.RunningWhenSuspended = false
	if !boot {
		return nil
	}
	var h Hypervisor
	if err := get(tx, collHypervisors, s.HypervisorID, &h, errHypervisorNotFound); err != nil {
		return err
	}
	if h.Maintenance {
		return nil
	}
	_, err := p.queuePower(tx, s, "boot")
	return err
}

// errBusy is the 423 while a job runs for the server.
var errBusy = apierr.Locked("The server has a task in progress. Try again once it has finished.")

const taskDelete = "delete"

type deleteTask struct {
	ServerID int64 `json:"serverId"`
}

func (p *Provider) deleteServer(c echo.Context) error {
	delay := provider.QueryInt(c, "delay", 5)
	err := provider.World(c).Update(func(tx *state.Tx) error {
		s, err := loadServer(tx, provider.PathInt(c, "serverId"))
		if err != nil {
			return err
		}
		return p.scheduleDelete(tx, s, delay)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// scheduleDelete marks a server for deletion in delay minutes and queues its teardown; a
// server already on its way out is left as it is.
func (p *Provider) scheduleDelete(tx *state.Tx, s *Server, delay int64) error {
	if s.DeleteAt != nil {
		return nil
	}
	at := tx.Now.Add(time.Duration(delay) * time.Minute)
	s.DeleteAt, s.Updated = &at, tx.Now
	if _, err := tx.Enqueue(Name, taskDelete, at.Add(time.Duration(p.fx.Timings.Delete)*time.Second), deleteTask{s.ID}); err != nil {
		return err
	}
	return saveServer(tx, s)
}

// runDelete destroys a server: its addresses go back to their blocks, its resources to
// its hypervisor and its share to its resource pack; self service keeps its usage.
func (p *Provider) runDelete(tx *state.Tx, task *state.Task) error {
	var t deleteTask
	if err := json.Unmarshal(task.Data, &t); err != nil {
		return err
	}
	s, err := loadServer(tx, t.ServerID)
	if err != nil {
		return nil // gone already
	}
	v4, v6 := s.addresses()
	if err := release(tx, idxIPv4, v4); err != nil {
		return err
	}
	if err := release(tx, idxIPv6, v6); err != nil {
		return err
	}
	var h Hypervisor
	if err := get(tx, collHypervisors, s.HypervisorID, &h, errHypervisorNotFound); err != nil {
		return err
	}
	h.Alloc.add(s.allocation(), -1)
	if err := put(tx, collHypervisors, h.ID, &h); err != nil {
		return err
	}
	if err := indexServer(tx, s, false); err != nil {
		return err
	}
	if err := serverGone(tx, s); err != nil {
		return err
	}
	if err := tx.Coll(Name, collServerList).Delete(state.ID(uint64(s.ID))); err != nil {
		return err
	}
	return tx.Coll(Name, collServers).Delete(state.ID(uint64(s.ID)))
}
