package emulator

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/clock"
)

func TestInvokeOnce(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	ids := srv.InstanceIDs()
	require.Len(t, ids, 3)

	cmd := mkCommand(t, c, "echo hello; pwd; echo err >&2", nil)
	inv := mkInvoke(t, c, cmd, ids[:2], nil)
	assert.True(t, strings.HasPrefix(inv, "t-"), inv)
	got := waitStatus(t, c, inv, 5*time.Second, "Success")
	assert.Equal(t, "Finished", got.InvokeStatus)
	assert.Equal(t, "Once", got.RepeatMode)
	assert.Equal(t, cmd, got.CommandId)
	require.Len(t, got.InvokeInstances.InvokeInstance, 2)
	assert.Equal(t, "Success", got.InvokeInstances.InvokeInstance[0].InvocationStatus)
	assert.Equal(t, "Finished", got.InvokeInstances.InvokeInstance[0].InstanceInvokeStatus)
	assert.Contains(t, got.InvokeInstances.InvokeInstance[0].Output, "hello")

	rs := results(t, c, inv, nil)
	require.Len(t, rs, 2)
	for _, r := range rs {
		assert.Equal(t, "Success", r.InvocationStatus)
		assert.Equal(t, "Finished", r.InvokeRecordStatus)
		assert.Equal(t, "hello\n/root\nerr\n", r.Output, "runs in the instance's /root")
		assert.EqualValues(t, 0, r.ExitCode)
		assert.NotEmpty(t, r.StartTime)
		assert.NotEmpty(t, r.FinishedTime)
	}
	// Base64 unless PlainText is asked for.
	rs = results(t, c, inv, func(r *ecs.DescribeInvocationResultsRequest) { r.ContentEncoding = "" })
	assert.True(t, strings.HasPrefix(rs[0].Output, b64("hello\n/")[:8]), rs[0].Output)

	st := srv.Stats()
	assert.EqualValues(t, 2, st.Executions)
	assert.EqualValues(t, 1, st.Actions["InvokeCommand"])
	assert.Equal(t, 1, st.Commands)
	assert.Equal(t, 1, st.Invocations)
	assert.Equal(t, 0, st.ActiveInvocations)

	// The command records its use.
	assert.Equal(t, 1, describeCommand(t, c, cmd)[0].InvokeTimes)
}

