package rig

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
)

// ProviderBinary is the plugin name the engine looks up on PATH.
const ProviderBinary = "pulumi-resource-cloudassistant"

// HarnessEmulator describes an in-process emulator the way the harness's stack helpers
// expect (they were written for the emulator binary; only these fields are read).
func HarnessEmulator(emu *emulator.Server) *harness.Emulator {
	return &harness.Emulator{
		URL: emu.URL(), Region: emu.Region(), AccessKeyID: emu.AccessKeyID(),
		AccessKeySecret: emu.AccessKeySecret(), InstanceIDs: emu.InstanceIDs(),
	}
}

// BuildProvider compiles the provider from this tree into dir, so the engine never runs a
// stale bin/ build, and returns the binary's path. It is stamped with the version the
// generated SDK asks for, as `make build` does, so the engine does not warn of a mismatch.
func BuildProvider(root, dir string) (string, error) {
	version, err := sdkVersion(root)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, ProviderBinary)
	ldflags := "-X github.com/cloudassistant/pulumi-cloudassistant/provider.Version=" + version
	cmd := exec.Command("go", "build", "-ldflags", ldflags, "-o", bin, "./provider/cmd/"+ProviderBinary)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return bin, nil
}

// sdkVersion is the plugin version the generated Go SDK requests.
func sdkVersion(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "sdk", "go", "cloudassistant", "pulumi-plugin.json"))
	if err != nil {
		return "", fmt.Errorf("reading the Go SDK's plugin version: %w", err)
	}
	var meta struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &meta); err != nil || meta.Version == "" {
		return "", fmt.Errorf("the Go SDK's pulumi-plugin.json names no version (%v)", err)
	}
	return meta.Version, nil
}

// UseToolchain puts providerDir (the plugin, found by the engine as an ambient plugin) and
// .tools (the CLI the Automation API runs) first on this process's PATH.
func UseToolchain(root, providerDir string) error {
	cli := filepath.Join(root, ".tools", "pulumi")
	if _, err := os.Stat(cli); err != nil {
		return fmt.Errorf(".tools/pulumi is missing: run `make tools` first")
	}
	path := providerDir + string(os.PathListSeparator) + filepath.Join(root, ".tools") +
		string(os.PathListSeparator) + os.Getenv("PATH")
	return os.Setenv("PATH", path)
}
