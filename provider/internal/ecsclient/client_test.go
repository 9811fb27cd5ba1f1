package ecsclient_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

var fastRetry = ecsclient.RetryPolicy{Base: 5 * time.Millisecond, Max: 40 * time.Millisecond, MaxAttempts: 30}

func start(t *testing.T, faults emulator.Faults) (*emulator.Server, *ecsclient.Client) {
	t.Helper()
	srv, err := emulator.New(emulator.Options{Listen: "127.0.0.1:0", Faults: faults})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	c, err := ecsclient.New(ecsclient.Options{
		Region: srv.Region(), AccessKeyID: srv.AccessKeyID(), AccessKeySecret: srv.AccessKeySecret(),
		Endpoint: srv.URL(), UserAgent: "pulumi-cloudassistant/test", Retry: fastRetry,
	})
	require.NoError(t, err)
	return srv, c
}

func newCommand(t *testing.T, c *ecsclient.Client, script string) string {
	t.Helper()
	r := ecs.CreateCreateCommandRequest()
	r.Name, r.Type = "t", "RunShellScript"
	r.CommandContent = b64(script)
	id, err := c.CreateCommand(context.Background(), r)
	require.NoError(t, err)
	return id
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestRetriesThrottlingAndServerErrors(t *testing.T) {
	t.Parallel()
	srv, c := start(t, emulator.Faults{ThrottleRate: 0.3, ServerErrorRate: 0.2})
	for range 15 {
		newCommand(t, c, "true")
	}
	assert.Equal(t, 15, srv.Stats().Commands)
	assert.Greater(t, srv.Stats().Actions["CreateCommand"], int64(15), "some calls were retried")
}

func TestClientTokenMakesRetriedInvokeRunOnce(t *testing.T) {
	t.Parallel()
	srv, c := start(t, emulator.Faults{})
	cmd := newCommand(t, c, "true")
	ids := srv.InstanceIDs()[:1]
	// Answers are lost after the service committed: retries must not run the script again.
	srv.SetFaults(emulator.Faults{DropRate: 0.5})
	for range 8 {
		r := ecs.CreateInvokeCommandRequest()
		r.CommandId, r.InstanceId = cmd, &ids
		_, err := c.InvokeCommand(context.Background(), r)
		require.NoError(t, err)
	}
	srv.SetFaults(emulator.Faults{})
	st := srv.Stats()
	assert.Equal(t, 8, st.Invocations)
	assert.Greater(t, st.Actions["InvokeCommand"], int64(8), "some answers were dropped and retried")
}

// CreateCommand takes no ClientToken: when its answer is lost after the service created the
// command, the retry must adopt that command, not create a second one nothing deletes.
func TestRetriedCreateCommandLeavesNoOrphans(t *testing.T) {
	t.Parallel()
	srv, c := start(t, emulator.Faults{DropRate: 0.5, ServerErrorRate: 0.1})
	const n, parallel = 20, 4
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := ecs.CreateCreateCommandRequest()
				r.Name, r.Type = fmt.Sprintf("orphan-check-%d", i), "RunShellScript"
				r.CommandContent = b64(fmt.Sprintf("echo %d", i))
				r.WorkingDir, r.Description = "/tmp", "no orphans"
				r.Timeout = requests.NewInteger(120)
				ids[i], errs[i] = c.CreateCommand(context.Background(), r)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	srv.SetFaults(emulator.Faults{})

	st := srv.Stats()
	// The faults must have bitten, or this test proves nothing: an adopted command is not
	// created again, so the sign is the look-ups (DescribeCommands) made before retrying.
	assert.Positive(t, st.Actions["DescribeCommands"], "no lost CreateCommand answer was looked up")
	assert.Equal(t, n, st.Commands, "commands the service holds: one per create")
	seen := map[string]bool{}
	for i := range n {
		require.NoError(t, errs[i], "create %d", i)
		assert.False(t, seen[ids[i]], "create %d returned %s twice", i, ids[i])
		seen[ids[i]] = true
		cmd, err := c.DescribeCommand(context.Background(), ids[i])
		if assert.NoError(t, err, "create %d", i) {
			assert.Equal(t, fmt.Sprintf("orphan-check-%d", i), cmd.Name)
		}
	}
}

func TestOtherErrorsSurfaceAtOnceWithContext(t *testing.T) {
	t.Parallel()
	srv, c := start(t, emulator.Faults{})
	ids := srv.InstanceIDs()
	r := ecs.CreateInvokeCommandRequest()
	r.CommandId, r.InstanceId = "c-doesnotexist", &ids
	_, err := c.InvokeCommand(context.Background(), r)
	require.Error(t, err)
	var apiErr *ecsclient.APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, 1, apiErr.Attempts)
	assert.Equal(t, "InvalidCmdId.NotFound", apiErr.Code)
	assert.NotEmpty(t, apiErr.RequestID)
	assert.True(t, errors.Is(err, ecsclient.ErrNotFound))
	assert.Regexp(t, `^creating invocation of c-doesnotexist on 3 instances: InvalidCmdId\.NotFound \(request [^)]+\): .+`, err.Error())
	assert.EqualValues(t, 1, srv.Stats().Actions["InvokeCommand"])
}

