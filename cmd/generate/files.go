package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noLoader answers every package lookup with an error. The schema references no other package,
// so a lookup would be a bug; this keeps generation free of plugins, the CLI and the network.
type noLoader struct{}

func (noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("schema references package %q: not supported", pkg)
}

func (noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("schema references package %q: not supported", d.Name)
}

func (noLoader) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("schema references package %q: not supported", pkg)
}

func (noLoader) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, fmt.Errorf("schema references package %q: not supported", d.Name)
}

// ignored tells build output and caches that live inside the SDK trees (all git-ignored)
// apart from generated sources, so regenerating neither deletes nor compares them.
func ignored(rel string) bool {
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		switch {
		case part == "node_modules", part == "bin", part == "__pycache__", part == "build", part == "dist",
			strings.HasSuffix(part, ".egg-info"):
			return true
		}
	}
	return false
}

// existingFiles lists schema.json and the files of the SDK trees under root, by slash path.
func existingFiles(root string) (map[string]bool, error) {
	found := map[string]bool{}
	if _, err := os.Stat(filepath.Join(root, "schema.json")); err == nil {
		found["schema.json"] = true
	}
	for _, dir := range sdkDirs {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			if ignored(rel) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() {
				found[filepath.ToSlash(rel)] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return found, nil
}

// writeTree writes files under root and deletes generated files that are no longer produced
// (a removed resource must not leave its old SDK file behind).
func writeTree(root string, files map[string][]byte) error {
	old, err := existingFiles(root)
	if err != nil {
		return err
	}
	for rel := range old {
		// go.sum is not in files (tidy writes it): keep it so tidy starts from the known sums.
		if _, keep := files[rel]; !keep && rel != "sdk/go/go.sum" {
			if err := os.Remove(filepath.Join(root, filepath.FromSlash(rel))); err != nil {
				return err
			}
		}
	}
	names := make([]string, 0, len(files))
	for rel := range files {
		names = append(names, rel)
	}
	sort.Strings(names)
	for _, rel := range names {
		dst := filepath.Join(root, filepath.FromSlash(rel))
		if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, files[rel]) {
			continue // unchanged: keep the mtime, so make does not rebuild the SDK packages
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, files[rel], 0o644); err != nil {
			return err
		}
	}
	for _, dir := range sdkDirs {
		removeEmptyDirs(filepath.Join(root, dir))
	}
	return nil
}

// removeEmptyDirs deletes directories left empty by stale-file removal, deepest first.
func removeEmptyDirs(dir string) {
	var dirs []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		_ = os.Remove(dirs[i]) // fails, as intended, on any directory that still has entries
	}
}
