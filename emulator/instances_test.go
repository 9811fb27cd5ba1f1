package emulator

import (
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInstances(t *testing.T) {
	t.Parallel()
	no := false
	srv := start(t, Options{Instances: []Instance{
		{ID: "i-a", Name: "web", Tags: map[string]string{"env": "dev"}},
		{ID: "i-b", OSType: "windows"},
		{ID: "i-c", AgentInstalled: &no},
	}})
	c := client(t, srv)

	req := ecs.CreateDescribeInstancesRequest()
	resp, err := c.DescribeInstances(req)
	require.NoError(t, err)
	assert.Equal(t, 3, resp.TotalCount)
	require.Len(t, resp.Instances.Instance, 3)
	a := resp.Instances.Instance[0]
	assert.Equal(t, "i-a", a.InstanceId)
	assert.Equal(t, "web", a.InstanceName)
	assert.Equal(t, "Running", a.Status)
	assert.Equal(t, "linux", a.OSType)
	assert.Equal(t, "cn-hangzhou", a.RegionId)
	assert.Equal(t, "vpc", a.InstanceNetworkType)
	require.Len(t, a.Tags.Tag, 1)
	assert.Equal(t, "env", a.Tags.Tag[0].TagKey)
	assert.Equal(t, "windows", resp.Instances.Instance[1].OSType)

	req = ecs.CreateDescribeInstancesRequest()
	req.InstanceIds = `["i-b","i-c"]`
	req.PageSize = requests.NewInteger(1)
	resp, err = c.DescribeInstances(req)
	require.NoError(t, err)
	assert.Equal(t, 2, resp.TotalCount)
	require.Len(t, resp.Instances.Instance, 1)
	assert.Equal(t, "i-b", resp.Instances.Instance[0].InstanceId)
	req = ecs.CreateDescribeInstancesRequest()
	req.InstanceIds = `not json`
	_, err = c.DescribeInstances(req)
	requireCode(t, err, "InvalidInstanceIds.Malformed", 400)

	status := func() map[string]ecs.InstanceCloudAssistantStatus {
		req := ecs.CreateDescribeCloudAssistantStatusRequest()
		req.InstanceId = &[]string{"i-a", "i-b", "i-c"}
		resp, err := c.DescribeCloudAssistantStatus(req)
		require.NoError(t, err)
		out := map[string]ecs.InstanceCloudAssistantStatus{}
		for _, s := range resp.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus {
			out[s.InstanceId] = s
		}
		return out
	}
	st := status()
	require.Len(t, st, 3)
	assert.Equal(t, "true", st["i-a"].CloudAssistantStatus)
	assert.NotEmpty(t, st["i-a"].CloudAssistantVersion)
	assert.NotEmpty(t, st["i-a"].LastHeartbeatTime)
	assert.Equal(t, "Linux", st["i-a"].OSType)
	assert.Equal(t, "Windows", st["i-b"].OSType)
	assert.Equal(t, "false", st["i-c"].CloudAssistantStatus)

	stop := ecs.CreateStopInstanceRequest()
	stop.InstanceId = "i-a"
	_, err = c.StopInstance(stop)
	require.NoError(t, err)
	_, err = c.StopInstance(stop)
	requireCode(t, err, "IncorrectInstanceStatus", 403)
	assert.Equal(t, "false", status()["i-a"].CloudAssistantStatus, "a stopped instance's agent is not running")
	reboot := ecs.CreateRebootInstanceRequest()
	reboot.InstanceId = "i-a"
	_, err = c.RebootInstance(reboot)
	requireCode(t, err, "IncorrectInstanceStatus", 403)
	req = ecs.CreateDescribeInstancesRequest()
	req.Status = "Stopped"
	resp, err = c.DescribeInstances(req)
	require.NoError(t, err)
	assert.Equal(t, 1, resp.TotalCount)

	startReq := ecs.CreateStartInstanceRequest()
	startReq.InstanceId = "i-a"
	_, err = c.StartInstance(startReq)
	require.NoError(t, err)
	_, err = c.StartInstance(startReq)
	requireCode(t, err, "IncorrectInstanceStatus", 403)
	startReq = ecs.CreateStartInstanceRequest()
	startReq.InstanceId = "i-nope"
	_, err = c.StartInstance(startReq)
	requireCode(t, err, "InvalidInstanceId.NotFound", 404)
	_, err = c.StartInstance(ecs.CreateStartInstanceRequest())
	requireCode(t, err, "MissingParameter.InstanceId", 400)
}
