package provider_test

import (
	"os"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A File whose instance list alone changes converges in place: the added instances get the
// file (one SendFile naming only them), the removed ones are forgotten, or cleared with
// removeOnDelete; the ID stays and invokeIds gains the new task.
func TestFileConvergesOnItsInstances(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ids := h.srv.InstanceIDs()
	first := h.fileInputs("v1\n", "instanceIds", strs(ids[0]), "removeOnDelete", boolean(true))
	resp, err := h.tryFile("conf", first)
	require.NoError(t, err)

	grown := h.check(fileToken, "conf", resp.Properties, h.fileInputs("v1\n", "instanceIds", strs(ids[0], ids[1], ids[2]),
		"removeOnDelete", boolean(true)))
	d := h.diff(t, fileToken, "conf", resp.ID, resp.Properties, grown)
	require.True(t, d.HasChanges)
	assert.Equal(t, p.Update, d.DetailedDiff["instanceIds"].Kind, "an instance list change alone updates in place")
	assert.False(t, d.DeleteBeforeReplace)

	sends, execs := h.srv.Stats().Actions["SendFile"], h.srv.StatsPerInstance().ExecutionsByInstance
	up, err := h.s.Update(p.UpdateRequest{ID: resp.ID, Urn: urn(fileToken, "conf"), State: resp.Properties, Inputs: grown})
	require.NoError(t, err)
	assert.Equal(t, sends+1, h.srv.Stats().Actions["SendFile"], "one SendFile, to the added instances")
	assert.Equal(t, execs, h.srv.StatsPerInstance().ExecutionsByInstance, "no script ran")
	st := up.Properties
	assert.Equal(t, resp.ID, st.Get("invokeId").AsString(), "the first task stays the resource's")
	tasks := st.Get("invokeIds").AsArray().AsSlice()
	require.Len(t, tasks, 2)
	rs := results(t, st)
	require.Len(t, rs, 3)
	byInstance := map[string]string{}
	for _, r := range rs {
		assert.Equal(t, "Success", r.Get("status").AsString())
		byInstance[r.Get("instanceId").AsString()] = r.Get("invokeId").AsString()
	}
	assert.Equal(t, resp.ID, byInstance[ids[0]], "the first instance keeps its first delivery")
	assert.Equal(t, tasks[1].AsString(), byInstance[ids[1]], "the added ones got the new task")
	assert.Equal(t, tasks[1].AsString(), byInstance[ids[2]])
	for _, id := range ids {
		content, _ := onDisk(t, h.srv, id, "/etc/app/app.conf")
		assert.Equal(t, "v1\n", content)
	}

	// Refresh reads every task, not only the ones the ID names.
	read, err := h.s.Read(p.ReadRequest{ID: resp.ID, Urn: urn(fileToken, "conf"), Properties: st, Inputs: grown})
	require.NoError(t, err)
	assert.Len(t, results(t, read.Properties), 3)

	// Shrinking with removeOnDelete removes the file from the dropped instance only.
	shrunk := h.check(fileToken, "conf", st, h.fileInputs("v1\n", "instanceIds", strs(ids[0], ids[2]),
		"removeOnDelete", boolean(true)))
	d = h.diff(t, fileToken, "conf", resp.ID, st, shrunk)
	assert.Equal(t, p.Update, d.DetailedDiff["instanceIds"].Kind)
	sends = h.srv.Stats().Actions["SendFile"]
	down, err := h.s.Update(p.UpdateRequest{ID: resp.ID, Urn: urn(fileToken, "conf"), State: st, Inputs: shrunk})
	require.NoError(t, err)
	assert.Equal(t, sends, h.srv.Stats().Actions["SendFile"], "removing instances sends nothing")
	assert.Len(t, results(t, down.Properties), 2)
	_, err = os.Stat(h.srv.InstancePath(ids[1], "/etc/app/app.conf"))
	assert.True(t, os.IsNotExist(err), "removeOnDelete cleared the removed instance: %v", err)
	content, _ := onDisk(t, h.srv, ids[2], "/etc/app/app.conf")
	assert.Equal(t, "v1\n", content)

	// Any other change with it still replaces.
	both := h.check(fileToken, "conf", down.Properties, h.fileInputs("v2\n", "instanceIds", strs(ids[0]),
		"removeOnDelete", boolean(true)))
	d = h.diff(t, fileToken, "conf", resp.ID, down.Properties, both)
	assert.Equal(t, p.UpdateReplace, d.DetailedDiff["instanceIds"].Kind)
}
