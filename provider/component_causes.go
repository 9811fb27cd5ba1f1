package provider

// Why a component failed. When a child of RunScript or ScheduledScript fails, the engine
// cancels the deployment and tells the component's Construct only that its call was
// cancelled: its outputs then fail to marshal (`awaiting input property "invokeId"`, `grpc:
// the client connection is closing`), and that noise is what `pulumi up` printed as the
// component's error. The children run in this same process (they ask for the same default
// provider as the component, childOptions), so each child's failure is noted here by its URN;
// Construct then reports the cause instead of the noise, the same text the child resource
// gives. The component's own failures (its preflight, the agent wait) fail a child's Check
// the same way (component_causes.go).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// childFailures holds the last failure of each component child, by URN, until its
// component's Construct takes it; waiting lists the Constructs to wake at once when a child
// of theirs fails.
var childFailures = struct {
	sync.Mutex
	byURN   map[presource.URN]string
	waiting map[presource.URN]*watch
}{byURN: map[presource.URN]string{}, waiting: map[presource.URN]*watch{}}

// watch is a Construct waiting on its children: wake closes when one fails, answered when
// the Construct has answered since.
type watch struct {
	wake, answered chan struct{}
}

// answerGrace is how long a failed child's Check waits for its component's Construct to
// answer first: the engine ends a preview on a failed Check and closes the connection of a
// Construct still in flight (`grpc: the client connection is closing`, printed as the
// component's error), so the component's answer must reach it before the Check's.
const answerGrace = 5 * time.Second

// answerFlush is the time left for the Construct's answer to travel once it is given.
const answerFlush = 200 * time.Millisecond

// componentChild reports whether urn is a direct child of one of this provider's components.
func componentChild(urn presource.URN) bool {
	chain := strings.Split(string(urn.QualifiedType()), "$")
	if len(chain) < 2 {
		return false
	}
	parent := chain[len(chain)-2]
	return parent == runScriptToken || parent == scheduledScriptToken
}

// ownsChild reports whether child is a child of the component comp: the same stack, comp's
// type as its parent, and comp's name (Command, Invocation) or `<name>-file-…` (Files).
func ownsChild(comp, child presource.URN) bool {
	prefix := "urn:pulumi:" + string(comp.Stack()) + "::" + string(comp.Project()) + "::" + string(comp.QualifiedType()) + "$"
	if !strings.HasPrefix(string(child), prefix) || !componentChild(child) {
		return false
	}
	n, name := child.Name(), comp.Name()
	return n == name || strings.HasPrefix(n, name+"-file-")
}

// noteChildFailure records why a component's child failed, and wakes the component's
// Construct: the engine ends the deployment after a failed step and may close the
// connection of a Construct still waiting on its child (`grpc: the client connection is
// closing`) before the program has seen the failure, so the component answers at once. The
// engine records the failed child's partial state from the child's own Create or Update
// answer, so nothing is lost by not waiting.
func noteChildFailure(urn presource.URN, reason string) []<-chan struct{} {
	if reason == "" || !componentChild(urn) {
		return nil
	}
	writeChildFailure(urn, reason)
	childFailures.Lock()
	defer childFailures.Unlock()
	childFailures.byURN[urn] = reason
	var answered []<-chan struct{}
	for comp, w := range childFailures.waiting {
		if ownsChild(comp, urn) {
			close(w.wake)
			answered = append(answered, w.answered)
			delete(childFailures.waiting, comp)
		}
	}
	return answered
}

// awaitAnswers waits (at most answerGrace) until each woken Construct has answered, and a
// little longer for the answer to reach the engine. With none woken here, a component's
// child waits for its Construct in another process (below).
func awaitAnswers(child presource.URN, since time.Time, answered []<-chan struct{}) {
	if len(answered) == 0 {
		if componentChild(child) {
			awaitFileAnswer(child, since)
		}
		return
	}
	limit := time.After(answerGrace)
	for _, a := range answered {
		select {
		case <-a:
		case <-limit:
			return
		}
	}
	time.Sleep(answerFlush)
}

