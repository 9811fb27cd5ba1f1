package emulator

import (
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func describeCommand(t *testing.T, c *ecs.Client, id string) []ecs.Command {
	t.Helper()
	req := ecs.CreateDescribeCommandsRequest()
	req.CommandId = id
	resp, err := c.DescribeCommands(req)
	require.NoError(t, err)
	return resp.Commands.Command
}

func TestCommandLifecycle(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)

	id := mkCommand(t, c, "echo {{ greeting }} {{name}} {{ACS::InstanceId}}", func(r *ecs.CreateCommandRequest) {
		r.Description, r.WorkingDir, r.Timeout = "says hello", "/tmp", requests.NewInteger(30)
		r.EnableParameter = requests.NewBoolean(true)
		r.Tag = &[]ecs.CreateCommandTag{{Key: "team", Value: "infra"}}
	})
	cmds := describeCommand(t, c, id)
	require.Len(t, cmds, 1)
	got := cmds[0]
	assert.Equal(t, "test", got.Name)
	assert.Equal(t, "RunShellScript", got.Type)
	assert.Equal(t, "says hello", got.Description)
	assert.Equal(t, b64("echo {{ greeting }} {{name}} {{ACS::InstanceId}}"), got.CommandContent)
	assert.Equal(t, "/tmp", got.WorkingDir)
	assert.EqualValues(t, 30, got.Timeout)
	assert.True(t, got.EnableParameter)
	assert.Equal(t, []string{"greeting", "name"}, got.ParameterNames.ParameterName)
	require.Len(t, got.Tags.Tag, 1)
	assert.Equal(t, "team", got.Tags.Tag[0].TagKey)
	assert.NotEmpty(t, got.CreationTime)

	// PlainText rendering, filters.
	req := ecs.CreateDescribeCommandsRequest()
	req.Name, req.ContentEncoding = "te*", "PlainText"
	resp, err := c.DescribeCommands(req)
	require.NoError(t, err)
	require.Len(t, resp.Commands.Command, 1)
	assert.Equal(t, "echo {{ greeting }} {{name}} {{ACS::InstanceId}}", resp.Commands.Command[0].CommandContent)

	mod := ecs.CreateModifyCommandRequest()
	mod.CommandId, mod.Name, mod.CommandContent, mod.Timeout = id, "renamed", b64("echo {{other}}"), requests.NewInteger(90)
	_, err = c.ModifyCommand(mod)
	require.NoError(t, err)
	got = describeCommand(t, c, id)[0]
	assert.Equal(t, "renamed", got.Name)
	// The current ModifyCommand reference: CommandContent "is no longer used and does not
	// take effect"; the call succeeds and the script and its parameters stay.
	assert.Equal(t, b64("echo {{ greeting }} {{name}} {{ACS::InstanceId}}"), got.CommandContent)
	assert.EqualValues(t, 90, got.Timeout)
	assert.Equal(t, []string{"greeting", "name"}, got.ParameterNames.ParameterName)
	assert.Equal(t, "says hello", got.Description, "fields not sent stay")

	del := ecs.CreateDeleteCommandRequest()
	del.CommandId = id
	_, err = c.DeleteCommand(del)
	require.NoError(t, err)
	assert.Empty(t, describeCommand(t, c, id), "an unknown id is an empty list, not an error")
	_, err = c.DeleteCommand(del)
	requireCode(t, err, "InvalidCmdId.NotFound", 404)
	_, err = c.ModifyCommand(mod)
	requireCode(t, err, "InvalidCmdId.NotFound", 404)
	assert.Equal(t, 0, srv.Stats().Commands)
}

