package pxe

import (
	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// liveProfile loads a profile that is not deleted; a deleted one is answered as missing.
func liveProfile(tx *tenantos.Tx, id int64) (*tenantos.PxeProfile, error) {
	pr, err := tenantos.PxeProfiles.Get(tx, id)
	if err != nil {
		return nil, err
	}
	if pr.Deleted {
		return nil, tenantos.ErrProfileNotFound
	}
	return pr, nil
}

// putProfile stores a profile and its settings.
func putProfile(tx *tenantos.Tx, pr *tenantos.PxeProfile, st *profileSettings) error {
	if err := tenantos.PxeProfiles.Put(tx, pr.ID, pr); err != nil {
		return err
	}
	return profileSettingsOf.Put(tx, pr.ID, st)
}

// listPxeProfiles lists the PXE profiles that are not deleted, in id order.
func (g *group) listPxeProfiles(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	out := []*profileView{}
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		return tenantos.PxeProfiles.Each(tx, func(pr *tenantos.PxeProfile) error {
			if !pr.Deleted {
				out = append(out, viewProfile(tx, pr))
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// getPxeProfile shows one PXE profile; a deleted one is 404.
func (g *group) getPxeProfile(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var out *profileView
	err := provider.World(c).View(func(tx *tenantos.Tx) error {
		pr, err := liveProfile(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		out = viewProfile(tx, pr)
		return nil
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// createPxeProfile makes a custom PXE profile, linked to the disk layouts and scripts that
// share a tag with it and to its defaults; it is offered by getProfiles at once (unless
// disabled or restricted by its offer rules). Its group (groupname, grouplogo, as getProfiles
// shows them) is its osName without the version.
func (g *group) createPxeProfile(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in profileInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	if in.PxeType == nil {
		return tenantos.Invalid("pxeType", "The pxe type field is required.")
	}
	var out *profileView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		pr, st := newProfile(*in.PxeType)
		if err := in.apply(tx, pr, st, true); err != nil {
			return err
		}
		id, err := tenantos.PxeProfiles.NextID(tx)
		if err != nil {
			return err
		}
		pr.ID, pr.Created, pr.Updated = id, tx.Now, tx.Now
		pr.GroupName = groupOf(pr.Name)
		pr.GroupLogo = logoOf(tx, pr.GroupName)
		if err := relink(tx, pr); err != nil {
			return err
		}
		if err := putProfile(tx, pr, st); err != nil {
			return err
		}
		out = viewProfile(tx, pr)
		return logPxe(c, tx, rootProfiles, id, "Created PXE profile "+pr.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// updatePxeProfile changes the fields sent of a PXE profile (pxeType is required, as the
// vendor documents); its links are worked out again from its tags and defaults. A changed
// pxeType changes its kind (grml: rescue system; the others: an install).
func (g *group) updatePxeProfile(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in profileInput
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *profileView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		pr, err := liveProfile(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		st := settingsOfProfile(tx, pr)
		before := viewProfile(tx, pr)
		if err := in.apply(tx, pr, st, false); err != nil {
			return err
		}
		if err := relink(tx, pr); err != nil {
			return err
		}
		pr.Updated = tx.Now
		if err := putProfile(tx, pr, st); err != nil {
			return err
		}
		out = viewProfile(tx, pr)
		return logPxe(c, tx, rootProfiles, pr.ID, "Updated PXE profile "+pr.Name, changes(before, out))
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// deletePxeProfile marks a PXE profile deleted: it is no longer listed, offered or startable,
// and restorePxeProfile can bring it back. A profile a server is being provisioned with is
// refused (409).
func (g *group) deletePxeProfile(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		pr, err := liveProfile(tx, provider.PathInt(c, "id"))
		if err != nil {
			return err
		}
		busy := false
		if err := tenantos.Servers.Each(tx, func(s *tenantos.Server) error {
			busy = busy || (s.Install != nil && s.Install.Running && s.Install.ProfileID == pr.ID)
			return nil
		}); err != nil {
			return err
		}
		if busy {
			return apierr.Conflict("A server is being provisioned with this PXE profile.")
		}
		pr.Deleted, pr.Updated = true, tx.Now
		if err := tenantos.PxeProfiles.Put(tx, pr.ID, pr); err != nil {
			return err
		}
		return logPxe(c, tx, rootProfiles, pr.ID, "Deleted PXE profile "+pr.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// restorePxeProfile brings a deleted PXE profile back; a stock profile (one the panel ships)
// gets its shipped settings and links back, deleted or not. A custom profile that is not
// deleted is left as it is.
func (g *group) restorePxeProfile(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		pr, err := tenantos.PxeProfiles.Get(tx, pathID(c, "pxeProfileId"))
		if err != nil {
			return err
		}
		st := settingsOfProfile(tx, pr)
		if !st.Stock && !pr.Deleted {
			return nil
		}
		if st.Stock {
			if shipped := g.shipped(tx, pr.ID); shipped != nil {
				shipped.Created = pr.Created
				pr = shipped
			}
			if err := profileSettingsOf.Delete(tx, pr.ID); err != nil {
				return err
			}
		} else if err := relink(tx, pr); err != nil {
			return err
		}
		pr.Deleted, pr.Updated = false, tx.Now
		if err := tenantos.PxeProfiles.Put(tx, pr.ID, pr); err != nil {
			return err
		}
		return logPxe(c, tx, rootProfiles, pr.ID, "Restored PXE profile "+pr.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// shipped is a stock profile as the fixtures ship it (its links to layouts and scripts that
// still exist), nil when the fixtures have no profile with id.
func (g *group) shipped(tx *tenantos.Tx, id int64) *tenantos.PxeProfile {
	for _, f := range g.p.Fx.Pxe.Profiles {
		if f.ID != id {
			continue
		}
		install := f.Kind == tenantos.KindInstall
		pr := &tenantos.PxeProfile{ID: f.ID, Name: f.Name, Kind: f.Kind, GroupName: f.GroupName, GroupLogo: f.GroupLogo, OS: f.OS,
			Tags: tenantos.List(f.Tags), DiskLayoutIDs: []int64{}, ScriptIDs: []int64{}, DefaultDiskLayout: f.DefaultDiskLayout,
			DefaultScripts: tenantos.List(f.DefaultScripts), FollowProgress: true, AllowSSHKeys: install, AllowHostname: install,
			SetRootPassword: install || f.Kind == tenantos.KindPasswordReset}
		for _, l := range f.DiskLayouts {
			if tenantos.DiskLayouts.Has(tx, l) {
				pr.DiskLayoutIDs = append(pr.DiskLayoutIDs, l)
			}
		}
		for _, s := range f.Scripts {
			if tenantos.PxeScripts.Has(tx, s) {
				pr.ScriptIDs = append(pr.ScriptIDs, s)
			}
		}
		return pr
	}
	return nil
}

// clearPxeProfileCache drops the OS files the remote agents cached for a profile (recorded as
// the time it was done). A Windows profile's files were imported from an ISO and cannot be
// downloaded again: refused (409).
func (g *group) clearPxeProfileCache(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		pr, err := liveProfile(tx, provider.PathInt(c, "pxeProfileId"))
		if err != nil {
			return err
		}
		st := settingsOfProfile(tx, pr)
		if st.PxeType == "windows" {
			return apierr.Conflict("The installation files of Windows profiles cannot be deleted: they were imported from an ISO.")
		}
		now := tx.Now
		st.CacheCleared = &now
		if err := profileSettingsOf.Put(tx, pr.ID, st); err != nil {
			return err
		}
		return logPxe(c, tx, rootProfiles, pr.ID, "Cleared the cached OS files of PXE profile "+pr.Name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.Done(c)
}

// duplicatePxeProfile copies a PXE profile under a new id with the name (osName) sent: its
// settings, tags, links and defaults; the copy is a custom profile (isStockTemplate 0).
func (g *group) duplicatePxeProfile(c echo.Context) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	var out *profileView
	err := provider.World(c).Update(func(tx *tenantos.Tx) error {
		name, err := newName(in.Name)
		if err != nil {
			return err
		}
		pr, err := liveProfile(tx, provider.PathInt(c, "pxeProfileId"))
		if err != nil {
			return err
		}
		st := settingsOfProfile(tx, pr)
		id, err := tenantos.PxeProfiles.NextID(tx)
		if err != nil {
			return err
		}
		cp, cst := *pr, *st
		cp.ID, cp.Name, cp.Created, cp.Updated = id, name, tx.Now, tx.Now
		if cp.Kind == tenantos.KindInstall {
			cp.OS = name
		}
		cp.Tags = append([]string{}, pr.Tags...)
		cp.DiskLayoutIDs = append([]int64{}, pr.DiskLayoutIDs...)
		cp.ScriptIDs = append([]int64{}, pr.ScriptIDs...)
		cp.DefaultScripts = append([]int64{}, pr.DefaultScripts...)
		cst.Stock, cst.CacheCleared = false, nil
		if err := putProfile(tx, &cp, &cst); err != nil {
			return err
		}
		out = viewProfile(tx, &cp)
		return logPxe(c, tx, rootProfiles, id, "Duplicated PXE profile "+pr.Name+" as "+name, nil)
	})
	if err != nil {
		return err
	}
	return tenantos.OK(c, out)
}

// newName is the trimmed name of a copy; a blank one is refused.
func newName(name string) (string, error) {
	if n := trimmed(name); n != "" {
		return n, nil
	}
	return "", tenantos.Invalid("name", "The name field is required.")
}
