package provider

import (
	_ "embed"
	"errors"

	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

//go:embed scheduledscript.md
var scheduledScriptDoc string

// nextRunsCount is how many upcoming fire times nextRuns lists.
const nextRunsCount = 5

// ScheduledScriptArgs are the inputs of a ScheduledScript.
type ScheduledScriptArgs struct {
	Script       pulumi.StringInput      `pulumi:"script"`
	Schedule     pulumi.StringInput      `pulumi:"schedule"`
	InstanceIDs  pulumi.StringArrayInput `pulumi:"instanceIds"`
	Type         *CommandTypeOutput      `pulumi:"type,optional"`
	Parameters   pulumi.StringMapInput   `pulumi:"parameters,optional" provider:"secret"`
	Timeout      pulumi.IntPtrInput      `pulumi:"timeout,optional"`
	WorkingDir   pulumi.StringPtrInput   `pulumi:"workingDir,optional"`
	Username     pulumi.StringPtrInput   `pulumi:"username,optional"`
	WaitForAgent pulumi.BoolPtrInput     `pulumi:"waitForAgent,optional"`
	AgentTimeout pulumi.IntPtrInput      `pulumi:"agentTimeout,optional"`
}

// ScheduledScript runs a script on a schedule: a Command and a periodic Invocation, stopped
// when the component is deleted or replaced.
type ScheduledScript struct {
	pulumi.ResourceState

	CommandID pulumi.StringOutput      `pulumi:"commandId"`
	InvokeID  pulumi.StringOutput      `pulumi:"invokeId"`
	Status    pulumi.StringOutput      `pulumi:"status"`
	NextRuns  pulumi.StringArrayOutput `pulumi:"nextRuns"`
}

// Annotate documents the component.
func (s *ScheduledScript) Annotate(a infer.Annotator) {
	a.Describe(s, scheduledScriptDoc)
	a.Describe(&s.CommandID, "The ID of the command the component created (`c-…`).")
	a.Describe(&s.InvokeID, "The ID of the periodic invocation (`t-…`); `getInvocation` with "+
		"`includeHistory` reads its past runs.")
	a.Describe(&s.Status, "The invocation's overall status; `Scheduled` while the schedule is active.")
	a.Describe(&s.NextRuns, "The next few fire times of `schedule` (RFC 3339, in the schedule's time zone, "+
		"UTC when it names none), computed when the program runs, so `pulumi preview` shows them. For "+
		"`rate(…)` they count from the invocation's creation, as the service does (from now while it does "+
		"not exist yet), so previews of a deployed schedule agree.")
}

// Annotate documents the inputs; the texts become the SDKs' docs.
func (a *ScheduledScriptArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.Script, "The script, as plain text. With `parameters`, `{{name}}` marks a parameter.")
	an.Describe(&a.Schedule, "When to run: `rate(30m)` (1 minute to 7 days), `at(2030-06-01 10:00:00 "+
		"Asia/Shanghai)` (once), or a cron expression of 6 or 7 fields, seconds first, optionally "+
		"followed by a time zone (`0 0 2 * * ? Asia/Shanghai`). Runs must be at least 10 seconds apart.")
	an.Describe(&a.InstanceIDs, "The instances to run on: 1 to 100 unique IDs.")
	an.Describe(&a.Type, "The interpreter: `RunShellScript` (the default), `RunBatScript` or `RunPowerShellScript`.")
	an.Describe(&a.Parameters, "Values for the script's `{{name}}` parameters. Always secret.")
	an.Describe(&a.Timeout, "The time in seconds after which a run is stopped: 10 to 86400. The service "+
		"defaults to 60.")
	an.Describe(&a.WorkingDir, "The directory the script runs in.")
	an.Describe(&a.Username, "The user the script runs as.")
	an.Describe(&a.WaitForAgent, "Whether to wait, before scheduling, until the Cloud Assistant agent of "+
		"every instance is online. Defaults to true.")
	an.Describe(&a.AgentTimeout, "How long to wait for the agents, in seconds. Defaults to 300.")
}

// NewScheduledScript constructs a ScheduledScript: a Command and a Period Invocation of it.
// The Invocation is deleted (so its schedule stopped) before any replacement starts.
func NewScheduledScript(ctx *pulumi.Context, name string, args ScheduledScriptArgs, opts ...pulumi.ResourceOption,
) (*ScheduledScript, error) {
	if args.Script == nil || args.Schedule == nil || args.InstanceIDs == nil {
		return nil, errors.New("ScheduledScript: script, schedule and instanceIds are required")
	}
	comp := &ScheduledScript{}
	cmd, err := registerScriptComponent(ctx, comp, name, scriptCommandArgs{
		Script: args.Script, Type: args.Type, Parameters: args.Parameters, InstanceIDs: args.InstanceIDs,
		WorkingDir: args.WorkingDir, Timeout: args.Timeout,
	}, opts...)
	if err != nil {
		return nil, err
	}
	ready, agents := agentReadyIDs(ctx, comp, args.InstanceIDs, args.WaitForAgent, args.AgentTimeout)
	inv := pulumi.Map{
		"instanceIds": ready,
		"repeatMode":  pulumi.String(string(RepeatPeriod)),
		"frequency":   args.Schedule,
	}
	gateOn(inv, agents)
	child, err := registerScriptInvocation(ctx, comp, name, cmd, inv, scriptInvocationArgs{
		Parameters: args.Parameters, Timeout: args.Timeout, Username: args.Username,
	}, pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return nil, err
	}
	comp.CommandID = cmd.CommandID
	comp.InvokeID = child.InvokeID
	comp.Status = child.Status
	comp.NextRuns = scheduleNextRuns(ctx, args.Schedule, child.InvokeID)
	return comp, nil
}
