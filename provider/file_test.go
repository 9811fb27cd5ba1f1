package provider_test

import (
	"os"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
)

const fileToken = tokens.Type("cloudassistant:index:File")

// fileInputs are a File's inputs for the emulator's instances.
func (h *harness) fileInputs(content string, extra ...any) property.Map {
	kv := append([]any{
		"instanceIds", strs(h.srv.InstanceIDs()...), "targetDir", str("/etc/app"), "name", str("app.conf"),
		"content", str(content),
	}, extra...)
	return props(kv...)
}

func (h *harness) tryFile(name string, in property.Map) (p.CreateResponse, error) {
	h.t.Helper()
	checked := h.check(fileToken, name, property.Map{}, in)
	return h.s.Create(p.CreateRequest{Urn: urn(fileToken, name), Properties: checked})
}

// onDisk reads the file as the instance has it, with its permission bits.
func onDisk(t *testing.T, srv *emulator.Server, instanceID, path string) (string, os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(srv.InstancePath(instanceID, path))
	require.NoError(t, err, "%s on %s", path, instanceID)
	fi, err := os.Stat(srv.InstancePath(instanceID, path))
	require.NoError(t, err)
	return string(b), fi.Mode().Perm()
}

func TestFileCreateOnThreeInstances(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	resp, err := h.tryFile("conf", h.fileInputs("listen = 8080\n", "fileMode", str("0640")))
	require.NoError(t, err)
	out := resp.Properties
	assert.True(t, strings.HasPrefix(resp.ID, "f-"), resp.ID)
	assert.Equal(t, resp.ID, out.Get("invokeId").AsString())
	assert.Equal(t, "Success", out.Get("status").AsString())
	assert.False(t, out.Get("resendRequired").AsBool())
	rs := results(t, out)
	require.Len(t, rs, 3)
	for _, r := range rs {
		assert.Equal(t, "Success", r.Get("status").AsString())
		assert.Equal(t, resp.ID, r.Get("invokeId").AsString())
		assert.NotEmpty(t, r.Get("finishTime").AsString())
	}
	for _, id := range h.srv.InstanceIDs() {
		content, mode := onDisk(t, h.srv, id, "/etc/app/app.conf")
		assert.Equal(t, "listen = 8080\n", content)
		assert.Equal(t, os.FileMode(0o640), mode)
	}
}

func TestFileSixtyInstancesGoInTwoBatches(t *testing.T) {
	t.Parallel()
	h := newHarnessWith(t, emulator.Options{InstanceCount: 60})
	resp, err := h.tryFile("conf", h.fileInputs("x=1\n"))
	require.NoError(t, err)
	ids := resp.Properties.Get("invokeIds").AsArray().AsSlice()
	require.Len(t, ids, 2)
	assert.Equal(t, ids[0].AsString()+","+ids[1].AsString(), resp.ID)
	assert.EqualValues(t, 2, h.srv.Stats().Actions["SendFile"])
	rs := results(t, resp.Properties)
	require.Len(t, rs, 60)
	perTask := map[string]int{}
	for _, r := range rs {
		assert.Equal(t, "Success", r.Get("status").AsString())
		perTask[r.Get("invokeId").AsString()]++
	}
	assert.Equal(t, map[string]int{ids[0].AsString(): 50, ids[1].AsString(): 10}, perTask)
	for _, id := range h.srv.InstanceIDs() {
		content, _ := onDisk(t, h.srv, id, "/etc/app/app.conf")
		assert.Equal(t, "x=1\n", content, id)
	}
}

func TestFileOverwriteFalseFailsNamingTheInstances(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ids := h.srv.InstanceIDs()
	for _, id := range []string{ids[0], ids[2]} {
		require.NoError(t, os.MkdirAll(h.srv.InstancePath(id, "/etc/app"), 0o755))
		require.NoError(t, os.WriteFile(h.srv.InstancePath(id, "/etc/app/app.conf"), []byte("theirs\n"), 0o644))
	}
	in := h.fileInputs("ours\n", "overwrite", boolean(false))
	resp, err := h.tryFile("conf", in)
	require.Error(t, err)
	require.NotNil(t, resp.PartialState, "a failed delivery is still recorded: %v", err)
	msg := strings.Join(resp.PartialState.Reasons, "\n")
	assert.Contains(t, msg, "file /etc/app/app.conf was not delivered to 2 of 3 instances")
	assert.Contains(t, msg, ids[0]+": Failed, error FileAlreadyExists")
	assert.Contains(t, msg, ids[2]+": Failed, error FileAlreadyExists")
	assert.NotContains(t, msg, ids[1]+":")
	assert.Contains(t, msg, "set overwrite to true")
	assert.NotContains(t, msg, "ours", "the content never appears in messages")
	assert.Equal(t, "PartialFailed", resp.Properties.Get("status").AsString())
	assert.True(t, resp.Properties.Get("resendRequired").AsBool())
	content, _ := onDisk(t, h.srv, ids[0], "/etc/app/app.conf")
	assert.Equal(t, "theirs\n", content)
	content, _ = onDisk(t, h.srv, ids[1], "/etc/app/app.conf")
	assert.Equal(t, "ours\n", content)

	// The next up sends it again, even with nothing changed.
	checked := h.check(fileToken, "conf", resp.Properties, in)
	d := h.diff(t, fileToken, "conf", resp.ID, resp.Properties, checked)
	assert.Equal(t, p.UpdateReplace, d.DetailedDiff["resendRequired"].Kind)
}

