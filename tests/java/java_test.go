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
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
)

func TestJavaExampleWithPlainCLI(t *testing.T) {
	archive := clirig.PluginArchive(t)
	root, err := harness.RepoRoot()
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(root, ".tools", "pulumi-language-java"))
	require.NoError(t, err, "the Java language host (make tools)")
	_, err = exec.LookPath("mvn")
	require.NoError(t, err, "Maven runs Java programs")

	cli := clirig.New(t, root)
	cli.InstallPlugin(t, archive)
	target, err := harness.StartTarget(root, []string{"i-java00000000001", "i-java00000000002"})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, target.Close()) })
	instances := target.InstanceIDs

	dir := filepath.Join(t.TempDir(), "project")
	clirig.CopyDir(t, filepath.Join(root, "examples", "java"), dir)
	cli.Run(t, dir, "stack", "init", "e2e")
	t.Cleanup(func() {
		_, _ = cli.Try(dir, "destroy", "--yes", "--skip-preview")
		_, _ = cli.Try(dir, "stack", "rm", "--yes", "--force")
	})
	cli.Configure(t, dir, target)
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
		clirig.RequireCommandsGone(t, target, commandID)
		if emu := target.Emulator(); emu != nil {
			stats, err := emu.Stats()
			require.NoError(t, err)
			assert.Zero(t, stats.Commands, "commands left in the emulator")
			assert.Zero(t, stats.ActiveInvocations, "active invocations left in the emulator")
		}
	})

	assert.NotContains(t, all.String(), clirig.AmbientWarning, "the engine ran a provider from PATH")
}
