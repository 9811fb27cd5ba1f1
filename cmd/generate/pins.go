package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
)

// The Pulumi version is pinned in one place: go.mod's github.com/pulumi/pulumi/sdk/v3 (and
// pkg/v3 beside it, which the Makefile builds the CLI from). The generator links that very
// module, so it reads the version from its own build, writes it into sdk/go/go.mod (the Node.js
// and Python SDKs accept a range), and copies it into the hand-written manifests below; the
// drift test fails when a copy differs.

// pulumiSDKModule is the module whose version go.mod pins for the whole project.
const pulumiSDKModule = "github.com/pulumi/pulumi/sdk/v3"

// pulumiSDKVersion is go.mod's pin without the leading "v" (3.256.0), as npm and pip spell it.
func pulumiSDKVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == pulumiSDKModule {
				return strings.TrimPrefix(d.Version, "v")
			}
		}
	}
	// Only a binary built without module information gets here; generating from it would
	// write a wrong pin everywhere, so refuse.
	panic("cmd/generate: no build information for " + pulumiSDKModule + "; run it with `go run ./cmd/generate`")
}

// pinnedCopy is a hand-written manifest that names the Pulumi SDK version: the examples'
// and the Node.js tests' dependencies.
type pinnedCopy struct {
	path string         // slash path from the repository root
	re   *regexp.Regexp // matches the pin: group 1 precedes the version, group 2 follows it
}

var (
	npmPin = regexp.MustCompile(`("@pulumi/pulumi":\s*")[^"]*(")`)
	pipPin = regexp.MustCompile(`(?m)^(pulumi==)\S+()$`)
)

var pinnedCopies = []pinnedCopy{
	{"examples/typescript/package.json", npmPin},
	{"examples/components/typescript/package.json", npmPin},
	{"tests/nodejs/package.json", npmPin},
	{"examples/python/requirements.txt", pipPin},
	{"examples/components/python/requirements.txt", pipPin},
	{"examples/file/typescript/package.json", npmPin},
	{"examples/file/python/requirements.txt", pipPin},
}

// pinned returns data with every pin set to version, and whether it found one.
func (c pinnedCopy) pinned(data []byte, version string) ([]byte, bool) {
	if !c.re.Match(data) {
		return data, false
	}
	return c.re.ReplaceAll(data, []byte("${1}"+version+"${2}")), true
}

// updatePins writes go.mod's Pulumi version into every pinned copy under root that exists
// (a fresh directory, as the drift test uses, has none).
func updatePins(root string) error {
	version := pulumiSDKVersion()
	for _, c := range pinnedCopies {
		file := filepath.Join(root, filepath.FromSlash(c.path))
		data, err := os.ReadFile(file)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return err
		}
		out, ok := c.pinned(data, version)
		if !ok {
			return fmt.Errorf("%s names no Pulumi SDK version to pin", c.path)
		}
		if !bytes.Equal(out, data) {
			if err := os.WriteFile(file, out, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
