package provider

// What RunScript and ScheduledScript need to register their children (this provider's own
// Command and Invocation) from inside Construct, without depending on the generated SDK.

import (
	"context"
	"errors"
	"reflect"
	"regexp"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// commandChild receives a Command's outputs.
type commandChild struct {
	pulumi.CustomResourceState
	CommandID      pulumi.StringOutput      `pulumi:"commandId"`
	ParameterNames pulumi.StringArrayOutput `pulumi:"parameterNames"`
}

// invocationChild receives an Invocation's outputs.
type invocationChild struct {
	pulumi.CustomResourceState
	InvokeID pulumi.StringOutput         `pulumi:"invokeId"`
	Status   pulumi.StringOutput         `pulumi:"status"`
	Results  InvocationResultArrayOutput `pulumi:"results"`
}

// outputsByInstance maps each instance to the output of its result.
func outputsByInstance(results InvocationResultArrayOutput) pulumi.StringMapOutput {
	return results.ApplyT(func(rs []InvocationResult) map[string]string {
		return latestOutputs(rs)
	}).(pulumi.StringMapOutput)
}

// childOptions are the options of every child: parented to the component, and served by a
// provider of this very version unless the program gave the component a provider explicitly
// (children inherit that through the parent). Without a version the engine may pick its
// unversioned default provider on one run and the SDK's versioned one on the next, and a
// changed provider replaces every child. The download URL is the one the SDKs send with the
// component, so the engine's default provider for the children is the very one (the very
// process) that runs the component's Construct: a child's failure can then become the
// component's error (component_causes.go). A child recorded under the provider without the URL
// moves to this one without a replace (DiffConfig ignores the URL).
func childOptions(comp pulumi.Resource, extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(comp), pulumi.Version(Version),
		pulumi.PluginDownloadURL(PluginDownloadURL)}, extra...)
}

// optional adds v to m under key when the program gave it; an absent optional input is a nil
// interface, which must not reach the child as an explicit null.
func optional(m pulumi.Map, key string, v pulumi.Input) {
	if v == nil || reflect.ValueOf(v).Kind() == reflect.Pointer && reflect.ValueOf(v).IsNil() {
		return
	}
	m[key] = v
}

// scriptCommandArgs are the Command inputs both components share.
type scriptCommandArgs struct {
	Script pulumi.StringInput
	// InstanceIDs are checked by the preflight (nil with targetTags).
	InstanceIDs pulumi.StringArrayInput
	Type        *CommandTypeOutput
	Parameters  pulumi.StringMapInput
	WorkingDir  pulumi.StringPtrInput
	Timeout     pulumi.IntPtrInput
}

// builtinParam finds `{{ACS::…}}`, which needs parameters enabled even without custom ones.
var builtinParam = regexp.MustCompile(`\{\{\s*ACS::`)

// registerScriptCommand registers the child Command. Parameters are enabled only when the
// program gives some or the script uses a built-in one: enabling them for any `{{` would
// reject scripts such as `docker inspect -f '{{.State}}'`.
func registerScriptCommand(ctx *pulumi.Context, comp pulumi.Resource, name string, a scriptCommandArgs) (*commandChild, error) {
	typ := pulumi.String(string(CommandTypeShell)).ToStringOutput()
	if a.Type != nil {
		typ = a.Type.ApplyT(func(t CommandType) string {
			if t == "" {
				return string(CommandTypeShell)
			}
			return string(t)
		}).(pulumi.StringOutput)
	}
	hasParams := a.Parameters != nil
	enable := a.Script.ToStringOutput().ApplyT(func(s string) bool {
		return hasParams || builtinParam.MatchString(s)
	}).(pulumi.BoolOutput)
	m := pulumi.Map{
		"type":            typ,
		"commandContent":  a.Script,
		"enableParameter": enable,
	}
	gateOn(m, preflightVerdict(ctx, a.Script, a.Parameters, a.InstanceIDs))
	optional(m, "workingDir", a.WorkingDir)
	optional(m, "timeout", a.Timeout)
	cmd := &commandChild{}
	if err := ctx.RegisterResource(commandToken, name, m, cmd, childOptions(comp)...); err != nil {
		return nil, err
	}
	return cmd, nil
}

