package provider

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/frequency"
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

// ScheduledScript's nextRuns: the next fire times, shown at preview. A rate(…) schedule fires
// on a grid that starts at the invocation's creation (the service's rule, and the emulator's),
// so once the Invocation exists its grid comes from the service's CreationTime: counting from
// "now" instead gave every preview new values, a diff in every pull request.

// scheduleNextRuns computes nextRuns from the schedule and, for rate(…), from the creation
// time of the invocation invokeID names. The invokeID is awaited, not combined: while the
// Invocation is still to be created (a first preview) it is unknown, and the list then counts
// from now instead of becoming unknown itself.
func scheduleNextRuns(ctx *pulumi.Context, schedule pulumi.StringInput, invokeID pulumi.StringOutput) pulumi.StringArrayOutput {
	return schedule.ToStringOutput().ApplyTWithContext(ctx.Context(), func(c context.Context, s string) ([]string, error) {
		sch, err := frequency.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("schedule: %w", err)
		}
		if rate, ok := sch.(*frequency.RateSchedule); ok {
			if created, ok := invocationCreated(c, invokeID); ok {
				anchored := *rate
				anchored.Start = created.Add(rate.Every) // the first fire, then every Every
				sch = &anchored
			}
		}
		return nextRuns(sch, time.Now().UTC(), nextRunsCount), nil
	}).(pulumi.StringArrayOutput)
}

// invocationCreated is the service's CreationTime of the invocation, when its ID is known
// and the service answers; otherwise false, and the caller counts from now.
func invocationCreated(ctx context.Context, invokeID pulumi.StringOutput) (time.Time, bool) {
	id, err := internals.UnsafeAwaitOutput(ctx, invokeID)
	if err != nil || !id.Known {
		return time.Time{}, false
	}
	s, _ := id.Value.(string)
	if s == "" {
		return time.Time{}, false
	}
	client, err := getClient(ctx)
	if err != nil {
		return time.Time{}, false
	}
	inv, err := client.DescribeInvocation(ctx, s)
	if err != nil {
		return time.Time{}, false
	}
	created, err := time.Parse(time.RFC3339, inv.CreationTime)
	return created, err == nil
}

// nextRuns lists the next n fire times of a schedule after from, as RFC 3339 strings in the
// schedule's own time zone; empty once an at(…) has passed.
func nextRuns(sch frequency.Schedule, from time.Time, n int) []string {
	out := []string{}
	for _, t := range frequency.NextN(sch, from, n) {
		out = append(out, t.Format(time.RFC3339))
	}
	return out
}
