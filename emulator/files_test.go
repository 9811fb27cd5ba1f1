package emulator

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sendTestFile sends a file with the classic SDK and returns the invoke id.
func sendTestFile(t testing.TB, c *ecs.Client, instances []string, mod func(*ecs.SendFileRequest)) (string, error) {
	t.Helper()
	req := ecs.CreateSendFileRequest()
	req.InstanceId = &instances
	req.Name, req.TargetDir, req.Content = "app.conf", "/etc/app", "key=value\n"
	if mod != nil {
		mod(req)
	}
	resp, err := c.SendFile(req)
	if err != nil {
		return "", err
	}
	return resp.InvokeId, nil
}

// fileTask returns the DescribeSendFileResults record of a file task.
func fileTask(t testing.TB, c *ecs.Client, invokeID string) ecs.Invocation {
	t.Helper()
	req := ecs.CreateDescribeSendFileResultsRequest()
	req.InvokeId = invokeID
	resp, err := c.DescribeSendFileResults(req)
	require.NoError(t, err)
	require.Len(t, resp.Invocations.Invocation, 1)
	return resp.Invocations.Invocation[0]
}

// waitFile polls until the file task no longer has an instance pending or running.
func waitFile(t testing.TB, c *ecs.Client, invokeID string) ecs.Invocation {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		task := fileTask(t, c, invokeID)
		if task.InvocationStatus != "Pending" && task.InvocationStatus != "Running" {
			return task
		}
		if time.Now().After(deadline) {
			t.Fatalf("file task %s is still %s", invokeID, task.InvocationStatus)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func byInstance(task ecs.Invocation) map[string]ecs.InvokeInstance {
	out := map[string]ecs.InvokeInstance{}
	for _, i := range task.InvokeInstances.InvokeInstance {
		out[i.InstanceId] = i
	}
	return out
}

func TestSendFileWritesTheFileOnEveryInstance(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	ids := srv.InstanceIDs()
	id, err := sendTestFile(t, c, ids, func(r *ecs.SendFileRequest) {
		r.FileMode, r.Description = "0600", "the app's configuration"
		r.Tag = &[]ecs.SendFileTag{{Key: "team", Value: "core"}}
	})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(id, "f-"), id)

	task := waitFile(t, c, id)
	assert.Equal(t, "Success", task.InvocationStatus)
	assert.Equal(t, "app.conf", task.Name)
	assert.Equal(t, "/etc/app", task.TargetDir)
	assert.Equal(t, "0600", task.FileMode)
	assert.Equal(t, "root", task.FileOwner)
	assert.Equal(t, "root", task.FileGroup)
	assert.Equal(t, "false", task.Overwrite)
	assert.Equal(t, "PlainText", task.ContentType)
	assert.Equal(t, "key=value\n", task.Content)
	assert.Equal(t, "the app's configuration", task.Description)
	assert.Equal(t, len(ids), task.VmCount)
	require.Len(t, task.InvokeInstances.InvokeInstance, len(ids))
	for _, inst := range task.InvokeInstances.InvokeInstance {
		assert.Equal(t, "Success", inst.InvocationStatus)
		assert.Empty(t, inst.ErrorCode)
		assert.NotEmpty(t, inst.StartTime)
		assert.NotEmpty(t, inst.FinishTime)
	}
	for _, iid := range ids {
		p := srv.InstancePath(iid, "/etc/app/app.conf")
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Equal(t, "key=value\n", string(b))
		fi, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), iid)
	}
}

func TestSendFileBase64KeepsBytes(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{InstanceCount: 1})
	c := client(t, srv)
	raw := []byte{0, 1, 2, 0xff, 0xfe, '\n'}
	id, err := sendTestFile(t, c, srv.InstanceIDs(), func(r *ecs.SendFileRequest) {
		r.Name, r.TargetDir, r.ContentType = "blob.bin", "/root", "Base64"
		r.Content = base64.StdEncoding.EncodeToString(raw)
		r.FileMode = "755"
	})
	require.NoError(t, err)
	task := waitFile(t, c, id)
	require.Equal(t, "Success", task.InvocationStatus)
	assert.Equal(t, base64.StdEncoding.EncodeToString(raw), task.Content, "Base64 content is answered in Base64")
	p := srv.InstancePath(srv.InstanceIDs()[0], "/root/blob.bin")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, raw, b)
	fi, err := os.Stat(p)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm())
}