func TestExecutionOutcomes(t *testing.T) {
	t.Parallel()
	no := false
	fake := clock.NewFake(fakeStart)
	sandbox := t.TempDir()
	srv := start(t, Options{Clock: fake, SandboxDir: sandbox, Instances: []Instance{
		{ID: "i-a"}, {ID: "i-b"}, {ID: "i-win", OSType: "windows"},
		{ID: "i-off", Status: "Stopped"}, {ID: "i-noagent", AgentInstalled: &no},
	}})
	one := []string{"i-a"}

	type want struct{ status, overall, legacy, code string }
	cases := []struct {
		name      string
		content   string
		cmd       func(*ecs.CreateCommandRequest)
		instances []string
		inv       func(*ecs.InvokeCommandRequest)
		want      want
		check     func(t *testing.T, r ecs.InvocationResult)
		// advanceWhen names a file the script creates in /root of i-a once it is ready for
		// the fake clock to move on by a second.
		advanceWhen string
	}{
		{name: "nonzero exit", content: "echo out; exit 3", instances: one,
			want: want{"Failed", "Failed", "Finished", "ExitCodeNonzero"},
			check: func(t *testing.T, r ecs.InvocationResult) {
				assert.EqualValues(t, 3, r.ExitCode)
				assert.Equal(t, "out\n", r.Output)
			}},
		{name: "timeout", content: "echo started; touch timeout-started; sleep 20", instances: one, advanceWhen: "timeout-started",
			inv:  func(r *ecs.InvokeCommandRequest) { r.Timeout = requests.NewInteger(1) },
			want: want{"Timeout", "Failed", "Failed", "ExecutionTimeout"},
			check: func(t *testing.T, r ecs.InvocationResult) {
				s, err := time.Parse(timeLayout, r.StartTime)
				require.NoError(t, err)
				f, err := time.Parse(timeLayout, r.FinishedTime)
				require.NoError(t, err)
				assert.Equal(t, time.Second, f.Sub(s), "FinishedTime = StartTime + Timeout")
				assert.Equal(t, "started\n", r.Output)
			}},
		{name: "output truncated", content: "seq 1 20000", instances: one,
			want: want{"Success", "Success", "Finished", ""},
			check: func(t *testing.T, r ecs.InvocationResult) {
				// 108,894 bytes: the first 6,000 and the last 18,576 are kept, as the agent does.
				assert.Len(t, r.Output, 24*1024)
				assert.Equal(t, 108894-24*1024, r.Dropped)
				assert.True(t, strings.HasPrefix(r.Output, "1\n2\n3\n"), r.Output[:10])
				assert.True(t, strings.HasSuffix(r.Output, "\n19999\n20000\n"))
			}},
		{name: "clean environment", content: "env | sort; echo HOME=$HOME", instances: one,
			want: want{"Success", "Success", "Finished", ""},
			check: func(t *testing.T, r ecs.InvocationResult) {
				assert.Contains(t, r.Output, "PATH=")
				assert.Contains(t, r.Output, "\nHOME=/root\n")
				assert.NotContains(t, r.Output, "GOPATH")
				assert.NotContains(t, r.Output, "ACCESS_KEY")
				assert.NotContains(t, r.Output, "emulator-secret")
			}},
		{name: "working dir", content: "pwd", cmd: func(r *ecs.CreateCommandRequest) { r.WorkingDir = "/tmp" }, instances: one,
			want: want{"Success", "Success", "Finished", ""},
			check: func(t *testing.T, r ecs.InvocationResult) {
				assert.Equal(t, "/tmp\n", r.Output)
			}},
		{name: "missing working dir", content: "pwd", cmd: func(r *ecs.CreateCommandRequest) { r.WorkingDir = "/opt/nowhere" }, instances: one,
			want: want{"Failed", "Failed", "Finished", "DirectoryNotExists"}},
		{name: "known user", content: "echo ok", instances: one,
			inv:  func(r *ecs.InvokeCommandRequest) { r.Username = "root" },
			want: want{"Success", "Success", "Finished", ""}},
		{name: "unknown user", content: "echo ok", instances: one,
			inv:   func(r *ecs.InvokeCommandRequest) { r.Username = "nobody-here-at-all" },
			want:  want{"Failed", "Failed", "Finished", "AccountNotExists"},
			check: func(t *testing.T, r ecs.InvocationResult) { assert.Equal(t, "nobody-here-at-all", r.Username) }},
		{name: "windows type on linux", content: "echo ok", cmd: func(r *ecs.CreateCommandRequest) { r.Type = "RunPowerShellScript" }, instances: one,
			want: want{"Invalid", "Failed", "Failed", "CommandNotApplicable"}},
		{name: "windows type on windows", content: "echo ok", cmd: func(r *ecs.CreateCommandRequest) { r.Type = "RunBatScript" }, instances: []string{"i-win"},
			want: want{"Error", "Failed", "Failed", "ExecutionException"}},
		{name: "stopped instance", content: "echo ok", instances: []string{"i-off"},
			want: want{"Aborted", "Failed", "Failed", "InstanceNotRunning"}},
		{name: "no agent", content: "echo ok", instances: []string{"i-noagent"},
			want: want{"Aborted", "Failed", "Failed", "ClientNotRunning"}},
		{name: "parameters", content: "echo {{ who }} {{ACS::InstanceId}} {{ ACS::InvokeId }} {{ACS::RegionId}}",
			cmd:       func(r *ecs.CreateCommandRequest) { r.EnableParameter = requests.NewBoolean(true) },
			instances: one,
			inv:       func(r *ecs.InvokeCommandRequest) { r.Parameters = map[string]any{"who": "world"} },
			want:      want{"Success", "Success", "Finished", ""},
			check: func(t *testing.T, r ecs.InvocationResult) {
				assert.Equal(t, fmt.Sprintf("world i-a %s cn-hangzhou\n", r.InvokeId), r.Output)
			}},
		{name: "partial failure", content: `[ "{{ACS::InstanceId}}" = i-a ]`,
			cmd:       func(r *ecs.CreateCommandRequest) { r.EnableParameter = requests.NewBoolean(true) },
			instances: []string{"i-a", "i-b"},
			want:      want{"", "PartialFailed", "Finished", ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := client(t, srv) // the SDK client is not safe for concurrent use
			cmd := mkCommand(t, c, tc.content, tc.cmd)
			inv := mkInvoke(t, c, cmd, tc.instances, tc.inv)
			if tc.advanceWhen != "" {
				require.Eventually(t, func() bool {
					_, err := os.Stat(filepath.Join(sandbox, "i-a", "root", tc.advanceWhen))
					return err == nil
				}, 10*time.Second, time.Millisecond)
				fake.Advance(time.Second)
			}
			got := waitStatus(t, c, inv, 10*time.Second, tc.want.overall)
			assert.Equal(t, tc.want.legacy, got.InvokeStatus)
			if tc.want.status == "" {
				return
			}
			rs := results(t, c, inv, nil)
			require.Len(t, rs, 1)
			assert.Equal(t, tc.want.status, rs[0].InvocationStatus)
			assert.Equal(t, tc.want.code, rs[0].ErrorCode)
			if tc.want.code != "" {
				assert.NotEmpty(t, rs[0].ErrorInfo)
			}
			if tc.check != nil {
				tc.check(t, rs[0])
			}
		})
	}
}

