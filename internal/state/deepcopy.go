package state

import (
	"reflect"
	"sync"
)

// DeepCopy copies *v with nothing shared: pointers, slices, maps and interfaces are copied
// through, down to their last element. It serves records as a Cloner's CloneRecord, so that
// a record type gains a field without its copy going stale. Unexported fields are copied as
// they are (a time.Time's location is shared, as it may be); records keep their data in
// exported fields, which are what JSON decodes.
func DeepCopy[T any](v *T) *T {
	c := new(T)
	copyInto(reflect.ValueOf(c).Elem(), reflect.ValueOf(v).Elem())
	return c
}

func copyInto(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		n := reflect.New(src.Type().Elem())
		copyInto(n.Elem(), src.Elem())
		dst.Set(n)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		n := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		if holdsReferences(src.Type().Elem()) {
			for i := 0; i < src.Len(); i++ {
				copyInto(n.Index(i), src.Index(i))
			}
		} else {
			reflect.Copy(n, src)
		}
		dst.Set(n)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		n := reflect.MakeMapWithSize(src.Type(), src.Len())
		for it := src.MapRange(); it.Next(); {
			k := reflect.New(src.Type().Key()).Elem()
			copyInto(k, it.Key())
			e := reflect.New(src.Type().Elem()).Elem()
			copyInto(e, it.Value())
			n.SetMapIndex(k, e)
		}
		dst.Set(n)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		e := reflect.New(src.Elem().Type()).Elem()
		copyInto(e, src.Elem())
		dst.Set(e)
	case reflect.Struct:
		dst.Set(src)
		for _, i := range fieldsToCopy(src.Type()) {
			copyInto(dst.Field(i), src.Field(i))
		}
	case reflect.Array:
		dst.Set(src)
		if holdsReferences(src.Type().Elem()) {
			for i := 0; i < src.Len(); i++ {
				copyInto(dst.Index(i), src.Index(i))
			}
		}
	default:
		dst.Set(src)
	}
}

// structFields holds, per struct type, the exported fields that hold references.
var structFields sync.Map // reflect.Type → []int

func fieldsToCopy(t reflect.Type) []int {
	if f, ok := structFields.Load(t); ok {
		return f.([]int)
	}
	var fields []int
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() && holdsReferences(f.Type) {
			fields = append(fields, i)
		}
	}
	structFields.Store(t, fields)
	return fields
}

// holdsReferences reports whether a value of type t can share memory with a copy made by
// assignment (through its exported fields).
func holdsReferences(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return true
	case reflect.Struct:
		if f, ok := structFields.Load(t); ok {
			return len(f.([]int)) > 0
		}
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() && holdsReferences(f.Type) {
				return true
			}
		}
	case reflect.Array:
		return holdsReferences(t.Elem())
	}
	return false
}