func TestSendFileOverwrite(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	ids := srv.InstanceIDs()
	// Only the first instance has the file already.
	require.NoError(t, os.MkdirAll(srv.InstancePath(ids[0], "/etc/app"), 0o755))
	require.NoError(t, os.WriteFile(srv.InstancePath(ids[0], "/etc/app/app.conf"), []byte("old\n"), 0o644))

	id, err := sendTestFile(t, c, ids, nil)
	require.NoError(t, err)
	task := waitFile(t, c, id)
	assert.Equal(t, "PartialFailed", task.InvocationStatus)
	got := byInstance(task)
	assert.Equal(t, "Failed", got[ids[0]].InvocationStatus)
	assert.Equal(t, "FileAlreadyExists", got[ids[0]].ErrorCode)
	assert.Equal(t, "File already exists", got[ids[0]].ErrorInfo)
	assert.Equal(t, "Success", got[ids[1]].InvocationStatus)
	b, err := os.ReadFile(srv.InstancePath(ids[0], "/etc/app/app.conf"))
	require.NoError(t, err)
	assert.Equal(t, "old\n", string(b), "a refused file is left alone")

	id, err = sendTestFile(t, c, ids, func(r *ecs.SendFileRequest) {
		r.Overwrite = requests.NewBoolean(true)
		r.Content = "key=new\n"
	})
	require.NoError(t, err)
	task = waitFile(t, c, id)
	assert.Equal(t, "Success", task.InvocationStatus)
	assert.Equal(t, "true", task.Overwrite)
	for _, iid := range ids {
		b, err := os.ReadFile(srv.InstancePath(iid, "/etc/app/app.conf"))
		require.NoError(t, err)
		assert.Equal(t, "key=new\n", string(b))
	}
}

