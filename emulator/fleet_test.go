package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A fleet of 5,000 instances starts, and DescribeInstances finds the tagged ones page by
// page, with both paging styles, through the classic SDK.
func TestFleetDescribeInstancesByTagPages(t *testing.T) {
	t.Parallel()
	list := make([]Instance, 5000)
	for i := range list {
		list[i] = Instance{ID: fmt.Sprintf("i-fleet%05d", i), Name: fmt.Sprintf("web-%d", i)}
		if i%20 == 0 {
			list[i].Tags = map[string]string{"role": "web", "wave": fmt.Sprint(i % 3)}
		}
	}
	srv := start(t, Options{Instances: list})
	c := client(t, srv)
	require.Len(t, srv.InstanceIDs(), 5000)

	// NextToken / MaxResults: 250 tagged instances in pages of 100.
	var seen []string
	token := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10, "paging does not end")
		req := ecs.CreateDescribeInstancesRequest()
		req.Tag = &[]ecs.DescribeInstancesTag{{Key: "role", Value: "web"}}
		req.MaxResults = requests.NewInteger(100)
		req.NextToken = token
		resp, err := c.DescribeInstances(req)
		require.NoError(t, err)
		assert.Equal(t, 250, resp.TotalCount)
		for _, in := range resp.Instances.Instance {
			seen = append(seen, in.InstanceId)
		}
		if token = resp.NextToken; token == "" {
			break
		}
	}
	require.Len(t, seen, 250)
	assert.Equal(t, "i-fleet00000", seen[0])
	assert.Equal(t, "i-fleet04980", seen[249])

	// PageNumber / PageSize with two tags (AND): every third tagged instance.
	req := ecs.CreateDescribeInstancesRequest()
	req.Tag = &[]ecs.DescribeInstancesTag{{Key: "role", Value: "web"}, {Key: "wave", Value: "0"}}
	req.PageSize = requests.NewInteger(50)
	req.PageNumber = requests.NewInteger(2)
	resp, err := c.DescribeInstances(req)
	require.NoError(t, err)
	assert.Equal(t, 84, resp.TotalCount) // i = 0, 60, 120, … 4980
	assert.Len(t, resp.Instances.Instance, 34)

	// A name prefix and a tag together.
	req = ecs.CreateDescribeInstancesRequest()
	req.Tag = &[]ecs.DescribeInstancesTag{{Key: "role", Value: "web"}}
	req.InstanceName = "web-498*"
	resp, err = c.DescribeInstances(req)
	require.NoError(t, err)
	assert.Equal(t, 1, resp.TotalCount) // web-4980 (4981…4989 are untagged)
}

// The stats report how many scripts ran on each instance and the most that ran at once.
func TestFleetStatsPerInstanceAndPeak(t *testing.T) {
	t.Parallel()
	// Without isolation: the scripts meet in a folder of this machine.
	srv := start(t, Options{InstanceCount: 30, Isolation: IsolationNone})
	c := client(t, srv)
	ids := srv.InstanceIDs()
	// Every script waits until all 30 have started, so the peak is exactly 30.
	dir := t.TempDir()
	script := fmt.Sprintf(`touch %s/$RANDOM$RANDOM; for i in $(seq 1 500); do [ $(ls %s | wc -l) -ge 30 ] && exit 0; sleep 0.02; done; exit 1`, dir, dir)
	cmd := mkCommand(t, c, script, nil)
	inv := mkInvoke(t, c, cmd, ids, nil)
	got := waitStatus(t, c, inv, 60e9, "Success", "Failed", "PartialFailed")
	require.Equal(t, "Success", got.InvocationStatus)

	st := srv.StatsPerInstance()
	assert.Equal(t, 30, st.PeakRunning)
	assert.Equal(t, 0, st.Running)
	require.Len(t, st.ExecutionsByInstance, 30)
	for _, id := range ids {
		assert.Equal(t, int64(1), st.ExecutionsByInstance[id], id)
	}

	// Again on 10 of them, after a reset: the peak is now 10, and counts add up.
	srv.ResetPeakRunning()
	cmd2 := mkCommand(t, c, "true", nil)
	inv2 := mkInvoke(t, c, cmd2, ids[:10], nil)
	waitStatus(t, c, inv2, 60e9, "Success")
	resp := control(t, srv, http.MethodGet, "/_emulator/stats?perInstance=true")
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var overHTTP Stats
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&overHTTP))
	assert.LessOrEqual(t, overHTTP.PeakRunning, 10)
	assert.Equal(t, int64(2), overHTTP.ExecutionsByInstance[ids[0]])
	assert.Equal(t, int64(1), overHTTP.ExecutionsByInstance[ids[29]])
	assert.Nil(t, srv.Stats().ExecutionsByInstance, "plain stats stay small")
}
