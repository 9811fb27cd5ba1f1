package provider

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/frequency"
)

// Check validates an Invocation's inputs against every rule known before the call and fills
// in the defaults, so state, refresh and import agree with the program.
func (*Invocation) Check(ctx context.Context, req infer.CheckRequest) (infer.CheckResponse[InvocationArgs], error) {
	args, fails, err := infer.DefaultCheck[InvocationArgs](ctx, req.NewInputs)
	if err != nil || len(fails) > 0 {
		return infer.CheckResponse[InvocationArgs]{Inputs: args, Failures: fails}, err
	}
	var f failures
	in := req.NewInputs

	if known(in, "commandId") && strings.TrimSpace(args.CommandID) == "" {
		f.add("commandId", "must not be empty")
	}
	if known(in, "instanceIds") && known(in, "targetTags") {
		checkTargets(&f, args)
	}
	checkRolloutLimits(&f, args)
	if known(in, "repeatMode") && args.RepeatMode != nil && !validEnum(*args.RepeatMode, RepeatMode("").Values()) {
		f.add("repeatMode", "is %q; it must be one of Once, Period, NextRebootOnly, EveryReboot", *args.RepeatMode)
	}
	if known(in, "terminationMode") && args.TerminationMode != nil &&
		!validEnum(*args.TerminationMode, TerminationMode("").Values()) {
		f.add("terminationMode", "is %q; it must be Process or ProcessTree", *args.TerminationMode)
	}
	if known(in, "failurePolicy") && args.FailurePolicy != nil &&
		!validEnum(*args.FailurePolicy, FailurePolicy("").Values()) {
		f.add("failurePolicy", "is %q; it must be one of FailIfAny, FailIfAll, Never", *args.FailurePolicy)
	}
	if known(in, "repeatMode") && known(in, "timed") && known(in, "frequency") {
		checkSchedule(&f, &args)
		checkFiresAgain(&f, req.OldInputs, deref(args.Frequency), time.Now())
	}
	if known(in, "parameters") {
		checkParameters(&f, args.Parameters)
	}
	f.maxLen("username", args.Username, maxUsernameLen)
	if args.WindowsPasswordName != nil && *args.WindowsPasswordName != "" && known(in, "username") &&
		(args.Username == nil || *args.Username == "") {
		f.add("windowsPasswordName", "is set without username; set username to the Windows user whose password it names")
	}
	f.timeout("timeout", args.Timeout)
	f.tags("tags", args.Tags)
	f.reservedTags("tags", args.Tags)
	if len(f) == 0 && !checkedByComponent(ctx) {
		// Asked only when everything else holds, so a typo never costs a call.
		if known(in, "instanceIds") && len(args.TargetTags) == 0 {
			checkInstancesExist(ctx, &f, "instanceIds", args.InstanceIDs, req.OldInputs)
		}
		if known(in, "commandId") && known(in, "parameters") {
			checkCommandParameters(ctx, &f, args, req.OldInputs)
		}
	}

	if args.WaitForCompletion == nil {
		t := true
		args.WaitForCompletion = &t
	}
	if args.FailurePolicy == nil {
		fp := FailIfAny
		args.FailurePolicy = &fp
	}
	return infer.CheckResponse[InvocationArgs]{Inputs: args, Failures: f}, nil
}

// checkTargets wants exactly one of instanceIds (any number of unique IDs: the provider
// batches them) and targetTags.
func checkTargets(f *failures, a InvocationArgs) {
	switch {
	case len(a.TargetTags) > 0 && len(a.InstanceIDs) > 0:
		f.add("targetTags", "is set together with instanceIds; give one of them")
	case len(a.TargetTags) > 0:
		f.tags("targetTags", a.TargetTags)
	default:
		checkInstanceIDs(f, a.InstanceIDs)
	}
}

func checkInstanceIDs(f *failures, ids []string) {
	if len(ids) < minInstances {
		f.add("instanceIds", "has %d instance IDs; it must have at least %d (or set targetTags)", len(ids), minInstances)
	}
	seen := map[string]int{}
	for i, id := range ids {
		path := fmt.Sprintf("instanceIds[%d]", i)
		if strings.TrimSpace(id) == "" {
			f.add(path, "must not be empty")
			continue
		}
		if j, dup := seen[id]; dup {
			f.add(path, "repeats %q (also at instanceIds[%d]); instance IDs must be unique", id, j)
		}
		seen[id] = i
	}
}

