package inventory

import (
	"regexp"
	"strings"
	"time"

	"github.com/panelsim/panelsim/internal/routes/tenantos"
)

// The default world's inventory: the vendor's built-in components and custom fields (as its
// examples list them; none can be deleted), and for every server of the fixtures the items
// its detailedHardwareInformation is made of (a board, its BIOS, the CPUs, the memory
// modules and the disks), as a detection would have reported them.
//
// Decision: the disk component's unit is "mb", as the vendor's inventory items and hardware
// summaries show it and as the request's valueType allows (its component list says "mib").

var seedFields = []CustomField{
	{ID: fieldDiskType, Name: "Disk Type", Type: "dropdown", Options: []Option{{"1", "HDD"}, {"2", "SSD"}, {"3", "NVMe"}}, LastOption: 3},
	{ID: fieldCores, Name: "Cores", Type: "input"},
	{ID: fieldMHzTurbo, Name: "MHz Turbo", Type: "input"},
	{ID: fieldMHzNormal, Name: "MHz Normal", Type: "input"},
	{ID: fieldThreads, Name: "Threads", Type: "input"},
}

var seedComponents = []Component{
	{ID: compCPU, ComponentName: "cpu", Description: "CPU Model", ValueType: "MHz", FieldIDs: []int64{fieldCores, fieldMHzTurbo, fieldMHzNormal, fieldThreads}},
	{ID: compMemory, ComponentName: "memory", Description: "RAM", ValueType: "mb"},
	{ID: compSystem, ComponentName: "system", Description: "System", ValueType: "text"},
	{ID: compBIOS, ComponentName: "bios", Description: "BIOS", ValueType: "text"},
	{ID: compStorageController, ComponentName: "storage_controller", Description: "Storage Controller", ValueType: "text"},
	{ID: compMainboard, ComponentName: "mainboard", Description: "Mainboard Model", ValueType: "text"},
	{ID: compDisk, ComponentName: "disk", Description: "Disk", ValueType: "mb", FieldIDs: []int64{fieldDiskType}},
	{ID: compNIC, ComponentName: "nic", Description: "NIC", ValueType: "text"},
	{ID: compRAIDController, ComponentName: "raid_controller", Description: "RAID Controller", ValueType: "text"},
}

// seed writes the default inventory into a new world.
func seed(p *tenantos.Provider, tx *tenantos.Tx) error {
	made := tx.Now.Add(-90 * 24 * time.Hour)
	for _, f := range seedFields {
		f := f
		f.Options = append([]Option{}, f.Options...)
		f.NotDeletable, f.Created, f.Updated = true, made, made
		if err := fields.Put(tx, f.ID, &f); err != nil {
			return err
		}
	}
	for _, c := range seedComponents {
		c := c
		c.FieldIDs = append([]int64{}, c.FieldIDs...)
		c.GroupName, c.NotDeletable, c.Created, c.Updated = "Hardware", true, made, made
		if err := components.Put(tx, c.ID, &c); err != nil {
			return err
		}
	}
	servers, err := tenantos.Servers.All(tx)
	if err != nil {
		return err
	}
	for _, s := range servers {
		if err := seedServer(p, tx, s); err != nil {
			return err
		}
	}
	return nil
}

// seedServer adds the items a server's hardware is made of.
func seedServer(p *tenantos.Provider, tx *tenantos.Tx, s *tenantos.Server) error {
	hw := readHardware(s.Hardware)
	fk := p.Faker("inventory", s.ID)
	serial := func() string { return fk.Regex(`[A-Z][0-9A-Z]{11}`) }
	add := func(it *Item) error {
		it.ServerID, it.Detected, it.Created = s.ID, true, s.Created
		return newItem(tx, it)
	}
	if b := hw.Mainboard; b != nil {
		for _, d := range b.Details {
			if err := add(&Item{ComponentID: compMainboard, Model: d.Model, Value: string(d.Size), Serial: serial()}); err != nil {
				return err
			}
		}
		bios := &Item{ComponentID: compBIOS, Model: "American Megatrends International, LLC.", Value: fk.Numerify("#.##"),
			Serial: fk.DateRange(s.Created.AddDate(-3, 0, 0), s.Created.AddDate(-1, 0, 0)).Format("01/02/2006")}
		if err := add(bios); err != nil {
			return err
		}
	}
	if c := hw.CPU; c != nil {
		var fv []FieldValue
		if c.Cores != nil {
			fv = append(fv, FieldValue{fieldCores, string(*c.Cores)})
		}
		if c.MHzTurbo != nil {
			fv = append(fv, FieldValue{fieldMHzTurbo, itoa(int64(*c.MHzTurbo))})
		}
		fv = append(fv, FieldValue{fieldMHzNormal, string(c.Value)})
		if c.Threads != nil {
			fv = append(fv, FieldValue{fieldThreads, string(*c.Threads)})
		}
		for i := int64(0); i < max(1, int64(c.Count)); i++ {
			if err := add(&Item{ComponentID: compCPU, Model: c.Model, Value: string(c.Value), Fields: append([]FieldValue{}, fv...)}); err != nil {
				return err
			}
		}
	}
	if m := hw.Memory; m != nil {
		for _, d := range m.Details {
			if err := add(&Item{ComponentID: compMemory, Model: d.Model, Value: string(d.Size), Serial: serial()}); err != nil {
				return err
			}
		}
	}
	if dk := hw.Disk; dk != nil {
		for _, d := range dk.Details {
			it := &Item{ComponentID: compDisk, Model: d.Model, Value: string(d.Size), Serial: serial(),
				Fields: []FieldValue{{fieldDiskType, diskType(d.Model)}}}
			if err := add(it); err != nil {
				return err
			}
		}
	}
	return nil
}

// nvmeModels are models of NVMe disks that do not say so.
var nvmeModels = regexp.MustCompile(`(?i)nvme|^SAMSUNG MZ(QL|VL|PL)|^WDS\d+T\dX0C|^WDS\d+G\dX0C`)

// diskType guesses the Disk Type option (1 HDD, 2 SSD, 3 NVMe) of a disk model.
func diskType(model string) string {
	switch {
	case nvmeModels.MatchString(model):
		return "3"
	case strings.Contains(strings.ToUpper(model), "SSD"):
		return "2"
	}
	return "1"
}
