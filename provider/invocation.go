package provider

import (
	_ "embed"

	"github.com/pulumi/pulumi-go-provider/infer"
)

//go:embed invocation.md
var invocationDoc string

// Invocation runs a Command on instances and, by default, waits for every instance to finish.
type Invocation struct{}

// TerminationMode says what a stop or a timeout kills.
type TerminationMode string

// The termination modes.
const (
	TerminateProcess     TerminationMode = "Process"
	TerminateProcessTree TerminationMode = "ProcessTree"
)

// Values lists the enum for the schema.
func (TerminationMode) Values() []infer.EnumValue[TerminationMode] {
	return []infer.EnumValue[TerminationMode]{
		{Name: "Process", Value: TerminateProcess, Description: "Stop only the script's own process (the service default)."},
		{Name: "ProcessTree", Value: TerminateProcessTree, Description: "Stop the script's process and every process it started."},
	}
}

// InvocationArgs are the inputs of an Invocation.
type InvocationArgs struct {
	CommandID           string            `pulumi:"commandId"`
	InstanceIDs         []string          `pulumi:"instanceIds,optional"`
	TargetTags          map[string]string `pulumi:"targetTags,optional"`
	RepeatMode          *RepeatMode       `pulumi:"repeatMode,optional"`
	Timed               *bool             `pulumi:"timed,optional"`
	Frequency           *string           `pulumi:"frequency,optional"`
	Parameters          map[string]string `pulumi:"parameters,optional" provider:"secret"`
	Username            *string           `pulumi:"username,optional"`
	WindowsPasswordName *string           `pulumi:"windowsPasswordName,optional"`
	Timeout             *int              `pulumi:"timeout,optional"`
	ContainerID         *string           `pulumi:"containerId,optional"`
	ContainerName       *string           `pulumi:"containerName,optional"`
	TerminationMode     *TerminationMode  `pulumi:"terminationMode,optional"`
	Launcher            *string           `pulumi:"launcher,optional"`
	Tags                map[string]string `pulumi:"tags,optional"`
	ResourceGroupID     *string           `pulumi:"resourceGroupId,optional"`
	Triggers            []any             `pulumi:"triggers,optional"`
	WaitForCompletion   *bool             `pulumi:"waitForCompletion,optional"`
	FailurePolicy       *FailurePolicy    `pulumi:"failurePolicy,optional"`
	SecretResults       *bool             `pulumi:"secretResults,optional"`
	// Fleet rollout (invocation_rollout.go).
	MaxConcurrency         *string `pulumi:"maxConcurrency,optional"`
	MaxErrors              *string `pulumi:"maxErrors,optional"`
	OutputBytesPerInstance *int    `pulumi:"outputBytesPerInstance,optional"`
}

// InvocationState is the recorded state: the inputs (a custom Diff gets no old inputs) and
// what the service reported.
type InvocationState struct {
	InvocationArgs
	InvokeID      string             `pulumi:"invokeId"`
	Status        string             `pulumi:"status"`
	Results       []InvocationResult `pulumi:"results"`
	RerunRequired bool               `pulumi:"rerunRequired"`
	// Fleet outputs: every batch, where it ran, and the outcome in counts.
	InvokeIDs             []string          `pulumi:"invokeIds"`
	TargetInstanceIDs     []string          `pulumi:"targetInstanceIds"`
	Summary               map[string]int    `pulumi:"summary"`
	FailedInstanceIDs     []string          `pulumi:"failedInstanceIds"`
	NotStartedInstanceIDs []string          `pulumi:"notStartedInstanceIds"`
	UnconfirmedBatch      *UnconfirmedBatch `pulumi:"unconfirmedBatch,optional"`
}

// InvocationResult is one instance's outcome.
type InvocationResult struct {
	InstanceID   string `pulumi:"instanceId"`
	InvokeID     string `pulumi:"invokeId"`
	Status       string `pulumi:"status"`
	ExitCode     int    `pulumi:"exitCode"`
	Output       string `pulumi:"output"`
	Dropped      int    `pulumi:"dropped"`
	ErrorCode    string `pulumi:"errorCode"`
	ErrorInfo    string `pulumi:"errorInfo"`
	StartTime    string `pulumi:"startTime"`
	FinishedTime string `pulumi:"finishedTime"`
	Repeats      int    `pulumi:"repeats"`
}

// Annotate documents the resource.
func (i *Invocation) Annotate(a infer.Annotator) {
	a.Describe(i, invocationDoc)
}