func TestInvokeErrors(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{Instances: []Instance{{ID: "i-a"}, {ID: "i-win", OSType: "windows"}}})
	c := client(t, srv)
	cmd := mkCommand(t, c, "true", nil)
	param := mkCommand(t, c, "echo {{a}} {{b}}", func(r *ecs.CreateCommandRequest) { r.EnableParameter = requests.NewBoolean(true) })
	big := mkCommand(t, c, strings.Repeat("x", 11*1024)+"{{a}}", func(r *ecs.CreateCommandRequest) { r.EnableParameter = requests.NewBoolean(true) })
	var tooMany []string
	for i := range 101 {
		tooMany = append(tooMany, fmt.Sprintf("i-%d", i))
	}
	many := map[string]any{}
	for i := range 21 {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	cases := []struct {
		name   string
		mod    func(*ecs.InvokeCommandRequest)
		code   string
		status int
	}{
		{"no command", func(r *ecs.InvokeCommandRequest) { r.CommandId = "" }, "MissingParameter.CommandId", 400},
		{"no instance", func(r *ecs.InvokeCommandRequest) { r.InstanceId = nil }, "MissingParam.InstanceId", 400},
		{"unknown command", func(r *ecs.InvokeCommandRequest) { r.CommandId = "c-nope" }, "InvalidCmdId.NotFound", 404},
		{"unknown instance", func(r *ecs.InvokeCommandRequest) { r.InstanceId = &[]string{"i-a", "i-nope"} }, "InvalidInstance.NotFound", 404},
		{"shell on windows", func(r *ecs.InvokeCommandRequest) { r.InstanceId = &[]string{"i-win"} }, "InvalidInstance.NotMatch", 400},
		{"too many instances", func(r *ecs.InvokeCommandRequest) { r.InstanceId = &tooMany }, "InstanceIds.ExceedLimit", 403},
		{"period without frequency", func(r *ecs.InvokeCommandRequest) { r.RepeatMode = "Period" }, "MissingParam.Frequency", 400},
		{"bad frequency", func(r *ecs.InvokeCommandRequest) { r.RepeatMode, r.Frequency = "Period", "every day" }, "InvalidParam.Frequency", 400},
		{"frequency too often", func(r *ecs.InvokeCommandRequest) { r.RepeatMode, r.Frequency = "Period", "*/1 * * * * ?" }, "InvalidParam.Frequency", 400},
		{"at in the past", func(r *ecs.InvokeCommandRequest) { r.RepeatMode, r.Frequency = "Period", "at(2020-01-01 00:00:00)" }, "InvalidParam.Frequency", 400},
		{"bad repeat mode", func(r *ecs.InvokeCommandRequest) { r.RepeatMode = "Sometimes" }, "InvalidRepeatMode.NotFound", 404},
		{"username too long", func(r *ecs.InvokeCommandRequest) { r.Username = strings.Repeat("u", 256) }, "Username.ExceedLimit", 403},
		{"parameters disabled", func(r *ecs.InvokeCommandRequest) { r.Parameters = map[string]any{"a": "1"} }, "Parameter.Disabled", 400},
		{"parameter not matched", func(r *ecs.InvokeCommandRequest) {
			r.CommandId, r.Parameters = param, map[string]any{"a": "1", "b": "2", "c": "3"}
		}, "Parameter.NotMatched", 403},
		{"parameter missing", func(r *ecs.InvokeCommandRequest) { r.CommandId, r.Parameters = param, map[string]any{"a": "1"} }, "Parameter.MissingValue", 400},
		{"parameter key too long", func(r *ecs.InvokeCommandRequest) {
			r.CommandId, r.Parameters = param, map[string]any{strings.Repeat("k", 65): "1"}
		}, "ParameterKey.ExceedLimit", 403},
		{"parameter key twice", func(r *ecs.InvokeCommandRequest) {
			r.CommandId, r.Parameters = param, map[string]any{"a": "1", "A": "1", "b": "2"}
		}, "ParameterKey.Duplicate", 403},
		{"parameter not a string", func(r *ecs.InvokeCommandRequest) {
			r.CommandId, r.Parameters = param, map[string]any{"a": 1, "b": "2"}
		}, "ParameterType.NotSupported", 403},
		{"too many parameters", func(r *ecs.InvokeCommandRequest) { r.CommandId, r.Parameters = param, many }, "ParameterCount.ExceedLimit", 403},
		{"content and parameters too large", func(r *ecs.InvokeCommandRequest) {
			r.CommandId, r.Parameters = big, map[string]any{"a": strings.Repeat("v", 3*1024)}
		}, "CmdContent.ExceedLimit", 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := ecs.CreateInvokeCommandRequest()
			req.CommandId, req.InstanceId = cmd, &[]string{"i-a"}
			tc.mod(req)
			_, err := c.InvokeCommand(req)
			requireCode(t, err, tc.code, tc.status)
		})
	}
	assert.Equal(t, 0, srv.Stats().Invocations, "a rejected call records nothing")
}