func TestHonoursContextDeadline(t *testing.T) {
	t.Parallel()
	_, c := start(t, emulator.Faults{Latency: 3 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err := c.DescribeCommand(ctx, "c-x")
	require.Error(t, err)
	assert.Less(t, time.Since(began), time.Second)
	assert.Contains(t, err.Error(), "reading command c-x: timed out")
}

func TestErrorsNeverCarryCredentials(t *testing.T) {
	t.Parallel()
	srv, _ := start(t, emulator.Faults{})
	const secret, token = "not-the-right-secret-123", "sts-token-value-456"
	c, err := ecsclient.New(ecsclient.Options{Region: srv.Region(), AccessKeyID: srv.AccessKeyID(),
		AccessKeySecret: secret, SecurityToken: token, Endpoint: srv.URL(), Retry: fastRetry})
	require.NoError(t, err)
	_, err = c.DescribeCommand(context.Background(), "c-x")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
	assert.NotContains(t, err.Error(), token)

	// A transport failure: the SDK's error carries the signed URL; ours must not.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	c, err = ecsclient.New(ecsclient.Options{Region: "cn-hangzhou", AccessKeyID: "AKIDEXAMPLE",
		AccessKeySecret: secret, SecurityToken: token, Endpoint: "http://" + addr,
		Retry: ecsclient.RetryPolicy{Base: time.Millisecond, Max: time.Millisecond, MaxAttempts: 2}})
	require.NoError(t, err)
	_, err = c.DescribeCommand(context.Background(), "c-x")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), token)
	assert.NotContains(t, err.Error(), "Signature=")
	assert.Contains(t, err.Error(), "reading command c-x:")
	assert.Contains(t, err.Error(), "after 2 attempts")
}

func TestEndpointScheme(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"ftp://x", "http://"} {
		_, err := ecsclient.New(ecsclient.Options{Region: "cn-hangzhou", AccessKeyID: "a", AccessKeySecret: "b", Endpoint: bad})
		assert.Error(t, err, bad)
	}
	_, err := ecsclient.New(ecsclient.Options{Region: "cn-hangzhou", AccessKeyID: "a"})
	assert.ErrorContains(t, err, "incomplete credentials")
	_, err = ecsclient.New(ecsclient.Options{})
	assert.ErrorContains(t, err, "no region")
}

// The engine runs many operations at once through one Client: a call with a short deadline
// must not shorten the timeout of the calls running beside it. Run under -race (make test
// does): the SDK's own client rewrites its timeout on every call, which -race reports.
func TestConcurrentCallsKeepTheirOwnTimeouts(t *testing.T) {
	t.Parallel()
	srv, c := start(t, emulator.Faults{Latency: 300 * time.Millisecond})
	cmd := newCommand(t, c, "true")
	srv.SetFaults(emulator.Faults{Latency: 300 * time.Millisecond})
	var long, short sync.WaitGroup
	longErrs := make(chan error, 8)
	for range 8 {
		long.Add(1)
		go func() {
			defer long.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, err := c.DescribeCommand(ctx, cmd)
			longErrs <- err
		}()
		short.Add(1)
		go func() {
			defer short.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			_, _ = c.DescribeCommand(ctx, cmd)
		}()
	}
	long.Wait()
	short.Wait()
	close(longErrs)
	for err := range longErrs {
		assert.NoError(t, err)
	}
}
