package emulator

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func tagRes(t *testing.T, c *ecs.Client, rt string, ids []string, kv ...string) error {
	t.Helper()
	req := ecs.CreateTagResourcesRequest()
	req.ResourceType = rt
	req.ResourceId = &ids
	var tags []ecs.TagResourcesTag
	for i := 0; i+1 < len(kv); i += 2 {
		tags = append(tags, ecs.TagResourcesTag{Key: kv[i], Value: kv[i+1]})
	}
	req.Tag = &tags
	_, err := c.TagResources(req)
	return err
}

func listTags(t *testing.T, c *ecs.Client, rt string, mod func(*ecs.ListTagResourcesRequest)) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	token := ""
	for {
		req := ecs.CreateListTagResourcesRequest()
		req.ResourceType = rt
		req.NextToken = token
		if mod != nil {
			mod(req)
		}
		resp, err := c.ListTagResources(req)
		require.NoError(t, err)
		for _, row := range resp.TagResources.TagResource {
			assert.Equal(t, rt, row.ResourceType)
			if out[row.ResourceId] == nil {
				out[row.ResourceId] = map[string]string{}
			}
			out[row.ResourceId][row.TagKey] = row.TagValue
		}
		if resp.NextToken == "" {
			return out
		}
		token = resp.NextToken
	}
}

// listErr makes one ListTagResources call for commands and returns its error.
func listErr(c *ecs.Client, mod func(*ecs.ListTagResourcesRequest)) error {
	req := ecs.CreateListTagResourcesRequest()
	req.ResourceType = "command"
	if mod != nil {
		mod(req)
	}
	_, err := c.ListTagResources(req)
	return err
}

// TestTagResourcesCommandsAndInvocations: tags are added, replaced, listed, filtered and
// removed through the classic SDK, and DescribeCommands/DescribeInvocations show them.
func TestTagResourcesCommandsAndInvocations(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{InstanceCount: 1})
	c := client(t, srv)
	cmd := mkCommand(t, c, "true", func(r *ecs.CreateCommandRequest) {
		r.Tag = &[]ecs.CreateCommandTag{{Key: "team", Value: "infra"}}
	})
	other := mkCommand(t, c, "true", nil)
	inv := mkInvoke(t, c, cmd, srv.InstanceIDs(), nil)

	require.NoError(t, tagRes(t, c, "command", []string{cmd, other}, "env", "prod", "team", "web"))
	require.NoError(t, tagRes(t, c, "invocation", []string{inv}, "release", "v2"))

	got := describeCommand(t, c, cmd)[0]
	assert.ElementsMatch(t, []ecs.Tag{{TagKey: "team", TagValue: "web"}, {TagKey: "env", TagValue: "prod"}}, got.Tags.Tag,
		"an existing key takes the new value")
	assert.Equal(t, []ecs.Tag{{TagKey: "release", TagValue: "v2"}}, describe(t, c, inv).Tags.Tag)

	assert.Equal(t, map[string]map[string]string{
		cmd:   {"env": "prod", "team": "web"},
		other: {"env": "prod", "team": "web"},
	}, listTags(t, c, "command", func(r *ecs.ListTagResourcesRequest) { r.ResourceId = &[]string{cmd, other} }))
	assert.Equal(t, map[string]map[string]string{inv: {"release": "v2"}}, listTags(t, c, "invocation", func(r *ecs.ListTagResourcesRequest) {
		r.TagFilter = &[]ecs.ListTagResourcesTagFilter{{TagKey: "rel*"}}
	}))
	assert.Len(t, listTags(t, c, "command", func(r *ecs.ListTagResourcesRequest) {
		r.Tag = &[]ecs.ListTagResourcesTag{{Key: "env", Value: "prod"}}
	}), 2, "exact tag filter")
	assert.Len(t, listTags(t, c, "command", func(r *ecs.ListTagResourcesRequest) {
		r.TagFilter = &[]ecs.ListTagResourcesTagFilter{{TagKey: "te*"}}
	}), 2, "prefix key filter")
	assert.Empty(t, listTags(t, c, "command", func(r *ecs.ListTagResourcesRequest) {
		r.TagFilter = &[]ecs.ListTagResourcesTagFilter{{TagKey: "team", TagValues: &[]string{"*nfr*"}}}
	}), "infix value filter matches nothing now that team is web")

	un := ecs.CreateUntagResourcesRequest()
	un.ResourceType, un.ResourceId, un.TagKey = "command", &[]string{cmd}, &[]string{"env"}
	_, err := c.UntagResources(un)
	require.NoError(t, err)
	assert.Equal(t, []ecs.Tag{{TagKey: "team", TagValue: "web"}}, describeCommand(t, c, cmd)[0].Tags.Tag)

	un = ecs.CreateUntagResourcesRequest()
	un.ResourceType, un.ResourceId, un.All = "command", &[]string{other}, requests.NewBoolean(true)
	_, err = c.UntagResources(un)
	require.NoError(t, err)
	assert.Empty(t, describeCommand(t, c, other)[0].Tags.Tag)

	un = ecs.CreateUntagResourcesRequest()
	un.ResourceType, un.ResourceId, un.All = "invocation", &[]string{inv}, requests.NewBoolean(true)
	_, err = c.UntagResources(un)
	require.NoError(t, err)
	assert.Empty(t, describe(t, c, inv).Tags.Tag)
}

