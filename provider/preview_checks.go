package provider

// Checks that ask the service, so preview fails on what `up` would fail on before anything is
// created: instance IDs that do not exist, and a command's parameters left without a value.
// Each asks only about what is new or changed since the last deployment: a deployed resource
// whose instance was released since must not fail every later preview of the same program.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// previewLookupTimeout bounds a preview-time look-up: an unreachable API skips the check
// (with a warning) rather than holding the preview.
const previewLookupTimeout = 20 * time.Second

// checkInstancesExist fails each ID of ids (at path[i]) that DescribeInstances does not know,
// asking only about IDs that olds (the deployed list) does not hold: one read-only call per
// 100 IDs. A look-up that fails is reported as a warning and checks nothing.
func checkInstancesExist(ctx context.Context, f *failures, path string, ids []string, olds property.Map) {
	deployed := map[string]bool{}
	for _, id := range stringsAt(olds, path) {
		deployed[id] = true
	}
	var fresh []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !deployed[id] {
			fresh = append(fresh, id)
		}
	}
	if len(fresh) == 0 {
		return
	}
	client, ok := configuredClient(ctx)
	if !ok {
		return // not configured (a preview with unknown provider settings): nothing to ask
	}
	lctx, cancel := context.WithTimeout(ctx, previewLookupTimeout)
	defer cancel()
	missing, err := client.MissingInstances(lctx, fresh)
	if err != nil {
		p.GetLogger(ctx).Warningf("could not check that %s exist (ecs:DescribeInstances): %v", path, err)
		return
	}
	gone := map[string]bool{}
	for _, id := range missing {
		gone[id] = true
	}
	for i, id := range ids {
		if gone[strings.TrimSpace(id)] {
			f.add(fmt.Sprintf("%s[%d]", path, i), "is %q, which is no instance in region %s; give the ID of an "+
				"existing instance", id, client.Region())
		}
	}
}

// configuredClient is getClient for checks that are optional: false when the provider has no
// client (infer.GetConfig panics on a ctx without a config, as in a Check called directly).
func configuredClient(ctx context.Context) (client *ecsclient.Client, ok bool) {
	defer func() {
		if recover() != nil {
			client, ok = nil, false
		}
	}()
	c, err := getClient(ctx)
	return c, err == nil
}

// stringsAt reads a list of strings from a property map; anything else reads as none.
func stringsAt(m property.Map, key string) []string {
	v, ok := m.GetOk(key)
	if !ok || !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.AsArray().All {
		if e.IsString() {
			out = append(out, e.AsString())
		}
	}
	return out
}

// placeholder matches `{{ name }}` as the service reads it: spaces inside the braces ignored.
var placeholder = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// customParamName is what the service takes as a custom parameter name.
var customParamName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// scriptParameterNames returns the custom parameters a script uses (built-in `ACS::` ones
// left out), first spelling kept, without repeats (names are case-insensitive).
func scriptParameterNames(script string) []string {
	var names []string
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(script, -1) {
		name, lower := m[1], strings.ToLower(m[1])
		if strings.HasPrefix(lower, "acs::") || !customParamName.MatchString(name) || seen[lower] {
			continue
		}
		seen[lower] = true
		names = append(names, name)
	}
	return names
}

// unsetParameters returns the names that have no value in given (case-insensitively).
func unsetParameters(names []string, given map[string]string) []string {
	have := map[string]bool{}
	for k := range given {
		have[strings.ToLower(k)] = true
	}
	var missing []string
	for _, n := range names {
		if !have[strings.ToLower(n)] {
			missing = append(missing, n)
		}
	}
	return missing
}

// unsetParametersReason says which `{{name}}`s of what have no value. It names parameters,
// never values: those are secret.
func unsetParametersReason(what string, missing []string) string {
	quoted := make([]string, len(missing))
	for i, n := range missing {
		quoted[i] = "{{" + n + "}}"
	}
	return fmt.Sprintf("%s uses %s but parameters give no value for %s; add %s to parameters", what,
		strings.Join(quoted, ", "), pronoun(len(missing)), strings.Join(missing, ", "))
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// checkCommandParameters fails an Invocation whose command uses a parameter that
// parameters give no value for, when commandId is known and it or parameters changed: one
// read-only DescribeCommands call per command and provider process (describeCommandOnce, invocation_wait.go). A
// command that does not exist fails commandId.
func checkCommandParameters(ctx context.Context, f *failures, args InvocationArgs, olds property.Map) {
	id := strings.TrimSpace(args.CommandID)
	if id == "" || (stringAt(olds, "commandId") == id && sameKeys(olds, "parameters", args.Parameters)) {
		return
	}
	client, ok := configuredClient(ctx)
	if !ok {
		return
	}
	lctx, cancel := context.WithTimeout(ctx, previewLookupTimeout)
	defer cancel()
	cmd, err := describeCommandOnce(lctx, client, id)
	switch {
	case errors.Is(err, ecsclient.ErrNotFound):
		f.add("commandId", "is %q, which is no command in region %s; give the ID of an existing command", id, client.Region())
		return
	case err != nil:
		p.GetLogger(ctx).Warningf("could not check the parameters of command %s (ecs:DescribeCommands): %v", id, err)
		return
	case !cmd.enableParameter:
		return // parameters given to such a command are refused: withParameterHint (invocation_request.go) says why
	}
	if missing := unsetParameters(cmd.parameterNames, args.Parameters); len(missing) > 0 {
		f.addQuiet("parameters", "%s", unsetParametersReason("command "+id, missing))
	}
}

func stringAt(m property.Map, key string) string {
	if v, ok := m.GetOk(key); ok && v.IsString() {
		return v.AsString()
	}
	return ""
}

// sameKeys reports whether the deployed map at key has exactly the keys of now: the check
// needs only names, and reading them never reveals a secret value.
func sameKeys(olds property.Map, key string, now map[string]string) bool {
	v, ok := olds.GetOk(key)
	if !ok || v.IsNull() {
		return len(now) == 0
	}
	if v.Secret() {
		v = v.WithSecret(false)
	}
	if !v.IsMap() {
		return false
	}
	m := v.AsMap()
	if m.Len() != len(now) {
		return false
	}
	for k := range now {
		if _, ok := m.GetOk(k); !ok {
			return false
		}
	}
	return true
}
