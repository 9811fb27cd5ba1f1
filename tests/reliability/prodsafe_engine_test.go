package reliability

// Issue 10 through the real engine: edits that do not change the run update in place, no
// request secret in any output, waits that outlast an API outage, an unreachable endpoint
// named at once, and a schedule stopped before its replacement starts.

import (
	"bytes"
	"context"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/faultproxy"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
	ca "github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
)

// metaSpec is a Command and one Invocation of it whose metadata tests edit between ups.
type metaSpec struct {
	Script, Description     string
	CommandTags, InvokeTags map[string]string
	FailurePolicy           ca.FailurePolicy
	SecretResults           bool
	Parameters              map[string]string
	RepeatMode, Frequency   string
	Instances               []string
}

func metaProgram(s *metaSpec) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cmdArgs := &ca.CommandArgs{
			Type: ca.CommandTypeRunShellScript, CommandContent: pulumi.String(s.Script),
			Description: pulumi.StringPtr(s.Description), Tags: pulumi.ToStringMap(s.CommandTags),
			Timeout: pulumi.IntPtr(120),
		}
		if len(s.Parameters) > 0 {
			cmdArgs.EnableParameter = pulumi.BoolPtr(true)
		}
		cmd, err := ca.NewCommand(ctx, "cmd", cmdArgs)
		if err != nil {
			return err
		}
		args := &ca.InvocationArgs{
			CommandId: cmd.CommandId, InstanceIds: pulumi.ToStringArray(s.Instances),
			Tags: pulumi.ToStringMap(s.InvokeTags), FailurePolicy: s.FailurePolicy.ToFailurePolicyPtrOutput(),
			SecretResults: pulumi.BoolPtr(s.SecretResults),
		}
		if len(s.Parameters) > 0 {
			args.Parameters = pulumi.ToStringMap(s.Parameters)
		}
		if s.Frequency != "" {
			args.RepeatMode = ca.RepeatMode(s.RepeatMode).ToRepeatModePtrOutput()
			args.Frequency = pulumi.StringPtr(s.Frequency)
		}
		inv, err := ca.NewInvocation(ctx, "inv", args)
		if err != nil {
			return err
		}
		ctx.Export("commandId", cmd.CommandId)
		ctx.Export("invokeId", inv.InvokeId)
		return nil
	}
}

func metaStack(ctx context.Context, t *testing.T, emu *emulator.Server, endpoint, secret string, s *metaSpec) auto.Stack {
	t.Helper()
	h := rig.HarnessEmulator(emu)
	if endpoint != "" {
		h.URL = endpoint
	}
	if secret != "" {
		h.AccessKeySecret = secret
	}
	stack, err := harness.NewStack(ctx, harness.StackOptions{
		Project: "prodsafe", Stack: "s", StateDir: t.TempDir(), Emulator: h,
	}, metaProgram(s))
	require.NoError(t, err)
	t.Cleanup(func() {
		emu.SetFaults(emulator.Faults{})
		_ = stack.SetConfig(context.Background(), "cloudassistant:endpoint", auto.ConfigValue{Value: emu.URL()})
		_ = stack.SetConfig(context.Background(), "cloudassistant:accessKeySecret", auto.ConfigValue{Value: emu.AccessKeySecret(), Secret: true})
		_, _ = stack.Destroy(context.Background())
		_ = stack.Workspace().RemoveStack(context.Background(), stack.Name())
	})
	return stack
}

func outputString(t *testing.T, outs auto.OutputMap, name string) string {
	t.Helper()
	v, ok := outs[name].Value.(string)
	require.True(t, ok, "output %s: %v", name, outs[name])
	return v
}