// TestListTagResourcesPages: more rows than a page come back in NextToken pages.
func TestListTagResourcesPages(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	cmd := mkCommand(t, c, "true", nil)
	var kv []string
	for i := range 20 {
		kv = append(kv, fmt.Sprintf("k%02d", i), "v")
	}
	var ids []string
	for range 3 {
		id := mkCommand(t, c, "true", nil)
		require.NoError(t, tagRes(t, c, "command", []string{id}, kv...))
		ids = append(ids, id)
	}
	// Every command carrying k00 (a call must select by id, tag or filter).
	byKey := func(r *ecs.ListTagResourcesRequest) { r.Tag = &[]ecs.ListTagResourcesTag{{Key: "k00"}} }
	req := ecs.CreateListTagResourcesRequest()
	req.ResourceType = "command"
	byKey(req)
	resp, err := c.ListTagResources(req)
	require.NoError(t, err)
	assert.Len(t, resp.TagResources.TagResource, listTagPage)
	assert.NotEmpty(t, resp.NextToken)
	all := listTags(t, c, "command", byKey)
	assert.Len(t, all, 3, "the untagged command %s lists nothing", cmd)
	for _, id := range ids {
		assert.Len(t, all[id], 20)
	}
	req.NextToken = "forged"
	_, err = c.ListTagResources(req)
	requireCode(t, err, "Invalid.NextToken", 403)
}

