package config

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// complete runs the bash script as bash would on a tab after words, and returns the offers.
func complete(t *testing.T, script string, words ...string) []string {
	t.Helper()
	var quoted []string
	for _, w := range words {
		quoted = append(quoted, "'"+w+"'")
	}
	prog := script + "\nCOMP_WORDS=(simulator " + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" +
		string(rune('0'+len(words))) + "\n_panelsim_simulator\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
	out, err := exec.Command("bash", "-c", prog).CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	return strings.Fields(string(out))
}

func TestBashCompletion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	var buf bytes.Buffer
	if err := WriteCompletion(&buf, "bash"); err != nil {
		t.Fatal(err)
	}
	script := buf.String()
	for _, tc := range []struct {
		words []string
		want  []string
	}{
		{[]string{"wor"}, []string{"world", "worlds"}},
		{[]string{"world", ""}, []string{"export", "import", "--help"}},
		{[]string{"world", "export", "--d"}, []string{"--data"}},
		{[]string{"serve", "--clock", ""}, []string{"real", "manual"}},
		{[]string{"serve", "--log-level", "d"}, []string{"debug"}},
		{[]string{"completion", ""}, []string{"bash", "zsh", "fish", "--help"}},
		{[]string{"serve", "--data", "x.db", "--any"}, []string{"--any-token"}},
	} {
		got := complete(t, script, tc.words...)
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%v: offered %v, want %v", tc.words, got, tc.want)
		}
	}
}

func TestZshAndFishCompletion(t *testing.T) {
	for shell, want := range map[string][]string{
		"zsh":  {"bashcompinit", "complete -F _panelsim_simulator simulator"},
		"fish": {"complete -c simulator -n '__fish_use_subcommand' -a world", "-n '__fish_seen_subcommand_from world; and not __fish_seen_subcommand_from export import' -a export", "-l clock", "-x -a 'real manual'"},
	} {
		var buf bytes.Buffer
		if err := WriteCompletion(&buf, shell); err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("%s script lacks %q", shell, w)
			}
		}
	}
	if err := WriteCompletion(&bytes.Buffer{}, "tcsh"); err == nil {
		t.Error("tcsh accepted")
	}
}
