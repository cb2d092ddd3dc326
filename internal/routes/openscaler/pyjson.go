package openscaler

// pyJSONError finds where and why Python's json.loads (the C scanner CPython uses, which
// FastAPI's request.json() calls) refuses text: the message it raises (JSONDecodeError.msg,
// "Expecting value", "Expecting ',' delimiter", …) and its position in characters, not
// bytes (JSONDecodeError.pos). ok is true when Python would read the text. It follows
// Modules/_json.c and json/decoder.py step by step, so that a client sees the position and
// wording FastAPI's json_invalid error carries.
func pyJSONError(text string) (msg string, pos int, ok bool) {
	s := &pyScanner{s: []rune(text)}
	defer func() {
		if r := recover(); r != nil {
			e, isErr := r.(pyDecodeError)
			if !isErr {
				panic(r)
			}
			msg, pos, ok = e.msg, e.pos, false
		}
	}()
	idx := s.skip(0)
	end := s.value(idx)
	end = s.skip(end)
	if end != len(s.s) {
		panic(pyDecodeError{"Extra data", end})
	}
	return "", 0, true
}

type pyDecodeError struct {
	msg string
	pos int
}

type pyScanner struct{ s []rune }

func isPyWhitespace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

func (p *pyScanner) skip(i int) int {
	for i < len(p.s) && isPyWhitespace(p.s[i]) {
		i++
	}
	return i
}

func (p *pyScanner) fail(msg string, pos int) { panic(pyDecodeError{msg, pos}) }

// has reports whether the text continues at i with word.
func (p *pyScanner) has(i int, word string) bool {
	w := []rune(word)
	if i+len(w) > len(p.s) {
		return false
	}
	for k, r := range w {
		if p.s[i+k] != r {
			return false
		}
	}
	return true
}

// value is scan_once: one JSON term at idx; it returns the index after it. Where no term
// starts, Python raises StopIteration, which json.loads words "Expecting value".
func (p *pyScanner) value(idx int) int {
	if idx >= len(p.s) {
		p.fail("Expecting value", idx)
	}
	switch c := p.s[idx]; {
	case c == '"':
		return p.str(idx + 1)
	case c == '{':
		return p.object(idx + 1)
	case c == '[':
		return p.array(idx + 1)
	case c == 'n' && p.has(idx, "null"), c == 't' && p.has(idx, "true"):
		return idx + 4
	case c == 'f' && p.has(idx, "false"):
		return idx + 5
	case c == 'N' && p.has(idx, "NaN"):
		return idx + 3
	case c == 'I' && p.has(idx, "Infinity"):
		return idx + 8
	case c == '-' && p.has(idx, "-Infinity"):
		return idx + 9
	}
	return p.number(idx)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// number is _match_number_unicode.
func (p *pyScanner) number(start int) int {
	end := len(p.s) - 1
	idx := start
	if p.s[idx] == '-' {
		idx++
		if idx > end {
			p.fail("Expecting value", start)
		}
	}
	switch {
	case p.s[idx] >= '1' && p.s[idx] <= '9':
		idx++
		for idx <= end && isDigit(p.s[idx]) {
			idx++
		}
	case p.s[idx] == '0':
		idx++
	default:
		p.fail("Expecting value", start)
	}
	if idx < end && p.s[idx] == '.' && isDigit(p.s[idx+1]) {
		idx += 2
		for idx <= end && isDigit(p.s[idx]) {
			idx++
		}
	}
	if idx < end && (p.s[idx] == 'e' || p.s[idx] == 'E') {
		eStart := idx
		idx++
		if idx < end && (p.s[idx] == '-' || p.s[idx] == '+') {
			idx++
		}
		for idx <= end && isDigit(p.s[idx]) {
			idx++
		}
		if !isDigit(p.s[idx-1]) {
			idx = eStart
		}
	}
	return idx
}

// str is scanstring_unicode: end is the index after the opening quote.
func (p *pyScanner) str(end int) int {
	begin := end - 1
	n := len(p.s)
	for {
		next := end
		var c rune
		for ; next < n; next++ {
			c = p.s[next]
			if c == '"' || c == '\\' {
				break
			}
			if c <= 0x1f {
				p.fail("Invalid control character at", next)
			}
		}
		if next >= n {
			p.fail("Unterminated string starting at", begin)
		}
		next++
		if c == '"' {
			return next
		}
		if next == n {
			p.fail("Unterminated string starting at", begin)
		}
		c = p.s[next]
		if c != 'u' {
			end = next + 1
			switch c {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			default:
				p.fail("Invalid \\escape", end-2)
			}
			continue
		}
		next++
		end = next + 4
		if end >= n {
			p.fail("Invalid \\uXXXX escape", next-1)
		}
		var u rune
		for ; next < end; next++ {
			d, ok := hexDigit(p.s[next])
			if !ok {
				p.fail("Invalid \\uXXXX escape", end-5)
			}
			u = u<<4 | d
		}
		// A high surrogate followed by \u and four hex digits of a low one makes one
		// character; a bad second escape is an error too, anything else is read again.
		if u >= 0xd800 && u <= 0xdbff && end+6 < n && p.s[next] == '\\' && p.s[next+1] == 'u' {
			next += 2
			end += 6
			var u2 rune
			for ; next < end; next++ {
				d, ok := hexDigit(p.s[next])
				if !ok {
					p.fail("Invalid \\uXXXX escape", end-5)
				}
				u2 = u2<<4 | d
			}
			if u2 < 0xdc00 || u2 > 0xdfff {
				end -= 6
			}
		}
	}
}

func hexDigit(r rune) (rune, bool) {
	switch {
	case r >= '0' && r <= '9':
		return r - '0', true
	case r >= 'a' && r <= 'f':
		return r - 'a' + 10, true
	case r >= 'A' && r <= 'F':
		return r - 'A' + 10, true
	}
	return 0, false
}

// object is _parse_object_unicode: idx is the index after "{".
func (p *pyScanner) object(idx int) int {
	end := len(p.s) - 1
	idx = p.skip(idx)
	if idx > end || p.s[idx] != '}' {
		for {
			if idx > end || p.s[idx] != '"' {
				p.fail("Expecting property name enclosed in double quotes", idx)
			}
			idx = p.skip(p.str(idx + 1))
			if idx > end || p.s[idx] != ':' {
				p.fail("Expecting ':' delimiter", idx)
			}
			idx = p.skip(p.value(p.skip(idx + 1)))
			if idx <= end && p.s[idx] == '}' {
				break
			}
			if idx > end || p.s[idx] != ',' {
				p.fail("Expecting ',' delimiter", idx)
			}
			idx = p.skip(idx + 1)
		}
	}
	return idx + 1
}

// array is _parse_array_unicode: idx is the index after "[".
func (p *pyScanner) array(idx int) int {
	end := len(p.s) - 1
	idx = p.skip(idx)
	if idx > end || p.s[idx] != ']' {
		for {
			idx = p.skip(p.value(idx))
			if idx <= end && p.s[idx] == ']' {
				break
			}
			if idx > end || p.s[idx] != ',' {
				p.fail("Expecting ',' delimiter", idx)
			}
			idx = p.skip(idx + 1)
		}
	}
	return idx + 1
}
