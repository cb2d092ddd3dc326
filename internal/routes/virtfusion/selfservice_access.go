package virtfusion

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// What a user may do in self service: hourly and resource group profiles, the hourly
// resource pack, and the access level. All of it shows in the user object.

// profileKind is one of the two kinds of group profile: where its ids live and which list of
// the user holds them.
type profileKind struct {
	coll     string
	notFound error
	list     func(u *User) *[]int64
}

var (
	hourlyProfiles = profileKind{collHourlyProfiles, apierr.NotFound("hourly group profile not found"),
		func(u *User) *[]int64 { return &u.HourlyGroupProfiles }}
	resourceProfiles = profileKind{collResourceProfiles, apierr.NotFound("resource group profile not found"),
		func(u *User) *[]int64 { return &u.ResourceGroupProfiles }}
)

func (p *Provider) addHourlyGroupProfileToUser(c echo.Context) error {
	return p.addProfile(c, hourlyProfiles)
}

func (p *Provider) addResourceGroupProfileToUser(c echo.Context) error {
	return p.addProfile(c, resourceProfiles)
}

func (p *Provider) removeHourlyGroupProfileFromUser(c echo.Context) error {
	return p.removeProfile(c, hourlyProfiles)
}

func (p *Provider) removeResourceGroupProfileFromUser(c echo.Context) error {
	return p.removeProfile(c, resourceProfiles)
}

// checkSelfServiceIDs refuses self service ids of a user's create or change that name nothing:
// hourly and resource group profiles, and the hourly resource pack (a pack on offer), as
// Laravel's exists rule words it. nil is "not sent".
func checkSelfServiceIDs(tx *state.Tx, hourly, resource []int64, pack *int64) error {
	var msgs []string
	for _, list := range []struct {
		ids   []int64
		kind  profileKind
		field string
	}{{hourly, hourlyProfiles, "self service hourly group profiles"}, {resource, resourceProfiles, "self service resource group profiles"}} {
		for i, id := range list.ids {
			var g GroupProfile
			if err := get(tx, list.kind.coll, id, &g, list.kind.notFound); err != nil {
				msgs = append(msgs, fmt.Sprintf("The selected %s.%d is invalid.", list.field, i))
			}
		}
	}
	if pack != nil {
		var def PackDefinition
		if err := get(tx, collPackDefs, *pack, &def, errPackNotFound); err != nil {
			msgs = append(msgs, "The selected self service hourly resource pack is invalid.")
		}
	}
	if len(msgs) > 0 {
		return apierr.Invalid(msgs...)
	}
	return nil
}

// updateUser changes the user the request names with fn, in one transaction.
func updateUser(c echo.Context, fn func(tx *state.Tx, u *User) error) error {
	err := provider.World(c).Update(func(tx *state.Tx) error {
		u, err := userByRelation(tx, c)
		if err != nil {
			return err
		}
		if err := fn(tx, u); err != nil {
			return err
		}
		u.Updated = tx.Now
		return put(tx, collUsers, u.ID, u) // its indexed fields do not change
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// addProfile gives the user a profile; one it already has stays once.
func (p *Provider) addProfile(c echo.Context, k profileKind) error {
	var in struct {
		ProfileID int64 `json:"profileId"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	return updateUser(c, func(tx *state.Tx, u *User) error {
		var g GroupProfile
		if err := get(tx, k.coll, in.ProfileID, &g, k.notFound); err != nil {
			return apierr.Invalid("The selected profile id is invalid.")
		}
		if list := k.list(u); !slices.Contains(*list, g.ID) {
			*list = append(*list, g.ID)
		}
		return nil
	})
}

// removeProfile takes a profile from the user; 404 for a profile that does not exist, nothing
// to do for one the user does not have.
func (p *Provider) removeProfile(c echo.Context, k profileKind) error {
	return updateUser(c, func(tx *state.Tx, u *User) error {
		var g GroupProfile
		if err := get(tx, k.coll, provider.PathInt(c, "profileId"), &g, k.notFound); err != nil {
			return err
		}
		list := k.list(u)
		*list = slices.DeleteFunc(*list, func(id int64) bool { return id == g.ID })
		return nil
	})
}

// setHourlyResourcePack sets the resource pack (a definition of the fixtures) that limits the
// user's hourly servers.
func (p *Provider) setHourlyResourcePack(c echo.Context) error {
	var in struct {
		PackID int64 `json:"packId"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	return updateUser(c, func(tx *state.Tx, u *User) error {
		var def PackDefinition
		if err := get(tx, collPackDefs, in.PackID, &def, errPackNotFound); err != nil {
			return apierr.Invalid("The selected pack id is invalid.")
		}
		u.HourlyResourcePack = &def.ID
		return nil
	})
}

// modifyUserAccess with syncToProfiles=true sets the user's self service level from their
// profiles: 1 with hourly group profiles, 2 with resource group profiles, 3 with both, 0 with
// none. With false it leaves the level as it is.
func (p *Provider) modifyUserAccess(c echo.Context) error {
	var in struct {
		SyncToProfiles bool `json:"syncToProfiles"`
	}
	if err := provider.Bind(c, &in); err != nil {
		return err
	}
	return updateUser(c, func(_ *state.Tx, u *User) error {
		if !in.SyncToProfiles {
			return nil
		}
		u.SelfService = 0
		if len(u.HourlyGroupProfiles) > 0 {
			u.SelfService |= 1
		}
		if len(u.ResourceGroupProfiles) > 0 {
			u.SelfService |= 2
		}
		return nil
	})
}
