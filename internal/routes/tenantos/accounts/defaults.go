package accounts

import (
	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// defaultRoleLevels give the fixtures' default roles their permission sets: a reseller (role
// 2, and the template of resellers' sub-resellers, 4) holds every set of the reseller level
// and below, an end user (role 3, and the template of resellers' users, 5) every set of the
// user level, as the panel's default roles let them do what a reseller and a customer do.
// The administrator role holds everything without sets.
var defaultRoleLevels = map[int64]int{2: levelReseller, 3: levelUser, 4: levelReseller, 5: levelUser}

// setsUpTo names the sets of the catalogue of level at most level, in catalogue order.
func setsUpTo(level int) []string {
	var out []string
	for _, s := range catalogue {
		if s.Level <= level {
			out = append(out, s.Name)
		}
	}
	return out
}

// seedRoles is the group's seeder: the default roles get their sets (see defaultRoleLevels).
func seedRoles(p *tenantos.Provider, tx *tenantos.Tx) error {
	for id, level := range defaultRoleLevels {
		r, err := tenantos.Roles.Get(tx, id)
		if err != nil {
			continue // a world whose fixtures lack the role
		}
		r.PermissionSets = setsUpTo(level)
		r.Permissions = expand(nil, r.PermissionSets)
		if err := tenantos.Roles.Put(tx, id, r); err != nil {
			return err
		}
	}
	return nil
}