func TestSendFileRequestErrors(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{InstanceCount: 1})
	c := client(t, srv)
	ids := srv.InstanceIDs()
	many := make([]string, 51)
	for i := range many {
		many[i] = ids[0]
	}
	fits := strings.Repeat("a", 32*1024/4*3) // exactly 32 KB after Base64
	cases := []struct {
		name   string
		ids    []string
		mod    func(*ecs.SendFileRequest)
		code   string
		status int
	}{
		// The codes and statuses of the current SendFile "Error codes" table.
		{"51 instances", many, nil, "InstanceIds.ExceedLimit", 403},
		{"no instance", []string{}, nil, "MissingParam.InstanceId", 400},
		{"unknown instance", []string{"i-nope"}, nil, "InvalidInstance.NotFound", 404},
		{"too large", ids, func(r *ecs.SendFileRequest) { r.Content = fits + "a" }, "FileSize.ExceedLimit", 403},
		{"too large in Base64", ids, func(r *ecs.SendFileRequest) {
			r.ContentType, r.Content = "Base64", base64.StdEncoding.EncodeToString([]byte(fits+"abc"))
		}, "FileSize.ExceedLimit", 403},
		{"bad Base64", ids, func(r *ecs.SendFileRequest) { r.ContentType, r.Content = "Base64", "%%%" }, "FileContent.DecodeError", 400},
		{"bad content type", ids, func(r *ecs.SendFileRequest) { r.ContentType = "Gzip" }, "FileContentType.Invalid", 400},
		{"symbolic mode", ids, func(r *ecs.SendFileRequest) { r.FileMode = "u+x" }, "FileMode.Invalid", 400},
		{"mode 0888", ids, func(r *ecs.SendFileRequest) { r.FileMode = "0888" }, "FileMode.Invalid", 400},
		{"relative dir", ids, func(r *ecs.SendFileRequest) { r.TargetDir = "etc/app" }, "FileTargetDir.Invalid", 400},
		{"long name", ids, func(r *ecs.SendFileRequest) { r.Name = strings.Repeat("n", 256) }, "FileName.ExceedLimit", 403},
		{"long description", ids, func(r *ecs.SendFileRequest) { r.Description = strings.Repeat("d", 513) }, "FileDesc.ExceedLimit", 403},
		{"long owner", ids, func(r *ecs.SendFileRequest) { r.FileOwner = strings.Repeat("o", 65) }, "InvalidParameter.FileOwner", 400},
		{"long group", ids, func(r *ecs.SendFileRequest) { r.FileGroup = strings.Repeat("g", 65) }, "InvalidParameter.FileGroup", 400},
		{"timeout over a day", ids, func(r *ecs.SendFileRequest) { r.Timeout = requests.NewInteger(86401) }, "InvalidTimeout.ExceedLimit", 403},
		{"a tag value without key", ids, func(r *ecs.SendFileRequest) { r.Tag = &[]ecs.SendFileTag{{Value: "v"}} }, "MissingParameter.TagKey", 400},
		{"a tag key over 64", ids, func(r *ecs.SendFileRequest) { r.Tag = &[]ecs.SendFileTag{{Key: strings.Repeat("k", 65)}} }, "InvalidTagKey.Malformed", 400},
		{"a duplicate tag key", ids, func(r *ecs.SendFileRequest) { r.Tag = &[]ecs.SendFileTag{{Key: "k"}, {Key: "k"}} }, "Duplicate.TagKey", 400},
		{"a url tag value", ids, func(r *ecs.SendFileRequest) { r.Tag = &[]ecs.SendFileTag{{Key: "k", Value: "http://x"}} }, "InvalidTagValue.Malformed", 400},
		{"21 tags", ids, func(r *ecs.SendFileRequest) {
			var tags []ecs.SendFileTag
			for i := range 21 {
				tags = append(tags, ecs.SendFileTag{Key: strings.Repeat("k", i+1)})
			}
			r.Tag = &tags
		}, "NumberExceed.Tags", 400},
		{"no name", ids, func(r *ecs.SendFileRequest) { r.Name = "" }, "MissingParameter.Name", 400},
		{"no content", ids, func(r *ecs.SendFileRequest) { r.Content = "" }, "MissingParameter.Content", 400},
	}
	messages := map[string]string{
		"MissingParam.InstanceId":  "The parameter instanceId is missing or empty.",
		"InstanceIds.ExceedLimit":  "The number of instance IDs exceeds the upper limit.",
		"InvalidInstance.NotFound": "The specified instances not found.",
		"FileContent.DecodeError":  "The Content can not be base64 decoded.",
		"FileMode.Invalid":         "The mode of file is invalid.",
		"FileTargetDir.Invalid":    "The target directory of file is invalid.",
		"FileSize.ExceedLimit":     "The length of file content exceeds limit.",
		"MissingParameter.TagKey":  "You must specify Tag.N.Key.",
		"NumberExceed.Tags":        "The Tags parameter number is exceed.",
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sendTestFile(t, c, tc.ids, tc.mod)
			requireCode(t, err, tc.code, tc.status)
			if want, ok := messages[tc.code]; ok {
				assert.Equal(t, want, serverError(t, err).Message(), "the documented message")
			}
		})
	}
	// DescribeSendFileResults' paging errors, as its table words them.
	page := ecs.CreateDescribeSendFileResultsRequest()
	page.PageSize = requests.NewInteger(51)
	_, err := c.DescribeSendFileResults(page)
	requireCode(t, err, "InvalidParam.PageSize", 400)
	assert.Equal(t, "The specified parameter is invalid.", serverError(t, err).Message())

	// The limit itself is accepted.
	id, err := sendTestFile(t, c, ids, func(r *ecs.SendFileRequest) { r.Content = fits })
	require.NoError(t, err)
	assert.Equal(t, "Success", waitFile(t, c, id).InvocationStatus)
}

