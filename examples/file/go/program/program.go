// Package program is the file example's program, apart from main so tests can run it inline.
package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
)

// DefaultContent is app.conf's text when config `content` is not set.
const DefaultContent = "listen = 8080\n"

// Program sends app.conf to the instances in config `instanceIds`, then runs a script that
// receives run.sh through RunScript's files and reads both back.
func Program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	var ids []string
	cfg.RequireObject("instanceIds", &ids)
	content := cfg.Get("content")
	if content == "" {
		content = DefaultContent
	}
	conf, err := cloudassistant.NewFile(ctx, "app-conf", &cloudassistant.FileArgs{
		InstanceIds: pulumi.ToStringArray(ids),
		TargetDir:   pulumi.String("/etc/app"),
		Name:        pulumi.String("app.conf"),
		Content:     pulumi.String(content),
		FileMode:    pulumi.String("0640"),
	})
	if err != nil {
		return err
	}
	check, err := cloudassistant.NewRunScript(ctx, "check", &cloudassistant.RunScriptArgs{
		InstanceIds: pulumi.ToStringArray(ids),
		Script:      pulumi.String("cat /etc/app/app.conf; sh /opt/app/run.sh"),
		Files: cloudassistant.RunScriptFileArray{cloudassistant.RunScriptFileArgs{
			Path:    pulumi.String("/opt/app/run.sh"),
			Content: pulumi.String("echo run.sh ran\n"),
			Mode:    pulumi.String("0755"),
		}},
		// A resent app.conf has new task IDs: the script runs again and reads the new file.
		Triggers: pulumi.Array{conf.InvokeIds},
	}, pulumi.DependsOn([]pulumi.Resource{conf}))
	if err != nil {
		return err
	}
	ctx.Export("fileStatus", conf.Status)
	ctx.Export("outputs", check.Outputs)
	return nil
}
