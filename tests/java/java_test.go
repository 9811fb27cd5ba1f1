// Package java runs examples/java with the plain CLI: `pulumi up` and `pulumi destroy` in the
// project directory, through pulumi-language-java (built into .tools/ by `make tools`), Maven,
// the generated Java SDK (installed into the local Maven repository by `make sdk-java`) and the
// plugin installed from its release archive.
package java

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/clirig"
)

func TestJavaExampleWithPlainCLI(t *testing.T) {
	project := clirig.StartProject(t, "java", []string{"i-java00000000001", "i-java00000000002"})
	cli, target, dir := project.CLI, project.Target, project.Dir
	_, err := os.Stat(filepath.Join(cli.Root, ".tools", "pulumi-language-java"))
	require.NoError(t, err, "the Java language host (make tools)")
	_, err = exec.LookPath("mvn")
	require.NoError(t, err, "Maven runs Java programs")
	instances := target.InstanceIDs
	var all strings.Builder
	var commandID string

	t.Run("up runs the script on every instance", func(t *testing.T) {
		out := cli.Run(t, dir, "up", "--yes")
		all.WriteString(out)
		t.Log(out)
		var outputs struct {
			CommandID string         `json:"commandId"`
			ExitCodes map[string]int `json:"exitCodes"`
		}
		require.NoError(t, json.Unmarshal([]byte(cli.Run(t, dir, "stack", "output", "--json", "--show-secrets")), &outputs))
		require.NotEmpty(t, outputs.CommandID)
		commandID = outputs.CommandID
		target.TrackCommand(commandID)
		require.Len(t, outputs.ExitCodes, len(instances), "exitCodes: %v", outputs.ExitCodes)
		for _, id := range instances {
			assert.Equal(t, 0, outputs.ExitCodes[id], "exit code of %s", id)
		}
		if emu := target.Emulator(); emu != nil {
			stats, err := emu.Stats()
			require.NoError(t, err)
			assert.EqualValues(t, len(instances), stats.Executions)
		}
	})

	t.Run("destroy deletes everything", func(t *testing.T) {
		all.WriteString(cli.Run(t, dir, "destroy", "--yes"))
		clirig.RequireNothingLeft(t, target, commandID)
	})

	assert.NotContains(t, all.String(), clirig.AmbientWarning, "the engine ran a provider from PATH")
}