func TestFileContentChangeReplacesAndResends(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	resp, err := h.tryFile("conf", h.fileInputs("v1\n"))
	require.NoError(t, err)
	ids := h.srv.InstanceIDs()

	// Metadata changes in place and sends nothing.
	meta := h.check(fileToken, "conf", resp.Properties, h.fileInputs("v1\n", "description", str("the app's config"),
		"tags", strMap(map[string]string{"team": "core"})))
	d := h.diff(t, fileToken, "conf", resp.ID, resp.Properties, meta)
	require.True(t, d.HasChanges)
	assert.Equal(t, p.Add, d.DetailedDiff["description"].Kind)
	assert.Equal(t, p.Add, d.DetailedDiff["tags"].Kind)
	sends := h.srv.Stats().Actions["SendFile"]
	up, err := h.s.Update(p.UpdateRequest{ID: resp.ID, Urn: urn(fileToken, "conf"), State: resp.Properties, Inputs: meta})
	require.NoError(t, err)
	assert.Equal(t, "the app's config", up.Properties.Get("description").AsString())
	assert.Equal(t, sends, h.srv.Stats().Actions["SendFile"], "an in-place update sends nothing")

	// Content, path, mode and owner changes replace.
	for key, v := range map[string]property.Value{
		"content": str("v2\n"), "name": str("other.conf"), "targetDir": str("/opt/app"),
		"fileMode": str("0600"), "fileOwner": str("nobody"), "fileGroup": str("nogroup"),
	} {
		in := h.fileInputs("v1\n")
		in = in.Set(key, v)
		checked := h.check(fileToken, "conf", up.Properties, in)
		d := h.diff(t, fileToken, "conf", resp.ID, up.Properties, checked)
		require.True(t, d.HasChanges, key)
		assert.Contains(t, []p.DiffKind{p.UpdateReplace, p.AddReplace}, d.DetailedDiff[key].Kind, key)
	}

	// With removeOnDelete, the old file is removed before the new one is sent, not after.
	withRemove := h.check(fileToken, "conf", resp.Properties, h.fileInputs("v1\n", "removeOnDelete", boolean(true)))
	up2, err := h.s.Update(p.UpdateRequest{ID: resp.ID, Urn: urn(fileToken, "conf"), State: up.Properties, Inputs: withRemove})
	require.NoError(t, err)
	changed := h.check(fileToken, "conf", up2.Properties, h.fileInputs("v2\n", "removeOnDelete", boolean(true)))
	d = h.diff(t, fileToken, "conf", resp.ID, up2.Properties, changed)
	assert.True(t, d.DeleteBeforeReplace)

	// The replacement sends the new content.
	resp2, err := h.tryFile("conf", h.fileInputs("v2\n"))
	require.NoError(t, err)
	assert.NotEqual(t, resp.ID, resp2.ID)
	for _, id := range ids {
		content, _ := onDisk(t, h.srv, id, "/etc/app/app.conf")
		assert.Equal(t, "v2\n", content)
	}
}

func TestFileTooLargeIsAPreviewErrorWithTheSize(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	big := strings.Repeat("secret-ish ", 3000) // 33,000 bytes, 44,000 after Base64
	resp, err := h.s.Check(p.CheckRequest{Urn: urn(fileToken, "big"), Inputs: h.fileInputs(big)})
	require.NoError(t, err)
	require.Len(t, resp.Failures, 1)
	f := resp.Failures[0]
	assert.Equal(t, "content", failurePath(f))
	assert.Contains(t, f.Reason, "33000 bytes (32.2 KB)")
	assert.Contains(t, f.Reason, "44000 bytes (43 KB) after Base64")
	assert.Contains(t, f.Reason, "at most 32768 bytes (32 KB) after Base64")
	assert.Contains(t, f.Reason, "compress it")
	assert.NotContains(t, f.Reason, "secret-ish", "the content is never printed")
	assert.Zero(t, h.mutatingCalls())
}

func TestFileCheckRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.srv.InstanceIDs()[0]
	cases := []struct {
		name, path, reason string
		in                 property.Map
	}{
		{"relative dir", "targetDir", "absolute", h.fileInputs("x", "targetDir", str("etc/app"))},
		{"dotdot", "targetDir", "`..`", h.fileInputs("x", "targetDir", str("/etc/../root"))},
		{"slash in name", "name", "without a directory", h.fileInputs("x", "name", str("a/b"))},
		{"symbolic mode", "fileMode", "octal", h.fileInputs("x", "fileMode", str("u+rw"))},
		{"mode 9", "fileMode", "octal", h.fileInputs("x", "fileMode", str("0649"))},
		{"long owner", "fileOwner", "limit is 64", h.fileInputs("x", "fileOwner", str(strings.Repeat("o", 65)))},
		{"long group", "fileGroup", "limit is 64", h.fileInputs("x", "fileGroup", str(strings.Repeat("g", 65)))},
		{"both contents", "contentBase64", "not both", h.fileInputs("x", "contentBase64", str("eA=="))},
		{"no content", "content", "is required", h.fileInputs("x").Delete("content")},
		{"bad Base64", "contentBase64", "not valid Base64", h.fileInputs("x").Delete("content").Set("contentBase64", str("%%"))},
		{"twice", "instanceIds[1]", "given twice", h.fileInputs("x", "instanceIds", strs(id, id))},
		{"short timeout", "timeout", "between 10 and 86400", h.fileInputs("x", "timeout", num(5))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := h.s.Check(p.CheckRequest{Urn: urn(fileToken, "f"), Inputs: c.in})
			require.NoError(t, err)
			require.NotEmpty(t, resp.Failures)
			assert.Equal(t, c.path, failurePath(resp.Failures[0]))
			assert.Contains(t, resp.Failures[0].Reason, c.reason)
		})
	}
}

func TestFileImport(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	in := h.fileInputs("k=v\n", "fileMode", str("0600"), "description", str("d"),
		"tags", strMap(map[string]string{"team": "core"}))
	resp, err := h.tryFile("conf", in)
	require.NoError(t, err)

	read, err := h.s.Read(p.ReadRequest{ID: resp.ID, Urn: urn(fileToken, "conf")})
	require.NoError(t, err)
	assert.Equal(t, resp.ID, read.ID)
	got := read.Inputs
	assert.Equal(t, "/etc/app", got.Get("targetDir").AsString())
	assert.Equal(t, "app.conf", got.Get("name").AsString())
	assert.Equal(t, "0600", got.Get("fileMode").AsString())
	assert.True(t, got.Get("content").Secret(), "imported content is stored as a secret")
	assert.Equal(t, "k=v\n", got.Get("content").AsString())
	assert.Equal(t, "Success", read.Properties.Get("status").AsString())
	assert.Len(t, results(t, read.Properties), 3)

	// The program that made it shows no diff against the imported state.
	checked := h.check(fileToken, "conf", read.Inputs, in)
	d := h.diff(t, fileToken, "conf", read.ID, read.Properties, checked)
	assert.False(t, d.HasChanges, "%v", d.DetailedDiff)

	_, err = h.s.Read(p.ReadRequest{ID: "f-doesnotexist", Urn: urn(fileToken, "x")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot import file f-doesnotexist")
}

func TestFileSecretContentStaysSecret(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	in := h.fileInputs("x").Set("content", str("password=hunter2\n").WithSecret(true))
	resp, err := h.tryFile("conf", in)
	require.NoError(t, err)
	assert.True(t, resp.Properties.Get("content").Secret())
	read, err := h.s.Read(p.ReadRequest{ID: resp.ID, Urn: urn(fileToken, "conf"), Properties: resp.Properties,
		Inputs: h.check(fileToken, "conf", property.Map{}, in)})
	require.NoError(t, err)
	assert.True(t, read.Properties.Get("content").Secret(), "a refresh keeps it secret")
}

func TestFileDelete(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ids := h.srv.InstanceIDs()

	kept, err := h.tryFile("kept", h.fileInputs("a\n", "name", str("kept.conf")))
	require.NoError(t, err)
	err = h.s.Delete(p.DeleteRequest{ID: kept.ID, Urn: urn(fileToken, "kept"), Properties: kept.Properties})
	require.NoError(t, err)
	for _, id := range ids {
		content, _ := onDisk(t, h.srv, id, "/etc/app/kept.conf")
		assert.Equal(t, "a\n", content, "by default delete leaves the file")
	}

	gone, err := h.tryFile("gone", h.fileInputs("b\n", "name", str("it's gone.conf"), "removeOnDelete", boolean(true)))
	require.NoError(t, err)
	err = h.s.Delete(p.DeleteRequest{ID: gone.ID, Urn: urn(fileToken, "gone"), Properties: gone.Properties})
	require.NoError(t, err)
	for _, id := range ids {
		_, err := os.Stat(h.srv.InstancePath(id, "/etc/app/it's gone.conf"))
		assert.True(t, os.IsNotExist(err), "removeOnDelete removes the file on %s", id)
		_, err = os.Stat(h.srv.InstancePath(id, "/etc/app/kept.conf"))
		assert.NoError(t, err, "and nothing else")
	}
}
