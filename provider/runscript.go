package provider

import (
	_ "embed"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

//go:embed runscript.md
var runScriptDoc string

// RunScriptArgs are the inputs of a RunScript: a script, where to run it, and how.
type RunScriptArgs struct {
	Script        pulumi.StringInput      `pulumi:"script"`
	Type          *CommandTypeOutput      `pulumi:"type,optional"`
	InstanceIDs   pulumi.StringArrayInput `pulumi:"instanceIds,optional"`
	TargetTags    pulumi.StringMapInput   `pulumi:"targetTags,optional"`
	Parameters    pulumi.StringMapInput   `pulumi:"parameters,optional" provider:"secret"`
	WorkingDir    pulumi.StringPtrInput   `pulumi:"workingDir,optional"`
	Timeout       pulumi.IntPtrInput      `pulumi:"timeout,optional"`
	Username      pulumi.StringPtrInput   `pulumi:"username,optional"`
	Triggers      pulumi.ArrayInput       `pulumi:"triggers,optional"`
	FailurePolicy *FailurePolicyOutput    `pulumi:"failurePolicy,optional"`
	WaitForAgent  pulumi.BoolPtrInput     `pulumi:"waitForAgent,optional"`
	AgentTimeout  pulumi.IntPtrInput      `pulumi:"agentTimeout,optional"`
	// Fleet rollout, passed to the Invocation.
	MaxConcurrency pulumi.StringPtrInput   `pulumi:"maxConcurrency,optional"`
	MaxErrors      pulumi.StringPtrInput   `pulumi:"maxErrors,optional"`
	Files          RunScriptFileArrayInput `pulumi:"files,optional"`
}

// RunScript runs a script once on instances, as a Command and an Invocation under one
// component, and reports each instance's result and output.
type RunScript struct {
	pulumi.ResourceState

	CommandID pulumi.StringOutput         `pulumi:"commandId"`
	InvokeID  pulumi.StringOutput         `pulumi:"invokeId"`
	Status    pulumi.StringOutput         `pulumi:"status"`
	Results   InvocationResultArrayOutput `pulumi:"results"`
	Outputs   pulumi.StringMapOutput      `pulumi:"outputs"`
}

// Annotate documents the component.
func (r *RunScript) Annotate(a infer.Annotator) {
	a.Describe(r, runScriptDoc)
	a.Describe(&r.CommandID, "The ID of the command the component created (`c-…`).")
	a.Describe(&r.InvokeID, "The ID of the invocation that ran it (`t-…`).")
	a.Describe(&r.Status, "The invocation's overall status: `Success`, `Failed`, `PartialFailed`, ….")
	a.Describe(&r.Results, "One entry per instance: status, exit code, output and timing. Secret when "+
		"`parameters` are given.")
	a.Describe(&r.Outputs, "Each instance's output text, by instance ID. Secret when `parameters` are given.")
}

// Annotate documents the inputs; the texts become the SDKs' docs.
func (a *RunScriptArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.Script, "The script, as plain text. With `parameters`, `{{name}}` marks a parameter; "+
		"built-in parameters such as `{{ACS::InstanceId}}` work too.")
	an.Describe(&a.Type, "The interpreter: `RunShellScript` (the default, Linux), `RunBatScript` or "+
		"`RunPowerShellScript` (Windows).")
	an.Describe(&a.InstanceIDs, "The instances to run on: any number of unique IDs, sent in batches of at "+
		"most 100. Adding IDs later runs the script on the added instances only. Give this or `targetTags`.")
	an.Describe(&a.TargetTags, "Run on the running instances that carry every one of these tags, resolved when "+
		"the script first runs and recorded on the Invocation (`targetInstanceIds`). The agent wait "+
		"(`waitForAgent`) applies to `instanceIds` only.")
	an.Describe(&a.MaxConcurrency, "At most this many instances run at once: `\"10\"` or `\"25%\"`. "+
		"Defaults to no limit.")
	an.Describe(&a.MaxErrors, "Once more instances than this have failed (`\"0\"`, `\"5\"`, `\"10%\"`), "+
		"no further batch starts and the run fails by `failurePolicy`. Defaults to no limit.")
	an.Describe(&a.Parameters, "Values for the script's `{{name}}` parameters. Always secret; when given, "+
		"`results` and `outputs` are secret too, since scripts often print them.")
	an.Describe(&a.WorkingDir, "The directory the script runs in. The service defaults to `/root` on Linux.")
	an.Describe(&a.Timeout, "The time in seconds after which a run is stopped and reported as `Timeout`: "+
		"10 to 86400. The service defaults to 60.")
	an.Describe(&a.Username, "The user the script runs as. The service defaults to `root` on Linux and `System` on Windows.")
	an.Describe(&a.Triggers, "Any values: when one changes, the script runs again. A change of the script "+
		"or of any other input also runs it again.")
	an.Describe(&a.FailurePolicy, "When the run fails the deployment: `FailIfAny` (the default), `FailIfAll` "+
		"or `Never`.")
	an.Describe(&a.WaitForAgent, "Whether to wait, before running, until the Cloud Assistant agent of every "+
		"instance is online. Defaults to true; the wait fails after `agentTimeout`, naming the instances "+
		"whose agent never came online.")
	an.Describe(&a.AgentTimeout, "How long to wait for the agents, in seconds. Defaults to 300.")
	an.Describe(&a.Files, "Files to deliver to the instances before the script runs (each a child `File`, "+
		"overwriting what is there): a configuration the script installs, a unit file it enables. When a file "+
		"changes it is sent again and the script runs again.")
}

