package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// rawAnswer is a decoded answer of a hand-made request.
type rawAnswer struct {
	status int
	body   map[string]any
}

func send(t *testing.T, req *http.Request) rawAnswer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var body map[string]any
	require.NoError(t, json.Unmarshal(b, &body), string(b))
	return rawAnswer{resp.StatusCode, body}
}

// v1Params are the parameters of a DescribeInstances call before signing.
func v1Params(srv *Server) url.Values {
	return url.Values{"Action": {"DescribeInstances"}, "Version": {"2014-05-26"}, "RegionId": {srv.Region()}}
}

func postQuery(t *testing.T, srv *Server, params url.Values) *http.Request {
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/?"+params.Encode(), nil)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func TestSignatureV1Checks(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})

	// The same signed request twice: the nonce is refused the second time.
	p := v1Params(srv)
	protocol.SignV1(http.MethodPost, p, srv.AccessKeyID(), srv.AccessKeySecret())
	ok := send(t, postQuery(t, srv, p))
	assert.Equal(t, 200, ok.status, ok.body)
	replay := send(t, postQuery(t, srv, p))
	assert.Equal(t, 400, replay.status)
	assert.Equal(t, "SignatureNonceUsed", replay.body["Code"])

	// A timestamp an hour old.
	p = v1Params(srv)
	p.Set("Timestamp", time.Now().UTC().Add(-time.Hour).Format("2006-01-02T15:04:05Z"))
	protocol.SignV1(http.MethodPost, p, srv.AccessKeyID(), srv.AccessKeySecret())
	stale := send(t, postQuery(t, srv, p))
	assert.Equal(t, 400, stale.status)
	assert.Equal(t, "InvalidTimeStamp.Expired", stale.body["Code"])

	// A parameter changed after signing.
	p = v1Params(srv)
	protocol.SignV1(http.MethodPost, p, srv.AccessKeyID(), srv.AccessKeySecret())
	p.Set("RegionId", "cn-beijing")
	bad := send(t, postQuery(t, srv, p))
	assert.Equal(t, 400, bad.status)
	assert.Equal(t, "SignatureDoesNotMatch", bad.body["Code"])
	assert.Contains(t, bad.body["Message"], "POST&%2F&", "the message carries the server's string to sign")
	assert.NotEmpty(t, bad.body["RequestId"])

	// GET and a form body work as well as the SDK's POST with a query.
	p = v1Params(srv)
	protocol.SignV1(http.MethodGet, p, srv.AccessKeyID(), srv.AccessKeySecret())
	get, err := http.NewRequest(http.MethodGet, srv.URL()+"/?"+p.Encode(), nil)
	require.NoError(t, err)
	assert.Equal(t, 200, send(t, get).status)
	p = v1Params(srv)
	protocol.SignV1(http.MethodPost, p, srv.AccessKeyID(), srv.AccessKeySecret())
	form, err := http.NewRequest(http.MethodPost, srv.URL()+"/", strings.NewReader(p.Encode()))
	require.NoError(t, err)
	form.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	answer := send(t, form)
	assert.Equal(t, 200, answer.status, answer.body)
	assert.NotNil(t, answer.body["Instances"])

	// Unknown action.
	p = v1Params(srv)
	p.Set("Action", "DescribeNothing")
	protocol.SignV1(http.MethodPost, p, srv.AccessKeyID(), srv.AccessKeySecret())
	assert.Equal(t, "InvalidAction.NotFound", send(t, postQuery(t, srv, p)).body["Code"])
}

func TestSignatureV3(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	q := url.Values{"RegionId": {srv.Region()}, "Name": {"v3"}, "Type": {"RunShellScript"}, "CommandContent": {b64("echo v3")}}
	newReq := func() *http.Request {
		req, err := http.NewRequest(http.MethodPost, srv.URL()+"/?"+q.Encode(), nil)
		require.NoError(t, err)
		req.Header.Set("x-acs-action", "CreateCommand")
		req.Header.Set("x-acs-version", "2014-05-26")
		return req
	}
	req := newReq()
	protocol.SignV3(req, srv.AccessKeyID(), srv.AccessKeySecret(), nil)
	ok := send(t, req)
	require.Equal(t, 200, ok.status, ok.body)
	id, _ := ok.body["CommandId"].(string)
	assert.True(t, strings.HasPrefix(id, "c-"), id)
	assert.Len(t, describeCommand(t, client(t, srv), id), 1)

	req = newReq()
	protocol.SignV3(req, srv.AccessKeyID(), "wrong-secret", nil)
	bad := send(t, req)
	assert.Equal(t, 400, bad.status)
	assert.Equal(t, "SignatureDoesNotMatch", bad.body["Code"])
	assert.Contains(t, bad.body["Message"], "ACS3-HMAC-SHA256\n")
}

func TestGatewayErrorsThroughSDK(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	call := func(region, id, secret string) error {
		c := newSDKClient(t, region, id, secret)
		c.Domain = strings.TrimPrefix(srv.URL(), "http://")
		_, err := c.DescribeInstances(ecs.CreateDescribeInstancesRequest())
		return err
	}
	requireCode(t, call(srv.Region(), srv.AccessKeyID(), "wrong"), "SignatureDoesNotMatch", 400)
	requireCode(t, call(srv.Region(), "NOSUCHKEY", "x"), "InvalidAccessKeyId.NotFound", 404)
	requireCode(t, call("xx-nowhere-1", srv.AccessKeyID(), srv.AccessKeySecret()), "InvalidRegionId.NotFound", 404)
	requireCode(t, call("cn-beijing", srv.AccessKeyID(), srv.AccessKeySecret()), "RegionId.ApiNotSupported", 400)
	require.NoError(t, call(srv.Region(), srv.AccessKeyID(), srv.AccessKeySecret()))
}

func TestStatsEndpoint(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	inv := mkInvoke(t, c, mkCommand(t, c, "true", nil), srv.InstanceIDs(), nil)
	waitStatus(t, c, inv, 5*time.Second, "Success")
	resp := control(t, srv, http.MethodGet, "/_emulator/stats")
	defer resp.Body.Close()
	var st Stats
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	assert.EqualValues(t, 1, st.Actions["CreateCommand"])
	assert.EqualValues(t, 1, st.Actions["InvokeCommand"])
	assert.EqualValues(t, 3, st.Executions)
	assert.Equal(t, 1, st.Commands)
	assert.Equal(t, 1, st.Invocations)
	assert.Equal(t, 0, st.ActiveInvocations)
}