// Annotate documents the inputs; the texts become the SDKs' docs.
func (a *InvocationArgs) Annotate(an infer.Annotator) {
	an.Describe(&a.CommandID, "The ID of the command to run (`c-…`), usually a `Command`'s `commandId`.")
	an.Describe(&a.InstanceIDs, "The instances to run on: any number of unique IDs (or use `targetTags`). Each "+
		"must be running, in a VPC, with the Cloud Assistant client installed. The provider sends them in "+
		"batches of at most 100 (one InvokeCommand each). When only this list changes, the update runs the "+
		"command on the added instances only and forgets the removed ones; any other change replaces the "+
		"invocation, running it everywhere again.")
	an.Describe(&a.TargetTags, "Run on the running instances that carry every one of these tags, instead of "+
		"`instanceIds`. They are resolved when the invocation is created and recorded in `targetInstanceIds`; "+
		"a change of the tags replaces the invocation. To see at preview which instances are added, pass "+
		"`getInstances`' `instanceIds` to `instanceIds` instead.")
	an.Describe(&a.MaxConcurrency, "At most this many instances run at once: a count (`\"10\"`) or a share of "+
		"the instances (`\"25%\"`, rounded up). The next batch starts as earlier ones finish. Defaults to no "+
		"limit: every batch starts at once. Needs `repeatMode: Once` and `waitForCompletion`.")
	an.Describe(&a.MaxErrors, "Once more instances than this have failed, no further batch starts: a count "+
		"(`\"0\"`, `\"5\"`) or a share (`\"10%\"`, rounded down). The run then fails by `failurePolicy` and "+
		"the instances never started are listed in `notStartedInstanceIds`. Defaults to no limit. Batches "+
		"already running finish.")
	an.Describe(&a.OutputBytesPerInstance, "How many bytes of each instance's output are kept in state (the "+
		"last ones; `dropped` counts the rest): 0 to 24576. Defaults to all 24 KB the service keeps for up "+
		"to 42 instances, and to 1 MiB shared by the instances for more (at least 1 KB each), so a "+
		"1,000-instance invocation's state stays under 2 MB. 0 keeps no output and skips reading it.")
	an.Describe(&a.RepeatMode, "When to run: `Once` (the default), `Period` (on `frequency`), `NextRebootOnly` "+
		"or `EveryReboot`.")
	an.Describe(&a.Timed, "Whether the invocation is periodic. With `frequency`, true means `Period` whatever `repeatMode` says.")
	an.Deprecate(&a.Timed, "Deprecated by the service: use `repeatMode: Period` with `frequency`.")
	an.Describe(&a.Frequency, "The schedule of a `Period` invocation: `rate(5m)`, `at(2030-06-01 10:00:00 Asia/Shanghai)`, "+
		"or a cron expression of 6 or 7 fields, seconds first, optionally followed by a time zone "+
		"(`0 */20 * * * ? Asia/Shanghai`). Runs must be at least 10 seconds apart.")
	an.Describe(&a.Parameters, "Values for the command's `{{name}}` parameters (the command needs "+
		"`enableParameter`: without it the service runs nothing and `up` fails with `parameters: command c-… "+
		"was created without enableParameter; set enableParameter: true on the Command`). Always stored as a "+
		"secret; at most 20 keys of at most 64 characters.")
	an.Describe(&a.Username, "The user the script runs as. The service defaults to `root` on Linux and `System` on Windows.")
	an.Describe(&a.WindowsPasswordName, "The name of the password of `username` in the Cloud Assistant parameter "+
		"store, for a Windows user other than System. Requires `username`.")
	an.Describe(&a.Timeout, "The timeout of this run in seconds (10 to 86400), overriding the command's.")
	an.Describe(&a.ContainerID, "Run inside this container of the instance (Linux only).")
	an.Describe(&a.ContainerName, "Run inside the container with this name (Linux only).")
	an.Describe(&a.TerminationMode, "What a stop or timeout kills: `Process` or `ProcessTree`.")
	an.Describe(&a.Launcher, "A launcher for the script, overriding the command's.")
	an.Describe(&a.Tags, "Tags for the invocation (at most 18: the provider adds two, `cloudassistant:pulumi-resource` "+
		"and `cloudassistant:pulumi-attempt`, so that an update interrupted mid-run is adopted instead of run again; "+
		"keys starting with `cloudassistant:pulumi-` are reserved).")
	an.Describe(&a.ResourceGroupID, "The resource group the invocation belongs to. A change is recorded without "+
		"running the command again, but the service cannot move an existing invocation: its record stays in the "+
		"group it was created in.")
	an.Describe(&a.Triggers, "Any values: when one changes, the invocation is replaced and so runs again.")
	an.Describe(&a.WaitForCompletion, "Whether `pulumi up` waits for every instance to finish (for `Period`, "+
		"to be scheduled) and reports results. Defaults to true. The wait is bounded by the resource's "+
		"`customTimeouts.create`, else by the run's timeout plus delivery time; when it ends first (or the "+
		"update is cancelled), the invocation is recorded and the next `pulumi up` waits for the same run.")
	an.Describe(&a.FailurePolicy, "When a finished invocation fails the deployment: `FailIfAny` (the default), "+
		"`FailIfAll` or `Never`. A failed invocation is still recorded, and the next `pulumi up` replaces it, "+
		"running it again. Changing the policy runs nothing: the recorded run is judged again by the new one.")
	an.Describe(&a.SecretResults, "Whether `results` (and so every instance's output) is stored and shown as a "+
		"secret. Defaults to true when `parameters` are given, since scripts often echo them, else false.")
}