// NewRunScript constructs a RunScript: a Command with the script, then an Invocation of it on
// the instances once their agents are online.
func NewRunScript(ctx *pulumi.Context, name string, args RunScriptArgs, opts ...pulumi.ResourceOption) (*RunScript, error) {
	if args.Script == nil || (args.InstanceIDs == nil && args.TargetTags == nil) {
		return nil, errors.New("RunScript: script and one of instanceIds and targetTags are required")
	}
	comp := &RunScript{}
	cmd, err := registerScriptComponent(ctx, comp, name, scriptCommandArgs{
		Script: args.Script, Type: args.Type, Parameters: args.Parameters, InstanceIDs: args.InstanceIDs,
		WorkingDir: args.WorkingDir, Timeout: args.Timeout,
	}, opts...)
	if err != nil {
		return nil, err
	}
	inv := pulumi.Map{}
	var ready pulumi.StringArrayOutput
	agents := pulumi.String("").ToStringOutput()
	if args.InstanceIDs != nil {
		ready, agents = agentReadyIDs(ctx, comp, args.InstanceIDs, args.WaitForAgent, args.AgentTimeout)
		inv["instanceIds"] = ready
		gateOn(inv, agents)
	} else if args.Files != nil {
		return nil, errors.New("RunScript: files are sent to instanceIds; targetTags alone cannot receive them")
	}
	files, err := registerScriptFiles(ctx, comp, name, args.Files, ready, agents)
	if err != nil {
		return nil, err
	}
	optional(inv, "targetTags", args.TargetTags)
	optional(inv, "maxConcurrency", args.MaxConcurrency)
	optional(inv, "maxErrors", args.MaxErrors)
	optional(inv, "triggers", fileTriggers(args.Triggers, files))
	if args.FailurePolicy != nil {
		inv["failurePolicy"] = args.FailurePolicy.wire()
	}
	after := make([]pulumi.Resource, 0, len(files))
	for _, f := range files {
		after = append(after, f)
	}
	child, err := registerScriptInvocation(ctx, comp, name, cmd, inv, scriptInvocationArgs{
		Parameters: args.Parameters, Timeout: args.Timeout, Username: args.Username,
	}, pulumi.DependsOn(after))
	if err != nil {
		return nil, err
	}
	comp.CommandID = cmd.CommandID
	comp.InvokeID = child.InvokeID
	comp.Status = child.Status
	comp.Results = secretWith(child.Results, args.Parameters)
	comp.Outputs = outputsByInstance(comp.Results)
	return comp, nil
}

// secretWith makes results secret whenever parameters are given, so output that echoes
// them never lands in state or on screen in plain text. The child Invocation keeps its own
// copy secret too (its secretResults defaults to true with parameters).
func secretWith(results InvocationResultArrayOutput, params pulumi.StringMapInput) InvocationResultArrayOutput {
	if params == nil {
		return results
	}
	return pulumi.ToSecret(results).(InvocationResultArrayOutput)
}

// RunScript's `files`: files delivered (as child File resources) before the script runs.

// fileChild receives a File's outputs.
type fileChild struct {
	pulumi.CustomResourceState
	InvokeIDs pulumi.StringArrayOutput `pulumi:"invokeIds"`
}

// registerScriptFiles registers one child File per entry of files, sent to instanceIDs.
// Each content keeps its own secretness. The list itself must be known when the program
// runs (its entries may hold unknown values), since each entry is a resource.
func registerScriptFiles(ctx *pulumi.Context, comp pulumi.Resource, name string, files RunScriptFileArrayInput,
	instanceIDs pulumi.Input, agents pulumi.StringOutput,
) ([]*fileChild, error) {
	if files == nil {
		return nil, nil
	}
	list, ok := files.(RunScriptFileArray)
	if !ok {
		return nil, errors.New("RunScript: files must be a list the program knows (its entries' values may be " +
			"outputs, and a content may be secret, but not the whole list)")
	}
	children := make([]*fileChild, 0, len(list))
	for i, entry := range list {
		f, ok := entry.(RunScriptFileArgs)
		if !ok || f.Path == nil || f.Content == nil {
			return nil, fmt.Errorf("RunScript: files[%d] needs a path and a content", i)
		}
		p := f.Path.ToStringOutput()
		m := pulumi.Map{
			"instanceIds": instanceIDs,
			"targetDir":   p.ApplyT(func(s string) string { return path.Dir(s) }).(pulumi.StringOutput),
			"name":        p.ApplyT(func(s string) string { return path.Base(s) }).(pulumi.StringOutput),
			"content":     f.Content,
			"overwrite":   pulumi.Bool(true),
		}
		optional(m, "fileMode", f.Mode)
		gateOn(m, agents) // a file waits for the agents too, and fails with their verdict
		child := &fileChild{}
		if err := ctx.RegisterResource(fileToken, fileChildName(name, i, f.Path), m, child, childOptions(comp)...); err != nil {
			return nil, err
		}
		children = append(children, child)
	}
	return children, nil
}

// fileChildName names a child File after its path when the program gives it as a plain
// string (so reordering the list replaces nothing), else after its position.
func fileChildName(name string, i int, p pulumi.StringInput) string {
	if s, ok := p.(pulumi.String); ok && s != "" {
		return name + "-file-" + strings.Trim(string(s), "/")
	}
	return fmt.Sprintf("%s-file-%d", name, i)
}

// fileTriggers are values that change whenever a file is sent again: a RunScript with
// files runs its script again after a file changes.
func fileTriggers(user pulumi.ArrayInput, files []*fileChild) pulumi.Input {
	if len(files) == 0 {
		return user
	}
	out := pulumi.Array{}
	if user != nil {
		out = append(out, user.ToArrayOutput())
	}
	for _, f := range files {
		out = append(out, f.InvokeIDs)
	}
	return out
}
