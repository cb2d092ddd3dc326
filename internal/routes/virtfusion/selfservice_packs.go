package virtfusion

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Resource packs: a user gets packs (copies of the definitions in the fixtures), servers are
// created into them (POST /servers with resourcePackId), and the pack's servers are
// suspended, unsuspended or deleted together.

// usageCounter is one resource of a pack: total, used, free, percent used, limited.
type usageCounter struct {
	T int     `json:"t"`
	U int     `json:"u"`
	F int     `json:"f"`
	P float64 `json:"p"`
	L bool    `json:"l"`
}

// cpuCounter is usageCounter in the order the panel writes the cpu one.
type cpuCounter struct {
	T int     `json:"t"`
	U int     `json:"u"`
	P float64 `json:"p"`
	F int     `json:"f"`
	L bool    `json:"l"`
}

func packCounter(total, used int) usageCounter {
	c := usageCounter{T: total, U: used, L: total > 0}
	if total > 0 {
		c.F, c.P = max0(total-used), round2(float64(used)*100/float64(total))
	}
	return c
}

type packView struct {
	Type   string     `json:"type"`
	ID     int64      `json:"id"`
	PID    int64      `json:"pid"`
	Label  *string    `json:"label"`
	Name   string     `json:"name"`
	Limits PackLimits `json:"limits"`
	Used   packUse    `json:"used"`
	Usage  struct {
		Servers usageCounter `json:"servers"`
		Memory  usageCounter `json:"memory"`
		Storage usageCounter `json:"storage"`
		CPU     cpuCounter   `json:"cpu"`
		Traffic usageCounter `json:"traffic"`
	} `json:"usage"`
	// Servers is there only with ?withServers=true.
	Servers *[]serverListItem `json:"servers,omitempty"`
}

// viewPack shows a pack with what its servers use, and the servers themselves when asked.
func viewPack(tx *state.Tx, pk *ResourcePack, withServers bool) (packView, error) {
	v := packView{Type: "pack", ID: pk.ID, PID: pk.PackID, Label: pk.Label, Name: pk.Name, Limits: pk.Limits}
	servers := []serverListItem{}
	err := packServers(tx, pk.ID, func(s *Server) error {
		v.Used.Servers++
		v.Used.Memory += s.Resources.Memory
		v.Used.Storage += s.Resources.Storage
		v.Used.CPU += s.Resources.CPUCores
		v.Used.Traffic += s.Resources.Traffic
		servers = append(servers, serverListItem{ID: s.ID, UUID: s.UUID, Name: s.Name, Commissioned: s.CommissionStatus,
			Owner: s.OwnerID, HypervisorID: s.HypervisorID, Suspended: s.Suspended, Protected: s.Protected,
			Updated: fmtTime(s.Updated, tsOffset), Created: fmtTime(s.Created, tsOffset)})
		return nil
	})
	if err != nil {
		return v, err
	}
	l, u := pk.Limits, v.Used
	v.Usage.Servers, v.Usage.Memory = packCounter(l.TotalServers, u.Servers), packCounter(l.TotalMemory, u.Memory)
	v.Usage.Storage, v.Usage.Traffic = packCounter(l.TotalStorage, u.Storage), packCounter(l.TotalTraffic, u.Traffic)
	cpu := packCounter(l.TotalCPU, u.CPU)
	v.Usage.CPU = cpuCounter{T: cpu.T, U: cpu.U, P: cpu.P, F: cpu.F, L: cpu.L}
	if withServers {
		v.Servers = &servers
	}
	return v, nil
}