func TestTagResourcesErrors(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	cmd := mkCommand(t, c, "true", nil)
	var twenty []string
	for i := range 20 {
		twenty = append(twenty, fmt.Sprintf("k%d", i), "v")
	}
	require.NoError(t, tagRes(t, c, "command", []string{cmd}, twenty...))
	fifty := make([]string, 51)
	for i := range fifty {
		fifty[i] = cmd
	}
	cases := []struct {
		name   string
		call   func() error
		code   string
		status int
	}{
		// The codes, statuses and messages of the current TagResources, UntagResources and
		// ListTagResources "Error codes" tables.
		{"no resource type", func() error { return tagRes(t, c, "", []string{cmd}, "a", "b") }, "MissingParameter.ResourceType", 404},
		{"no resource id", func() error { return tagRes(t, c, "command", nil, "a", "b") }, "MissingParameter.ResourceIds", 404},
		{"no tag", func() error { return tagRes(t, c, "command", []string{cmd}) }, "MissingParameter.Tags", 404},
		{"unknown type", func() error { return tagRes(t, c, "bucket", []string{cmd}, "a", "b") }, "InvalidResourceType.NotFound", 404},
		{"unknown command", func() error { return tagRes(t, c, "command", []string{"c-nope"}, "a", "b") }, "InvalidResourceId.NotFound", 404},
		{"unknown invocation", func() error { return tagRes(t, c, "invocation", []string{"t-nope"}, "a", "b") }, "InvalidResourceId.NotFound", 404},
		{"too many ids", func() error { return tagRes(t, c, "command", fifty, "a", "b") }, "NumberExceed.ResourceIds", 400},
		{"reserved key", func() error { return tagRes(t, c, "command", []string{cmd}, "acs:x", "b") }, "InvalidTagKey.Malformed", 400},
		{"aliyun key", func() error { return tagRes(t, c, "command", []string{cmd}, "aliyun-x", "b") }, "InvalidTagKey.Malformed", 400},
		{"long key", func() error { return tagRes(t, c, "command", []string{cmd}, strings.Repeat("k", 129), "b") }, "InvalidTagKey.Malformed", 400},
		{"duplicate key", func() error { return tagRes(t, c, "command", []string{cmd}, "k0", "a", "k0", "b") }, "Duplicate.TagKey", 400},
		{"url value", func() error { return tagRes(t, c, "command", []string{cmd}, "a", "see https://x") }, "InvalidTagValue.Malformed", 400},
		{"long value", func() error { return tagRes(t, c, "command", []string{cmd}, "a", strings.Repeat("v", 129)) }, "InvalidTagValue.Malformed", 400},
		{"21st tag", func() error { return tagRes(t, c, "command", []string{cmd}, "extra", "v") }, "OperationDenied.QuotaExceed", 400},
		{"21 tags in a call", func() error {
			return tagRes(t, c, "command", []string{cmd}, append(append([]string{}, twenty...), "x", "y")...)
		}, "NumberExceed.Tags", 400},
		{"untag unknown", func() error {
			req := ecs.CreateUntagResourcesRequest()
			req.ResourceType, req.ResourceId, req.TagKey = "command", &[]string{"c-nope"}, &[]string{"a"}
			_, err := c.UntagResources(req)
			return err
		}, "InvalidResourceId.NotFound", 404},
		{"untag all and keys", func() error {
			req := ecs.CreateUntagResourcesRequest()
			req.ResourceType, req.ResourceId, req.TagKey, req.All = "command", &[]string{cmd}, &[]string{"k0"}, requests.NewBoolean(true)
			_, err := c.UntagResources(req)
			return err
		}, "Param.Conflict", 403},
		{"list with both filters", func() error {
			return listErr(c, func(r *ecs.ListTagResourcesRequest) {
				r.Tag = &[]ecs.ListTagResourcesTag{{Key: "a"}}
				r.TagFilter = &[]ecs.ListTagResourcesTagFilter{{TagKey: "b"}}
			})
		}, "InvalidTags.MalFormed", 400},
		{"list with nothing to select", func() error { return listErr(c, nil) }, "BothEmpty.TagsAndResources", 403},
		{"list a value without key", func() error {
			return listErr(c, func(r *ecs.ListTagResourcesRequest) { r.Tag = &[]ecs.ListTagResourcesTag{{Value: "v"}} })
		}, "InvalidParameter.TagValue", 400},
		{"list six filter values", func() error {
			return listErr(c, func(r *ecs.ListTagResourcesRequest) {
				r.TagFilter = &[]ecs.ListTagResourcesTagFilter{{TagKey: "k0", TagValues: &[]string{"1", "2", "3", "4", "5", "6"}}}
			})
		}, "NumberExceed.TagValues", 403},
		{"list values under a fuzzy key", func() error {
			return listErr(c, func(r *ecs.ListTagResourcesRequest) {
				r.TagFilter = &[]ecs.ListTagResourcesTagFilter{{TagKey: "k*", TagValues: &[]string{"v"}}}
			})
		}, "InvalidTagFilter.Malformed", 403},
		{"list a foreign token", func() error {
			return listErr(c, func(r *ecs.ListTagResourcesRequest) { r.ResourceId, r.NextToken = &[]string{cmd}, "forged" })
		}, "Invalid.NextToken", 403},
		{"list an unknown type", func() error {
			return listErr(c, func(r *ecs.ListTagResourcesRequest) { r.ResourceType, r.ResourceId = "bucket", &[]string{cmd} })
		}, "InvalidResourceType.NotFound", 404},
	}
	messages := map[string]string{
		"MissingParameter.ResourceIds": "The parameter - ResourceIds.N should not be null.",
		"NumberExceed.ResourceIds":     "The ResourceIds parameter's number is exceed , Valid : 50.",
		"OperationDenied.QuotaExceed":  "The quota of tags on resource is beyond permitted range.",
		"InvalidResourceId.NotFound":   "The specified ResourceIds are not found in our records.",
		"Param.Conflict":               "The specified all is true, but the specified TagKey.N is not empty.",
		"BothEmpty.TagsAndResources":   "The specified Tags and ResourcesIds are not allow to both empty.",
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			requireCode(t, err, tc.code, tc.status)
			if want, ok := messages[tc.code]; ok {
				assert.Equal(t, want, serverError(t, err).Message(), "the documented message")
			}
		})
	}
	assert.Len(t, describeCommand(t, c, cmd)[0].Tags.Tag, 20, "failed calls changed nothing")
}

