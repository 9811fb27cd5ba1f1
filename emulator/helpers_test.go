package emulator

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/require"
)

// start runs an emulator on a free port for the test.
func start(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	srv, err := New(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// newClientMu serialises SDK client creation: ecs.NewClientWithAccessKey fills a package-level
// endpoint map lazily without a lock, a data race when parallel tests create clients.
var newClientMu sync.Mutex

// newSDKClient creates an SDK client; clients must not be shared between goroutines either
// (each call writes the client's timeouts).
func newSDKClient(t testing.TB, region, id, secret string) *ecs.Client {
	t.Helper()
	newClientMu.Lock()
	defer newClientMu.Unlock()
	c, err := ecs.NewClientWithAccessKey(region, id, secret)
	require.NoError(t, err)
	return c
}

// client is the real SDK client pointed at srv.
func client(t testing.TB, srv *Server) *ecs.Client {
	t.Helper()
	c := newSDKClient(t, srv.Region(), srv.AccessKeyID(), srv.AccessKeySecret())
	c.Domain = strings.TrimPrefix(srv.URL(), "http://")
	return c
}

// control makes a signed call to a /_emulator/* endpoint (pathQuery includes the query).
func control(t testing.TB, srv *Server, method, pathQuery string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+pathQuery, nil)
	require.NoError(t, err)
	SignControl(req, srv.AccessKeySecret())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	return resp
}

// serverError asserts err is an API error and returns it.
func serverError(t testing.TB, err error) *sdkerrors.ServerError {
	t.Helper()
	require.Error(t, err)
	var se *sdkerrors.ServerError
	require.True(t, errors.As(err, &se), "want a ServerError, got %T: %v", err, err)
	return se
}

// requireCode asserts err is the API error code with the HTTP status.
func requireCode(t testing.TB, err error, code string, status int) {
	t.Helper()
	se := serverError(t, err)
	require.Equal(t, code, se.ErrorCode(), se.Message())
	require.Equal(t, status, se.HttpStatus(), code)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// mkCommand creates a shell command and returns its id.
func mkCommand(t testing.TB, c *ecs.Client, content string, mod func(*ecs.CreateCommandRequest)) string {
	t.Helper()
	req := ecs.CreateCreateCommandRequest()
	req.Name, req.Type, req.CommandContent = "test", "RunShellScript", b64(content)
	if mod != nil {
		mod(req)
	}
	resp, err := c.CreateCommand(req)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(resp.CommandId, "c-"), resp.CommandId)
	return resp.CommandId
}

// mkInvoke invokes a command and returns the invoke id.
func mkInvoke(t testing.TB, c *ecs.Client, commandID string, instances []string, mod func(*ecs.InvokeCommandRequest)) string {
	t.Helper()
	req := ecs.CreateInvokeCommandRequest()
	req.CommandId, req.InstanceId = commandID, &instances
	if mod != nil {
		mod(req)
	}
	resp, err := c.InvokeCommand(req)
	require.NoError(t, err)
	return resp.InvokeId
}

// describe returns the invocation.
func describe(t testing.TB, c *ecs.Client, invokeID string) ecs.Invocation {
	t.Helper()
	req := ecs.CreateDescribeInvocationsRequest()
	req.InvokeId = invokeID
	req.IncludeOutput = "true"
	req.ContentEncoding = "PlainText"
	resp, err := c.DescribeInvocations(req)
	require.NoError(t, err)
	require.Len(t, resp.Invocations.Invocation, 1)
	return resp.Invocations.Invocation[0]
}

// waitStatus polls until the overall status is one of want.
func waitStatus(t testing.TB, c *ecs.Client, invokeID string, timeout time.Duration, want ...string) ecs.Invocation {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		inv := describe(t, c, invokeID)
		for _, w := range want {
			if inv.InvocationStatus == w {
				return inv
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("invocation %s is %s after %s, want one of %v", invokeID, inv.InvocationStatus, timeout, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// results returns the per-instance results, plain text.
func results(t testing.TB, c *ecs.Client, invokeID string, mod func(*ecs.DescribeInvocationResultsRequest)) []ecs.InvocationResult {
	t.Helper()
	req := ecs.CreateDescribeInvocationResultsRequest()
	req.InvokeId = invokeID
	req.ContentEncoding = "PlainText"
	if mod != nil {
		mod(req)
	}
	resp, err := c.DescribeInvocationResults(req)
	require.NoError(t, err)
	return resp.Invocation.InvocationResults.InvocationResult
}

// mustB64Decode decodes a Base64 answer field.
func mustB64Decode(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}
