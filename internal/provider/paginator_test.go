package provider

import (
	"reflect"
	"testing"
)

func TestURLWindow(t *testing.T) {
	tests := []struct {
		current, last int
		want          []int
	}{
		{1, 1, []int{1}},
		{2, 5, []int{1, 2, 3, 4, 5}},
		{1, 13, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}},
		{1, 20, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 19, 20}},
		{20, 20, []int{1, 2, 0, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}},
		{10, 20, []int{1, 2, 0, 7, 8, 9, 10, 11, 12, 13, 0, 19, 20}},
	}
	for _, tt := range tests {
		if got := urlWindow(tt.current, tt.last); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("urlWindow(%d, %d) = %v, want %v", tt.current, tt.last, got, tt.want)
		}
	}
}
