package provider_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
)

// The generated least-privilege policy (docs/policy.json), proven against the emulator's RAM:
// a scenario that makes every call the provider can make passes under it, and removing any one
// action makes the scenario fail with an error naming that action. The engine test
// TestEnginePolicy (tests/reliability) runs the same policy through a real `pulumi up`.

type policyDoc struct {
	Version   string
	Statement []struct {
		Effect   string
		Action   []string
		Resource []string
	}
}

func readPolicy(t *testing.T, name string) policyDoc {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "docs", name))
	require.NoError(t, err)
	var doc policyDoc
	require.NoError(t, json.Unmarshal(b, &doc))
	return doc
}

func (d policyDoc) actions() []string {
	var out []string
	for _, st := range d.Statement {
		out = append(out, st.Action...)
	}
	return out
}

// without is the policy with one action removed.
func (d policyDoc) without(action string) []byte {
	var kept policyDoc
	kept.Version = d.Version
	for _, st := range d.Statement {
		st.Action = slices.DeleteFunc(slices.Clone(st.Action), func(a string) bool { return a == action })
		if len(st.Action) > 0 {
			kept.Statement = append(kept.Statement, st)
		}
	}
	d = kept
	b, _ := json.Marshal(d)
	return b
}

// policyHarness is a provider acting as the emulator's role, which policy binds.
func policyHarness(t *testing.T, policy []byte) *harness {
	t.Helper()
	arn := "acs:ram::" + emulator.DefaultAccountID + ":role/" + emulator.DefaultRoleName
	srv := startEmulator(t, emulator.Options{RAMPolicies: map[string][]byte{arn: policy}})
	h, err := roleHarness(t, srv, assumeRoleConfig(srv, arn))
	require.NoError(t, err)
	return h
}

// step runs one operation of the scenario, naming it in the error, with the reasons of a
// resource recorded half-created (the engine shows those as its error).
func step(name string, err error) error {
	if err == nil {
		return nil
	}
	var inferPartial infer.ResourceInitFailedError
	if errors.As(err, &inferPartial) {
		return fmt.Errorf("%s: %w: %s", name, err, strings.Join(inferPartial.Reasons, "; "))
	}
	return fmt.Errorf("%s: %w", name, err)
}

func (h *harness) tryInvokeFn(fn string, args property.Map) error {
	resp, err := h.s.Invoke(p.InvokeRequest{Token: tokens.Type("cloudassistant:index:" + fn), Args: args})
	if err != nil {
		return err
	}
	if len(resp.Failures) > 0 {
		return fmt.Errorf("%v", resp.Failures)
	}
	return nil
}

// policyScenario makes every call the provider makes: the functions, a Command's whole life
// with in-place updates, an Invocation (once and periodic), a File removed on delete, and
// refreshes of each. It stops at the first error.
func policyScenario(h *harness) error {
	ids := h.srv.InstanceIDs()
	if err := step("getInstances", h.tryInvokeFn("getInstances", props("namePrefix", str("emulated")))); err != nil {
		return err
	}
	if err := step("getAgentStatus", h.tryInvokeFn("getAgentStatus", props("instanceIds", strs(ids...)))); err != nil {
		return err
	}
	cmdIn := props("name", str("policy"), "type", str("RunShellScript"), "commandContent", str("echo policy"),
		"description", str("d1"), "tags", strMap(map[string]string{"keep": "1", "drop": "1"}))
	checked, err := h.s.Check(p.CheckRequest{Urn: urn(commandToken, "cmd"), Inputs: cmdIn})
	if err != nil {
		return err
	}
	created, err := h.s.Create(p.CreateRequest{Urn: urn(commandToken, "cmd"), Properties: checked.Inputs})
	if err = step("Command create", err); err != nil {
		return err
	}
	updIn := props("name", str("policy"), "type", str("RunShellScript"), "commandContent", str("echo policy"),
		"description", str("d2"), "tags", strMap(map[string]string{"keep": "2"}), "resourceGroupId", str("rg-policy"))
	upd, err := h.s.Check(p.CheckRequest{Urn: urn(commandToken, "cmd"), State: created.Properties, Inputs: updIn})
	if err != nil {
		return err
	}
	updated, err := h.s.Update(p.UpdateRequest{ID: created.ID, Urn: urn(commandToken, "cmd"), State: created.Properties, Inputs: upd.Inputs})
	if err = step("Command update in place", err); err != nil {
		return err
	}
	if _, err := h.s.Read(p.ReadRequest{ID: created.ID, Urn: urn(commandToken, "cmd"), Properties: updated.Properties, Inputs: upd.Inputs}); err != nil {
		return step("Command refresh", err)
	}
	if err := step("getCommand", h.tryInvokeFn("getCommand", props("commandId", str(created.ID)))); err != nil {
		return err
	}
	inv, err := h.tryInvoke("once", h.invokeInputs(created.ID, "tags", strMap(map[string]string{"a": "1"})), 120)
	if err = step("Invocation create", err); err != nil {
		return err
	}
	invUpd, err := h.s.Check(p.CheckRequest{Urn: urn(invocationToken, "once"), State: inv.Properties,
		Inputs: h.invokeInputs(created.ID, "tags", strMap(map[string]string{"b": "1"}))})
	if err != nil {
		return err
	}
	if _, err := h.s.Update(p.UpdateRequest{ID: inv.ID, Urn: urn(invocationToken, "once"), State: inv.Properties, Inputs: invUpd.Inputs}); err != nil {
		return step("Invocation tags in place", err)
	}
	if _, err := h.s.Read(p.ReadRequest{ID: inv.ID, Urn: urn(invocationToken, "once"), Properties: inv.Properties}); err != nil {
		return step("Invocation refresh", err)
	}
	if err := step("getInvocation", h.tryInvokeFn("getInvocation", props("invokeId", str(inv.ID)))); err != nil {
		return err
	}
	periodic, err := h.tryInvoke("periodic", h.invokeInputs(created.ID, "repeatMode", str("Period"), "frequency", str("rate(5m)")), 120)
	if err = step("periodic Invocation create", err); err != nil {
		return err
	}
	if err := h.s.Delete(p.DeleteRequest{ID: periodic.ID, Urn: urn(invocationToken, "periodic"), Properties: periodic.Properties}); err != nil {
		return step("periodic Invocation delete", err)
	}
	file, err := h.tryFile("conf", h.fileInputs("v1\n", "removeOnDelete", boolean(true)))
	if err = step("File create", err); err != nil {
		return err
	}
	if _, err := h.s.Read(p.ReadRequest{ID: file.ID, Urn: urn(fileToken, "conf"), Properties: file.Properties}); err != nil {
		return step("File refresh", err)
	}
	if err := h.s.Delete(p.DeleteRequest{ID: file.ID, Urn: urn(fileToken, "conf"), Properties: file.Properties}); err != nil {
		return step("File delete", err)
	}
	return step("Command delete", h.s.Delete(p.DeleteRequest{ID: created.ID, Urn: urn(commandToken, "cmd"), Properties: updated.Properties}))
}

