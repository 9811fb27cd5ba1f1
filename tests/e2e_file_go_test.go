package tests

// End-to-end test of file delivery through the real engine: the file example's program (a File
// and a RunScript with `files`, from the generated Go SDK) reads both files back, then a content
// change shows as a text diff and sends the file again. Live, the file's bytes on the disk are
// not read directly (only an emulator's instances are directories here): the script's read-back
// is the check. The File's SendFile creates no command; the RunScript's is deleted by destroy.

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	fileexample "github.com/cloudassistant/pulumi-cloudassistant/examples/file/go/program"
)

func TestFileEndToEnd(t *testing.T) {
	useComponentsEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	target, emu := startInProcessTarget(t, emulator.Options{InstanceCount: 2})
	ids := target.InstanceIDs
	stack, _ := componentsStack(ctx, t, target, "cloudassistant-e2e-file", nil, fileexample.Program)

	res, err := stack.Up(ctx, optup.ProgressStreams(progressWriter()))
	trackCommands(ctx, t, target, stack)
	require.NoError(t, err)
	assert.Equal(t, "Success", res.Outputs["fileStatus"].Value)
	outputs := outputMap(t, res.Outputs, "outputs")
	for _, id := range ids {
		assert.Equal(t, "listen = 8080\nrun.sh ran\n", outputs[id], "the script cats the files back on %s", id)
		if emu != nil {
			b, err := os.ReadFile(emu.InstancePath(id, "/etc/app/app.conf"))
			require.NoError(t, err)
			assert.Equal(t, "listen = 8080\n", string(b))
		}
	}

	// A content change is a readable text diff, and a replace that sends the file again.
	require.NoError(t, stack.SetConfig(ctx, "content", auto.ConfigValue{Value: "listen = 9090\n"}))
	var diff strings.Builder
	_, err = stack.Preview(ctx, optpreview.Diff(), optpreview.ProgressStreams(&diff))
	require.NoError(t, err)
	assert.Contains(t, diff.String(), "listen = 9090")
	assert.Contains(t, diff.String(), "listen = 8080")
	assert.Contains(t, diff.String(), "replace")

	res, err = stack.Up(ctx, optup.ProgressStreams(progressWriter()))
	trackCommands(ctx, t, target, stack)
	require.NoError(t, err)
	outputs = outputMap(t, res.Outputs, "outputs")
	for _, id := range ids {
		assert.Equal(t, "listen = 9090\nrun.sh ran\n", outputs[id], "the new file was sent and read back on %s", id)
	}

	_, err = stack.Destroy(ctx, optdestroy.ProgressStreams(progressWriter()))
	require.NoError(t, err)
	requireNoCommandsLeft(t, target)
}
