package emulator

import (
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAdoptionTagsOnRunsAndFileTasks covers what the provider's adoption of interrupted
// creates relies on, through the SDK: tags given to InvokeCommand and SendFile are found by
// the Tag.N filters of DescribeInvocations and DescribeSendFileResults (every tag must
// match), and ResourceType `invocation` — "a command's execution or a file's delivery" in
// the reference — lists, tags and untags both kinds of task, so a retired tag no longer
// matches.
func TestAdoptionTagsOnRunsAndFileTasks(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{InstanceCount: 2})
	c := client(t, srv)
	ids := srv.InstanceIDs()
	cmd := mkCommand(t, c, "true", nil)
	run := mkInvoke(t, c, cmd, ids[:1], func(r *ecs.InvokeCommandRequest) {
		r.Tag = &[]ecs.InvokeCommandTag{{Key: "res", Value: "r1"}, {Key: "attempt", Value: "a1"}}
	})
	other := mkInvoke(t, c, cmd, ids[1:], func(r *ecs.InvokeCommandRequest) {
		r.Tag = &[]ecs.InvokeCommandTag{{Key: "res", Value: "r1"}, {Key: "attempt", Value: "a2"}}
	})
	file, err := sendTestFile(t, c, ids, func(r *ecs.SendFileRequest) {
		r.Tag = &[]ecs.SendFileTag{{Key: "res", Value: "r2"}, {Key: "attempt", Value: "a1"}}
	})
	require.NoError(t, err)
	waitFile(t, c, file)
	assert.Equal(t, map[string]int64{ids[0]: 1, ids[1]: 1}, srv.StatsPerInstance().DeliveriesByInstance,
		"a file written is counted per instance")

	runs := func(kv ...string) []string {
		req := ecs.CreateDescribeInvocationsRequest()
		var tags []ecs.DescribeInvocationsTag
		for i := 0; i+1 < len(kv); i += 2 {
			tags = append(tags, ecs.DescribeInvocationsTag{Key: kv[i], Value: kv[i+1]})
		}
		req.Tag = &tags
		resp, err := c.DescribeInvocations(req)
		require.NoError(t, err)
		var out []string
		for _, inv := range resp.Invocations.Invocation {
			out = append(out, inv.InvokeId)
		}
		return out
	}
	files := func(kv ...string) []string {
		req := ecs.CreateDescribeSendFileResultsRequest()
		var tags []ecs.DescribeSendFileResultsTag
		for i := 0; i+1 < len(kv); i += 2 {
			tags = append(tags, ecs.DescribeSendFileResultsTag{Key: kv[i], Value: kv[i+1]})
		}
		req.Tag = &tags
		resp, err := c.DescribeSendFileResults(req)
		require.NoError(t, err)
		var out []string
		for _, inv := range resp.Invocations.Invocation {
			out = append(out, inv.InvokeId)
		}
		return out
	}
	assert.ElementsMatch(t, []string{run, other}, runs("res", "r1"))
	assert.Equal(t, []string{run}, runs("res", "r1", "attempt", "a1"), "every tag must match")
	assert.Empty(t, runs("res", "r2"), "file tasks are not command runs")
	assert.Equal(t, []string{file}, files("res", "r2", "attempt", "a1"))
	assert.Empty(t, files("res", "r1"), "command runs are not file tasks")

	assert.Equal(t, map[string]map[string]string{
		run:  {"res": "r1", "attempt": "a1"},
		file: {"res": "r2", "attempt": "a1"},
	}, listTags(t, c, "invocation", func(r *ecs.ListTagResourcesRequest) {
		r.Tag = &[]ecs.ListTagResourcesTag{{Key: "attempt", Value: "a1"}}
	}), "ListTagResources lists file tasks as invocations")

	un := ecs.CreateUntagResourcesRequest()
	un.ResourceType, un.ResourceId, un.TagKey = "invocation", &[]string{run, file}, &[]string{"attempt"}
	_, err = c.UntagResources(un)
	require.NoError(t, err)
	assert.Empty(t, runs("res", "r1", "attempt", "a1"), "a retired tag matches nothing")
	assert.Empty(t, files("res", "r2", "attempt", "a1"))
	assert.Equal(t, []string{file}, files("res", "r2"), "the other tags stay")

	require.NoError(t, tagRes(t, c, "invocation", []string{file}, "attempt", "a3"))
	assert.Equal(t, []string{file}, files("attempt", "a3"), "TagResources tags a file task")

	all := ecs.CreateUntagResourcesRequest()
	all.ResourceType, all.ResourceId, all.All = "invocation", &[]string{file}, requests.NewBoolean(true)
	_, err = c.UntagResources(all)
	require.NoError(t, err)
	assert.Empty(t, fileTask(t, c, file).Tags.Tag)
}
