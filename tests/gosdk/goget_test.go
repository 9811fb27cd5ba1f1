// Package gosdk checks that the Go SDK is usable from another module the way a user gets it:
// `go get github.com/cloudassistant/pulumi-cloudassistant/sdk/go@vX.Y.Z`.
package gosdk

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

const (
	sdkModule = "github.com/cloudassistant/pulumi-cloudassistant/sdk/go"
	// sdkTag is the module version a release publishes (git tag sdk/go/v0.1.0 in the repository).
	sdkTag = "v0.1.0"
)

// TestGoSDKIsGettableFromAnotherModule serves sdk/go from a file-based module proxy, in the
// exact zip form the Go module proxy serves for the tag sdk/go/v0.1.0, then runs `go get` and
// `go build` in a fresh module that uses it. This fails when sdk/go's module path, its go.mod,
// or its content (files the module zip rules reject) would break users' `go get`.
func TestGoSDKIsGettableFromAnotherModule(t *testing.T) {
	sdkDir, err := filepath.Abs(filepath.Join("..", "..", "sdk", "go"))
	require.NoError(t, err)
	proxy := t.TempDir()
	publish(t, proxy, sdkDir)

	consumer := t.TempDir()
	writeFile(t, filepath.Join(consumer, "go.mod"), "module example.com/consumer\n\ngo 1.26\n")
	writeFile(t, filepath.Join(consumer, "main.go"), `package main

import (
	"github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		_, err := cloudassistant.NewCommand(ctx, "hello", &cloudassistant.CommandArgs{
			CommandContent: pulumi.String("echo hello"),
		})
		return err
	})
}
`)
	upstream := strings.TrimSpace(run(t, consumer, nil, "go", "env", "GOPROXY"))
	env := []string{
		// Our module from the file proxy; its dependencies from wherever this machine gets them.
		"GOPROXY=file://" + filepath.ToSlash(proxy) + "," + upstream,
		"GONOSUMDB=github.com/cloudassistant",
		"GOWORK=off",
		"GOFLAGS=-mod=mod",
	}
	run(t, consumer, env, "go", "get", sdkModule+"@"+sdkTag)
	run(t, consumer, env, "go", "mod", "tidy")
	run(t, consumer, env, "go", "build", "-o", filepath.Join(consumer, "consumer"), ".")
	gomod, err := os.ReadFile(filepath.Join(consumer, "go.mod"))
	require.NoError(t, err)
	require.Contains(t, string(gomod), sdkModule+" "+sdkTag)
}

// publish writes what a module proxy serves for sdkModule@sdkTag: .info, .mod, .zip and list.
func publish(t *testing.T, proxy, sdkDir string) {
	t.Helper()
	dir := filepath.Join(proxy, filepath.FromSlash(sdkModule), "@v")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	var buf bytes.Buffer
	v := module.Version{Path: sdkModule, Version: sdkTag}
	// CreateFromDir applies the same rules as the proxy (module path, file names, sizes) and
	// leaves out nested modules and ignored files; it fails where a real `go get` would.
	require.NoError(t, modzip.CreateFromDir(&buf, v, sdkDir))
	require.NoError(t, os.WriteFile(filepath.Join(dir, sdkTag+".zip"), buf.Bytes(), 0o644))
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	var names []string
	for _, f := range zr.File {
		names = append(names, strings.TrimPrefix(f.Name, sdkModule+"@"+sdkTag+"/"))
	}
	require.Contains(t, names, "cloudassistant/pulumi-plugin.json", "the engine reads the plugin metadata from the module")

	gomod, err := os.ReadFile(filepath.Join(sdkDir, "go.mod"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(gomod), "module "+sdkModule+"\n"), "sdk/go/go.mod must declare %s", sdkModule)
	require.NoError(t, os.WriteFile(filepath.Join(dir, sdkTag+".mod"), gomod, 0o644))
	info, err := json.Marshal(map[string]string{"Version": sdkTag, "Time": "2026-01-01T00:00:00Z"})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, sdkTag+".info"), info, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "list"), []byte(sdkTag+"\n"), 0o644))
}

func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	require.NoErrorf(t, err, "%s %s:\n%s", name, strings.Join(args, " "), out)
	return string(out)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}
