package emulator

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// A test-only action whose handler panics, to show a panic becomes an answer.
func init() {
	handlers["EmulatorTestPanic"] = func(*Server, *protocol.Request) (any, error) { panic("boom") }
}

// signedRunCommand is a correctly signed RunCommand of `touch <marker>`: what a web page would
// need to send to run a command here.
func signedRunCommand(t *testing.T, srv *Server, marker string) *http.Request {
	t.Helper()
	p := url.Values{"Action": {"RunCommand"}, "Version": {"2014-05-26"}, "RegionId": {srv.Region()},
		"Type": {"RunShellScript"}, "CommandContent": {"touch " + marker}, "InstanceId.1": {srv.InstanceIDs()[0]}}
	protocol.SignV1(http.MethodPost, p, srv.AccessKeyID(), srv.AccessKeySecret())
	return postQuery(t, srv, p)
}

func TestBrowserTrafficIsRefused(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	for name, tc := range map[string]struct {
		header, value string
		host          string
	}{
		"cross-site POST with Origin":  {header: "Origin", value: "https://evil.example"},
		"opaque Origin":                {header: "Origin", value: "null"},
		"Sec-Fetch-Site: cross-site":   {header: "Sec-Fetch-Site", value: "cross-site"},
		"Sec-Fetch-Site: same-site":    {header: "Sec-Fetch-Site", value: "same-site"},
		"rebinding Host":               {host: "evil.example:" + port(srv)},
		"rebinding Host without port":  {host: "evil.example"},
		"private address as Host name": {host: "192.168.1.10:" + port(srv)},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			marker := t.TempDir() + "/ran"
			req := signedRunCommand(t, srv, marker)
			if tc.header != "" {
				req.Header.Set(tc.header, tc.value)
			}
			if tc.host != "" {
				req.Host = tc.host
			}
			got := send(t, req)
			assert.Equal(t, http.StatusForbidden, got.status)
			assert.Equal(t, "Forbidden.BrowserRequest", got.body["Code"], got.body)
			assert.NoFileExists(t, marker)
		})
	}
	assert.Zero(t, srv.Stats().Executions, "nothing ran")
	assert.Zero(t, srv.Stats().Actions["RunCommand"], "refused before authentication")

	// What SDKs and scripts send is served: loopback names, any port, no browser headers.
	for _, host := range []string{"", "localhost:" + port(srv), "LOCALHOST", "[::1]:" + port(srv), "127.0.0.2"} {
		req := postQuery(t, srv, func() url.Values {
			p := v1Params(srv)
			protocol.SignV1(http.MethodPost, p, srv.AccessKeyID(), srv.AccessKeySecret())
			return p
		}())
		if host != "" {
			req.Host = host
		}
		req.Header.Set("Sec-Fetch-Site", "none") // a URL typed into the address bar
		got := send(t, req)
		assert.Equal(t, http.StatusOK, got.status, "Host %q: %v", host, got.body)
	}
	_, err := client(t, srv).DescribeInstances(ecs.CreateDescribeInstancesRequest())
	require.NoError(t, err)
}

func TestAllowRemoteAcceptsOtherHosts(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{AllowRemote: true})
	p := v1Params(srv)
	protocol.SignV1(http.MethodPost, p, srv.AccessKeyID(), srv.AccessKeySecret())
	req := postQuery(t, srv, p)
	req.Host = "build-box.internal:" + port(srv)
	got := send(t, req)
	assert.Equal(t, http.StatusOK, got.status, got.body)
}

