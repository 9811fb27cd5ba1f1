package yaml

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/clirig"
)

// componentNoise is what a component's error must not carry, through the YAML language host.
var componentNoise = []string{"awaiting input property", "marshaling properties", "rpc error", "code = Canceled",
	"client connection is closing", "context canceled", "resource monitor shut down", "1 error occurred",
	"{RunShellScript}", "Traceback"}

// failingProgram is a YAML program with one RunScript whose script exits 3, or (bad) uses a
// parameter no value is given for.
func failingProgram(script string) string {
	return yamlProgram(`resources:
  boom:
    type: cloudassistant:RunScript
    properties:
      script: "` + script + `"
      parameters:
        greeting: hi
      instanceIds: ${instanceIds}
`)
}

// yamlComponentError is the component's error as the CLI prints it, from its cause to the next
// diagnostic, checked for noise (the engine writes `1 error occurred:` before a failed child
// Invocation's own error, so that one is checked in the component's error only).
func yamlComponentError(t *testing.T, out string) string {
	t.Helper()
	for _, n := range componentNoise {
		if n != "1 error occurred" {
			assert.NotContains(t, out, n)
		}
	}
	// The engine's line for a failed Construct, or the component's own error diagnostic (a
	// child's failure: provider/component_causes.go), whichever comes last.
	i, got := -1, ""
	for _, prefix := range []string{"cloudassistant:index:RunScript resource 'boom' has a problem: ",
		"cloudassistant:index:RunScript (boom):\n    error: "} {
		if j := strings.LastIndex(out, prefix); j > i {
			i, got = j, out[j+len(prefix):]
		}
	}
	require.GreaterOrEqual(t, i, 0, "no error for the component in:\n%s", out)
	for _, end := range []string{"\n\n", "\n  cloudassistant:", "\n  pulumi:", "\nResources:", "\n    error:"} {
		got, _, _ = strings.Cut(got, end)
	}
	for _, n := range componentNoise {
		assert.NotContains(t, got, n)
	}
	return got
}

// A failing RunScript's error from a YAML program is its child's error alone, and a preview or
// an up that finds a `{{name}}` without a value says so before anything is created.
func TestYAMLComponentErrorsWithoutNoise(t *testing.T) {
	project := clirig.StartProject(t, "yaml", []string{"i-yaml00000000004"})
	program := filepath.Join(project.Dir, "Pulumi.yaml")
	id := project.Target.InstanceIDs[0]

	require.NoError(t, os.WriteFile(program, []byte(failingProgram("echo {{greeting}} {{name}}")), 0o644))
	missing := "parameters: the script uses {{name}} but parameters give no value for it; add name to parameters"
	out, err := project.CLI.Try(project.Dir, "preview")
	require.Error(t, err, out)
	assert.True(t, strings.HasPrefix(yamlComponentError(t, out), missing), out)
	// An up without a preview fails the same way, through its child's Check (the component's
	// own failure never fails its Construct), and exits non-zero.
	out, err = project.CLI.Try(project.Dir, "up", "--yes", "--skip-preview")
	require.Error(t, err, out)
	assert.True(t, strings.HasPrefix(yamlComponentError(t, out), missing), out)

	require.NoError(t, os.WriteFile(program, []byte(failingProgram("echo {{greeting}}; exit 3")), 0o644))
	out, err = project.CLI.Try(project.Dir, "up", "--yes", "--skip-preview")
	require.Error(t, err, out)
	assert.True(t, strings.HasPrefix(yamlComponentError(t, out), id+": Failed, exit code 3, error ExitCodeNonzero"), out)
}