func TestJoinResourceGroup(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	cmd := mkCommand(t, c, "true", func(r *ecs.CreateCommandRequest) { r.ResourceGroupId = "rg-a" })
	join := func(rt, id, rg string) error {
		req := ecs.CreateJoinResourceGroupRequest()
		req.ResourceType, req.ResourceId, req.ResourceGroupId = rt, id, rg
		_, err := c.JoinResourceGroup(req)
		return err
	}
	require.NoError(t, join("command", cmd, "rg-b"))
	assert.Equal(t, "rg-b", describeCommand(t, c, cmd)[0].ResourceGroupId)

	// The current JoinResourceGroup "Error codes" table.
	for _, tc := range []struct {
		err     error
		code    string
		status  int
		message string
	}{
		{join("command", cmd, ""), "MissingParameter", 403, `The input parameter "ResourceGroupId" that is mandatory for processing this request is not supplied.`},
		{join("command", "", "rg-b"), "MissingParameter", 403, `The input parameter "ResourceId" that is mandatory for processing this request is not supplied.`},
		{join("", cmd, "rg-b"), "InvalidResourceType.NotFound", 404, "The ResourceType provided does not exist in our records."},
		{join("invocation", "t-x", "rg-b"), "InvalidResourceType.NotFound", 404, "The ResourceType provided does not exist in our records."},
		{join("command", "c-nope", "rg-b"), "InvalidResourceId.NotFound", 404, "The ResourceId provided does not exist in our records."},
		{join("command", cmd, "group"), "InvalidResourceGroup.NotFound", 404, "The ResourceGroup provided does not exist in our records."},
	} {
		requireCode(t, tc.err, tc.code, tc.status)
		assert.Equal(t, tc.message, serverError(t, tc.err).Message())
	}
	assert.Equal(t, "rg-b", describeCommand(t, c, cmd)[0].ResourceGroupId)
}

// TestModifyCommandFields: every field ModifyCommand documents changes in place, with the
// documented errors; the command keeps its id and invocations.
func TestModifyCommandFields(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	id := mkCommand(t, c, "echo hi", func(r *ecs.CreateCommandRequest) { r.Description = "old" })
	mod := ecs.CreateModifyCommandRequest()
	mod.CommandId, mod.Name, mod.Description = id, "new-name", "new description"
	mod.WorkingDir, mod.Timeout, mod.Launcher = "/srv", requests.NewInteger(120), "python3 -u {{ACS::ScriptFileName|Ext(\".py\")}}"
	mod.CommandContent = b64("echo bye") // accepted and ignored, as the current reference says
	_, err := c.ModifyCommand(mod)
	require.NoError(t, err)
	got := describeCommand(t, c, id)[0]
	assert.Equal(t, "new-name", got.Name)
	assert.Equal(t, "new description", got.Description)
	assert.Equal(t, "/srv", got.WorkingDir)
	assert.EqualValues(t, 120, got.Timeout)
	assert.Equal(t, mod.Launcher, got.Launcher)
	assert.Equal(t, b64("echo hi"), got.CommandContent, "CommandContent no longer takes effect")

	cases := []struct {
		name   string
		mod    func(*ecs.ModifyCommandRequest)
		code   string
		status int
	}{
		{"no id", func(r *ecs.ModifyCommandRequest) { r.CommandId = "" }, "MissingParameter.CommandId", 400},
		{"unknown id", func(r *ecs.ModifyCommandRequest) { r.CommandId = "c-nope" }, "InvalidCmdId.NotFound", 404},
		{"long name", func(r *ecs.ModifyCommandRequest) { r.Name = strings.Repeat("n", 129) }, "CmdName.ExceedLimit", 403},
		{"long description", func(r *ecs.ModifyCommandRequest) { r.Description = strings.Repeat("d", 513) }, "CmdDesc.ExceedLimit", 403},
		{"long working dir", func(r *ecs.ModifyCommandRequest) { r.WorkingDir = strings.Repeat("w", 201) }, "InvalidParameter.WorkingDir", 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := ecs.CreateModifyCommandRequest()
			req.CommandId = id
			tc.mod(req)
			_, err := c.ModifyCommand(req)
			requireCode(t, err, tc.code, tc.status)
		})
	}
	assert.Equal(t, "new description", describeCommand(t, c, id)[0].Description, "failed calls changed nothing")
}
