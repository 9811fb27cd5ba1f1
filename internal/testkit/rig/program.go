package rig

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	ca "github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
)

// Spec is an inline program: one shell Command and Invocations of it, each on PerInvocation
// instances taken round-robin from Instances.
type Spec struct {
	Script        string
	Invocations   int
	Instances     []string
	PerInvocation int
	// Parameters, when set, enable the command's {{name}} parameters and pass these values
	// to every invocation (they are secret inputs).
	Parameters map[string]string
	// SecretResults asks the provider to keep results secret (parameters already do).
	SecretResults bool
}

// Program builds the stack of spec. It exports invokeIds (resource name → invoke ID) and
// statuses (resource name → status), so tests can check what the engine recorded.
func Program(spec Spec) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		args := &ca.CommandArgs{
			Type:           ca.CommandTypeRunShellScript,
			CommandContent: pulumi.String(spec.Script),
			Timeout:        pulumi.IntPtr(60),
		}
		if len(spec.Parameters) > 0 {
			args.EnableParameter = pulumi.BoolPtr(true)
		}
		cmd, err := ca.NewCommand(ctx, "cmd", args)
		if err != nil {
			return err
		}
		per := max(spec.PerInvocation, 1)
		ids := pulumi.StringMap{}
		statuses := pulumi.StringMap{}
		for i := range spec.Invocations {
			var targets pulumi.StringArray
			for j := range per {
				targets = append(targets, pulumi.String(spec.Instances[(i*per+j)%len(spec.Instances)]))
			}
			inv := &ca.InvocationArgs{CommandId: cmd.CommandId, InstanceIds: targets}
			if len(spec.Parameters) > 0 {
				inv.Parameters = pulumi.ToStringMap(spec.Parameters)
			}
			if spec.SecretResults {
				inv.SecretResults = pulumi.BoolPtr(true)
			}
			name := fmt.Sprintf("inv-%03d", i)
			res, err := ca.NewInvocation(ctx, name, inv)
			if err != nil {
				return err
			}
			ids[name] = res.InvokeId
			statuses[name] = res.Status
		}
		ctx.Export("invokeIds", ids)
		ctx.Export("statuses", statuses)
		return nil
	}
}