// checkSchedule applies the repeat-mode rules and settles the effective mode, so the
// state records what the service will do: Timed with a frequency means Period.
func checkSchedule(f *failures, args *InvocationArgs) {
	freq := strings.TrimSpace(deref(args.Frequency))
	mode := RepeatOnce
	if args.RepeatMode != nil {
		mode = *args.RepeatMode
	}
	if deref(args.Timed) && freq != "" {
		mode = RepeatPeriod // what the service does, whatever repeatMode says
	}
	switch {
	case mode == RepeatPeriod && freq == "":
		f.add("frequency", "is required when repeatMode is Period")
	case deref(args.Timed) && freq == "":
		f.add("frequency", "is required when timed is true")
	case freq != "" && (mode == RepeatPeriod || deref(args.Timed)):
		checkFrequency(f, freq)
	case freq != "":
		f.add("frequency", "is only used when repeatMode is Period; repeatMode is %s", mode)
	}
	args.RepeatMode = &mode
}

// scheduleRules are the documented frequency limits (rate within 1 minute to 7 days, runs
// at least 10 s apart). Tests lower them to match an emulator that fires fast.
var scheduleRules = frequency.DefaultRules()

func checkFrequency(f *failures, freq string) {
	if _, err := scheduleRules.Parse(freq); err != nil {
		f.add("frequency", "%v", err)
	}
}

func checkParameters(f *failures, params map[string]string) {
	if len(params) > maxParameterKeys {
		f.addQuiet("parameters", "has %d keys; the limit is %d", len(params), maxParameterKeys)
	}
	for _, k := range sortedKeys(params) {
		switch {
		case strings.TrimSpace(k) == "":
			f.addQuiet("parameters", "has an empty key")
		case utf8.RuneCountInString(k) > maxParameterKeyLen:
			// The key is a name, not the secret value, so it may appear in the message.
			f.add("parameters."+k, "key is %d characters; the limit is %d", utf8.RuneCountInString(k), maxParameterKeyLen)
		}
	}
}

// checkFiresAgain fails a frequency that has no run after now: an at(…) whose time has
// passed, a cron expression whose years are over (or whose days never occur). The service
// refuses the first at InvokeCommand and accepts the second only to end every instance
// Invalid (BadCronExpression), so preview says so instead, before anything is created. Only
// a new or changed frequency is judged: a deployed schedule that has since run its course
// must not fail every later preview of the same program.
func checkFiresAgain(f *failures, olds property.Map, freq string, now time.Time) {
	freq = strings.TrimSpace(freq)
	if freq == "" {
		return
	}
	if old, ok := olds.GetOk("frequency"); ok && old.IsString() && strings.TrimSpace(old.AsString()) == freq {
		return
	}
	s, err := frequency.Parse(freq)
	if err != nil || !s.Next(now).IsZero() {
		return // checkFrequency reports the syntax; a schedule with a next run is fine
	}
	if at, ok := s.(*frequency.AtSchedule); ok {
		f.add("frequency", "is %s, which is in the past (now %s); give a future time",
			at.When.Format(time.RFC3339), now.In(at.When.Location()).Format(time.RFC3339))
		return
	}
	f.add("frequency", "is %q, which never fires after now (%s): its last run is over; give a schedule with "+
		"a future run", freq, now.UTC().Format(time.RFC3339))
}

// checkRolloutLimits validates maxConcurrency, maxErrors and outputBytesPerInstance.
func checkRolloutLimits(f *failures, a InvocationArgs) {
	for _, l := range []struct {
		path string
		v    *string
	}{{"maxConcurrency", a.MaxConcurrency}, {"maxErrors", a.MaxErrors}} {
		if l.v == nil {
			continue
		}
		parsed, err := parseLimit(*l.v)
		switch {
		case err != nil:
			f.add(l.path, "%v", err)
		case l.path == "maxConcurrency" && parsed.n == 0:
			f.add(l.path, "is %q; at least one instance must be allowed to run", *l.v)
		}
	}
	limited := a.MaxConcurrency != nil || a.MaxErrors != nil
	if limited && effectiveMode(a) != RepeatOnce {
		f.add("maxConcurrency", "maxConcurrency and maxErrors only apply to repeatMode Once; repeatMode is %s", effectiveMode(a))
	}
	if limited && a.WaitForCompletion != nil && !*a.WaitForCompletion {
		f.add("waitForCompletion", "is false, but maxConcurrency and maxErrors need the provider to wait: "+
			"it starts each batch as earlier ones finish")
	}
	if n := a.OutputBytesPerInstance; n != nil && (*n < 0 || *n > serviceOutputLimit) {
		f.add("outputBytesPerInstance", "is %d; it must be between 0 and %d (the service keeps 24 KB)", *n, serviceOutputLimit)
	}
}
