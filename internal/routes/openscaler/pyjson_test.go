package openscaler

import "testing"

// TestPyJSONError: the message and position of every refusal are Python's (CPython 3.11's
// json.loads on the same bytes gave the expected values).
func TestPyJSONError(t *testing.T) {
	for _, tt := range []struct {
		text string
		msg  string
		pos  int
	}{
		{"", "Expecting value", 0},
		{"   ", "Expecting value", 3},
		{"{", "Expecting property name enclosed in double quotes", 1},
		{"{\"a\"", "Expecting ':' delimiter", 4},
		{"{\"a\":", "Expecting value", 5},
		{"{\"a\":1", "Expecting ',' delimiter", 6},
		{"{\"a\":1,", "Expecting property name enclosed in double quotes", 7},
		{"{\"a\":1,}", "Expecting property name enclosed in double quotes", 7},
		{"{\"name\": \"x\",", "Expecting property name enclosed in double quotes", 13},
		{"{a:1}", "Expecting property name enclosed in double quotes", 1},
		{"{'a':1}", "Expecting property name enclosed in double quotes", 1},
		{"[1,2", "Expecting ',' delimiter", 4},
		{"[1,,2]", "Expecting value", 3},
		{"[1 2]", "Expecting ',' delimiter", 3},
		{"nul", "Expecting value", 0},
		{"tru", "Expecting value", 0},
		{"-", "Expecting value", 0},
		{"-x", "Expecting value", 0},
		{"01", "Extra data", 1},
		{"1.", "Extra data", 1},
		{"1.5e", "Extra data", 3},
		{"1e+", "Extra data", 1},
		{"{\"a\":1}x", "Extra data", 7},
		{"{\"a\":1} {\"b\":2}", "Extra data", 8},
		{"\"abc", "Unterminated string starting at", 0},
		{"\"a\\qb\"", "Invalid \\escape", 2},
		{"\"\\u12\"", "Invalid \\uXXXX escape", 2},
		{"\"\\u12zz\"", "Invalid \\uXXXX escape", 2},
		{"\"a\nb\"", "Invalid control character at", 2},
		{"{\"test\": \"value\nwith newline\"}", "Invalid control character at", 15},
		{"{\"é\": \"ü\", x}", "Expecting property name enclosed in double quotes", 11},
		{"{\"a\": NaN}", "", 0},
		{"{\"a\": -Infinity, \"b\": Infinity}", "", 0},
		{"{\"a\": [1, {\"b\": }]}", "Expecting value", 16},
		{"  {\"a\":1}  ", "", 0},
		{"{\"a\":1}\n", "", 0},
		{"\"\\ud800\\u00zz\"", "Invalid \\uXXXX escape", 8},
		{"\"\\ud800\\udc00\"", "", 0},
		{"{\"a\": 1 \"b\": 2}", "Expecting ',' delimiter", 8},
		{"{\"a\" 1}", "Expecting ':' delimiter", 5},
		{"[]", "", 0},
		{"{}", "", 0},
		{"[", "Expecting value", 1},
		{"]", "Expecting value", 0},
		{"{\"a\":\"\\", "Unterminated string starting at", 5},
		{"\"\\", "Unterminated string starting at", 0},
		{"true false", "Extra data", 5},
		{"{\"n\": 1.}", "Expecting ',' delimiter", 7},
		{"{\"n\": -}", "Expecting value", 6},
		{"{\"n\": .5}", "Expecting value", 6},
		{"{\"n\": +1}", "Expecting value", 6},
		{"{\"x\": \"😀\", y}", "Expecting property name enclosed in double quotes", 11},
	} {
		msg, pos, ok := pyJSONError(tt.text)
		if ok != (tt.msg == "") || msg != tt.msg || pos != tt.pos {
			t.Errorf("%q: got %q at %d (ok %v), want %q at %d", tt.text, msg, pos, ok, tt.msg, tt.pos)
		}
	}
}