// userPacks shows a user's packs (only the enabled ones when enabledOnly), by id.
func userPacks(tx *state.Tx, userID int64, enabledOnly bool) ([]packView, error) {
	out := []packView{}
	var ids []int64
	err := tx.Set(Name, setPacksByUser).Members(state.ID(uint64(userID)), 0, -1, func(m []byte) error {
		ids = append(ids, int64(state.IDOf(m)))
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		var pk ResourcePack
		if err := get(tx, collPacks, id, &pk, errPackNotFound); err != nil {
			return nil, err
		}
		if enabledOnly && !pk.Enabled {
			continue
		}
		v, err := viewPack(tx, &pk, false)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func loadPack(tx *state.Tx, c echo.Context) (*ResourcePack, error) {
	var pk ResourcePack
	if err := get(tx, collPacks, provider.PathInt(c, "packId"), &pk, errPackNotFound); err != nil {
		return nil, err
	}
	return &pk, nil
}

func (p *Provider) addResourcePackToUser(c echo.Context) error {
	var in struct {
		PackID  int64 `json:"packId"`
		Enabled bool  `json:"enabled"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var id int64
	err := provider.World(c).Update(func(tx *state.Tx) error {
		u, err := userByRelation(tx, c)
		if err != nil {
			return err
		}
		var def PackDefinition
		if err := get(tx, collPackDefs, in.PackID, &def, errPackNotFound); err != nil {
			return apierr.Invalid("The selected pack id is invalid.")
		}
		next, err := tx.Coll(Name, collPacks).NextID()
		if err != nil {
			return err
		}
		pk := ResourcePack{ID: int64(next), PackID: def.ID, UserID: u.ID, Name: def.Name, Limits: def.Limits, Enabled: in.Enabled,
			Created: tx.Now, Updated: tx.Now}
		if err := put(tx, collPacks, pk.ID, &pk); err != nil {
			return err
		}
		id = pk.ID
		return tx.Set(Name, setPacksByUser).Add(state.ID(uint64(u.ID)), state.ID(uint64(pk.ID)))
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, data{idView{id}})
}

// idView is the {"id":N} the self service creates answer with.
type idView struct {
	ID int64 `json:"id"`
}

func (p *Provider) getResourcePack(c echo.Context) error {
	var out packView
	err := provider.World(c).View(func(tx *state.Tx) error {
		pk, err := loadPack(tx, c)
		if err != nil {
			return err
		}
		out, err = viewPack(tx, pk, provider.QueryBool(c, "withServers"))
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, data{out})
}

func (p *Provider) modifyResourcePack(c echo.Context) error {
	var in struct {
		Enabled bool `json:"enabled"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *state.Tx) error {
		pk, err := loadPack(tx, c)
		if err != nil {
			return err
		}
		pk.Enabled, pk.Updated = in.Enabled, tx.Now
		return put(tx, collPacks, pk.ID, pk)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// deleteResourcePack deletes a pack without servers. A pack with servers (including servers
// waiting for their deletion) is refused with 422, or disabled instead with ?disable=true.
func (p *Provider) deleteResourcePack(c echo.Context) error {
	disable := provider.QueryBool(c, "disable")
	err := provider.World(c).Update(func(tx *state.Tx) error {
		pk, err := loadPack(tx, c)
		if err != nil {
			return err
		}
		if tx.Set(Name, setServersByPack).Len(state.ID(uint64(pk.ID))) > 0 {
			if !disable {
				return apierr.Invalid("The resource pack still has servers. Delete them first, or send disable=true to disable the pack instead.")
			}
			pk.Enabled, pk.Updated = false, tx.Now
			return put(tx, collPacks, pk.ID, pk)
		}
		if err := tx.Set(Name, setPacksByUser).Remove(state.ID(uint64(pk.UserID)), state.ID(uint64(pk.ID))); err != nil {
			return err
		}
		return tx.Coll(Name, collPacks).Delete(state.ID(uint64(pk.ID)))
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (p *Provider) suspendResourcePackServers(c echo.Context) error   { return p.suspendPack(c, true) }
func (p *Provider) unsuspendResourcePackServers(c echo.Context) error { return p.suspendPack(c, false) }

// suspendPack suspends or unsuspends every server of a pack in one transaction: when a task
// runs for any of them, none changes (423).
func (p *Provider) suspendPack(c echo.Context, suspend bool) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		pk, err := loadPack(tx, c)
		if err != nil {
			return err
		}
		return packServers(tx, pk.ID, func(s *Server) error {
			if s.ActiveQueue != 0 {
				return errBusy
			}
			if err := p.suspend(tx, s, suspend); err != nil {
				return err
			}
			return saveServer(tx, s)
		})
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// deleteResourcePackServers deletes every server of a pack after delay minutes (default 30),
// each as DELETE /servers/{id} does.
func (p *Provider) deleteResourcePackServers(c echo.Context) error {
	delay := provider.QueryInt(c, "delay", 30)
	err := provider.World(c).Update(func(tx *state.Tx) error {
		pk, err := loadPack(tx, c)
		if err != nil {
			return err
		}
		return packServers(tx, pk.ID, func(s *Server) error { return p.scheduleDelete(tx, s, delay) })
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
