package provider_test

import (
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/provider"
)

// Each input changed alone: the Diff's kind is what provider.ChangeEffect (the table the
// schema's descriptions are generated from) says, so the docs cannot promise an in-place update
// that replaces, or the reverse. Inputs whose effect depends on the change are tested on their own.
func TestFileDiffOfEachInputFollowsTheChangeEffects(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.fileInputs("v1\n", "tags", strMap(map[string]string{"a": "1"}))
	resp, err := h.tryFile("conf", base)
	require.NoError(t, err)
	cases := map[string]property.Value{
		"content":         str("v2\n"),
		"name":            str("other.conf"),
		"targetDir":       str("/opt/app"),
		"instanceIds":     strs(h.srv.InstanceIDs()[0]),
		"fileMode":        str("0600"),
		"fileOwner":       str("nobody"),
		"fileGroup":       str("nogroup"),
		"resourceGroupId": str("rg-1"),
		"description":     str("the app's config"),
		"tags":            strMap(map[string]string{"a": "2"}),
		"timeout":         num(120),
		"overwrite":       boolean(false),
		"failurePolicy":   str("Never"),
		"removeOnDelete":  boolean(true),
	}
	for key, v := range cases {
		t.Run(key, func(t *testing.T) {
			checked := h.check(fileToken, "conf", resp.Properties, base.Set(key, v))
			d := h.diff(t, fileToken, "conf", resp.ID, resp.Properties, checked)
			require.True(t, d.HasChanges)
			require.Contains(t, d.DetailedDiff, key)
			assert.Len(t, d.DetailedDiff, 1, "only %s changed: %v", key, d.DetailedDiff)
			switch effect := provider.ChangeEffect(string(fileToken), key); effect {
			case "update in place":
				assert.Contains(t, []p.DiffKind{p.Update, p.Add}, d.DetailedDiff[key].Kind, "%s updates in place", key)
			case "replace":
				assert.Contains(t, []p.DiffKind{p.UpdateReplace, p.AddReplace}, d.DetailedDiff[key].Kind, "%s replaces", key)
			default:
				t.Skipf("%s: %s (decided case by case)", key, effect)
			}
		})
	}
}
