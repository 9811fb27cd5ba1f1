package tests

// End-to-end test of file delivery through the real engine: a File and a RunScript with
// `files` from the generated Go SDK, each read back by a script, then a content change that
// shows as a text diff and sends the file again.

import (
	"context"
	"os"
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

// fileProgram sends app.conf with a File, and run.sh through RunScript's files, then reads
// both back. The scripts work in /, so the relative paths are the instance's own files on a
// real instance and inside the emulator's sandbox alike.
func fileProgram(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	var ids []string
	cfg.RequireObject("instanceIds", &ids)
	conf, err := cloudassistant.NewFile(ctx, "app-conf", &cloudassistant.FileArgs{
		InstanceIds: pulumi.ToStringArray(ids),
		TargetDir:   pulumi.String("/etc/app"),
		Name:        pulumi.String("app.conf"),
		Content:     pulumi.String(cfg.Require("content")),
		FileMode:    pulumi.String("0640"),
	})
	if err != nil {
		return err
	}
	check, err := cloudassistant.NewRunScript(ctx, "check", &cloudassistant.RunScriptArgs{
		InstanceIds: pulumi.ToStringArray(ids),
		WorkingDir:  pulumi.String("/"),
		Script:      pulumi.String("cat etc/app/app.conf; sh opt/app/run.sh"),
		Files: cloudassistant.RunScriptFileArray{cloudassistant.RunScriptFileArgs{
			Path: pulumi.String("/opt/app/run.sh"), Content: pulumi.String("echo run.sh ran\n"), Mode: pulumi.String("0755"),
		}},
		Triggers: pulumi.Array{conf.InvokeIds},
	}, pulumi.DependsOn([]pulumi.Resource{conf}))
	if err != nil {
		return err
	}
	ctx.Export("fileStatus", conf.Status)
	ctx.Export("outputs", check.Outputs)
	return nil
}

func TestFileEndToEnd(t *testing.T) {
	useComponentsEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	emu, err := emulator.New(emulator.Options{Listen: "127.0.0.1:0", InstanceCount: 2})
	require.NoError(t, err)
	t.Cleanup(func() { _ = emu.Close() })
	ids := emu.InstanceIDs()
	stack, _ := componentsStack(ctx, t, emu, "cloudassistant-e2e-file", map[string]string{"content": "listen = 8080\n"}, fileProgram)

	res, err := stack.Up(ctx, optup.ProgressStreams(progressWriter()))
	require.NoError(t, err)
	assert.Equal(t, "Success", res.Outputs["fileStatus"].Value)
	outputs := outputMap(t, res.Outputs, "outputs")
	for _, id := range ids {
		assert.Equal(t, "listen = 8080\nrun.sh ran\n", outputs[id], "the script cats the files back on %s", id)
		b, err := os.ReadFile(emu.InstancePath(id, "/etc/app/app.conf"))
		require.NoError(t, err)
		assert.Equal(t, "listen = 8080\n", string(b))
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
	require.NoError(t, err)
	outputs = outputMap(t, res.Outputs, "outputs")
	for _, id := range ids {
		assert.Equal(t, "listen = 9090\nrun.sh ran\n", outputs[id], "the new file was sent and read back on %s", id)
	}
}