// TestEngineMetadataEditsUpdateInPlace: a description and tags edit of a Command and a
// failurePolicy, secretResults and tags edit of an Invocation preview as `~` updates naming
// the properties, and up keeps both IDs and runs nothing again.
func TestEngineMetadataEditsUpdateInPlace(t *testing.T) {
	useEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	emu := startEmulator(t, emulator.Options{InstanceCount: 2})
	spec := &metaSpec{Script: "echo hello", Description: "first", CommandTags: map[string]string{"team": "infra"},
		InvokeTags: map[string]string{"release": "1"}, FailurePolicy: ca.FailurePolicyFailIfAny, Instances: emu.InstanceIDs()}
	stack := metaStack(ctx, t, emu, "", "", spec)
	first, err := stack.Up(ctx)
	require.NoError(t, err)
	executions := emu.Stats().Executions
	require.EqualValues(t, 2, executions)

	spec.Description, spec.CommandTags = "second", map[string]string{"team": "web", "env": "prod"}
	spec.FailurePolicy, spec.SecretResults, spec.InvokeTags = ca.FailurePolicyNever, true, map[string]string{"release": "2"}
	var out bytes.Buffer
	prev, err := stack.Preview(ctx, optpreview.Diff(), optpreview.ProgressStreams(&out))
	require.NoError(t, err)
	assert.Equal(t, 2, prev.ChangeSummary[apitype.OpUpdate], "updates in %v\n%s", prev.ChangeSummary, out.String())
	assert.Zero(t, prev.ChangeSummary[apitype.OpReplace], "no replacement: %s", out.String())
	diff := out.String()
	for _, prop := range []string{"description", "tags", "failurePolicy", "secretResults"} {
		assert.Regexp(t, `~ `+prop+`\b`, diff, "the diff names %s", prop)
	}

	second, err := stack.Up(ctx)
	require.NoError(t, err)
	assert.Equal(t, outputString(t, first.Outputs, "commandId"), outputString(t, second.Outputs, "commandId"), "same command")
	assert.Equal(t, outputString(t, first.Outputs, "invokeId"), outputString(t, second.Outputs, "invokeId"), "same invocation")
	assert.Equal(t, executions, emu.Stats().Executions, "nothing ran again")
	assert.EqualValues(t, 1, emu.Stats().Actions["InvokeCommand"])
	assert.EqualValues(t, 1, emu.Stats().Actions["CreateCommand"])
	assert.Positive(t, emu.Stats().Actions["ModifyCommand"])
	assert.Positive(t, emu.Stats().Actions["TagResources"])
}

// TestEngineWrongSecretHidesParameters: with a wrong accessKeySecret, the gateway's
// SignatureDoesNotMatch echoes the string to sign (every parameter of InvokeCommand); no
// parameter value, in any encoding, reaches any output of up.
func TestEngineWrongSecretHidesParameters(t *testing.T) {
	useEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	emu := startEmulator(t, emulator.Options{InstanceCount: 1})
	spec := &metaSpec{Script: "echo {{token}}", Description: "d", Parameters: map[string]string{"token": unique("first")},
		Instances: emu.InstanceIDs(), FailurePolicy: ca.FailurePolicyFailIfAny}
	stack := metaStack(ctx, t, emu, "", "", spec)
	_, err := stack.Up(ctx)
	require.NoError(t, err)

	// A new parameter value replaces the invocation: its InvokeCommand is the call signed wrong.
	param := unique("p@ss word/+")
	spec.Parameters = map[string]string{"token": param}
	wrong := unique("wrong-secret")
	require.NoError(t, stack.SetConfig(ctx, "cloudassistant:accessKeySecret", auto.ConfigValue{Value: wrong, Secret: true}))
	logs := newLogCapture()
	_, err = stack.Up(ctx, logs.options()...)
	logs.wait()
	require.Error(t, err)
	text := logs.text() + logs.eventsText() + err.Error()
	assert.Contains(t, text, "SignatureDoesNotMatch", "the error names the problem")
	for _, leak := range []string{param, url.QueryEscape(param), strings.ReplaceAll(url.QueryEscape(param), "+", "%20"), wrong, "POST&%2F&"} {
		if i := strings.Index(text, leak); i >= 0 {
			t.Errorf("up's output holds %q: …%s…", leak, excerpt(text, i))
		}
	}
}

