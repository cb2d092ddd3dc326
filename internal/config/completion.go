package config

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/alecthomas/kong"
)

// command is one command of the command line, as completion scripts see it.
type command struct {
	path  string   // " world export": the words after the program name, each after a space
	words []string // what may follow: subcommands, flags, enum values of the argument
	help  string
	flags []*kong.Flag
	enums map[string][]string // flag or positional name -> values
	files map[string]bool     // flags whose value is a file or folder
}

// commands walks the command line's model, depth first.
func commands(app *kong.Application) []command {
	var out []command
	var walk func(n *kong.Node, path string)
	walk = func(n *kong.Node, path string) {
		c := command{path: path, help: n.Help, enums: map[string][]string{}, files: map[string]bool{}}
		for _, child := range n.Children {
			if !child.Hidden && child.Type == kong.CommandNode {
				c.words = append(c.words, child.Name)
			}
		}
		for _, p := range n.Positional {
			if p.Enum != "" {
				c.words = append(c.words, p.EnumSlice()...)
			}
		}
		for _, group := range n.AllFlags(true) {
			for _, f := range group {
				c.flags = append(c.flags, f)
				c.words = append(c.words, "--"+f.Name)
				if f.Enum != "" {
					c.enums["--"+f.Name] = f.EnumSlice()
				}
				if t := f.Tag.Type; t == "existingfile" || t == "existingdir" || t == "path" || f.Name == "data" {
					c.files["--"+f.Name] = true
				}
			}
		}
		out = append(out, c)
		for _, child := range n.Children {
			if !child.Hidden && child.Type == kong.CommandNode {
				walk(child, path+" "+child.Name)
			}
		}
	}
	walk(app.Node, "")
	return out
}

// WriteCompletion writes the completion script of shell ("bash", "zsh" or "fish") for the
// command line.
func WriteCompletion(w io.Writer, shell string) error {
	var cli CLI
	parser, err := kong.New(&cli, kong.Name("simulator"))
	if err != nil {
		return err
	}
	cmds := commands(parser.Model)
	switch shell {
	case "bash":
		_, err = io.WriteString(w, bashScript(cmds))
	case "zsh":
		_, err = io.WriteString(w, "#compdef simulator\n# zsh completion for panelsim's simulator, through zsh's bash completion support.\n"+
			"autoload -U +X bashcompinit && bashcompinit\n"+bashScript(cmds))
	case "fish":
		_, err = io.WriteString(w, fishScript(cmds))
	default:
		err = fmt.Errorf("no completion for shell %q (bash, zsh, fish)", shell)
	}
	return err
}

func bashScript(cmds []command) string {
	var b strings.Builder
	b.WriteString("# bash completion for panelsim's simulator: source it, or put it in /etc/bash_completion.d/.\n")
	b.WriteString("_panelsim_simulator() {\n")
	b.WriteString("  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" path=\"\" i w\n")
	b.WriteString("  for ((i = 1; i < COMP_CWORD; i++)); do\n    w=\"${COMP_WORDS[i]}\"\n    case \"$path $w\" in\n")
	var paths []string
	for _, c := range cmds {
		if c.path != "" {
			paths = append(paths, fmt.Sprintf("%q", c.path))
		}
	}
	fmt.Fprintf(&b, "      %s) path=\"$path $w\" ;;\n    esac\n  done\n", strings.Join(paths, "|"))
	b.WriteString("  case \"$path:$prev\" in\n")
	for _, c := range cmds {
		for _, name := range sortedKeys(c.enums) {
			fmt.Fprintf(&b, "    %q) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", c.path+":"+name, strings.Join(c.enums[name], " "))
		}
		for _, name := range sortedKeys(c.files) {
			fmt.Fprintf(&b, "    %q) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", c.path+":"+name)
		}
	}
	b.WriteString("  esac\n  local words\n  case \"$path\" in\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "    %q) words=%q ;;\n", c.path, strings.Join(c.words, " "))
	}
	b.WriteString("  esac\n  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n}\n")
	b.WriteString("complete -F _panelsim_simulator simulator\n")
	return b.String()
}

func fishScript(cmds []command) string {
	var b strings.Builder
	b.WriteString("# fish completion for panelsim's simulator: save as ~/.config/fish/completions/simulator.fish\n")
	b.WriteString("complete -c simulator -f\n")
	for _, c := range cmds {
		words := strings.Fields(c.path)
		// The condition: exactly this command's words have been typed.
		cond := "__fish_use_subcommand"
		if len(words) > 0 {
			last := words[len(words)-1]
			var deeper []string
			for _, d := range cmds {
				if dw := strings.Fields(d.path); len(dw) == len(words)+1 && strings.HasPrefix(d.path, c.path+" ") {
					deeper = append(deeper, dw[len(dw)-1])
				}
			}
			cond = "__fish_seen_subcommand_from " + last
			if len(deeper) > 0 {
				cond += "; and not __fish_seen_subcommand_from " + strings.Join(deeper, " ")
			}
		}
		for _, d := range cmds {
			if dw := strings.Fields(d.path); len(dw) == len(words)+1 && strings.HasPrefix(d.path, c.path+" ") {
				fmt.Fprintf(&b, "complete -c simulator -n %s -a %s -d %s\n", fishQuote(cond), dw[len(dw)-1], fishQuote(firstSentence(d.help)))
			}
		}
		for _, f := range c.flags {
			line := fmt.Sprintf("complete -c simulator -n %s -l %s -d %s", fishQuote(cond), f.Name, fishQuote(firstSentence(f.Help)))
			switch {
			case c.enums["--"+f.Name] != nil:
				line += " -x -a " + fishQuote(strings.Join(c.enums["--"+f.Name], " "))
			case c.files["--"+f.Name]:
				line += " -r -F"
			case !f.IsBool():
				line += " -r"
			}
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func fishQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, ".")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
