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
	"sync"
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
		if err != nil || info.ModTime().Before(since.Add(-mtimeSlack)) {
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

// mtimeSlack allows for file systems whose modification times are coarser than the clock: a
// file written just after a time may carry a time just before it.
const mtimeSlack = time.Second

// crossPoll is how often a Construct looks for a failure another process wrote.
const crossPoll = 100 * time.Millisecond

// watchChildFiles closes the returned channel once a failure of one of comp's children
// written since since is on disk: the wake of a Construct whose children run in another
// process. stop ends the watch.
func watchChildFiles(comp presource.URN, since time.Time) (found <-chan struct{}, stop func()) {
	ch, quit := make(chan struct{}), make(chan struct{})
	go func() {
		t := time.NewTicker(crossPoll)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				if childFailureWritten(comp, since) {
					close(ch)
					return
				}
			}
		}
	}()
	var once sync.Once
	return ch, func() { once.Do(func() { close(quit) }) }
}

// childFailureWritten reports whether a failure of one of comp's children written since
// since is on disk, leaving it there.
func childFailureWritten(comp presource.URN, since time.Time) bool {
	dir := causesDir(comp)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), answeredPrefix) {
			continue
		}
		info, err := e.Info()
		if err != nil || info.ModTime().Before(since.Add(-mtimeSlack)) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if child, _, ok := strings.Cut(string(data), "\n"); err == nil && ok && ownsChild(comp, presource.URN(child)) {
			return true
		}
	}
	return false
}

// answeredPrefix names the marker a Construct leaves once it has answered after a child's
// failure another process wrote; that child's answer waits for it (awaitFileAnswer).
const answeredPrefix = "answered-"

func answeredMarker(comp presource.URN) string {
	sum := sha256.Sum256([]byte(comp))
	return filepath.Join(causesDir(comp), answeredPrefix+hex.EncodeToString(sum[:12]))
}

// markAnswered leaves the marker for comp.
func markAnswered(comp presource.URN) {
	_ = os.WriteFile(answeredMarker(comp), nil, 0o600)
}

// parentComponent is the URN of the component a child belongs to: its parent type, and its
// name up to `-file-` (a RunScript's Files).
func parentComponent(child presource.URN) presource.URN {
	chain := strings.Split(string(child.QualifiedType()), "$")
	name := child.Name()
	if i := strings.Index(name, "-file-"); i > 0 && chain[len(chain)-1] != Name+":index:Invocation" &&
		chain[len(chain)-1] != Name+":index:Command" {
		name = name[:i]
	}
	return presource.URN("urn:pulumi:" + string(child.Stack()) + "::" + string(child.Project()) + "::" +
		strings.Join(chain[:len(chain)-1], "$") + "::" + name)
}

// awaitFileAnswer waits (at most answerGrace) until the component of a failed child has
// answered in another process, and a little longer for the answer to reach the engine.
func awaitFileAnswer(child presource.URN, since time.Time) {
	marker := answeredMarker(parentComponent(child))
	limit := time.Now().Add(answerGrace)
	for time.Now().Before(limit) {
		if info, err := os.Stat(marker); err == nil && !info.ModTime().Before(since.Add(-mtimeSlack)) {
			_ = os.Remove(marker)
			time.Sleep(answerFlush)
			return
		}
		time.Sleep(crossPoll / 2)
	}
}
