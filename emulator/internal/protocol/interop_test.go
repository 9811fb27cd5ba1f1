package protocol

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pythonClient calls the emulator with the official Python SDK (package
// alibabacloud-ecs20140526), which signs V3, once with query and once with form parameters.
const pythonClient = `
import sys
from alibabacloud_ecs20140526.client import Client
from alibabacloud_ecs20140526 import models as m
from alibabacloud_tea_openapi import models as om
cfg = om.Config(access_key_id=sys.argv[2], access_key_secret=sys.argv[3], endpoint=sys.argv[1],
                protocol='http', region_id='cn-hangzhou')
c = Client(cfg)
r = c.describe_commands(m.DescribeCommandsRequest(region_id='cn-hangzhou', command_id='c-1', name='a b*~+'))
print(r.body.request_id)
r = c.invoke_command(m.InvokeCommandRequest(region_id='cn-hangzhou', command_id='c-1',
    instance_id=['i-a', 'i-b'], frequency='0 */20 * * * ? Asia/Shanghai', timed=True,
    parameters={'name': 'x'}))
print(r.body.invoke_id)
`

// nodeClient does the same with the official Node SDK (package @alicloud/ecs20140526).
const nodeClient = `
const Ecs = require('@alicloud/ecs20140526');
const { $OpenApiUtil } = require('@alicloud/openapi-core');
const [endpoint, id, secret] = process.argv.slice(1);
const c = new Ecs.default(new $OpenApiUtil.Config({accessKeyId: id, accessKeySecret: secret,
  endpoint, protocol: 'http', regionId: 'cn-hangzhou'}));
(async () => {
  let r = await c.describeCommands(new Ecs.DescribeCommandsRequest({regionId: 'cn-hangzhou', commandId: 'c-1', name: 'a b*~+'}));
  console.log(r.body.requestId);
  r = await c.invokeCommand(new Ecs.InvokeCommandRequest({regionId: 'cn-hangzhou', commandId: 'c-1',
    instanceId: ['i-a', 'i-b'], frequency: '0 */20 * * * ? Asia/Shanghai', timed: true, parameters: {name: 'x'}}));
  console.log(r.body.invokeId);
})().catch(e => { console.error(e); process.exit(1); });
`

// TestInteropNode runs only where PROTOCOL_INTEROP_NODE_DIR has node_modules with that package.
func TestInteropNode(t *testing.T) {
	dir := os.Getenv("PROTOCOL_INTEROP_NODE_DIR")
	if dir == "" {
		t.Skip("set PROTOCOL_INTEROP_NODE_DIR to a folder whose node_modules has @alicloud/ecs20140526")
	}
	runInterop(t, func(endpoint string) *exec.Cmd {
		cmd := exec.Command("node", "-e", nodeClient, endpoint, testKeyID, testSecret)
		cmd.Dir = dir
		return cmd
	})
}

// TestInteropPython runs only where PROTOCOL_INTEROP_PYTHON names a python with that package.
func TestInteropPython(t *testing.T) {
	python := os.Getenv("PROTOCOL_INTEROP_PYTHON")
	if python == "" {
		t.Skip("set PROTOCOL_INTEROP_PYTHON to a python that has alibabacloud-ecs20140526")
	}
	runInterop(t, func(endpoint string) *exec.Cmd {
		return exec.Command(python, "-c", pythonClient, endpoint, testKeyID, testSecret)
	})
}

// runInterop serves the two calls of the client scripts and checks what arrived.
func runInterop(t *testing.T, client func(endpoint string) *exec.Cmd) {
	t.Helper()
	v := &Verifier{Credentials: testCredentials, APIVersion: "2014-05-26"}
	var mu sync.Mutex
	var got []*Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := v.Authenticate(r, body)
		if err != nil {
			t.Logf("rejected %s %s %v: %v", r.Method, r.URL, r.Header, err)
			WriteError(w, NewRequestID(), "", err)
			return
		}
		mu.Lock()
		got = append(got, req)
		mu.Unlock()
		WriteJSON(w, NewRequestID(), map[string]any{"InvokeId": "t-1", "Commands": map[string]any{"Command": []any{}}})
	}))
	t.Cleanup(srv.Close)
	out, err := client(strings.TrimPrefix(srv.URL, "http://")).CombinedOutput()
	require.NoError(t, err, string(out))
	require.Len(t, got, 2)
	assert.Equal(t, "v3", got[0].SignatureVersion)
	assert.Equal(t, "DescribeCommands", got[0].Action)
	assert.Equal(t, "a b*~+", got[0].Get("Name"))
	assert.Equal(t, "cn-hangzhou", got[0].RegionID)
	assert.Equal(t, "InvokeCommand", got[1].Action)
	assert.Equal(t, []string{"i-a", "i-b"}, got[1].List("InstanceId"))
	assert.Equal(t, "0 */20 * * * ? Asia/Shanghai", got[1].Get("Frequency"))
	assert.JSONEq(t, `{"name":"x"}`, got[1].Get("Parameters"))
	timed, _, _ := got[1].Bool("Timed")
	assert.True(t, timed)
	t.Logf("client output: %s", out)
}