func TestSendFilePerInstanceFailures(t *testing.T) {
	t.Parallel()
	off := false
	srv := start(t, Options{
		Instances: []Instance{
			{ID: "i-running"},
			{ID: "i-stopped", Status: "Stopped"},
			{ID: "i-noagent", AgentInstalled: &off},
			{ID: "i-offline", AgentOnline: &off},
		},
		DeliveryTimeout: 50 * time.Millisecond,
	})
	c := client(t, srv)
	id, err := sendTestFile(t, c, []string{"i-running", "i-stopped", "i-noagent", "i-offline"}, nil)
	require.NoError(t, err)
	task := waitFile(t, c, id)
	assert.Equal(t, "PartialFailed", task.InvocationStatus)
	got := byInstance(task)
	assert.Equal(t, "Success", got["i-running"].InvocationStatus)
	assert.Equal(t, [2]string{"Aborted", "InstanceNotRunning"}, [2]string{got["i-stopped"].InvocationStatus, got["i-stopped"].ErrorCode})
	assert.Equal(t, [2]string{"Aborted", "ClientNotRunning"}, [2]string{got["i-noagent"].InvocationStatus, got["i-noagent"].ErrorCode})
	assert.Equal(t, [2]string{"Aborted", "DeliveryTimeout"}, [2]string{got["i-offline"].InvocationStatus, got["i-offline"].ErrorCode})
	_, err = os.Stat(srv.InstancePath("i-stopped", "/etc/app/app.conf"))
	assert.True(t, os.IsNotExist(err), "nothing is written on a stopped instance")

	for _, tc := range []struct {
		name       string
		mod        func(*ecs.SendFileRequest)
		code, info string
	}{
		{"unknown owner", func(r *ecs.SendFileRequest) { r.FileOwner = "no-such-user-xyz" }, "AccountNotExists", "Owner not exists"},
		{"unknown group", func(r *ecs.SendFileRequest) { r.FileGroup = "no-such-group-xyz" }, "UserGroupNotExists", "Group not exists"},
		{"name with a slash", func(r *ecs.SendFileRequest) { r.Name = "a/b" }, "FileNameInvalid", "File name is invalid"},
	} {
		id, err := sendTestFile(t, c, []string{"i-running"}, tc.mod)
		require.NoError(t, err, tc.name)
		task := waitFile(t, c, id)
		assert.Equal(t, "Failed", task.InvocationStatus, tc.name)
		inst := task.InvokeInstances.InvokeInstance[0]
		assert.Equal(t, [2]string{tc.code, tc.info}, [2]string{inst.ErrorCode, inst.ErrorInfo}, tc.name)
	}
}

func TestSendFileStaysInsideTheSandbox(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{InstanceCount: 1})
	c := client(t, srv)
	iid := srv.InstanceIDs()[0]
	id, err := sendTestFile(t, c, []string{iid}, func(r *ecs.SendFileRequest) { r.TargetDir = "/../../../escape" })
	require.NoError(t, err)
	require.Equal(t, "Success", waitFile(t, c, id).InvocationStatus)
	_, err = os.Stat(srv.InstancePath(iid, "/escape/app.conf"))
	require.NoError(t, err, "/../.. is / on the instance")

	// A link on the instance to a folder of this machine is resolved on the instance, where
	// that folder does not exist: as mkdir -p on a machine, the delivery fails.
	outside := t.TempDir()
	require.NoError(t, os.Symlink(outside, srv.InstancePath(iid, "/link")))
	id, err = sendTestFile(t, c, []string{iid}, func(r *ecs.SendFileRequest) { r.TargetDir = "/link/sub" })
	require.NoError(t, err)
	task := waitFile(t, c, id)
	assert.Equal(t, "FilePathInvalid", task.InvokeInstances.InvokeInstance[0].ErrorCode)
	entries, err := os.ReadDir(outside)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written on this machine")

	// An absolute link inside the instance is followed inside it, as on a machine.
	require.NoError(t, os.Symlink("/etc", srv.InstancePath(iid, "/etc-link")))
	id, err = sendTestFile(t, c, []string{iid}, func(r *ecs.SendFileRequest) { r.TargetDir = "/etc-link/sub" })
	require.NoError(t, err)
	assert.Equal(t, "Success", waitFile(t, c, id).InvocationStatus)
	r := runScript(t, c, iid, "cat /etc/sub/app.conf", nil)
	assert.Equal(t, "key=value\n", r.Output, "the file is in the instance's /etc")
	_, err = os.Stat("/etc/sub/app.conf")
	assert.True(t, os.IsNotExist(err), "not in this machine's /etc")
}

