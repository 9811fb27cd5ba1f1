package emulator

import (
	"errors"
	"strings"
	"testing"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The errors whose code, status and message were checked against the "Error codes" tables
// of the current reference (tagging, JoinResourceGroup, ModifyInvocationAttribute,
// SendFile, InstallCloudAssistant, the daily quota), through the official Tea SDK (V3).

// requireTeaDocumented asserts the code, the status and that the SDK's message carries the
// documented message (the Tea SDK wraps it as "code: N, <message> request id: …").
func requireTeaDocumented(t *testing.T, err error, code string, status int, message string) {
	t.Helper()
	requireTeaCode(t, err, code, status)
	var se *tea.SDKError
	require.True(t, errors.As(err, &se))
	assert.Contains(t, tea.StringValue(se.Message), message, code)
}

func TestTeaDocumentedTagErrors(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := teaClient(t, srv)
	region := tea.String(srv.Region())
	created, err := c.CreateCommand(&ecs.CreateCommandRequest{
		RegionId: region, Name: tea.String("n"), Type: tea.String("RunShellScript"), CommandContent: tea.String(b64("true")),
	})
	require.NoError(t, err)
	cmd := created.Body.CommandId
	tagReq := func(rt string, kv ...string) *ecs.TagResourcesRequest {
		req := &ecs.TagResourcesRequest{RegionId: region, ResourceType: tea.String(rt), ResourceId: []*string{cmd}}
		for i := 0; i+1 < len(kv); i += 2 {
			req.Tag = append(req.Tag, &ecs.TagResourcesRequestTag{Key: tea.String(kv[i]), Value: tea.String(kv[i+1])})
		}
		return req
	}
	var twenty []string
	for i := range 20 {
		twenty = append(twenty, "k"+strings.Repeat("x", i), "v")
	}
	_, err = c.TagResources(tagReq("command", twenty...))
	require.NoError(t, err)

	_, err = c.TagResources(tagReq("disk", "a", "b"))
	requireTeaDocumented(t, err, "InvalidResourceType.NotFound", 404, "The ResourceType provided does not exist in our records.")
	_, err = c.TagResources(tagReq("command", "extra", "v"))
	requireTeaDocumented(t, err, "OperationDenied.QuotaExceed", 400, "The quota of tags on resource is beyond permitted range.")
	_, err = c.TagResources(tagReq("command", append(append([]string{}, twenty...), "x", "y")...))
	requireTeaDocumented(t, err, "NumberExceed.Tags", 400, "The Tags parameter's number is exceed , Valid : 20.")
	_, err = c.TagResources(tagReq("command", "dup", "a", "dup", "b"))
	requireTeaDocumented(t, err, "Duplicate.TagKey", 400, "The Tag.N.Key contain duplicate key.")

	_, err = c.UntagResources(&ecs.UntagResourcesRequest{
		RegionId: region, ResourceType: tea.String("command"), ResourceId: []*string{cmd},
		TagKey: []*string{tea.String("k")}, All: tea.Bool(true),
	})
	requireTeaDocumented(t, err, "Param.Conflict", 403, "The specified all is true, but the specified TagKey.N is not empty.")
	_, err = c.UntagResources(&ecs.UntagResourcesRequest{
		RegionId: region, ResourceType: tea.String("invocation"), ResourceId: []*string{tea.String("t-nope")}, All: tea.Bool(true),
	})
	requireTeaDocumented(t, err, "InvalidResourceId.NotFound", 404, "The specified ResourceIds are not found in our records.")

	_, err = c.ListTagResources(&ecs.ListTagResourcesRequest{RegionId: region, ResourceType: tea.String("command")})
	requireTeaDocumented(t, err, "BothEmpty.TagsAndResources", 403, "The specified Tags and ResourcesIds are not allow to both empty.")
	_, err = c.ListTagResources(&ecs.ListTagResourcesRequest{
		RegionId: region, ResourceType: tea.String("command"), ResourceId: []*string{cmd}, NextToken: tea.String("forged"),
	})
	requireTeaDocumented(t, err, "Invalid.NextToken", 403, "The specified NextToken is not valid.")
	_, err = c.ListTagResources(&ecs.ListTagResourcesRequest{
		RegionId: region, ResourceType: tea.String("command"),
		Tag:       []*ecs.ListTagResourcesRequestTag{{Key: tea.String("k")}},
		TagFilter: []*ecs.ListTagResourcesRequestTagFilter{{TagKey: tea.String("k*")}},
	})
	requireTeaDocumented(t, err, "InvalidTags.MalFormed", 400, "The tags must be empty, when the tagFilters is not empty.")
	listed, err := c.ListTagResources(&ecs.ListTagResourcesRequest{
		RegionId: region, ResourceType: tea.String("command"),
		TagFilter: []*ecs.ListTagResourcesRequestTagFilter{{TagKey: tea.String("kxx*")}},
	})
	require.NoError(t, err)
	assert.Len(t, listed.Body.TagResources.TagResource, 20, "a filter alone selects")

	_, err = c.JoinResourceGroup(&ecs.JoinResourceGroupRequest{RegionId: region, ResourceType: tea.String("command"), ResourceId: cmd})
	requireTeaDocumented(t, err, "MissingParameter", 403, `The input parameter "ResourceGroupId" that is mandatory for processing this request is not supplied.`)
	_, err = c.JoinResourceGroup(&ecs.JoinResourceGroupRequest{
		RegionId: region, ResourceType: tea.String("command"), ResourceId: tea.String("c-nope"), ResourceGroupId: tea.String("rg-a"),
	})
	requireTeaDocumented(t, err, "InvalidResourceId.NotFound", 404, "The ResourceId provided does not exist in our records.")
}

func TestTeaDocumentedModifyInvocationErrors(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := teaClient(t, srv)
	region := tea.String(srv.Region())
	created, err := c.CreateCommand(&ecs.CreateCommandRequest{
		RegionId: region, Name: tea.String("n"), Type: tea.String("RunShellScript"),
		CommandContent: tea.String(b64("echo {{who}}")), EnableParameter: tea.Bool(true),
	})
	require.NoError(t, err)
	invoke := func(frequency string) *string {
		resp, err := c.InvokeCommand(&ecs.InvokeCommandRequest{
			RegionId: region, CommandId: created.Body.CommandId, InstanceId: []*string{tea.String("i-a")},
			Frequency: tea.String(frequency), Parameters: map[string]interface{}{"who": "a"},
		})
		require.NoError(t, err)
		return resp.Body.InvokeId
	}
	periodic, once := invoke("rate(1h)"), invoke("")
	modify := func(req *ecs.ModifyInvocationAttributeRequest) error {
		req.RegionId = region
		if req.InvokeId == nil {
			req.InvokeId = periodic
		}
		_, err := c.ModifyInvocationAttribute(req)
		return err
	}
	err = modify(&ecs.ModifyInvocationAttributeRequest{InvokeId: once, Frequency: tea.String("rate(2h)")})
	requireTeaDocumented(t, err, "InvalidOperation.RepeatModeUnsupported", 403, "The operation is not supported for current repeat mode of invocation.")
	err = modify(&ecs.ModifyInvocationAttributeRequest{Frequency: tea.String("every day")})
	requireTeaDocumented(t, err, "InvalidParameter.Frequency", 400, "The specified parameter Frequency is not valid.")
	err = modify(&ecs.ModifyInvocationAttributeRequest{InstanceId: []*string{tea.String("i-nope")}})
	requireTeaDocumented(t, err, "InvalidInstanceId.NotFound", 404, "The specified parameter InstanceId does not exist.")
	err = modify(&ecs.ModifyInvocationAttributeRequest{EnableParameter: tea.Bool(true), Parameters: map[string]interface{}{"nobody": "x"}})
	requireTeaDocumented(t, err, "InvalidParameters.KeyNotMatch", 400, "The key in the parameter Parameters do not match those defined when creating the command.")

	_, err = c.StopInvocation(&ecs.StopInvocationRequest{RegionId: region, InvokeId: periodic})
	require.NoError(t, err)
	err = modify(&ecs.ModifyInvocationAttributeRequest{Frequency: tea.String("rate(2h)")})
	requireTeaDocumented(t, err, "InvalidOperation.InvokeAlreadyFinished", 403, "The operation is not supported for finished invocation.")
}

func TestTeaDocumentedFileAndInstallErrors(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := teaClient(t, srv)
	region := tea.String(srv.Region())
	send := func(mod func(*ecs.SendFileRequest)) error {
		req := &ecs.SendFileRequest{
			RegionId: region, Name: tea.String("f"), TargetDir: tea.String("/tmp"), Content: tea.String("x"),
			InstanceId: []*string{tea.String("i-a")},
		}
		mod(req)
		_, err := c.SendFile(req)
		return err
	}
	err := send(func(r *ecs.SendFileRequest) { r.FileMode = tea.String("u+x") })
	requireTeaDocumented(t, err, "FileMode.Invalid", 400, "The mode of file is invalid.")
	err = send(func(r *ecs.SendFileRequest) { r.TargetDir = tea.String("tmp") })
	requireTeaDocumented(t, err, "FileTargetDir.Invalid", 400, "The target directory of file is invalid.")
	err = send(func(r *ecs.SendFileRequest) { r.ContentType = tea.String("Base64"); r.Content = tea.String("%%%") })
	requireTeaDocumented(t, err, "FileContent.DecodeError", 400, "The Content can not be base64 decoded.")
	err = send(func(r *ecs.SendFileRequest) { r.ContentType = tea.String("Gzip") })
	requireTeaDocumented(t, err, "FileContentType.Invalid", 400, "The ContentType of file is invalid.")
	err = send(func(r *ecs.SendFileRequest) { r.InstanceId = nil })
	requireTeaDocumented(t, err, "MissingParam.InstanceId", 400, "The parameter instanceId is missing or empty.")
	err = send(func(r *ecs.SendFileRequest) { r.InstanceId = []*string{tea.String("i-nope")} })
	requireTeaDocumented(t, err, "InvalidInstance.NotFound", 404, "The specified instances not found.")
	err = send(func(r *ecs.SendFileRequest) { r.Timeout = tea.Int64(86401) })
	requireTeaDocumented(t, err, "InvalidTimeout.ExceedLimit", 403, "The specified parameter Timeout exceeds the upper limit.")

	err = send(func(r *ecs.SendFileRequest) { r.Tag = []*ecs.SendFileRequestTag{{Value: tea.String("v")}} })
	requireTeaDocumented(t, err, "MissingParameter.TagKey", 400, "You must specify Tag.N.Key.")
	_, err = c.DescribeSendFileResults(&ecs.DescribeSendFileResultsRequest{
		RegionId: region, Tag: []*ecs.DescribeSendFileResultsRequestTag{{Key: tea.String("k"), Value: tea.String("https://x")}},
	})
	requireTeaDocumented(t, err, "InvalidTagValue.Malformed", 400, "The specified Tag.n.Value is not valid.")

	// DescribeSendFileResults' paging errors (the same table rows as DescribeInvocationResults).
	_, err = c.DescribeSendFileResults(&ecs.DescribeSendFileResultsRequest{RegionId: region, PageNumber: tea.Int64(1 << 40)})
	requireTeaDocumented(t, err, "InvalidParam.PageNumber", 400, "The specified parameter is invalid.")
	_, err = c.DescribeSendFileResults(&ecs.DescribeSendFileResultsRequest{RegionId: region, NextToken: tea.String("forged")})
	requireTeaDocumented(t, err, "InvalidParameter.NextToken", 400, "The specified parameter NextToken is not valid.")
	_, err = c.DescribeSendFileResults(&ecs.DescribeSendFileResultsRequest{RegionId: region, MaxResults: tea.Int32(51)})
	requireTeaDocumented(t, err, "InvalidParameter.MaxResults", 400, "The specified parameter MaxResults is not valid.")

	_, err = c.InstallCloudAssistant(&ecs.InstallCloudAssistantRequest{RegionId: region})
	requireTeaDocumented(t, err, "MissingParam.InstanceId", 400, "The parameter instanceId is missing or empty.")
	var fiftyOne []*string
	for range 51 {
		fiftyOne = append(fiftyOne, tea.String("i-noagent"))
	}
	_, err = c.InstallCloudAssistant(&ecs.InstallCloudAssistantRequest{RegionId: region, InstanceId: fiftyOne})
	requireTeaDocumented(t, err, "InstanceIds.ExceedLimit", 403, "The number of instance IDs exceeds the upper limit.")
	_, err = c.InstallCloudAssistant(&ecs.InstallCloudAssistantRequest{RegionId: region, InstanceId: fiftyOne[:50]})
	require.NoError(t, err, "50 ids are the documented limit")
}
