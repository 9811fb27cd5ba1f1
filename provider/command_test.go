package provider_test

import (
	"encoding/base64"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCommandLifecycle(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	integration.LifeCycleTest{
		Resource: commandToken,
		Create: integration.Operation{
			Inputs: props("name", str("hello"), "type", str("RunShellScript"),
				"commandContent", str("echo {{greeting}}"), "enableParameter", boolean(true),
				"timeout", num(30), "description", str("says hello"), "tags", strMap(map[string]string{"team": "ops"})),
			Hook: func(_, out property.Map) {
				assert.True(t, strings.HasPrefix(out.Get("commandId").AsString(), "c-"))
				assert.Equal(t, "echo {{greeting}}", out.Get("commandContent").AsString())
				assert.Equal(t, strs("greeting"), out.Get("parameterNames"))
				assert.NotEmpty(t, out.Get("creationTime").AsString())
			},
		},
		Updates: []integration.Operation{{
			Inputs: props("name", str("hello"), "type", str("RunShellScript"),
				"commandContent", str("echo bye"), "timeout", num(30)),
			Hook: func(_, out property.Map) {
				assert.Equal(t, "echo bye", out.Get("commandContent").AsString())
			},
		}},
	}.Run(t, h.s)
	// Create, replace (create + delete), delete: nothing is left behind.
	assert.Equal(t, 0, h.srv.Stats().Commands)
	assert.EqualValues(t, 2, h.srv.Stats().Actions["CreateCommand"])
	assert.EqualValues(t, 2, h.srv.Stats().Actions["DeleteCommand"])
}

func TestCommandAutoNameIsStable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	in := props("type", str("RunShellScript"), "commandContent", str("true"))
	first := h.check(commandToken, "web", property.Map{}, in)
	name := first.Get("name").AsString()
	assert.Regexp(t, `^web-[0-9a-f]{7}$`, name)
	again := h.check(commandToken, "web", first, in)
	assert.Equal(t, name, again.Get("name").AsString())
}

// TestCommandDiffOnEachInput: name, description, tags and resource group update in place;
// every other input replaces.
func TestCommandDiffOnEachInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := []any{"name", str("base"), "type", str("RunShellScript"), "commandContent", str("echo base"),
		"description", str("d"), "workingDir", str("/tmp"), "timeout", num(30), "enableParameter", boolean(false),
		"launcher", str(""), "tags", strMap(map[string]string{"a": "1"})}
	id, state := h.create(commandToken, "base", props(base...))
	cases := []struct {
		key  string
		with property.Value
		kind p.DiffKind
	}{
		{"name", str("other"), p.Update},
		{"type", str("RunBatScript"), p.UpdateReplace},
		{"commandContent", str("echo changed"), p.UpdateReplace},
		{"description", str("e"), p.Update},
		{"workingDir", str("/var"), p.UpdateReplace},
		{"timeout", num(31), p.UpdateReplace},
		{"enableParameter", boolean(true), p.UpdateReplace},
		{"launcher", str("bash {{ACS::ScriptFileName}}"), p.AddReplace},
		{"tags", strMap(map[string]string{"a": "2"}), p.Update},
		{"resourceGroupId", str("rg-1"), p.Add},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			news := props(base...).Set(c.key, c.with)
			checked := h.check(commandToken, "base", state, news)
			d := h.diff(t, commandToken, "base", id, state, checked)
			assert.True(t, d.HasChanges)
			require.Contains(t, d.DetailedDiff, c.key)
			assert.Equal(t, c.kind, d.DetailedDiff[c.key].Kind)
			assert.Len(t, d.DetailedDiff, 1, "only %s changed: %v", c.key, d.DetailedDiff)
		})
	}
	t.Run("no change", func(t *testing.T) {
		checked := h.check(commandToken, "base", state, props(base...))
		d := h.diff(t, commandToken, "base", id, state, checked)
		assert.False(t, d.HasChanges, "%v", d.DetailedDiff)
	})
	t.Run("same script as Base64 is no change", func(t *testing.T) {
		news := props(base...).Set("commandContent", str(base64.StdEncoding.EncodeToString([]byte("echo base")))).
			Set("contentEncoding", str("Base64"))
		checked := h.check(commandToken, "base", state, news)
		assert.Equal(t, "echo base", checked.Get("commandContent").AsString(), "stored as text")
		d := h.diff(t, commandToken, "base", id, state, checked)
		assert.False(t, d.HasChanges, "%v", d.DetailedDiff)
	})
}