// wakeOnFailedChild returns a channel closed when a child of comp fails, the function to call
// once the Construct has its answer, and the function that stops watching.
func wakeOnFailedChild(comp presource.URN) (<-chan struct{}, func(), func()) {
	w := &watch{wake: make(chan struct{}), answered: make(chan struct{})}
	childFailures.Lock()
	childFailures.waiting[comp] = w
	childFailures.Unlock()
	var once sync.Once
	return w.wake, func() { once.Do(func() { close(w.answered) }) }, func() {
		childFailures.Lock()
		defer childFailures.Unlock()
		if childFailures.waiting[comp] == w {
			delete(childFailures.waiting, comp)
		}
	}
}

// takeChildFailure returns (and forgets) the failures of the children of the component comp
// noted in this process, or else those another process wrote since (below).
func takeChildFailure(comp presource.URN, since time.Time) string {
	childFailures.Lock()
	defer childFailures.Unlock()
	var reasons []string
	for urn, reason := range childFailures.byURN {
		if ownsChild(comp, urn) {
			if !slices.Contains(reasons, reason) { // the agents' verdict fails each gated child alike
				reasons = append(reasons, reason)
			}
			delete(childFailures.byURN, urn)
		}
	}
	fromFiles := readChildFailures(comp, since)
	if len(reasons) == 0 {
		reasons = fromFiles
	}
	return strings.Join(reasons, "\n")
}

// reportCauses notes every child failure and makes a failed Construct report its cause.
func reportCauses(prov p.Provider) p.Provider {
	check, create, update, construct := prov.Check, prov.Create, prov.Update, prov.Construct
	prov.Check = func(ctx context.Context, req p.CheckRequest) (p.CheckResponse, error) {
		var failure string
		req.Inputs, failure = takeComponentFailure(req.Inputs)
		var resp p.CheckResponse
		var err error
		if failure != "" {
			// The component's own verdict (component_causes.go): nothing further to check.
			resp = p.CheckResponse{Inputs: req.Inputs, Failures: []p.CheckFailure{{Reason: failure}}}
		} else {
			resp, err = check(withPreflightMark(ctx, req.Urn), req)
		}
		resp.Failures = pathInReason(resp.Failures)
		if noted := time.Now(); err != nil {
			awaitAnswers(req.Urn, noted, noteChildFailure(req.Urn, err.Error()))
		} else if len(resp.Failures) > 0 {
			awaitAnswers(req.Urn, noted, noteChildFailure(req.Urn, checkFailureText(resp.Failures)))
		}
		return resp, err
	}
	prov.Create = func(ctx context.Context, req p.CreateRequest) (p.CreateResponse, error) {
		resp, err := create(ctx, req)
		if reason := failureText(err, resp.PartialState); reason != "" {
			noted := time.Now()
			awaitAnswers(req.Urn, noted, noteChildFailure(req.Urn, reason))
		}
		return resp, err
	}
	prov.Update = func(ctx context.Context, req p.UpdateRequest) (p.UpdateResponse, error) {
		resp, err := update(ctx, req)
		if reason := failureText(err, resp.PartialState); reason != "" {
			noted := time.Now()
			awaitAnswers(req.Urn, noted, noteChildFailure(req.Urn, reason))
		}
		return resp, err
	}
	prov.Construct = func(ctx context.Context, req p.ConstructRequest) (p.ConstructResponse, error) {
		started := time.Now()
		ctx, cancel := context.WithCancel(ctx)
		failed, answered, stopWatching := wakeOnFailedChild(req.Urn)
		defer stopWatching()
		defer answered()
		onDisk, stopFiles := watchChildFiles(req.Urn, started)
		defer stopFiles()
		type result struct {
			resp p.ConstructResponse
			err  error
		}
		done := make(chan result, 1)
		go func() {
			resp, err := construct(ctx, req)
			done <- result{resp, err}
		}()
		select {
		case r := <-done:
			cancel()
			children := takeChildFailure(req.Urn, started)
			switch {
			case r.err == nil:
				return r.resp, nil
			case children != "":
				return r.resp, errors.New(children)
			}
			return r.resp, r.err
		case <-failed:
			// A child failed: the engine has its state (if any) from the child's own answer, and
			// the program, still waiting on it, ends when its ctx is cancelled. The cause is the
			// component's error diagnostic, and Construct itself succeeds: after a failed
			// Construct the engine answers the program's registration of the component with
			// code UNKNOWN `resource monitor shut down`, which the Node.js SDK logs as an
			// unhandled exception and the Python SDK as a traceback. The child's failure fails
			// the deployment either way.
			p.GetLogger(context.WithoutCancel(ctx)).Error(takeChildFailure(req.Urn, started))
			cancel()
			return p.ConstructResponse{Urn: req.Urn, State: property.Map{}}, nil
		case <-onDisk:
			// The same, for a child in another provider process (a YAML program's).
			p.GetLogger(context.WithoutCancel(ctx)).Error(takeChildFailure(req.Urn, started))
			cancel()
			markAnswered(req.Urn)
			return p.ConstructResponse{Urn: req.Urn, State: property.Map{}}, nil
		}
	}
	return prov
}

