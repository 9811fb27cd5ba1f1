package reliability

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
)

// The careful path after a dead CLI: `pulumi import` of the Invocation with the ID of any one
// batch of the interrupted rollout records the whole rollout (its other batches carry the
// same tags), and the next `up` starts only the instances never started, with nothing left
// to adopt. (`pulumi refresh --import-pending-creates` cannot do this with Pulumi 3.256: the
// refresh turns the pending create into a pending import and then drops it, whatever the
// provider answers; docs/interruptions.md says so.)
func TestEngineImportInterruptedRollout(t *testing.T) {
	useEngine(t)
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	emu := startEmulator(t, emulator.Options{InstanceCount: 250})
	ids := emu.InstanceIDs()
	s := newCLIStack(t, emu, emu.URL(), rolloutProgram("echo ran >> ran.log; sleep 1", ids, `      maxConcurrency: "50"`))
	var out syncBuffer
	up := s.startUp(ctx, &out)
	require.Eventually(t, func() bool { return emu.Stats().Executions >= 100 }, 3*time.Minute, 5*time.Millisecond,
		"the rollout did not reach 100 runs:\n%s", out.String())
	interrupt(t, up, killCLI)
	time.Sleep(time.Second) // the orphaned plugin's last call, cancelled with the CLI, settles

	batches := invokeIDs(t, emu)
	require.Greater(t, len(batches), 1, "a multi-batch rollout was interrupted")
	s.runAll(ctx, afterDeadCLI...)
	s.runAll(ctx, []string{"import", "cloudassistant:index:Invocation", "run", batches[len(batches)-1],
		"--yes", "--skip-preview", "--protect=false", "--generate-code=false"})
	export, err := s.command(ctx, "stack", "export").Output()
	require.NoError(t, err)
	for _, id := range batches {
		assert.Contains(t, string(export), id, "the imported Invocation records every batch")
	}

	next, err := s.run(ctx, "up", "--yes", "--skip-preview")
	require.NoError(t, err, "the up after the import:\n%s", next)
	assert.NotContains(t, next, "adopted", "the import recorded every batch: nothing is left to adopt")
	s.requireNothingLeft(ctx, next)
	requireOncePerInstance(t, emu.StatsPerInstance().ExecutionsByInstance, ids, "ran", out.String()+next)
}

// invokeIDs lists the emulator's command runs, oldest first, through the SDK.
func invokeIDs(t *testing.T, emu *emulator.Server) []string {
	t.Helper()
	api := emulatorClient(t, emu)
	type run struct{ id, created string }
	var runs []run
	for page := 1; ; page++ {
		req := ecs.CreateDescribeInvocationsRequest()
		req.PageSize, req.PageNumber = requests.NewInteger(50), requests.NewInteger(page)
		resp, err := api.DescribeInvocations(req)
		require.NoError(t, err)
		for _, inv := range resp.Invocations.Invocation {
			runs = append(runs, run{inv.InvokeId, inv.CreationTime})
		}
		if len(resp.Invocations.Invocation) < 50 {
			break
		}
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].created < runs[j].created })
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = r.id
	}
	return out
}

// `pulumi import` of a File with the ID of one of its tasks records every task of the
// interrupted send; the next up sends nothing again.
func TestEngineImportInterruptedFile(t *testing.T) {
	useEngine(t)
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	emu, s, up, out, release := startHeldFileUp(ctx, t, false)
	interrupt(t, up, killCLI)
	release()

	tasks := fileTaskIDs(t, emu)
	require.Len(t, tasks, 2)
	s.runAll(ctx, afterDeadCLI...)
	s.runAll(ctx, []string{"import", "cloudassistant:index:File", "conf", tasks[1],
		"--yes", "--skip-preview", "--protect=false", "--generate-code=false"})
	next, err := s.run(ctx, "up", "--yes", "--skip-preview")
	require.NoError(t, err, "the up after the import:\n%s", next)
	assert.NotContains(t, next, "adopted", "the import recorded every task: nothing is left to adopt")
	s.requireNothingLeft(ctx, next)
	st := emu.StatsPerInstance()
	assert.EqualValues(t, 2, st.Actions["SendFile"], "the file was sent again:\n%s", next)
	requireOncePerInstance(t, st.DeliveriesByInstance, emu.InstanceIDs(), "received the file", out.String()+next)
}

// fileTaskIDs lists the emulator's file tasks, oldest first, through the SDK.
func fileTaskIDs(t *testing.T, emu *emulator.Server) []string {
	t.Helper()
	req := ecs.CreateDescribeSendFileResultsRequest()
	req.MaxResults = requests.NewInteger(50)
	resp, err := emulatorClient(t, emu).DescribeSendFileResults(req)
	require.NoError(t, err)
	var out []string
	for _, task := range resp.Invocations.Invocation { // newest first
		out = append([]string{task.InvokeId}, out...)
	}
	return out
}

// emulatorClient is an SDK client of emu.
func emulatorClient(t *testing.T, emu *emulator.Server) *ecs.Client {
	t.Helper()
	cfg := sdk.NewConfig()
	cfg.Scheme = "HTTP"
	api, err := ecs.NewClientWithOptions(emu.Region(), cfg, credentials.NewAccessKeyCredential(emu.AccessKeyID(), emu.AccessKeySecret()))
	require.NoError(t, err)
	api.Domain = emu.URL()[len("http://"):]
	return api
}
