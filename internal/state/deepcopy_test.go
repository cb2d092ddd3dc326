package state

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

type deepInner struct {
	Tags  []string          `json:"tags"`
	Attrs map[string]any    `json:"attrs"`
	When  *time.Time        `json:"when"`
	Raw   json.RawMessage   `json:"raw"`
	Grid  [2][]int          `json:"grid"`
	Deep  map[string][]*int `json:"deep"`
}

type deepRecord struct {
	ID      int64        `json:"id"`
	Name    *string      `json:"name"`
	Inner   deepInner    `json:"inner"`
	List    []deepInner  `json:"list"`
	Ptrs    []*deepInner `json:"ptrs"`
	Any     any          `json:"any"`
	Created time.Time    `json:"created"`
	Empty   []int        `json:"empty"`
	Nil     []int        `json:"nil"`
}

// mutate changes everything reachable from v in place: every string, number and bool, every
// slice and map element, through pointers and interfaces.
func mutate(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			if v.Kind() == reflect.Interface {
				// An interface's value cannot be set in place; what it holds can.
				e := v.Elem()
				if e.Kind() == reflect.Map || e.Kind() == reflect.Slice || e.Kind() == reflect.Pointer {
					mutate(e)
				}
				return
			}
			mutate(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			mutate(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		for it := v.MapRange(); it.Next(); {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			if e.Kind() == reflect.Interface || e.Kind() == reflect.Pointer || e.Kind() == reflect.Slice || e.Kind() == reflect.Map {
				mutate(e)
			}
			v.SetMapIndex(it.Key(), e)
		}
		v.SetMapIndex(reflect.ValueOf("added").Convert(v.Type().Key()), reflect.New(v.Type().Elem()).Elem())
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				mutate(v.Field(i))
			}
		}
	case reflect.String:
		v.SetString(v.String() + "!")
	case reflect.Int, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Uint8:
		v.SetUint(v.Uint() + 1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	}
}

func TestDeepCopySharesNothing(t *testing.T) {
	name, when, n := "server", time.Date(2025, 1, 20, 12, 0, 0, 0, time.UTC), 7
	r := &deepRecord{ID: 1, Name: &name, Created: when, Empty: []int{},
		Inner: deepInner{Tags: []string{"a", "b"}, Attrs: map[string]any{"k": []any{"x", map[string]any{"y": "z"}}}, When: &when,
			Raw: json.RawMessage(`{"a":1}`), Grid: [2][]int{{1}, {2, 3}}, Deep: map[string][]*int{"p": {&n}}},
		List: []deepInner{{Tags: []string{"c"}, Attrs: map[string]any{"n": map[string]any{"m": "o"}}}},
		Ptrs: []*deepInner{{Tags: []string{"d"}, When: &when}, nil},
		Any:  map[string]any{"list": []any{map[string]any{"q": "r"}}},
	}
	before, _ := json.Marshal(r)
	c := DeepCopy(r)
	if !reflect.DeepEqual(c, r) {
		t.Fatalf("copy differs:\n%#v\n%#v", c, r)
	}
	if got, _ := json.Marshal(c); string(got) != string(before) {
		t.Fatalf("copy encodes as\n%s\nnot\n%s", got, before)
	}
	mutate(reflect.ValueOf(c).Elem())
	if after, _ := json.Marshal(r); string(after) != string(before) {
		t.Fatalf("changing the copy changed the original:\n%s\nwas\n%s", after, before)
	}
	if changed, _ := json.Marshal(c); string(changed) == string(before) {
		t.Fatal("mutate changed nothing: the test proves nothing")
	}
}