func TestSendFileClientToken(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{InstanceCount: 1})
	c := client(t, srv)
	withToken := func(tok, content string) func(*ecs.SendFileRequest) {
		return func(r *ecs.SendFileRequest) {
			r.QueryParams["ClientToken"] = tok
			r.Content = content
		}
	}
	first, err := sendTestFile(t, c, srv.InstanceIDs(), withToken("tok-1", "a"))
	require.NoError(t, err)
	again, err := sendTestFile(t, c, srv.InstanceIDs(), withToken("tok-1", "a"))
	require.NoError(t, err)
	assert.Equal(t, first, again, "a retry with the same ClientToken is the same task")
	_, err = sendTestFile(t, c, srv.InstanceIDs(), withToken("tok-1", "b"))
	requireCode(t, err, "IdempotentParameterMismatch", 403)
}

func TestDescribeSendFileResultsFilters(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	ids := srv.InstanceIDs()
	var sent []string
	for i := range 3 {
		id, err := sendTestFile(t, c, ids[:i+1], func(r *ecs.SendFileRequest) { r.Name = fmt.Sprintf("f%d", i) })
		require.NoError(t, err)
		waitFile(t, c, id)
		sent = append(sent, id)
	}
	list := func(mod func(*ecs.DescribeSendFileResultsRequest)) *ecs.DescribeSendFileResultsResponse {
		req := ecs.CreateDescribeSendFileResultsRequest()
		mod(req)
		resp, err := c.DescribeSendFileResults(req)
		require.NoError(t, err)
		return resp
	}
	resp := list(func(r *ecs.DescribeSendFileResultsRequest) { r.Name = "f1" })
	require.Len(t, resp.Invocations.Invocation, 1)
	assert.Equal(t, sent[1], resp.Invocations.Invocation[0].InvokeId)
	resp = list(func(r *ecs.DescribeSendFileResultsRequest) { r.InstanceId = ids[2] })
	require.Len(t, resp.Invocations.Invocation, 1)
	assert.Equal(t, sent[2], resp.Invocations.Invocation[0].InvokeId)
	resp = list(func(r *ecs.DescribeSendFileResultsRequest) { r.InvocationStatus = "Failed" })
	assert.Empty(t, resp.Invocations.Invocation)
	resp = list(func(r *ecs.DescribeSendFileResultsRequest) { r.PageSize = requests.NewInteger(2) })
	assert.EqualValues(t, 3, resp.TotalCount)
	require.Len(t, resp.Invocations.Invocation, 2)
	assert.Equal(t, sent[2], resp.Invocations.Invocation[0].InvokeId, "newest first")
	resp = list(func(r *ecs.DescribeSendFileResultsRequest) { r.MaxResults = requests.NewInteger(2) })
	require.NotEmpty(t, resp.NextToken)
	resp = list(func(r *ecs.DescribeSendFileResultsRequest) {
		r.MaxResults, r.NextToken = requests.NewInteger(2), resp.NextToken
	})
	require.Len(t, resp.Invocations.Invocation, 1)
	assert.Equal(t, sent[0], resp.Invocations.Invocation[0].InvokeId)
}

func TestSendFilePersists(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv, err := New(Options{Listen: "127.0.0.1:0", DataDir: dir, InstanceCount: 1})
	require.NoError(t, err)
	c := client(t, srv)
	id, err := sendTestFile(t, c, srv.InstanceIDs(), nil)
	require.NoError(t, err)
	waitFile(t, c, id)
	require.NoError(t, srv.Close())

	srv = start(t, Options{DataDir: dir, InstanceCount: 1})
	c = client(t, srv)
	task := fileTask(t, c, id)
	assert.Equal(t, "Success", task.InvocationStatus)
	// The instance's layer survived: the file is on its disk after the restart.
	r := runScript(t, c, srv.InstanceIDs()[0], "cat /etc/app/app.conf", nil)
	assert.Equal(t, "key=value\n", r.Output)
}