func TestStopInvocation(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	ids := srv.InstanceIDs()

	cmd := mkCommand(t, c, "echo begin; sleep 30", nil)
	inv := mkInvoke(t, c, cmd, ids[:1], nil)
	waitStatus(t, c, inv, 5*time.Second, "Running")
	stop := ecs.CreateStopInvocationRequest()
	stop.InvokeId = inv
	_, err := c.StopInvocation(stop)
	require.NoError(t, err)
	got := waitStatus(t, c, inv, 5*time.Second, "Stopped")
	assert.Equal(t, "Stopped", got.InvokeStatus)
	rs := results(t, c, inv, nil)
	require.Len(t, rs, 1)
	assert.Equal(t, "Terminated", rs[0].InvocationStatus)
	assert.Equal(t, "Stopped", rs[0].InvokeRecordStatus)
	assert.NotEmpty(t, rs[0].StopTime)

	// A run that has not started yet is cancelled.
	pending := mkInvoke(t, c, cmd, ids[:1], func(r *ecs.InvokeCommandRequest) { r.RepeatMode = "NextRebootOnly" })
	assert.Equal(t, "Scheduled", describe(t, c, pending).InvocationStatus)
	stop.InvokeId = pending
	_, err = c.StopInvocation(stop)
	require.NoError(t, err)
	got = describe(t, c, pending)
	assert.Equal(t, "Stopped", got.InvocationStatus)
	assert.Equal(t, "Cancelled", got.InvokeInstances.InvokeInstance[0].InvocationStatus)

	stop.InvokeId = "t-nope"
	_, err = c.StopInvocation(stop)
	requireCode(t, err, "InvalidInvokeId.NotFound", 404)
	_, err = c.StopInvocation(ecs.CreateStopInvocationRequest())
	requireCode(t, err, "MissingParameter.InvokeId", 400)
}