// TestEngineWaitOutlastsOutage: a 20 s API outage in the middle of a 30 s script does not
// fail up: the wait's status reads retry until its deadline, saying so.
func TestEngineWaitOutlastsOutage(t *testing.T) {
	useEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	emu := startEmulator(t, emulator.Options{InstanceCount: 1})
	px, err := faultproxy.Start(emu.URL())
	require.NoError(t, err)
	t.Cleanup(func() { _ = px.Close() })
	spec := &metaSpec{Script: "sleep 30; echo survived", Description: "d", Instances: emu.InstanceIDs(),
		FailurePolicy: ca.FailurePolicyFailIfAny}
	stack := metaStack(ctx, t, emu, px.URL(), "", spec)

	var once sync.Once
	go func() {
		// The outage starts once the script runs and the provider has read its status (so
		// the InvokeCommand's answer is in), and lasts 20 s of the script's 30. The first
		// DescribeInvocations is the Create's adoption look-up, before InvokeCommand.
		for ctx.Err() == nil && (emu.Stats().Executions == 0 || statusReads(emu) <= 1) {
			time.Sleep(50 * time.Millisecond)
		}
		once.Do(func() {
			px.SetDown(true)
			time.AfterFunc(20*time.Second, func() { px.SetDown(false) })
		})
	}()
	logs := newLogCapture()
	res, err := stack.Up(ctx, logs.options()...)
	logs.wait()
	require.NoError(t, err, "up:\n%s", logs.text())
	assert.NotEmpty(t, outputString(t, res.Outputs, "invokeId"))
	assert.Greater(t, px.Refused(), int64(8), "the outage cut more reads than the old attempt limit")
	assert.Contains(t, logs.eventsText(), "API unreachable, retrying for", "the status line says what happens")
}

// TestEngineUnreachableEndpoint: an endpoint nothing listens on fails up with an error that
// names it and the config key that set it. The time it takes is logged, not asserted.
func TestEngineUnreachableEndpoint(t *testing.T) {
	useEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	emu := startEmulator(t, emulator.Options{InstanceCount: 1})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	spec := &metaSpec{Script: "true", Description: "d", Instances: emu.InstanceIDs(), FailurePolicy: ca.FailurePolicyFailIfAny}
	stack := metaStack(ctx, t, emu, dead, "", spec)
	began := time.Now()
	_, err = stack.Up(ctx)
	require.Error(t, err)
	t.Logf("up failed after %s", time.Since(began).Round(100*time.Millisecond))
	assert.Contains(t, err.Error(), "cannot reach "+dead+" (set by cloudassistant:endpoint)")
}

// TestEngineScheduleChangeStopsOldFirst: changing a periodic invocation's frequency stops the
// old schedule before the new invocation is created, so two never run at once.
func TestEngineScheduleChangeStopsOldFirst(t *testing.T) {
	useEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var log syncBuffer // the emulator's log, written from its handlers
	emu := startEmulator(t, emulator.Options{InstanceCount: 1, Log: &log})
	spec := &metaSpec{Script: "true", Description: "d", Instances: emu.InstanceIDs(), FailurePolicy: ca.FailurePolicyFailIfAny,
		RepeatMode: "Period", Frequency: "rate(1h)"}
	stack := metaStack(ctx, t, emu, "", "", spec)
	first, err := stack.Up(ctx)
	require.NoError(t, err)
	spec.Frequency = "rate(2h)"
	mark := log.Len()
	second, err := stack.Up(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, outputString(t, first.Outputs, "invokeId"), outputString(t, second.Outputs, "invokeId"))
	after := log.String()[mark:]
	stop, invoke := strings.Index(after, "StopInvocation -> 200"), strings.Index(after, "InvokeCommand -> 200")
	require.GreaterOrEqual(t, stop, 0, "the old schedule was stopped:\n%s", after)
	require.GreaterOrEqual(t, invoke, 0, "a new invocation was created:\n%s", after)
	assert.Less(t, stop, invoke, "stopped before the new one was created:\n%s", after)
	assert.Equal(t, 1, emu.Stats().ActiveInvocations, "one schedule at a time")
}

// statusReads counts the status reads the emulator has answered.
func statusReads(emu *emulator.Server) int64 {
	st := emu.Stats()
	return int64(st.Actions["DescribeInvocationResults"] + st.Actions["DescribeInvocations"])
}
