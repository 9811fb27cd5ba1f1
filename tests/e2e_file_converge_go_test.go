package tests

// A File whose instance list grows converges through the real engine: `preview --diff` shows
// an update (no replace) and names the added instances, and `up` sends the file to them only.

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
)

func TestFileGrowsToAddedInstancesOnlyEndToEnd(t *testing.T) {
	skipLive(t, "reads the file on the instances' disks and the emulator's counters")
	useComponentsEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	target, emu := startInProcessTarget(t, emulator.Options{InstanceCount: 3})
	ids := target.InstanceIDs
	stack, _ := componentsStack(ctx, t, target, "cloudassistant-e2e-file-converge", map[string]string{"count": "1"},
		func(ctx *pulumi.Context) error {
			all := configInstanceIDs(ctx)
			_, err := cloudassistant.NewFile(ctx, "conf", &cloudassistant.FileArgs{
				InstanceIds: all[:config.New(ctx, "").RequireInt("count")],
				TargetDir:   pulumi.String("/etc/app"),
				Name:        pulumi.String("app.conf"),
				Content:     pulumi.String("listen = 8080\n"),
			})
			return err
		})
	_, err := stack.Up(ctx, optup.ProgressStreams(progressWriter()))
	require.NoError(t, err)
	// Mark the first instance's copy: a resend would overwrite it.
	first := emu.InstancePath(ids[0], "/etc/app/app.conf")
	require.NoError(t, os.WriteFile(first, []byte("edited on the instance\n"), 0o644))

	require.NoError(t, stack.SetConfig(ctx, "count", auto.ConfigValue{Value: "3"}))
	var diff strings.Builder
	_, err = stack.Preview(ctx, optpreview.Diff(), optpreview.ProgressStreams(&diff))
	require.NoError(t, err)
	assert.NotContains(t, diff.String(), "replace", diff.String())
	assert.Contains(t, diff.String(), "update", diff.String())
	for i, id := range ids[1:] {
		assert.Contains(t, diff.String(), "+ ["+strconv.Itoa(i+1)+`]: "`+id+`"`,
			"the preview names the added instances:\n%s", diff.String())
	}
	assert.NotContains(t, diff.String(), `- [0]: "`+ids[0], "the first instance stays")

	sends := emu.Stats().Actions["SendFile"]
	_, err = stack.Up(ctx, optup.ProgressStreams(progressWriter()))
	require.NoError(t, err)
	assert.Equal(t, sends+1, emu.Stats().Actions["SendFile"], "one file task, for the added instances")
	b, err := os.ReadFile(first)
	require.NoError(t, err)
	assert.Equal(t, "edited on the instance\n", string(b), "the instance that had the file was not sent it again")
	for _, id := range ids[1:] {
		b, err := os.ReadFile(emu.InstancePath(id, "/etc/app/app.conf"))
		require.NoError(t, err, id)
		assert.Equal(t, "listen = 8080\n", string(b), "the added instance %s got the file", id)
	}
}
