package tests

// End-to-end: the flow an operator tries first, written exactly as it would run on ECS — a File
// delivers /etc/myapp/app.conf, then a RunScript reads it by its absolute path. Against the
// emulator each instance is a machine of its own: the file is on the instance's disk, not on
// this machine's /etc.

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
)

// deliverThenRead sends app.conf to /etc/myapp and runs a script that reads it back.
func deliverThenRead(ctx *pulumi.Context) error {
	ids := configInstanceIDs(ctx)
	conf, err := cloudassistant.NewFile(ctx, "myapp-conf", &cloudassistant.FileArgs{
		InstanceIds: ids,
		TargetDir:   pulumi.String("/etc/myapp"),
		Name:        pulumi.String("app.conf"),
		Content:     pulumi.String("port = 8443\n"),
	})
	if err != nil {
		return err
	}
	read, err := cloudassistant.NewRunScript(ctx, "read-conf", &cloudassistant.RunScriptArgs{
		InstanceIds: ids,
		Script:      pulumi.String("cat /etc/myapp/app.conf"),
	}, pulumi.DependsOn([]pulumi.Resource{conf}))
	if err != nil {
		return err
	}
	ctx.Export("outputs", read.Outputs)
	return nil
}

func TestFileThenScriptOnAMachineEndToEnd(t *testing.T) {
	useComponentsEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	target, emu := startInProcessTarget(t, emulator.Options{InstanceCount: 2})
	stack, _ := componentsStack(ctx, t, target, "cloudassistant-e2e-machine", nil, deliverThenRead)

	res, err := stack.Up(ctx, optup.ProgressStreams(progressWriter()))
	trackCommands(ctx, t, target, stack)
	require.NoError(t, err)
	outputs := outputMap(t, res.Outputs, "outputs")
	for _, id := range target.InstanceIDs {
		assert.Equal(t, "port = 8443\n", outputs[id], "the script on %s reads the delivered file", id)
	}
	if emu != nil {
		_, err := os.Stat("/etc/myapp/app.conf")
		assert.True(t, os.IsNotExist(err), "nothing written to this machine's /etc")
	}

	_, err = stack.Destroy(ctx, optdestroy.ProgressStreams(progressWriter()))
	require.NoError(t, err)
	requireNoCommandsLeft(t, target)
}