// Annotate documents the outputs.
func (s *InvocationState) Annotate(a infer.Annotator) {
	a.Describe(&s.InvokeID, "The invocation ID (`t-…`) of the first batch, also the resource ID.")
	a.Describe(&s.InvokeIDs, "The invocation ID of every batch (at most 100 instances each), in the order "+
		"they started; the first is `invokeId`. Import a multi-batch invocation by its first ID (see the docs).")
	a.Describe(&s.TargetInstanceIDs, "The instances this invocation targets: `instanceIds`, or those "+
		"`targetTags` resolved to when it was created.")
	a.Describe(&s.Summary, "How many instances are in each status (`Success`: 998, `Failed`: 2); "+
		"`NotStarted` counts those a rollout stopped by `maxErrors` never started.")
	a.Describe(&s.FailedInstanceIDs, "The instances that finished without success, sorted.")
	a.Describe(&s.NotStartedInstanceIDs, "The instances never started because `maxErrors` stopped the rollout.")
	a.Describe(&s.UnconfirmedBatch, "A batch that was sent but whose answer never came (the up failed or was "+
		"cancelled while starting it): it may be running. The next `pulumi up` sends it again with the same "+
		"ClientToken, so the service runs it at most once. Absent when every started batch is known.")
	a.Describe(&s.Status, "The overall status: `Pending`, `Scheduled`, `Running`, `Success`, `Failed`, "+
		"`PartialFailed` or `Stopped`.")
	a.Describe(&s.Results, "One entry per instance, as last read: status, exit code and output.")
	a.Describe(&s.RerunRequired, "True when the run failed by `failurePolicy`: the next `pulumi up` replaces "+
		"the invocation, running the command again (like a tainted resource).")
}

// Annotate documents one instance's result.
func (r *InvocationResult) Annotate(a infer.Annotator) {
	a.Describe(&r.InstanceID, "The instance ID.")
	a.Describe(&r.InvokeID, "The invocation ID of the batch this instance ran in.")
	a.Describe(&r.Status, "The status on this instance: `Pending`, `Scheduled`, `Running`, `Success`, `Failed` "+
		"(non-zero exit code), `Timeout`, `Error`, `Invalid`, `Aborted`, `Cancelled`, `Stopping` or `Terminated`.")
	a.Describe(&r.ExitCode, "The script's exit code.")
	a.Describe(&r.Output, "The script's output (stdout and stderr), decoded as UTF-8. The service keeps 24 KB of it: "+
		"the first 6,000 bytes and the last ones (`dropped` says how many bytes in between were cut).")
	a.Describe(&r.Dropped, "How many bytes of output were dropped: by the service (it keeps 24 KB) and by "+
		"`outputBytesPerInstance`.")
	a.Describe(&r.ErrorCode, "Why the run failed, when it did: `ExitCodeNonzero`, `ExecutionTimeout`, "+
		"`InstanceNotRunning`, `ClientNotRunning`, `DeliveryTimeout`, ….")
	a.Describe(&r.ErrorInfo, "The service's explanation of `errorCode`.")
	a.Describe(&r.StartTime, "When the run started (UTC, ISO 8601).")
	a.Describe(&r.FinishedTime, "When the run finished (UTC, ISO 8601).")
	a.Describe(&r.Repeats, "How many times the command ran on this instance (periodic and reboot modes).")
}

// instanceStatus and failureCode let status.go's judgements read a result.
func (r InvocationResult) instanceStatus() (string, string) { return r.InstanceID, r.Status }

func (r InvocationResult) failureCode() string { return r.ErrorCode }

// A batch whose InvokeCommand answer was lost (the client gave up retrying, or the up was
// cancelled mid-call) may have started on the service. Its ClientToken and instances are
// recorded, and the next up sends exactly that request again: the service answers a
// repeated token with the invocation it already started, so the batch never runs twice.
// Tokens derived again on the next up could not promise that: a resumed rollout counts
// its batches from the recorded ones, a converge derives from other inputs, and the
// batch's size depends on how many instances were running when it was cut.

// UnconfirmedBatch is a batch sent without a known outcome.
type UnconfirmedBatch struct {
	ClientToken string   `pulumi:"clientToken"`
	InstanceIDs []string `pulumi:"instanceIds"`
}

// Annotate documents the batch.
func (b *UnconfirmedBatch) Annotate(a infer.Annotator) {
	a.Describe(&b.ClientToken, "The ClientToken the batch was sent with; the next `pulumi up` sends it again.")
	a.Describe(&b.InstanceIDs, "The instances of the batch.")
}
