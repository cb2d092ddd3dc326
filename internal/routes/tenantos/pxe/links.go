package pxe

import (
	"fmt"
	"slices"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// relink works out the links of profile pr (not stored): the disk layouts and scripts that
// share a tag with it, and its defaults, in id order.
func relink(tx *tenantos.Tx, pr *tenantos.PxeProfile) error {
	layouts, err := tenantos.DiskLayouts.All(tx)
	if err != nil {
		return err
	}
	pr.DiskLayoutIDs = []int64{}
	for _, d := range layouts {
		if d.ID == pr.DefaultDiskLayout || sharesTag(pr.Tags, d.Tags) {
			pr.DiskLayoutIDs = append(pr.DiskLayoutIDs, d.ID)
		}
	}
	scripts, err := tenantos.PxeScripts.All(tx)
	if err != nil {
		return err
	}
	pr.ScriptIDs = []int64{}
	for _, s := range scripts {
		if tenantos.Contains(pr.DefaultScripts, s.ID) || sharesTag(pr.Tags, s.Tags) {
			pr.ScriptIDs = append(pr.ScriptIDs, s.ID)
		}
	}
	return nil
}

// setLink puts id in ids or takes it out, keeping ids in order; it reports a change.
func setLink(ids *[]int64, id int64, linked bool) bool {
	i, has := slices.BinarySearch(*ids, id)
	switch {
	case linked && !has:
		*ids = slices.Insert(*ids, i, id)
		return true
	case !linked && has:
		*ids = slices.Delete(*ids, i, i+1)
		return true
	}
	return false
}

// linkLayout places disk layout d in every profile (deleted ones too, for when they are
// restored): linked when they share a tag or the profile names it as its default.
func linkLayout(tx *tenantos.Tx, d *tenantos.DiskLayout) error {
	profiles, err := tenantos.PxeProfiles.All(tx)
	if err != nil {
		return err
	}
	for _, pr := range profiles {
		ids := slices.Sorted(slices.Values(pr.DiskLayoutIDs))
		if setLink(&ids, d.ID, pr.DefaultDiskLayout == d.ID || sharesTag(pr.Tags, d.Tags)) {
			pr.DiskLayoutIDs = ids
			if err := tenantos.PxeProfiles.Put(tx, pr.ID, pr); err != nil {
				return err
			}
		}
	}
	return nil
}

// linkScript places script s in every profile, as linkLayout.
func linkScript(tx *tenantos.Tx, s *tenantos.PxeScript) error {
	profiles, err := tenantos.PxeProfiles.All(tx)
	if err != nil {
		return err
	}
	for _, pr := range profiles {
		ids := slices.Sorted(slices.Values(pr.ScriptIDs))
		if setLink(&ids, s.ID, tenantos.Contains(pr.DefaultScripts, s.ID) || sharesTag(pr.Tags, s.Tags)) {
			pr.ScriptIDs = ids
			if err := tenantos.PxeProfiles.Put(tx, pr.ID, pr); err != nil {
				return err
			}
		}
	}
	return nil
}

// unlinkLayout takes disk layout d out of every profile before it is deleted; a profile that
// is not deleted and has it as its default refuses (409), a deleted one loses the default.
func unlinkLayout(tx *tenantos.Tx, d *tenantos.DiskLayout) error {
	profiles, err := tenantos.PxeProfiles.All(tx)
	if err != nil {
		return err
	}
	for _, pr := range profiles {
		if pr.DefaultDiskLayout == d.ID && !pr.Deleted {
			return apierr.Conflict(fmt.Sprintf("The disk layout is the default disk layout of the PXE profile %s.", pr.Name))
		}
		changed := pr.DefaultDiskLayout == d.ID
		if changed {
			pr.DefaultDiskLayout = 0
		}
		if i := slices.Index(pr.DiskLayoutIDs, d.ID); i >= 0 {
			pr.DiskLayoutIDs, changed = slices.Delete(pr.DiskLayoutIDs, i, i+1), true
		}
		if changed {
			if err := tenantos.PxeProfiles.Put(tx, pr.ID, pr); err != nil {
				return err
			}
		}
	}
	return nil
}

// unlinkScript takes script s out of every profile before it is deleted, as unlinkLayout.
func unlinkScript(tx *tenantos.Tx, s *tenantos.PxeScript) error {
	profiles, err := tenantos.PxeProfiles.All(tx)
	if err != nil {
		return err
	}
	for _, pr := range profiles {
		isDefault := tenantos.Contains(pr.DefaultScripts, s.ID)
		if isDefault && !pr.Deleted {
			return apierr.Conflict(fmt.Sprintf("The script is a default script of the PXE profile %s.", pr.Name))
		}
		changed := false
		if isDefault {
			pr.DefaultScripts = slices.DeleteFunc(pr.DefaultScripts, func(id int64) bool { return id == s.ID })
			changed = true
		}
		if i := slices.Index(pr.ScriptIDs, s.ID); i >= 0 {
			pr.ScriptIDs, changed = slices.Delete(pr.ScriptIDs, i, i+1), true
		}
		if changed {
			if err := tenantos.PxeProfiles.Put(tx, pr.ID, pr); err != nil {
				return err
			}
		}
	}
	return nil
}
