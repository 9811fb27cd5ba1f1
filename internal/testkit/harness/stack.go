package harness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const modulePath = "github.com/cloudassistant/pulumi-cloudassistant"

// RepoRoot finds the repository root by walking up from the working directory to this
// module's go.mod, so tests and the demo work from any package directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			sc := bufio.NewScanner(f)
			sc.Scan()
			_ = f.Close()
			if strings.TrimSpace(sc.Text()) == "module "+modulePath {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the pulumi-cloudassistant repository")
		}
		dir = parent
	}
}

// UseLocalToolchain puts bin/ (the provider, found by the engine as an ambient plugin) and
// .tools/ (the CLI, which the Automation API looks up on PATH) first on this process's PATH.
func UseLocalToolchain(root string) error {
	for _, need := range []string{"bin/pulumi-resource-cloudassistant", ".tools/pulumi"} {
		if _, err := os.Stat(filepath.Join(root, need)); err != nil {
			return fmt.Errorf("%s is missing: run `make build tools` first", need)
		}
	}
	path := filepath.Join(root, "bin") + string(os.PathListSeparator) +
		filepath.Join(root, ".tools") + string(os.PathListSeparator) + os.Getenv("PATH")
	return os.Setenv("PATH", path)
}

// StackOptions says where a stack keeps its state and which emulator it talks to.
type StackOptions struct {
	Project, Stack string
	// StateDir is the local backend's directory (file:// backend; no Pulumi Cloud).
	StateDir string
	// Target is where the stack runs (an emulator or the live service); when nil, Emulator.
	Target   *Target
	Emulator *Emulator
	// Config is the program's own stack config, on top of the provider's.
	Config map[string]string
}

// NewStack creates (or selects) an inline-program stack wired to the target (or emulator): the
// provider's endpoint, region and credentials, plus the program's instanceIds, as a user would
// set them.
func NewStack(ctx context.Context, opts StackOptions, program pulumi.RunFunc) (auto.Stack, error) {
	env := map[string]string{
		"PULUMI_BACKEND_URL":       "file://" + opts.StateDir,
		"PULUMI_CONFIG_PASSPHRASE": "e2e-passphrase",
		"PULUMI_SKIP_UPDATE_CHECK": "true",
		"PULUMI_HOME":              filepath.Join(opts.StateDir, ".pulumi-home"),
	}
	stack, err := auto.UpsertStackInlineSource(ctx, opts.Stack, opts.Project, program, auto.EnvVars(env))
	if err != nil {
		return stack, fmt.Errorf("creating stack %s: %w", opts.Stack, err)
	}
	target := opts.Target
	if target == nil {
		target = &Target{URL: opts.Emulator.URL, Region: opts.Emulator.Region, AccessKeyID: opts.Emulator.AccessKeyID,
			AccessKeySecret: opts.Emulator.AccessKeySecret, InstanceIDs: opts.Emulator.InstanceIDs}
	}
	ids := `["` + strings.Join(target.InstanceIDs, `","`) + `"]`
	cfg := auto.ConfigMap{
		// A secret in the stack's config: encrypted in the state, never in a log.
		"cloudassistant:accessKeySecret": {Value: target.AccessKeySecret, Secret: true},
		"instanceIds":                    {Value: ids},
	}
	for k, v := range target.ProviderConfig() {
		cfg[k] = auto.ConfigValue{Value: v}
	}
	for k, v := range opts.Config {
		cfg[k] = auto.ConfigValue{Value: v}
	}
	if err := stack.SetAllConfig(ctx, cfg); err != nil {
		return stack, fmt.Errorf("setting stack config: %w", err)
	}
	return stack, nil
}
