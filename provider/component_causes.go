package provider

// Why a component failed. When a child of RunScript or ScheduledScript fails, the engine
// cancels the deployment and tells the component's Construct only that its call was
// cancelled: its outputs then fail to marshal (`awaiting input property "invokeId"`, `grpc:
// the client connection is closing`), and that noise is what `pulumi up` printed as the
// component's error. The children run in this same process (they ask for the same default
// provider as the component, childOptions), so each child's failure is noted here by its URN;
// Construct then reports the cause instead of the noise, the same text the child resource
// gives. The component's own failures (its preflight, the agent wait) fail a child's Check
// the same way (component_verdict.go).

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
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
// child waits for its Construct in another process (component_causes_file.go).
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
// noted in this process, or else those another process wrote since (component_causes_file.go).
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
			// The component's own verdict (component_verdict.go): nothing further to check.
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
