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

// RunScript's failurePolicy is the FailurePolicy enum in the schema, so the YAML language host
// rejects a value outside it at preview, naming the value, before anything runs.
func TestYAMLRejectsABadComponentEnumAtPreview(t *testing.T) {
	project := clirig.StartProject(t, "yaml", []string{"i-yaml00000000003"})
	program := filepath.Join(project.Dir, "Pulumi.yaml")
	src, err := os.ReadFile(program)
	require.NoError(t, err)
	const anchor = "    type: cloudassistant:RunScript\n    properties:\n"
	require.Contains(t, string(src), anchor)
	bad := strings.Replace(string(src), anchor, anchor+"      failurePolicy: Sometimes\n", 1)
	require.NoError(t, os.WriteFile(program, []byte(bad), 0o644))

	out, err := project.CLI.Try(project.Dir, "preview")
	require.Error(t, err, "a value outside the enum fails the preview:\n%s", out)
	// The language host's type check (not the provider's Check of a child, which a plain
	// string input would reach instead): it points at the line and lists the enum.
	assert.Contains(t, out, "on Pulumi.yaml line", out)
	assert.Contains(t, out, "failurePolicy: Cannot assign type 'string' to type 'cloudassistant:index:FailurePolicy'", out)
	assert.Contains(t, out, `Allowed values are FailIfAny ("FailIfAny"), FailIfAll ("FailIfAll"), Never ("Never")`, out)
}
