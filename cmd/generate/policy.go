package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/cloudassistant/pulumi-cloudassistant/provider"
)

// The policy is derived from the code: every ECS request the provider builds is an
// `ecs.Create<Action>Request()` call (the SDK's constructors), so scanning the provider's
// sources finds every action it can call, new ones included, and provider.Permissions()
// describes them.

// requestConstructor matches the SDK's request constructors of ECS.
var requestConstructor = regexp.MustCompile(`\becs\.Create(\w+)Request\(`)

// Files the policy is written to, relative to the repository root.
const (
	policyFile         = "docs/policy.json"
	policyReadOnlyFile = "docs/policy-readonly.json"
	installDoc         = "docs/installation-configuration.md"
	policyStart        = "<!-- generated:policy:start -->"
	policyEnd          = "<!-- generated:policy:end -->"
)

// sourceRoot is the repository this generator was built from: the policy describes that
// code, wherever the output goes.
func sourceRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

// calledActions scans the provider's non-test sources; the answer maps each action
// ("ecs:InvokeCommand") to the files that build its request.
func calledActions(src string) (map[string][]string, error) {
	found := map[string][]string{}
	dir := filepath.Join(src, "provider")
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		for _, m := range requestConstructor.FindAllStringSubmatch(string(b), -1) {
			action := "ecs:" + m[1]
			if !slices.Contains(found[action], rel) {
				found[action] = append(found[action], filepath.ToSlash(rel))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scanning %s for ECS requests: %w", dir, err)
	}
	if len(found) == 0 {
		return nil, errors.New("found no ECS request in the provider's sources: the scan is broken")
	}
	return found, nil
}

// policyPermissions are the actions the code calls, described by provider.Permissions();
// a row for an action the code no longer calls is an error (the list must not grow stale).
func policyPermissions(src string) ([]provider.Permission, error) {
	called, err := calledActions(src)
	if err != nil {
		return nil, err
	}
	var out []provider.Permission
	described := map[string]bool{}
	for _, perm := range provider.Permissions() {
		if _, ok := called[perm.Action]; !ok {
			return nil, fmt.Errorf("provider.Permissions() lists %s, which the provider no longer calls: remove its row", perm.Action)
		}
		described[perm.Action] = true
		out = append(out, perm)
	}
	var extra []string
	for action := range called {
		if !described[action] {
			extra = append(extra, action)
		}
	}
	sort.Strings(extra)
	for _, action := range extra {
		out = append(out, provider.Permission{Action: action, Access: provider.AccessOf(action), Resources: []string{"*"},
			UsedBy: "called in " + strings.Join(called[action], ", ") + " (not yet described in provider/permissions.go)"})
	}
	// Read actions first, then writes, each in the list's order.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Access == provider.Read && out[j].Access != provider.Read })
	return out, nil
}

// writePolicy writes the two policy files and the permissions section of the install docs.
func writePolicy(root string) error {
	perms, err := policyPermissions(sourceRoot())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(root, "docs"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, policyFile), provider.PolicyDocument(perms, provider.Write), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, policyReadOnlyFile), provider.PolicyDocument(perms, provider.Read), 0o644); err != nil {
		return err
	}
	path := filepath.Join(root, installDoc)
	doc, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // a scratch root without docs: only the policy files
	}
	if err != nil {
		return err
	}
	updated, ok := replaceBetween(string(doc), policyStart, policyEnd, policyMarkdown(perms))
	if !ok {
		return fmt.Errorf("%s lacks the %s … %s markers", installDoc, policyStart, policyEnd)
	}
	return os.WriteFile(path, []byte(updated), 0o644)
}

// policyMarkdown is the generated part of the install docs' Permissions section.
func policyMarkdown(perms []provider.Permission) string {
	var b strings.Builder
	b.WriteString("| Action | Needed for | Resources | Used by |\n| --- | --- | --- | --- |\n")
	for _, p := range perms {
		when := "preview, refresh, up, destroy"
		if p.Access == provider.Write {
			when = "up, destroy"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", p.Action, when, "`"+strings.Join(p.Resources, "`, `")+"`", p.UsedBy)
	}
	b.WriteString("\nThe whole policy (`" + policyFile + "`), for `up` and `destroy`:\n\n```json\n")
	b.Write(provider.PolicyDocument(perms, provider.Write))
	b.WriteString("```\n\nIts read-only half (`" + policyReadOnlyFile + "`), enough for `preview` and `refresh`:\n\n```json\n")
	b.Write(provider.PolicyDocument(perms, provider.Read))
	b.WriteString("```\n")
	return b.String()
}

// replaceBetween swaps the text between two markers; ok is false when they are missing.
func replaceBetween(doc, start, end, section string) (string, bool) {
	i := strings.Index(doc, start)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		return doc, false
	}
	return doc[:i+len(start)] + "\n" + section + doc[j:], true
}