// registerScriptComponent registers the component itself and then its child Command: the
// first steps of both components.
func registerScriptComponent(ctx *pulumi.Context, comp pulumi.ComponentResource, name string, a scriptCommandArgs,
	opts ...pulumi.ResourceOption,
) (*commandChild, error) {
	if err := ctx.RegisterComponentResource(p.GetTypeToken(ctx), name, comp, opts...); err != nil {
		return nil, err
	}
	return registerScriptCommand(ctx, comp, name, a)
}

// scriptInvocationArgs are the Invocation inputs both components pass on as the program gave them.
type scriptInvocationArgs struct {
	Parameters pulumi.StringMapInput
	Timeout    pulumi.IntPtrInput
	Username   pulumi.StringPtrInput
}

// registerScriptInvocation registers the child Invocation of cmd. inv holds what only the
// calling component sets (instances, schedule, batching); the inputs both share are added
// here, and both wait for completion.
func registerScriptInvocation(ctx *pulumi.Context, comp pulumi.Resource, name string, cmd *commandChild,
	inv pulumi.Map, a scriptInvocationArgs, opts ...pulumi.ResourceOption,
) (*invocationChild, error) {
	inv["commandId"] = cmd.CommandID
	inv["waitForCompletion"] = pulumi.Bool(true)
	optional(inv, "parameters", a.Parameters)
	optional(inv, "timeout", a.Timeout)
	optional(inv, "username", a.Username)
	child := &invocationChild{}
	if err := ctx.RegisterResource(invocationToken, name, inv, child, childOptions(comp, opts...)...); err != nil {
		return nil, err
	}
	return child, nil
}

// The preflight of RunScript and ScheduledScript: what their children would fail on, checked
// from inside Construct and failed by the first child's Check, so nothing is created when it
// fails, at preview and at up alike.

// preflightVerdict is the preflight's verdict, for the child Command's Check
// (component_causes.go): "" once every instance ID exists (one read-only DescribeInstances
// call per 100 IDs) and, when parameters are given, every `{{name}}` the script uses has a
// value; else the failures, named by the component's own input paths. The Command's Check
// fails with it before anything is created, at preview and at up alike. Unknown values (a
// preview before an input is computed) leave it unknown: the child's own Check judges them
// later. ids is nil for targetTags. The component's children skip the same look-ups in their
// Check.
func preflightVerdict(ctx *pulumi.Context, script pulumi.StringInput, params pulumi.StringMapInput,
	ids pulumi.StringArrayInput,
) pulumi.StringOutput {
	hasParams := params != nil
	if params == nil {
		params = pulumi.StringMap{}
	}
	if ids == nil {
		ids = pulumi.StringArray{}
	}
	verdict := pulumi.All(script.ToStringOutput(), params.ToStringMapOutput(), ids.ToStringArrayOutput()).
		ApplyTWithContext(ctx.Context(), func(c context.Context, xs []any) string {
			text, _ := xs[0].(string)
			given, _ := xs[1].(map[string]string)
			list, _ := xs[2].([]string)
			if err := preflightError(c, text, given, hasParams, list); err != nil {
				return err.Error()
			}
			return ""
		}).(pulumi.StringOutput)
	// The verdict carries no secret (parameter names at most), whatever the parameters'.
	return pulumi.Unsecret(verdict).(pulumi.StringOutput)
}

// preflightError is the preflight's verdict: nil, or every failure, one per line.
func preflightError(ctx context.Context, script string, params map[string]string, hasParams bool, ids []string) error {
	var f failures
	if hasParams {
		if missing := unsetParameters(scriptParameterNames(script), params); len(missing) > 0 {
			f.addQuiet("parameters", "%s", unsetParametersReason("the script", missing))
		}
	}
	if len(ids) > 0 {
		checkInstancesExist(ctx, &f, "instanceIds", ids, property.Map{})
	}
	if len(f) == 0 {
		return nil
	}
	return errors.New(checkFailureText(f))
}

// How a component's own validation failure (its preflight, its agent wait) fails the
// deployment cleanly. A Construct that fails makes the engine answer the program's
// registration of the component with `resource monitor shut down` (an unhandled exception in
// Node.js, a traceback in Python), and a child whose input output rejects fails the Construct
// the same way. So the verdict travels as one more input of the child it gates, never a
// rejected one: the child's Check (reportCauses) fails with the verdict's text, before the
// child's own Check and before anything is created, which is a child's failure like any other
// (component_causes.go): the component's error diagnostic, and a failed deployment.
