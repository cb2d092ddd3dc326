package accounts

import "testing"

// TestDefaultRolesHideNothing: the default roles hold every output permission of the
// resources their users see, so that their answers are never filtered.
func TestDefaultRolesHideNothing(t *testing.T) {
	for _, level := range []int{levelUser, levelReseller} {
		gr := &grants{perms: map[string]bool{}}
		for _, p := range expand(nil, setsUpTo(level)) {
			gr.perms[p] = true
		}
		for _, perm := range []string{"servers.index", "servers.show", "servers.update", "users.index", "users.show"} {
			if h := hiddenOutputs(gr, perm); len(h) > 0 {
				t.Errorf("level %d, %s: hides %v", level, perm, h)
			}
		}
	}
}
