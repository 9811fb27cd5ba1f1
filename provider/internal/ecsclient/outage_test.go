package ecsclient_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/faultproxy"
	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// behindProxy starts an emulator and a client that reaches it through a proxy that tests
// can take down.
func behindProxy(t *testing.T, retry ecsclient.RetryPolicy) (*emulator.Server, *faultproxy.Proxy, *ecsclient.Client) {
	t.Helper()
	srv, err := emulator.New(emulator.Options{Listen: "127.0.0.1:0"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	px, err := faultproxy.Start(srv.URL())
	require.NoError(t, err)
	t.Cleanup(func() { _ = px.Close() })
	c, err := ecsclient.New(ecsclient.Options{
		Region: srv.Region(), AccessKeyID: srv.AccessKeyID(), AccessKeySecret: srv.AccessKeySecret(),
		Endpoint: px.URL(), Retry: retry,
	})
	require.NoError(t, err)
	return srv, px, c
}

// lines collects the status lines a patient read reports.
type lines struct {
	mu  sync.Mutex
	all []string
}

func (l *lines) add(s string) { l.mu.Lock(); l.all = append(l.all, s); l.mu.Unlock() }
func (l *lines) count() int   { l.mu.Lock(); defer l.mu.Unlock(); return len(l.all) }

// patientRead starts a DescribeCommand of id inside a patient wait of a minute; done gets
// its error, status the lines it reported.
func patientRead(t *testing.T, c *ecsclient.Client, id string) (*lines, <-chan error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	status, done := &lines{}, make(chan error, 1)
	go func() {
		_, err := c.DescribeCommand(ecsclient.Patient(ctx, status.add), id)
		done <- err
	}()
	return status, done
}

// TestPatientReadsOutlastAnOutage: a status read inside a patient wait keeps retrying through
// an outage far longer than MaxAttempts allows, reports it on the status line, and succeeds
// once the API is back; a mutating call in the same outage gives up after its attempts.
func TestPatientReadsOutlastAnOutage(t *testing.T) {
	t.Parallel()
	retry := ecsclient.RetryPolicy{Base: 5 * time.Millisecond, Max: 20 * time.Millisecond, MaxAttempts: 3}
	_, px, c := behindProxy(t, retry)
	id := newCommand(t, c, "true") // the endpoint has answered: outages are outages now

	px.SetDown(true)
	err := c.DeleteCommand(context.Background(), id)
	require.Error(t, err, "a mutating call keeps its bounded retries")
	assert.NotErrorIs(t, err, ecsclient.ErrUnreachable, "an endpoint that answered before is not misconfigured")

	status, done := patientRead(t, c, id)
	require.Eventually(t, func() bool { return status.count() >= 3*retry.MaxAttempts }, 30*time.Second, 5*time.Millisecond,
		"the read retries past MaxAttempts")
	px.SetDown(false)
	require.NoError(t, <-done)
	status.mu.Lock()
	defer status.mu.Unlock()
	assert.Regexp(t, `^API unreachable, retrying for (\d+m)?\d+s$`, status.all[0])
}

// TestPatientReadsStopAtTheDeadline: the wait's deadline, not an attempt count, ends them.
func TestPatientReadsStopAtTheDeadline(t *testing.T) {
	t.Parallel()
	_, px, c := behindProxy(t, ecsclient.RetryPolicy{Base: 5 * time.Millisecond, Max: 20 * time.Millisecond, MaxAttempts: 2})
	id := newCommand(t, c, "true")
	px.SetDown(true)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.DescribeCommand(ecsclient.Patient(ctx, nil), id)
	require.Error(t, err)
	assert.Greater(t, px.Refused(), int64(2), "more attempts than MaxAttempts")
}

// TestPatientReadsRetryAHeldAnswer: an answer held past the call's own timeout is a transport
// error like any other — a patient read retries it until the API answers in time, and a plain
// read gives up after its attempts with a transport message, not a "deadline passed" one
// (the exchange's read timeout also Is context.DeadlineExceeded).
func TestPatientReadsRetryAHeldAnswer(t *testing.T) {
	t.Parallel()
	srv, err := emulator.New(emulator.Options{Listen: "127.0.0.1:0"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	c, err := ecsclient.New(ecsclient.Options{
		Region: srv.Region(), AccessKeyID: srv.AccessKeyID(), AccessKeySecret: srv.AccessKeySecret(),
		Endpoint: srv.URL(), Retry: ecsclient.RetryPolicy{Base: 5 * time.Millisecond, Max: 20 * time.Millisecond, MaxAttempts: 2},
		CallTimeout: 100 * time.Millisecond,
	})
	require.NoError(t, err)
	id := newCommand(t, c, "true")

	srv.SetFaults(emulator.Faults{Latency: time.Second})
	_, err = c.DescribeCommand(context.Background(), id)
	require.Error(t, err, "a plain read keeps its bounded attempts")
	assert.NotContains(t, err.Error(), "deadline passed", "the caller set no deadline")
	assert.Contains(t, err.Error(), "Client.Timeout exceeded")

	status, done := patientRead(t, c, id)
	require.Eventually(t, func() bool { return status.count() >= 3 }, 30*time.Second, 5*time.Millisecond,
		"the held read is retried")
	srv.SetFaults(emulator.Faults{})
	require.NoError(t, <-done, "the read succeeds once answers come in time")
}

// TestNeverReachedEndpointSaysSo: a client whose endpoint never answered fails naming the
// endpoint and the setting that chose it, even inside a patient wait.
func TestNeverReachedEndpointSaysSo(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now
	c, err := ecsclient.New(ecsclient.Options{
		Region: "cn-hangzhou", AccessKeyID: "id", AccessKeySecret: "secret-value",
		Endpoint: "http://" + addr, EndpointSource: "the environment variable ALIBABA_CLOUD_ECS_ENDPOINT",
		Retry:            ecsclient.RetryPolicy{Base: 5 * time.Millisecond, Max: 20 * time.Millisecond, MaxAttempts: 4},
		UnreachableAfter: 300 * time.Millisecond,
	})
	require.NoError(t, err)
	for _, ctx := range []context.Context{context.Background(), ecsclient.Patient(context.Background(), nil)} {
		_, err = c.DescribeCommand(ctx, "c-x")
		require.Error(t, err)
		assert.ErrorIs(t, err, ecsclient.ErrUnreachable)
		assert.Contains(t, err.Error(), "cannot reach http://"+addr+" (set by the environment variable ALIBABA_CLOUD_ECS_ENDPOINT)")
	}
}

// TestNoRequestSecretInAnyError: a wrong secret makes the gateway echo its string to sign
// (every parameter of the call); the error keeps the code and loses the values.
func TestNoRequestSecretInAnyError(t *testing.T) {
	t.Parallel()
	srv, err := emulator.New(emulator.Options{Listen: "127.0.0.1:0", InstanceCount: 1})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	wrongSecret := "wrong-secret-9f3b"
	c, err := ecsclient.New(ecsclient.Options{
		Region: srv.Region(), AccessKeyID: srv.AccessKeyID(), AccessKeySecret: wrongSecret, Endpoint: srv.URL(), Retry: fastRetry,
	})
	require.NoError(t, err)
	paramValue := "p@ss word/+=~*ü-7c1d"
	script := "echo deploying with token 5ecr3t-line-value\nexit 0"
	cr := ecs.CreateCreateCommandRequest()
	cr.Name, cr.Type, cr.CommandContent = "t", "RunShellScript", b64(script)
	_, err = c.CreateCommand(context.Background(), cr)
	require.Error(t, err)
	ir := ecs.CreateInvokeCommandRequest()
	ir.CommandId, ir.InstanceId = "c-0123", &[]string{srv.InstanceIDs()[0]}
	ir.Parameters = map[string]any{"token": paramValue}
	_, err2 := c.InvokeCommand(context.Background(), ir)
	require.Error(t, err2)
	for _, e := range []error{err, err2} {
		msg := e.Error()
		assert.Equal(t, "SignatureDoesNotMatch", ecsclient.Code(e))
		assert.Contains(t, msg, "access key secret does not match")
		for _, leak := range []string{paramValue, "p%40ss", "5ecr3t-line-value", b64(script), wrongSecret, "%2F&"} {
			assert.NotContains(t, msg, leak)
		}
		var api *ecsclient.APIError
		require.True(t, errors.As(e, &api))
		assert.False(t, strings.Contains(api.Message, "POST&"), api.Message)
	}
}