// failureText is the text the engine shows for a failed Create or Update: a partial
// failure's reasons (its error only says "resource failed to initialize"), else the error.
func failureText(err error, partial *p.InitializationFailed) string {
	if partial != nil && len(partial.Reasons) > 0 {
		return strings.Join(partial.Reasons, "\n")
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// pathInReason moves each failure's property path into its reason ("type: is \"RunShelScript\";
// …"). Given a path, the engine prints the property's raw value beside the reason in Go's
// struct braces (`property type value {RunShelScript} has a problem`, `{<nil>}` for a path
// into a list); our reasons quote the value themselves where it helps, and leave secrets out.
func pathInReason(failures []p.CheckFailure) []p.CheckFailure {
	for i, f := range failures {
		if f.Property != "" {
			failures[i] = p.CheckFailure{Reason: f.Property + ": " + f.Reason}
		}
	}
	return failures
}

func checkFailureText(failures []p.CheckFailure) string {
	lines := make([]string, 0, len(failures))
	for _, f := range failures {
		if f.Property != "" {
			lines = append(lines, f.Property+": "+f.Reason)
		} else {
			lines = append(lines, f.Reason)
		}
	}
	return strings.Join(lines, "\n")
}

// Child failures noted across processes. The engine picks a default provider per package,
// version and download URL: the SDKs send the download URL with the component and its
// children ask for the same one, so both run in one process; the YAML language host sends
// none, so a YAML program's component runs in one process and its children in another, and
// an in-memory note never reaches the component's Construct (which then reported its own
// `marshaling properties: awaiting input property …` instead). Each child failure is also
// written to a file the Construct of the same stack reads, whichever process it runs in.

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

// componentFailureInput is the child input that carries the component's verdict: "" when its
// checks passed. Check removes it before the child's own Check, so it is never in the state.
const componentFailureInput = "componentFailure"

// gateOn adds the component's verdict to a child's inputs.
func gateOn(m pulumi.Map, verdict pulumi.StringOutput) {
	m[componentFailureInput] = verdict
}

// takeComponentFailure returns news without the verdict input and the verdict's text ("" when
// it passed, is unknown at preview, or is absent: a resource the program declared itself).
func takeComponentFailure(news property.Map) (property.Map, string) {
	v, ok := news.GetOk(componentFailureInput)
	if !ok {
		return news, ""
	}
	rest := news.Delete(componentFailureInput)
	if !v.IsString() {
		return rest, ""
	}
	return rest, v.AsString()
}

// preflightKey marks the ctx of a Check whose resource is a direct child of RunScript or
// ScheduledScript: the component's preflight (component_children.go) has checked its
// instances and parameters already, so the child does not ask again.
type preflightKey struct{}

// withPreflightMark marks ctx when urn is a component's child (reportCauses calls it: infer's
// Check request carries no URN).
func withPreflightMark(ctx context.Context, urn presource.URN) context.Context {
	return context.WithValue(ctx, preflightKey{}, componentChild(urn))
}

// checkedByComponent reports whether the component's preflight covered this Check.
func checkedByComponent(ctx context.Context) bool {
	done, _ := ctx.Value(preflightKey{}).(bool)
	return done
}