func TestCreateCommandErrors(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	many := ""
	for i := range 21 {
		many += "{{p" + string(rune('a'+i)) + "}}"
	}
	cases := []struct {
		name   string
		mod    func(*ecs.CreateCommandRequest)
		code   string
		status int
	}{
		{"no name", func(r *ecs.CreateCommandRequest) { r.Name = "" }, "MissingParameter.Name", 400},
		{"no type", func(r *ecs.CreateCommandRequest) { r.Type = "" }, "MissingParameter.Type", 400},
		{"no content", func(r *ecs.CreateCommandRequest) { r.CommandContent = "" }, "MissingParameter.CommandContent", 400},
		{"bad type", func(r *ecs.CreateCommandRequest) { r.Type = "RunPythonScript" }, "InvalidCmdType.NotFound", 404},
		{"content too large", func(r *ecs.CreateCommandRequest) { r.CommandContent = b64(strings.Repeat("x", 14*1024)) }, "CmdContent.ExceedLimit", 403},
		{"not base64", func(r *ecs.CreateCommandRequest) { r.CommandContent = "%%%not base64" }, "CmdContent.DecodeError", 400},
		{"name too long", func(r *ecs.CreateCommandRequest) { r.Name = strings.Repeat("n", 129) }, "CmdName.ExceedLimit", 403},
		{"description too long", func(r *ecs.CreateCommandRequest) { r.Description = strings.Repeat("d", 513) }, "CmdDesc.ExceedLimit", 403},
		{"working dir too long", func(r *ecs.CreateCommandRequest) { r.WorkingDir = "/" + strings.Repeat("w", 200) }, "InvalidParameter.WorkingDir", 400},
		{"bad parameter name", func(r *ecs.CreateCommandRequest) {
			r.CommandContent, r.EnableParameter = b64("echo {{bad name!}}"), requests.NewBoolean(true)
		}, "CmdParam.InvalidParamName", 400},
		{"unknown built-in", func(r *ecs.CreateCommandRequest) {
			r.CommandContent, r.EnableParameter = b64("echo {{ACS::Nope}}"), requests.NewBoolean(true)
		}, "CmdParam.InvalidParamName", 400},
		{"too many parameters", func(r *ecs.CreateCommandRequest) {
			r.CommandContent, r.EnableParameter = b64(many), requests.NewBoolean(true)
		}, "CmdParamCount.ExceedLimit", 403},
		{"bad timeout", func(r *ecs.CreateCommandRequest) { r.Timeout = requests.NewInteger(-5) }, "InvalidParameter.Timeout", 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := ecs.CreateCreateCommandRequest()
			req.Name, req.Type, req.CommandContent = "n", "RunShellScript", b64("true")
			tc.mod(req)
			_, err := c.CreateCommand(req)
			requireCode(t, err, tc.code, tc.status)
		})
	}
	// Without EnableParameter the braces are just text.
	mkCommand(t, c, "echo {{bad name!}}", nil)
}

func TestDescribeCommandsPaging(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	for range 5 {
		mkCommand(t, c, "true", nil)
	}
	var seen []string
	for n := 1; n <= 3; n++ {
		req := ecs.CreateDescribeCommandsRequest()
		req.PageNumber, req.PageSize = requests.NewInteger(n), requests.NewInteger(2)
		resp, err := c.DescribeCommands(req)
		require.NoError(t, err)
		assert.EqualValues(t, 5, resp.TotalCount)
		assert.EqualValues(t, n, resp.PageNumber)
		assert.EqualValues(t, 2, resp.PageSize)
		for _, cmd := range resp.Commands.Command {
			seen = append(seen, cmd.CommandId)
		}
	}
	assert.Len(t, seen, 5)

	var viaToken []string
	token := ""
	for {
		req := ecs.CreateDescribeCommandsRequest()
		req.MaxResults, req.NextToken = requests.NewInteger(2), token
		resp, err := c.DescribeCommands(req)
		require.NoError(t, err)
		for _, cmd := range resp.Commands.Command {
			viaToken = append(viaToken, cmd.CommandId)
		}
		if token = resp.NextToken; token == "" {
			break
		}
	}
	assert.Equal(t, seen, viaToken)

	req := ecs.CreateDescribeCommandsRequest()
	req.NextToken = "garbage"
	_, err := c.DescribeCommands(req)
	requireCode(t, err, "InvalidParameter.NextToken", 400)
	req = ecs.CreateDescribeCommandsRequest()
	req.PageSize = requests.NewInteger(51)
	_, err = c.DescribeCommands(req)
	requireCode(t, err, "InvalidParam.PageSize", 400)
}
