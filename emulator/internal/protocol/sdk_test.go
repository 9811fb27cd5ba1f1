package protocol

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testKeyID  = "EMULATORACCESSKEYID"
	testSecret = "emulator-secret"
)

func testCredentials(id string) (string, bool) {
	if id == testKeyID {
		return testSecret, true
	}
	return "", false
}

// sdkServer answers every call it authenticates with body and records the requests.
type sdkServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []*Request
}

func newSDKServer(t *testing.T, v *Verifier, body any) *sdkServer {
	t.Helper()
	s := &sdkServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			WriteError(w, NewRequestID(), "ecs.test", ErrInvalidParameter("body", err.Error()))
			return
		}
		req, apiErr := v.Authenticate(r, raw)
		if apiErr != nil {
			WriteError(w, NewRequestID(), "ecs.test", apiErr)
			return
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, req)
		s.mu.Unlock()
		WriteJSON(w, NewRequestID(), body)
	}))
	t.Cleanup(s.Close)
	return s
}

func newECSClient(t *testing.T, srv *httptest.Server, keyID, secret string) *ecs.Client {
	t.Helper()
	c, err := ecs.NewClientWithAccessKey("cn-hangzhou", keyID, secret)
	require.NoError(t, err)
	c.Domain = strings.TrimPrefix(srv.URL, "http://")
	c.GetConfig().AutoRetry = false
	return c
}

func TestSDKDescribeCommandsIsAccepted(t *testing.T) {
	t.Parallel()
	srv := newSDKServer(t, &Verifier{Credentials: testCredentials, APIVersion: "2014-05-26"}, map[string]any{
		"Commands":   map[string]any{"Command": []map[string]any{{"CommandId": "c-1", "Name": "hello", "Timeout": 60}}},
		"TotalCount": 1, "PageNumber": 1, "PageSize": 10,
	})
	client := newECSClient(t, srv.Server, testKeyID, testSecret)

	req := ecs.CreateDescribeCommandsRequest()
	req.Scheme = "http"
	req.CommandId = "c-1"
	req.Name = "a name with spaces & symbols *~+"
	resp, err := client.DescribeCommands(req)
	require.NoError(t, err)
	assert.Len(t, resp.RequestId, 36)
	require.Len(t, resp.Commands.Command, 1)
	assert.Equal(t, "c-1", resp.Commands.Command[0].CommandId)
	assert.EqualValues(t, 60, resp.Commands.Command[0].Timeout)
	assert.EqualValues(t, 1, resp.TotalCount)

	require.Len(t, srv.reqs, 1)
	got := srv.reqs[0]
	assert.Equal(t, "DescribeCommands", got.Action)
	assert.Equal(t, "2014-05-26", got.Version)
	assert.Equal(t, "cn-hangzhou", got.RegionID)
	assert.Equal(t, testKeyID, got.AccessKeyID)
	assert.Equal(t, "1.0", got.SignatureVersion)
	assert.Equal(t, "c-1", got.Get("CommandId"))
	assert.Equal(t, "a name with spaces & symbols *~+", got.Get("Name"))
	for _, common := range commonV1 {
		assert.NotContains(t, got.Params, common)
	}
}

func TestSDKInvokeCommandListsAndTags(t *testing.T) {
	t.Parallel()
	srv := newSDKServer(t, &Verifier{Credentials: testCredentials}, map[string]any{"InvokeId": "t-1"})
	client := newECSClient(t, srv.Server, testKeyID, testSecret)

	req := ecs.CreateInvokeCommandRequest()
	req.Scheme = "http"
	req.CommandId = "c-1"
	req.InstanceId = &[]string{"i-a", "i-b", "i-c"}
	req.Timed = "true"
	req.Frequency = "0 */20 * * * ? Asia/Shanghai"
	req.Tag = &[]ecs.InvokeCommandTag{{Key: "env", Value: "test"}, {Key: "team", Value: ""}}
	resp, err := client.InvokeCommand(req)
	require.NoError(t, err)
	assert.Equal(t, "t-1", resp.InvokeId)

	got := srv.reqs[0]
	assert.Equal(t, []string{"i-a", "i-b", "i-c"}, got.List("InstanceId"))
	assert.Equal(t, []Tag{{"env", "test"}, {"team", ""}}, got.Tags())
	timed, present, err := got.Bool("Timed")
	require.NoError(t, err)
	assert.True(t, present)
	assert.True(t, timed)
	assert.Equal(t, "0 */20 * * * ? Asia/Shanghai", got.Get("Frequency"))
}

func TestSDKSeesGatewayErrors(t *testing.T) {
	t.Parallel()
	srv := newSDKServer(t, &Verifier{Credentials: testCredentials}, nil)
	for _, tc := range []struct {
		name, keyID, secret string
		status              int
		code, recommend     string
	}{
		// Same string to sign, other secret: the SDK itself says the secret is wrong.
		{"wrong secret", testKeyID, "not-the-secret", 400, "SignatureDoesNotMatch", "InvalidAccessKeySecret"},
		{"unknown key", "NOSUCHKEY", testSecret, 404, "InvalidAccessKeyId.NotFound", "Check the AccessKeyId."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := newECSClient(t, srv.Server, tc.keyID, tc.secret)
			req := ecs.CreateDescribeCommandsRequest()
			req.Scheme = "http"
			_, err := client.DescribeCommands(req)
			var se *sdkerrors.ServerError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.status, se.HttpStatus())
			assert.Equal(t, tc.code, se.ErrorCode())
			assert.Len(t, se.RequestId(), 36)
			assert.Equal(t, "ecs.test", se.HostId())
			assert.Contains(t, se.Recommend(), tc.recommend)
		})
	}
}
