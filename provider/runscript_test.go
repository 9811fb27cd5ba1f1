package provider_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunScriptDeliversFilesBeforeTheScript(t *testing.T) {
	t.Parallel()
	h, kids := newComponentHarness(t, emulatorOptions(2))
	ids := h.srv.InstanceIDs()
	file := func(path, content string, mode ...string) property.Value {
		m := map[string]property.Value{"path": str(path), "content": str(content)}
		if len(mode) > 0 {
			m["mode"] = str(mode[0])
		}
		return property.New(m)
	}
	resp, err := h.construct(runScriptType, "deploy", props(
		// The working directory / is the instance's root: a relative path reads the file the
		// way an absolute one does on a real instance, and inside the emulator's sandbox.
		"script", str("cat etc/app/app.conf; ./opt/app/run.sh"),
		"workingDir", str("/"),
		"instanceIds", strs(ids...),
		"files", property.New([]property.Value{
			file("/etc/app/app.conf", "listen = 8080\n"),
			file("/opt/app/run.sh", "#!/bin/sh\necho ran\n", "0755"),
		}),
	))
	require.NoError(t, err)
	files := map[string]child{} // registered concurrently: by name
	for _, f := range kids.of("cloudassistant:index:File") {
		files[f.Name] = f
	}
	require.Len(t, files, 2)
	conf, run := files["deploy-file-etc/app/app.conf"], files["deploy-file-opt/app/run.sh"]
	assert.Equal(t, string(resp.Urn), conf.Parent)
	assert.Equal(t, "/opt/app", run.Inputs.Get("targetDir").AsString())
	assert.Equal(t, "run.sh", run.Inputs.Get("name").AsString())
	assert.Equal(t, "0755", run.Inputs.Get("fileMode").AsString())
	invs := kids.of("cloudassistant:index:Invocation")
	require.Len(t, invs, 1)
	assert.Len(t, invs[0].Inputs.Get("triggers").AsArray().AsSlice(), 2, "each file's task IDs trigger a re-run")

	outputs := stringMap(t, resp.State.Get("outputs"))
	for _, id := range ids {
		assert.Equal(t, "listen = 8080\nran\n", outputs[id], "the script saw both files")
	}
}

func TestRunScriptFileContentKeepsItsSecret(t *testing.T) {
	t.Parallel()
	h, kids := newComponentHarness(t, emulatorOptions(1))
	_, err := h.construct(runScriptType, "s", props(
		"script", str("test -s root/.key && echo present"),
		"workingDir", str("/"),
		"instanceIds", strs(h.srv.InstanceIDs()...),
		"files", property.New([]property.Value{property.New(map[string]property.Value{
			"path": str("/root/.key"), "content": str("hunter2").WithSecret(true), "mode": str("0600"),
		})}),
	))
	require.NoError(t, err)
	files := kids.of("cloudassistant:index:File")
	require.Len(t, files, 1)
	assert.True(t, files[0].Inputs.Get("content").Secret(), "the child File gets the content as a secret")
	assert.True(t, files[0].State.Get("content").Secret())
	content, mode := onDisk(t, h.srv, h.srv.InstanceIDs()[0], "/root/.key")
	assert.Equal(t, "hunter2", content)
	assert.EqualValues(t, 0o600, mode)
}
