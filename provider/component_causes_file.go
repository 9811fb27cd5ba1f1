package provider

// Child failures noted across processes. The engine picks a default provider per package,
// version and download URL: the SDKs send the download URL with the component and its
// children ask for the same one, so both run in one process; the YAML language host sends
// none, so a YAML program's component runs in one process and its children in another, and
// an in-memory note never reaches the component's Construct (which then reported its own
// `marshaling properties: awaiting input property …` instead). Each child failure is also
// written to a file the Construct of the same stack reads, whichever process it runs in.

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"time"

	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// causesDir holds one directory per stack and project; each file is one child's failure:
// its URN on the first line, the reason after it.
func causesDir(urn presource.URN) string {
	sum := sha256.Sum256([]byte(string(urn.Stack()) + "\x00" + string(urn.Project())))
	return filepath.Join(os.TempDir(), "pulumi-cloudassistant-causes", hex.EncodeToString(sum[:8]))
}

// writeChildFailure records a child's failure for a Construct in another process. Best
// effort: the cause is lost, never the failure (the engine still reports the child's own).
func writeChildFailure(urn presource.URN, reason string) {
	dir := causesDir(urn)
	if os.MkdirAll(dir, 0o700) != nil {
		return
	}
	sum := sha256.Sum256([]byte(urn))
	_ = os.WriteFile(filepath.Join(dir, hex.EncodeToString(sum[:12])), []byte(string(urn)+"\n"+reason), 0o600)
}

// readChildFailures returns (and removes) the failures of comp's children written since
// since: older files are from earlier runs of the same stack.
func readChildFailures(comp presource.URN, since time.Time) []string {
	dir := causesDir(comp)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var reasons []string
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		info, err := e.Info()
		if err != nil || info.ModTime().Before(since) {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		child, reason, ok := strings.Cut(string(data), "\n")
		if ok && ownsChild(comp, presource.URN(child)) {
			reasons = append(reasons, reason)
			_ = os.Remove(path)
		}
	}
	return reasons
}
