package yaml

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/clirig"
)

// machineProgram is the flow an operator tries first, in YAML exactly as it would run on ECS: a
// File delivers /etc/myapp/app.conf, then a RunScript reads it by its absolute path.
var machineProgram = yamlProgram(`resources:
  conf:
    type: cloudassistant:File
    properties:
      instanceIds: ${instanceIds}
      targetDir: /etc/myapp
      name: app.conf
      content: "port = 8443\n"
  read:
    type: cloudassistant:RunScript
    properties:
      instanceIds: ${instanceIds}
      script: cat /etc/myapp/app.conf
    options:
      dependsOn:
        - ${conf}
outputs:
  outputs: ${read.outputs}
  commandId: ${read.commandId}
`)

// TestYAMLFileThenScriptOnAMachine: through the YAML language host and plain `pulumi up`, the
// script reads the file the File delivered on its own instance; on the emulator nothing lands
// in this machine's /etc (each instance is a machine of its own).
func TestYAMLFileThenScriptOnAMachine(t *testing.T) {
	project := clirig.StartProject(t, "yaml", []string{"i-yaml00000000004", "i-yaml00000000005"})
	cli, target, dir := project.CLI, project.Target, project.Dir
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(machineProgram), 0o644))

	up := cli.Run(t, dir, "up", "--yes")
	var out struct {
		Outputs   map[string]string `json:"outputs"`
		CommandID string            `json:"commandId"`
	}
	require.NoError(t, json.Unmarshal([]byte(cli.Run(t, dir, "stack", "output", "--json", "--show-secrets")), &out), up)
	target.TrackCommand(out.CommandID)
	for _, id := range target.InstanceIDs {
		assert.Equal(t, "port = 8443\n", out.Outputs[id], "the script on %s reads the delivered file:\n%s", id, up)
	}
	if target.Emulator() != nil {
		_, err := os.Stat("/etc/myapp/app.conf")
		assert.True(t, os.IsNotExist(err), "nothing written to this machine's /etc")
	}

	cli.Run(t, dir, "destroy", "--yes")
	clirig.RequireNothingLeft(t, target, out.CommandID)
}
