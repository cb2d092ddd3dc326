package cidocs

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func read(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	v, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func parseYAML(t *testing.T, name, text string) doc {
	t.Helper()
	var node yaml.Node
	if err := yaml.Unmarshal([]byte(text), &node); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if node.Kind != yaml.DocumentNode || len(node.Content) != 1 {
		t.Fatalf("%s: not one YAML document", name)
	}
	return doc{name: name, node: node.Content[0]}
}

// block is a fenced code block of a Markdown file.
type block struct {
	line int // of the opening fence
	text string
}

// yamlBlocks are the ```yaml (or ```yml) code blocks of a Markdown text.
func yamlBlocks(md string) []block {
	var out []block
	var cur *block
	sc := bufio.NewScanner(strings.NewReader(md))
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		fence := strings.TrimSpace(text)
		switch {
		case cur == nil && (fence == "```yaml" || fence == "```yml"):
			cur = &block{line: line}
		case cur != nil && fence == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.text += text + "\n"
		}
	}
	return out
}

// walk calls fn on every node under y, in document order.
func walk(y *yaml.Node, fn func(*yaml.Node)) {
	if y == nil {
		return
	}
	fn(y)
	for _, c := range y.Content {
		walk(c, fn)
	}
}

// walkMaps calls fn on every mapping node under y.
func walkMaps(y *yaml.Node, fn func(*yaml.Node)) {
	walk(y, func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			fn(n)
		}
	})
}

// pair is the value of key in mapping m, or nil.
func pair(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// seq is a sequence of scalars, or a scalar split as a shell would.
func seq(t *testing.T, y *yaml.Node) []string {
	t.Helper()
	if y.Kind == yaml.ScalarNode {
		return shellArgs(y.Value)
	}
	var out []string
	for _, c := range y.Content {
		if c.Kind != yaml.ScalarNode {
			t.Fatalf("line %d: want a list of strings", y.Line)
		}
		out = append(out, c.Value)
	}
	return out
}

// joinContinued joins shell lines continued with a backslash.
func joinContinued(s string) string { return strings.ReplaceAll(s, "\\\n", " ") }

// shellArgs splits the arguments of one shell command, quotes removed, up to the first
// redirection, pipe, list or background operator.
func shellArgs(s string) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	inWord := false
	flush := func() bool {
		if !inWord {
			return true
		}
		w := cur.String()
		cur.Reset()
		inWord = false
		for _, op := range []string{">", "2>", "<", "|", "&", ";"} {
			if strings.HasPrefix(w, op) {
				return false
			}
		}
		out = append(out, w)
		return true
	}
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if !flush() {
				return out
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	flush()
	return out
}
