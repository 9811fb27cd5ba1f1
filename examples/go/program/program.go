// Package program is the Go example's Pulumi program, kept apart from main so the end-to-end
// tests and `make demo` can run the very same function inline through the Automation API.
package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
)

// DefaultGreeting fills the script's {{greeting}} parameter unless config `greeting` is set.
const DefaultGreeting = "Hello from Cloud Assistant"

// DefaultScript runs unless config `script` is set. {{greeting}} is a custom parameter: the
// Command declares it, the Invocation gives its value.
const DefaultScript = `#!/bin/bash
set -eu
echo "{{greeting}}"
echo "running as $(id -un) in $(pwd)"
`

// Program creates a Command with a {{greeting}} parameter and runs it once on every instance
// in config `instanceIds`, then exports each instance's exit code and output.
func Program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	var instanceIDs []string
	cfg.RequireObject("instanceIds", &instanceIDs)
	greeting := cfg.Get("greeting")
	if greeting == "" {
		greeting = DefaultGreeting
	}
	script := cfg.Get("script")
	if script == "" {
		script = DefaultScript
	}

	cmd, err := cloudassistant.NewCommand(ctx, "greet", &cloudassistant.CommandArgs{
		Type:            cloudassistant.CommandTypeRunShellScript,
		CommandContent:  pulumi.String(script),
		EnableParameter: pulumi.Bool(true),
		Description:     pulumi.String("Prints a greeting on each instance"),
		Timeout:         pulumi.Int(60),
	})
	if err != nil {
		return err
	}
	// The Invocation waits for every instance to finish and fails the update if any fails.
	inv, err := cloudassistant.NewInvocation(ctx, "greet", &cloudassistant.InvocationArgs{
		CommandId:   cmd.CommandId,
		InstanceIds: pulumi.ToStringArray(instanceIDs),
		Parameters:  pulumi.StringMap{"greeting": pulumi.String(greeting)},
	})
	if err != nil {
		return err
	}

	ctx.Export("commandId", cmd.CommandId)
	ctx.Export("invokeId", inv.InvokeId)
	ctx.Export("exitCodes", inv.Results.ApplyT(func(rs []cloudassistant.InvocationResult) map[string]int {
		codes := map[string]int{}
		for _, r := range rs {
			codes[r.InstanceId] = r.ExitCode
		}
		return codes
	}))
	ctx.Export("outputs", inv.Results.ApplyT(func(rs []cloudassistant.InvocationResult) map[string]string {
		outputs := map[string]string{}
		for _, r := range rs {
			outputs[r.InstanceId] = r.Output
		}
		return outputs
	}))
	return nil
}
