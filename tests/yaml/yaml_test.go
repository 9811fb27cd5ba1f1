// Package yaml runs examples/yaml as a user would: plain `pulumi up`, `pulumi preview --diff`
// after a change to its script, and `pulumi destroy` in the project directory, through the YAML
// language host in .tools/ and the plugin installed from its release archive. No Automation API.
package yaml

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/clirig"
)

const changedLine = `echo "second revision"`

func TestYAMLExampleWithPlainCLI(t *testing.T) {
	project := clirig.StartProject(t, "yaml", []string{"i-yaml00000000001", "i-yaml00000000002"})
	cli, target, dir := project.CLI, project.Target, project.Dir
	_, err := os.Stat(filepath.Join(cli.Root, ".tools", "pulumi-language-yaml"))
	require.NoError(t, err, "the YAML language host (make tools)")
	instances := target.InstanceIDs
	var all strings.Builder
	var commands []string

	t.Run("up runs the Command, the Invocation and the RunScript", func(t *testing.T) {
		out := cli.Run(t, dir, "up", "--yes")
		all.WriteString(out)
		t.Log(out)
		var outputs struct {
			AllAgentsOnline bool   `json:"allAgentsOnline"`
			CommandID       string `json:"commandId"`
			SetupCommandID  string `json:"setupCommandId"`
			SetupStatus     string `json:"setupStatus"`
			GreetResults    []struct {
				InstanceID string `json:"instanceId"`
				ExitCode   int    `json:"exitCode"`
				Output     string `json:"output"`
			} `json:"greetResults"`
		}
		// The Invocation has parameters, so its results are secret: hidden unless asked for.
		var hidden map[string]any
		require.NoError(t, json.Unmarshal([]byte(cli.Run(t, dir, "stack", "output", "--json")), &hidden))
		assert.Equal(t, "[secret]", hidden["greetResults"])
		require.NoError(t, json.Unmarshal([]byte(cli.Run(t, dir, "stack", "output", "--json", "--show-secrets")), &outputs))
		commands = []string{outputs.CommandID, outputs.SetupCommandID}
		for _, id := range commands {
			target.TrackCommand(id)
		}
		assert.True(t, outputs.AllAgentsOnline, "getAgentStatus")
		assert.NotEmpty(t, outputs.CommandID)
		assert.Equal(t, "Success", outputs.SetupStatus, "the RunScript's status")
		require.Len(t, outputs.GreetResults, len(instances))
		for _, r := range outputs.GreetResults {
			assert.Contains(t, instances, r.InstanceID)
			assert.Equal(t, 0, r.ExitCode, "exit code of %s", r.InstanceID)
			assert.Contains(t, r.Output, "Hello from Cloud Assistant", "output of %s", r.InstanceID)
		}
		if emu := target.Emulator(); emu != nil {
			stats, err := emu.Stats()
			require.NoError(t, err)
			assert.EqualValues(t, 2*len(instances), stats.Executions, "greet and setup on each instance")
		}
	})

	t.Run("preview --diff after a script change shows the new line and the replacements", func(t *testing.T) {
		script := filepath.Join(dir, "greet.sh")
		data, err := os.ReadFile(script)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(script, append(data, []byte(changedLine+"\n")...), 0o644))
		out := cli.Run(t, dir, "preview", "--diff")
		all.WriteString(out)
		t.Log(out)
		assert.Contains(t, out, changedLine, "the changed script line, in plain text")
		assert.Contains(t, out, "+-cloudassistant:index:Command", "the Command is replaced")
		assert.Contains(t, out, "+-cloudassistant:index:Invocation", "the Invocation is replaced")
		assert.NotContains(t, out, "cloudassistant:index:RunScript", "the RunScript did not change")
	})

	t.Run("destroy deletes everything", func(t *testing.T) {
		out := cli.Run(t, dir, "destroy", "--yes")
		all.WriteString(out)
		clirig.RequireNothingLeft(t, target, commands...)
	})

	assert.NotContains(t, all.String(), clirig.AmbientWarning, "the engine ran a provider from PATH")
}
