package tenantos

import "sort"

// Seeding by group. The core's Seed writes the fixtures of world.yaml; a group whose records
// the default world should hold too (the inventory group's components and custom fields, the
// system group's settings …) registers a Seeder, which Seed runs after the core's fixtures,
// in the same transaction, for every world made or reset.

// Seeder writes a group's part of the default world. It is given the provider it seeds for
// (its fixtures, its Faker) and the new world's transaction (tx.Now is the world's start).
type Seeder func(p *Provider, tx *Tx) error

// AddSeeder registers fn under name (the group's name; registering a name again replaces
// it): Seed runs the seeders in name order. Call it from the group's Routes, like AddJob.
func (p *Provider) AddSeeder(name string, fn Seeder) { p.seeders[name] = fn }

// runSeeders runs the registered seeders in name order; the first error ends the seeding
// (and the world's creation).
func (p *Provider) runSeeders(tx *Tx) error {
	for _, n := range sortedKeys(p.seeders) {
		if err := p.seeders[n](p, tx); err != nil {
			return err
		}
	}
	return nil
}

// sortedKeys are the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