func TestControlEndpointsNeedTheSecret(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{Instances: []Instance{{ID: "i-a"}, {ID: "i-b"}}})
	refused := func(req *http.Request) {
		t.Helper()
		got := send(t, req)
		assert.Equal(t, http.StatusForbidden, got.status)
		assert.Equal(t, "Forbidden.ControlSignature", got.body["Code"], got.body)
	}
	unsigned, err := http.NewRequest(http.MethodPost, srv.URL()+"/_emulator/release?InstanceId=i-a", nil)
	require.NoError(t, err)
	refused(unsigned)

	wrongSecret, err := http.NewRequest(http.MethodPost, srv.URL()+"/_emulator/release?InstanceId=i-a", nil)
	require.NoError(t, err)
	SignControl(wrongSecret, "not-the-secret")
	refused(wrongSecret)

	// A signature is bound to its query: it cannot be moved to another instance.
	moved, err := http.NewRequest(http.MethodPost, srv.URL()+"/_emulator/release?InstanceId=i-b", nil)
	require.NoError(t, err)
	SignControl(moved, srv.AccessKeySecret())
	moved.URL.RawQuery = "InstanceId=i-a"
	refused(moved)

	stale, err := http.NewRequest(http.MethodGet, srv.URL()+"/_emulator/stats", nil)
	require.NoError(t, err)
	stale.Header.Set(ControlDateHeader, "2020-01-01T00:00:00Z")
	stale.Header.Set(ControlNonceHeader, "n1")
	stale.Header.Set(ControlSignatureHeader, controlSignature(srv.AccessKeySecret(), http.MethodGet, "/_emulator/stats", "", "2020-01-01T00:00:00Z", "n1"))
	refused(stale)

	// A signed call is accepted once: the same request sent again is refused.
	once, err := http.NewRequest(http.MethodGet, srv.URL()+"/_emulator/stats", nil)
	require.NoError(t, err)
	SignControl(once, srv.AccessKeySecret())
	assert.Equal(t, http.StatusOK, send(t, once).status)
	replay, err := http.NewRequest(http.MethodGet, srv.URL()+"/_emulator/stats", nil)
	require.NoError(t, err)
	replay.Header = once.Header.Clone()
	refused(replay)

	assert.Equal(t, []string{"i-a", "i-b"}, srv.InstanceIDs(), "nothing was released")
	resp := control(t, srv, http.MethodPost, "/_emulator/release?InstanceId=i-a")
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, []string{"i-b"}, srv.InstanceIDs())

	// Even signed, a control call from a web page is refused.
	fromPage, err := http.NewRequest(http.MethodGet, srv.URL()+"/_emulator/stats", nil)
	require.NoError(t, err)
	SignControl(fromPage, srv.AccessKeySecret())
	fromPage.Header.Set("Origin", "https://evil.example")
	got := send(t, fromPage)
	assert.Equal(t, http.StatusForbidden, got.status)
}

func TestHandlerPanicIsAnInternalError(t *testing.T) {
	t.Parallel()
	log := &syncWriter{}
	srv := start(t, Options{Log: log})
	p := url.Values{"Action": {"EmulatorTestPanic"}, "Version": {"2014-05-26"}, "RegionId": {srv.Region()}}
	protocol.SignV1(http.MethodPost, p, srv.AccessKeyID(), srv.AccessKeySecret())
	got := send(t, postQuery(t, srv, p)) // send fails on a dropped connection
	assert.Equal(t, http.StatusInternalServerError, got.status)
	assert.Equal(t, "InternalError", got.body["Code"])
	assert.NotEmpty(t, got.body["RequestId"])
	assert.Contains(t, log.String(), "panic serving POST /: boom")
	assert.Contains(t, log.String(), "goroutine", "the stack is logged")

	// The server goes on serving.
	_, err := client(t, srv).DescribeInstances(ecs.CreateDescribeInstancesRequest())
	require.NoError(t, err)
}

func TestOutOfRangePagingIsABadRequest(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	for _, tc := range []struct{ param, value, code string }{
		{"PageNumber", "9223372036854775807", "InvalidParam.PageNumber"},
		{"PageNumber", "2147483648", "InvalidParam.PageNumber"},
		{"PageNumber", "0", "InvalidParam.PageNumber"},
		{"PageNumber", "99999999999999999999999", "InvalidParameter"},
		{"PageSize", "-1", "InvalidParam.PageSize"},
		{"PageSize", "9223372036854775807", "InvalidParam.PageSize"},
		{"NextToken", "emu.9223372036854775807", "InvalidParameter.NextToken"},
		{"MaxResults", "9223372036854775807", "InvalidParameter.MaxResults"},
	} {
		for _, action := range []string{"DescribeCommands", "DescribeInvocations", "DescribeInvocationResults", "DescribeInstances", "DescribeCloudAssistantStatus"} {
			req := requests.NewCommonRequest()
			req.Method, req.Scheme, req.Domain = http.MethodPost, "http", strings.TrimPrefix(srv.URL(), "http://")
			req.Version, req.ApiName = "2014-05-26", action
			req.QueryParams["RegionId"], req.QueryParams[tc.param] = srv.Region(), tc.value
			_, err := c.ProcessCommonRequest(req)
			se := serverError(t, err)
			assert.Equal(t, 400, se.HttpStatus(), "%s %s=%s", action, tc.param, tc.value)
			assert.True(t, strings.HasPrefix(se.ErrorCode(), tc.code), "%s %s=%s: %s", action, tc.param, tc.value, se.ErrorCode())
		}
	}
}

func TestServerTimeouts(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	assert.Positive(t, srv.http.ReadHeaderTimeout)
	assert.Positive(t, srv.http.ReadTimeout)
	assert.Positive(t, srv.http.WriteTimeout)
	assert.Positive(t, srv.http.IdleTimeout)
}

func port(srv *Server) string { return srv.URL()[strings.LastIndex(srv.URL(), ":")+1:] }

// syncWriter is a log the server writes from its goroutines while the test reads it.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

var _ io.Writer = (*syncWriter)(nil)

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