func TestCommandImportAndRefresh(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	program := props("name", str("imported"), "type", str("RunShellScript"), "commandContent", str("uptime\n"),
		"description", str("d"), "tags", strMap(map[string]string{"k": "v"}))
	id, created := h.create(commandToken, "imported", program)

	// Import: Read with the bare ID restores inputs matching the program.
	read, err := h.s.Read(p.ReadRequest{ID: id, Urn: urn(commandToken, "imported")})
	require.NoError(t, err)
	require.Equal(t, id, read.ID)
	checked := h.check(commandToken, "imported", read.Inputs, program)
	d := h.diff(t, commandToken, "imported", id, read.Properties, checked)
	assert.False(t, d.HasChanges, "import must leave nothing to change: %v", d.DetailedDiff)

	// Refresh of an unchanged command: no diff either.
	refreshed, err := h.s.Read(p.ReadRequest{ID: id, Urn: urn(commandToken, "imported"), Properties: created, Inputs: checked})
	require.NoError(t, err)
	d = h.diff(t, commandToken, "imported", id, refreshed.Properties, checked)
	assert.False(t, d.HasChanges, "%v", d.DetailedDiff)

	// Deleted out of band: refresh says gone; import of an unknown ID fails clearly.
	require.NoError(t, h.s.Delete(p.DeleteRequest{ID: id, Urn: urn(commandToken, "imported"), Properties: created}))
	gone, err := h.s.Read(p.ReadRequest{ID: id, Urn: urn(commandToken, "imported"), Properties: created, Inputs: checked})
	require.NoError(t, err)
	assert.Empty(t, gone.ID)
	_, err = h.s.Read(p.ReadRequest{ID: id, Urn: urn(commandToken, "imported")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no such command")
	// Deleting again is fine: not-found counts as deleted.
	assert.NoError(t, h.s.Delete(p.DeleteRequest{ID: id, Urn: urn(commandToken, "imported"), Properties: created}))
}

func TestCommandCheckRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	big := strings.Repeat("x", 13825) // 18436 bytes after Base64
	cases := []struct {
		name   string
		set    []any
		path   string
		reason string
	}{
		{"content size", []any{"commandContent", str(big)}, "commandContent", "is 18436 bytes after Base64; the limit is 18432"},
		{"empty content", []any{"commandContent", str("  ")}, "commandContent", "must not be empty"},
		{"bad base64", []any{"commandContent", str("!!"), "contentEncoding", str("Base64")}, "commandContent", "is not valid Base64"},
		{"name length", []any{"name", str(strings.Repeat("n", 129))}, "name", "is 129 characters; the limit is 128"},
		{"description length", []any{"description", str(strings.Repeat("d", 513))}, "description", "the limit is 512"},
		{"workingDir length", []any{"workingDir", str(strings.Repeat("w", 201))}, "workingDir", "the limit is 200"},
		{"timeout low", []any{"timeout", num(9)}, "timeout", "is 9 seconds; it must be between 10 and 86400"},
		{"timeout high", []any{"timeout", num(86401)}, "timeout", "between 10 and 86400"},
		{"type", []any{"type", str("RunPythonScript")}, "type", "RunShellScript"},
		{"encoding", []any{"contentEncoding", str("Hex")}, "contentEncoding", "PlainText or Base64"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := props("type", str("RunShellScript"), "commandContent", str("true"))
			for i := 0; i < len(c.set); i += 2 {
				in = in.Set(c.set[i].(string), c.set[i+1].(property.Value))
			}
			resp, err := h.s.Check(p.CheckRequest{Urn: urn(commandToken, "c"), Inputs: in})
			require.NoError(t, err)
			require.NotEmpty(t, resp.Failures)
			assert.Equal(t, c.path, failurePath(resp.Failures[0]))
			assert.Contains(t, resp.Failures[0].Reason, c.reason)
		})
	}
}
