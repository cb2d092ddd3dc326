package apierr

import "testing"

func TestCode(t *testing.T) {
	remap := map[Kind]int{KindInvalid: 400}
	for _, tt := range []struct {
		err   *Error
		remap map[Kind]int
		want  int
	}{
		{NotFound("x"), nil, 404},
		{Invalid("x"), nil, 422},
		{Invalid("x"), remap, 400},
		{Locked("x"), remap, 423},
		{Unavailable("x"), nil, 503},
		{Conflict("x"), nil, 409},
		{Forbidden("x"), nil, 403},
		{Status(429, "x"), remap, 429},
		{&Error{Kind: 99}, nil, 500},
	} {
		if got := tt.err.Code(tt.remap); got != tt.want {
			t.Errorf("%v (kind %d): %d, want %d", tt.err, tt.err.Kind, got, tt.want)
		}
	}
}
