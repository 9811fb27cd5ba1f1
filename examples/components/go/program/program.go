// Package program is the components example's Pulumi program, apart from main so that the
// end-to-end test runs this very function inline through the Automation API.
package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
)

// DefaultName fills the script's {{name}} parameter unless config `name` is set.
const DefaultName = "world"

// DefaultSchedule is when the report runs unless config `schedule` is set: 03:00 in Shanghai.
const DefaultSchedule = "0 0 3 * * ? Asia/Shanghai"

// Script greets with a custom parameter and a built-in one.
const Script = `#!/bin/bash
echo "hello {{name}} from {{ACS::InstanceId}}"
`

// Program runs Script once on every instance in config `instanceIds`, schedules a nightly
// report on them, and reads back the agents, the command and the invocation.
func Program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	var instanceIDs []string
	cfg.RequireObject("instanceIds", &instanceIDs)
	name := cfg.Get("name")
	if name == "" {
		name = DefaultName
	}
	schedule := cfg.Get("schedule")
	if schedule == "" {
		schedule = DefaultSchedule
	}
	ids := pulumi.ToStringArray(instanceIDs)

	// Waits for every agent (bounded by agentTimeout), runs the script, waits for it to finish.
	hello, err := cloudassistant.NewRunScript(ctx, "hello", &cloudassistant.RunScriptArgs{
		Script:      pulumi.String(Script),
		InstanceIds: ids,
		Parameters:  pulumi.StringMap{"name": pulumi.String(name)},
		Timeout:     pulumi.Int(60),
	})
	if err != nil {
		return err
	}
	report, err := cloudassistant.NewScheduledScript(ctx, "nightly-report", &cloudassistant.ScheduledScriptArgs{
		Script:      pulumi.String("uptime; df -h / | tail -n 1"),
		Schedule:    pulumi.String(schedule),
		InstanceIds: ids,
	})
	if err != nil {
		return err
	}

	agents := cloudassistant.GetAgentStatusOutput(ctx, cloudassistant.GetAgentStatusOutputArgs{InstanceIds: ids})
	command := cloudassistant.LookupCommandOutput(ctx, cloudassistant.LookupCommandOutputArgs{CommandId: hello.CommandId})
	invocation := cloudassistant.LookupInvocationOutput(ctx, cloudassistant.LookupInvocationOutputArgs{
		InvokeId: hello.InvokeId,
	})

	ctx.Export("status", hello.Status)
	ctx.Export("outputs", hello.Outputs) // secret: the script echoes a parameter
	ctx.Export("agentsOnline", agents.AllOnline())
	ctx.Export("script", command.CommandContent())
	ctx.Export("parameterNames", command.ParameterNames())
	ctx.Export("invocationStatus", invocation.Status())
	ctx.Export("nextRuns", report.NextRuns)
	return nil
}
