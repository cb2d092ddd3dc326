package openapi

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// Problem is one reason a request was refused.
type Problem struct {
	In     string // "body" or "query"
	Field  string // dotted path: "packageId", "sshKeys.0"
	Rule   string // the schema keyword that failed: required, type, minimum, enum, …
	Schema *openapi3.Schema
}

// ValidationError lists every problem of a request.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	return "invalid request: " + strings.Join(e.Messages(), " ")
}

// Messages words the problems as Laravel's validator does ("The package id field is
// required."), in field order.
func (e *ValidationError) Messages() []string {
	out := make([]string, 0, len(e.Problems))
	seen := map[string]bool{}
	for _, p := range e.Problems {
		m := p.Laravel()
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

// PathError is a path value that does not fit its parameter (a word where an id goes).
type PathError struct {
	Param string
	Value string
}

func (e *PathError) Error() string {
	return fmt.Sprintf("path parameter %s: bad value %q", e.Param, e.Value)
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Field < ps[j].Field })
}

// Laravel words one problem the way Laravel 10's validator does.
func (p Problem) Laravel() string {
	attr := Attribute(p.Field)
	s := p.Schema
	switch p.Rule {
	case "required":
		return fmt.Sprintf("The %s field is required.", attr)
	case "type", "nullable":
		if s != nil {
			switch {
			case s.Type.Is("integer"):
				return fmt.Sprintf("The %s field must be an integer.", attr)
			case s.Type.Is("number"):
				return fmt.Sprintf("The %s field must be a number.", attr)
			case s.Type.Is("boolean"):
				return fmt.Sprintf("The %s field must be true or false.", attr)
			case s.Type.Is("string"):
				return fmt.Sprintf("The %s field must be a string.", attr)
			case s.Type.Is("array"), s.Type.Is("object"):
				return fmt.Sprintf("The %s field must be an array.", attr)
			}
		}
	case "minimum":
		if s != nil && s.Min != nil {
			return fmt.Sprintf("The %s field must be at least %s.", attr, num(*s.Min))
		}
	case "maximum":
		if s != nil && s.Max != nil {
			return fmt.Sprintf("The %s field must not be greater than %s.", attr, num(*s.Max))
		}
	case "minLength":
		if s != nil {
			return fmt.Sprintf("The %s field must be at least %d characters.", attr, s.MinLength)
		}
	case "maxLength":
		if s != nil && s.MaxLength != nil {
			return fmt.Sprintf("The %s field must not be greater than %d characters.", attr, *s.MaxLength)
		}
	case "minItems":
		if s != nil {
			return fmt.Sprintf("The %s field must have at least %d items.", attr, s.MinItems)
		}
	case "maxItems":
		if s != nil && s.MaxItems != nil {
			return fmt.Sprintf("The %s field must not have more than %d items.", attr, *s.MaxItems)
		}
	case "enum":
		return fmt.Sprintf("The selected %s is invalid.", attr)
	case "format":
		if s != nil && s.Format == "email" {
			return fmt.Sprintf("The %s field must be a valid email address.", attr)
		}
		return fmt.Sprintf("The %s field format is invalid.", attr)
	case "pattern":
		return fmt.Sprintf("The %s field format is invalid.", attr)
	}
	return fmt.Sprintf("The %s field is invalid.", attr)
}

func num(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprint(int64(f))
	}
	return fmt.Sprint(f)
}

// Attribute is Laravel's displayable name of a field: snake case with spaces
// (packageId → "package id", sshKeys.0 → "ssh keys.0").
func Attribute(field string) string {
	var b strings.Builder
	prev := rune(0)
	for i, r := range field {
		switch {
		case unicode.IsUpper(r):
			if i > 0 && prev != '.' && prev != '_' && prev != ' ' {
				b.WriteByte(' ')
			}
			b.WriteRune(unicode.ToLower(r))
		case r == '_':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}