// TestPolicyIsSufficientAndEveryActionNeeded: the scenario passes under the whole policy;
// without any one of its actions it fails with Forbidden.RAM naming that action.
func TestPolicyIsSufficientAndEveryActionNeeded(t *testing.T) {
	t.Parallel()
	doc := readPolicy(t, "policy.json")
	full, err := json.Marshal(doc)
	require.NoError(t, err)
	t.Run("whole policy", func(t *testing.T) {
		t.Parallel()
		require.NoError(t, policyScenario(policyHarness(t, full)))
	})
	for _, action := range doc.actions() {
		t.Run("without "+action, func(t *testing.T) {
			t.Parallel()
			err := policyScenario(policyHarness(t, readPolicy(t, "policy.json").without(action)))
			require.Error(t, err, "the scenario passed without %s: the action is not needed, or the scenario misses it", action)
			assert.Contains(t, err.Error(), "Forbidden.RAM")
			assert.Contains(t, err.Error(), action, "the error names the missing action")
		})
	}
}

// TestReadOnlyPolicyRefreshesAndPreviews: under docs/policy-readonly.json, refreshes and
// previews of what the whole policy created pass, and a change is refused.
func TestReadOnlyPolicyRefreshesAndPreviews(t *testing.T) {
	t.Parallel()
	arn := "acs:ram::" + emulator.DefaultAccountID + ":role/" + emulator.DefaultRoleName
	ro := readPolicy(t, "policy-readonly.json")
	roDoc, err := json.Marshal(ro)
	require.NoError(t, err)
	for _, a := range ro.actions() {
		assert.NotContains(t, []string{"ecs:CreateCommand", "ecs:InvokeCommand", "ecs:DeleteCommand", "ecs:SendFile"}, a)
	}
	srv := startEmulator(t, emulator.Options{RAMPolicies: map[string][]byte{arn: roDoc}})
	owner, err := roleHarness(t, srv, map[string]property.Value{"accessKeyId": str(srv.AccessKeyID()),
		"accessKeySecret": property.New(srv.AccessKeySecret()).WithSecret(true)})
	require.NoError(t, err)
	cmdID, cmd := owner.command("ro", "echo ro")
	inv, err := owner.tryInvoke("ro", owner.invokeInputs(cmdID), 120)
	require.NoError(t, err)

	h, err := roleHarness(t, srv, assumeRoleConfig(srv, arn))
	require.NoError(t, err)
	_, err = h.s.Read(p.ReadRequest{ID: cmdID, Urn: urn(commandToken, "ro"), Properties: cmd})
	require.NoError(t, err, "refresh of a Command")
	_, err = h.s.Read(p.ReadRequest{ID: inv.ID, Urn: urn(invocationToken, "ro"), Properties: inv.Properties})
	require.NoError(t, err, "refresh of an Invocation")
	require.NoError(t, h.tryInvokeFn("getInvocation", props("invokeId", str(inv.ID))))
	require.NoError(t, h.tryInvokeFn("getInstances", props()))
	preview, err := h.s.Create(p.CreateRequest{Urn: urn(commandToken, "new"), Properties: h.check(commandToken, "new", property.Map{},
		props("type", str("RunShellScript"), "commandContent", str("echo new"))), DryRun: true})
	require.NoError(t, err, "a preview of a new Command calls nothing that writes")
	assert.Empty(t, preview.ID)
	_, err = h.s.Create(p.CreateRequest{Urn: urn(commandToken, "new"), Properties: h.check(commandToken, "new", property.Map{},
		props("type", str("RunShellScript"), "commandContent", str("echo new")))})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ecs:CreateCommand")
	assert.False(t, errors.Is(err, os.ErrNotExist))
}