func TestStopOneInstance(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	ids := srv.InstanceIDs()
	cmd := mkCommand(t, c, `[ "{{ACS::InstanceId}}" = "`+ids[0]+`" ] && sleep 30; true`, func(r *ecs.CreateCommandRequest) {
		r.EnableParameter = requests.NewBoolean(true)
	})
	inv := mkInvoke(t, c, cmd, ids[:2], nil)
	require.Eventually(t, func() bool {
		rs := results(t, c, inv, func(r *ecs.DescribeInvocationResultsRequest) { r.InstanceId = ids[1] })
		return len(rs) == 1 && rs[0].InvocationStatus == "Success"
	}, 5*time.Second, 10*time.Millisecond)
	stop := ecs.CreateStopInvocationRequest()
	stop.InvokeId, stop.InstanceId = inv, &[]string{ids[0]}
	_, err := c.StopInvocation(stop)
	require.NoError(t, err)
	got := waitStatus(t, c, inv, 5*time.Second, "Success")
	assert.Equal(t, "Finished", got.InvokeStatus, "stopped plus finished is Finished")
}

func TestIdempotency(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	ids := srv.InstanceIDs()
	cmd := mkCommand(t, c, "true", nil)

	first := mkInvoke(t, c, cmd, ids[:1], func(r *ecs.InvokeCommandRequest) { r.ClientToken = "tok-1" })
	again := mkInvoke(t, c, cmd, ids[:1], func(r *ecs.InvokeCommandRequest) { r.ClientToken = "tok-1" })
	assert.Equal(t, first, again)
	req := ecs.CreateInvokeCommandRequest()
	req.CommandId, req.InstanceId, req.ClientToken = cmd, &[]string{ids[1]}, "tok-1"
	_, err := c.InvokeCommand(req)
	requireCode(t, err, "IdempotentParameterMismatch", 403)
	assert.Equal(t, 1, srv.Stats().Invocations)
	assert.EqualValues(t, 1, srv.Stats().Executions)

	run := func(content string) (*ecs.RunCommandResponse, error) {
		req := ecs.CreateRunCommandRequest()
		req.Type, req.CommandContent, req.InstanceId, req.ClientToken = "RunShellScript", content, &[]string{ids[0]}, "tok-2"
		return c.RunCommand(req)
	}
	r1, err := run("echo run")
	require.NoError(t, err)
	r2, err := run("echo run")
	require.NoError(t, err)
	assert.Equal(t, r1.InvokeId, r2.InvokeId)
	assert.Equal(t, r1.CommandId, r2.CommandId)
	_, err = run("echo other")
	requireCode(t, err, "IdempotentParameterMismatch", 403)

	req.ClientToken = strings.Repeat("x", 65)
	_, err = c.InvokeCommand(req)
	requireCode(t, err, "InvalidClientToken.Malformed", 400)
}

func TestRunCommand(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	ids := srv.InstanceIDs()

	req := ecs.CreateRunCommandRequest()
	req.Type, req.CommandContent, req.InstanceId = "RunShellScript", "echo {{x}}", &ids
	req.EnableParameter, req.Parameters = requests.NewBoolean(true), map[string]any{"x": "plain"}
	resp, err := c.RunCommand(req)
	require.NoError(t, err)
	got := waitStatus(t, c, resp.InvokeId, 5*time.Second, "Success")
	assert.Equal(t, "plain\n", got.InvokeInstances.InvokeInstance[0].Output)
	assert.Equal(t, `{"x":"plain"}`, got.Parameters)
	assert.Equal(t, resp.CommandId, got.CommandId)
	assert.Empty(t, describeCommand(t, c, resp.CommandId), "without KeepCommand the command is not kept")

	req = ecs.CreateRunCommandRequest()
	req.Type, req.CommandContent, req.InstanceId = "RunShellScript", b64("echo kept"), &[]string{ids[0]}
	req.ContentEncoding, req.KeepCommand, req.Name = "Base64", requests.NewBoolean(true), "keeper"
	resp, err = c.RunCommand(req)
	require.NoError(t, err)
	cmds := describeCommand(t, c, resp.CommandId)
	require.Len(t, cmds, 1)
	assert.Equal(t, "keeper", cmds[0].Name)
	waitStatus(t, c, resp.InvokeId, 5*time.Second, "Success")

	req = ecs.CreateRunCommandRequest()
	req.Type, req.InstanceId = "RunShellScript", &[]string{ids[0]}
	_, err = c.RunCommand(req)
	requireCode(t, err, "MissingParameter.CommandContent", 400)
}

func TestDescribeInvocationsFiltersAndPaging(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	ids := srv.InstanceIDs()
	ok := mkCommand(t, c, "true", nil)
	bad := mkCommand(t, c, "false", nil)
	var invs []string
	for i := range 4 {
		invs = append(invs, mkInvoke(t, c, ok, ids[i%3:i%3+1], nil))
	}
	failed := mkInvoke(t, c, bad, ids, nil)
	waitStatus(t, c, failed, 5*time.Second, "Failed")
	for _, inv := range invs {
		waitStatus(t, c, inv, 5*time.Second, "Success")
	}

	list := func(mod func(*ecs.DescribeInvocationsRequest)) *ecs.DescribeInvocationsResponse {
		req := ecs.CreateDescribeInvocationsRequest()
		mod(req)
		resp, err := c.DescribeInvocations(req)
		require.NoError(t, err)
		return resp
	}
	assert.EqualValues(t, 5, list(func(*ecs.DescribeInvocationsRequest) {}).TotalCount)
	assert.EqualValues(t, 3, list(func(r *ecs.DescribeInvocationsRequest) { r.InstanceId = ids[0] }).TotalCount)
	assert.EqualValues(t, 1, list(func(r *ecs.DescribeInvocationsRequest) { r.CommandId = bad }).TotalCount)
	assert.EqualValues(t, 1, list(func(r *ecs.DescribeInvocationsRequest) { r.InvokeStatus = "Failed" }).TotalCount)
	assert.EqualValues(t, 4, list(func(r *ecs.DescribeInvocationsRequest) { r.InvokeStatus = "Success" }).TotalCount)
	// The legacy status calls a process that ran to its end Finished, whatever its exit code.
	assert.EqualValues(t, 5, list(func(r *ecs.DescribeInvocationsRequest) { r.InvokeStatus = "Finished" }).TotalCount)
	newest := list(func(r *ecs.DescribeInvocationsRequest) { r.PageSize = requests.NewInteger(2) })
	require.Len(t, newest.Invocations.Invocation, 2)
	assert.Equal(t, failed, newest.Invocations.Invocation[0].InvokeId, "newest first")

	var seen []string
	token := ""
	for {
		resp := list(func(r *ecs.DescribeInvocationsRequest) { r.MaxResults, r.NextToken = requests.NewInteger(2), token })
		for _, inv := range resp.Invocations.Invocation {
			seen = append(seen, inv.InvokeId)
		}
		if token = resp.NextToken; token == "" {
			break
		}
	}
	assert.Len(t, seen, 5)

	// Results: all instances of the failed one, filtered by status and paged.
	req := ecs.CreateDescribeInvocationResultsRequest()
	req.InvokeId, req.PageSize = failed, requests.NewInteger(2)
	resp, err := c.DescribeInvocationResults(req)
	require.NoError(t, err)
	assert.EqualValues(t, 3, resp.Invocation.TotalCount)
	assert.Len(t, resp.Invocation.InvocationResults.InvocationResult, 2)
	rs := results(t, c, "", func(r *ecs.DescribeInvocationResultsRequest) { r.InvokeRecordStatus = "Failed"; r.InstanceId = ids[0] })
	require.Len(t, rs, 1)
	assert.Equal(t, failed, rs[0].InvokeId)
	assert.Empty(t, results(t, c, "t-unknown", nil))
}
