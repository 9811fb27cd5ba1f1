package provider

// Fuzz targets for Check, the provider's first line against bad input: every value a program
// can send must come back as inputs or as failures naming a property, never as a panic, and
// a failure must never quote a secret parameter value. Their seeds run under plain `go test`;
// `go test -fuzz FuzzInvocationCheck ./provider` explores further.

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func fzStrings(ss []string) property.Value {
	vs := make([]property.Value, len(ss))
	for i, s := range ss {
		vs[i] = property.New(s)
	}
	return property.New(vs)
}

func fzCheckInvocation(t *testing.T, in map[string]property.Value) infer.CheckResponse[InvocationArgs] {
	t.Helper()
	resp, err := (&Invocation{}).Check(context.Background(), infer.CheckRequest{Name: "fuzz", NewInputs: property.NewMap(in)})
	if err != nil {
		t.Fatalf("Check returned an error instead of failures: %v", err)
	}
	fzWellFormed(t, resp.Failures)
	return resp
}

// fzQuietPath is how a failure names its property in the reason when it must not be set as
// the failure's property (the engine would print the value next to it).
var fzQuietPath = regexp.MustCompile(`^[A-Za-z][\w.\[\]-]*: \S`)

// fzWellFormed: a failure the engine can show names a property and says why.
func fzWellFormed(t *testing.T, fails []p.CheckFailure) {
	t.Helper()
	for _, f := range fails {
		named := f.Property != "" || fzQuietPath.MatchString(f.Reason)
		if !named || strings.TrimSpace(f.Reason) == "" {
			t.Fatalf("failure without property or reason: %+v", f)
		}
	}
}

// fzEncode turns checked inputs back into the property map the engine would send next time.
func fzEncode(args any) property.Map {
	return resource.FromResourcePropertyMap(resource.NewPropertyMap(args))
}

// fzOther returns a string of the same length in runes that differs from s at every rune.
func fzOther(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == 'Z' {
			b.WriteRune('Y')
		} else {
			b.WriteRune('Z')
		}
	}
	return b.String()
}

func FuzzInvocationCheck(f *testing.F) {
	f.Add("c-123", "i-a,i-b", "name", "s3cr3t-value", "", "", 60, uint8(0))
	f.Add("", "", "", "", "", "", 0, uint8(0))
	f.Add("c-1", "i-a,i-a", strings.Repeat("k", 65), "v", "Administrator", "pw-name", 5, uint8(25))
	f.Add("c-1", "i-a,,i-b", "ACS::RegionId", "{{ACS::InstanceId}}", "", "win-pw", 86401, uint8(19))
	f.Add(" ", strings.Repeat("i-x,", 101), " ", "must not be empty", strings.Repeat("u", 256), "", 10, uint8(3))
	f.Add("c-\x00", "i-\xff", "k\xfe", "v\xff\x00", "\u202e", "\x00", -1, uint8(1))
	f.Fuzz(func(t *testing.T, commandID, ids, key, value, username, winPw string, timeout int, extra uint8) {
		build := func(value string) map[string]property.Value {
			params := map[string]property.Value{key: property.New(value)}
			for i := range int(extra % 24) {
				params[fmt.Sprintf("p%d", i)] = property.New(value)
			}
			in := map[string]property.Value{
				"commandId":   property.New(commandID),
				"instanceIds": fzStrings(strings.Split(ids, ",")),
				"parameters":  property.New(params).WithSecret(true),
				"timeout":     property.New(float64(timeout)),
			}
			if username != "" {
				in["username"] = property.New(username)
			}
			if winPw != "" {
				in["windowsPasswordName"] = property.New(winPw)
			}
			return in
		}
		resp := fzCheckInvocation(t, build(value))

		// The failures must not depend on the secret value: the same inputs with another
		// value of the same length fail identically, so no message can be quoting it.
		if utf8.ValidString(value) && value != "" {
			other := fzCheckInvocation(t, build(fzOther(value)))
			if !reflect.DeepEqual(resp.Failures, other.Failures) {
				t.Fatalf("failures depend on a parameter value:\n%v\n%v", resp.Failures, other.Failures)
			}
		}
		if len(resp.Failures) > 0 {
			return
		}
		if resp.Inputs.WaitForCompletion == nil || resp.Inputs.FailurePolicy == nil || resp.Inputs.RepeatMode == nil {
			t.Fatalf("accepted inputs without their defaults: %+v", resp.Inputs)
		}
		fzCheckIdempotent(t, resp.Inputs)
	})
}

// fzCheckIdempotent: what Check accepted and normalized, it accepts unchanged, so state,
// refresh and import agree.
func fzCheckIdempotent(t *testing.T, args InvocationArgs) {
	t.Helper()
	m := fzEncode(args)
	again, err := (&Invocation{}).Check(context.Background(), infer.CheckRequest{Name: "fuzz", NewInputs: m})
	if err != nil || len(again.Failures) > 0 {
		t.Fatalf("accepted inputs fail a second Check: %v %v", err, again.Failures)
	}
	if !reflect.DeepEqual(again.Inputs, args) {
		t.Fatalf("a second Check changed accepted inputs:\n%+v\n%+v", args, again.Inputs)
	}
}

// FuzzFrequencyCheck feeds schedules through Check: the provider accepts a Period
// frequency exactly when the shared parser (the one the emulator fires with) does, and
// settles the repeat mode the service will use.
func FuzzFrequencyCheck(f *testing.F) {
	for _, s := range []string{
		"rate(5m)", "rate(30s)", "rate(8d)", "rate(", "at(2036-12-01 10:00:00 Asia/Shanghai)", "at(2020-12-01 10:00:00)",
		"0 */20 * * * ?", "0 */20 * * * ? Asia/Shanghai", "*/5 * * * * ?", "0 15 10 ? * MON-FRI 2027 +08:00",
		"0 0 0 31 2 ?", "", " ", "every day", "0 0 0 ? * 5#3 Mars/Olympus", "rate(9999999999999999999d)",
	} {
		f.Add("Period", false, s)
		f.Add("", true, s)
	}
	f.Add("Once", false, "rate(5m)")
	f.Add("EveryReboot", true, "")
	f.Add("Daily", false, "rate(5m)")
	f.Fuzz(func(t *testing.T, mode string, timed bool, freq string) {
		in := map[string]property.Value{
			"commandId":   property.New("c-1"),
			"instanceIds": fzStrings([]string{"i-a"}),
			"timed":       property.New(timed),
		}
		if mode != "" {
			in["repeatMode"] = property.New(mode)
		}
		if freq != "" {
			in["frequency"] = property.New(freq)
		}
		resp := fzCheckInvocation(t, in)
		freqFailed := false
		for _, fl := range resp.Failures {
			freqFailed = freqFailed || fl.Property == "frequency"
		}
		trimmed := strings.TrimSpace(freq)
		periodic := mode == string(RepeatPeriod) || (timed && trimmed != "")
		if periodic && trimmed != "" {
			sched, perr := scheduleRules.Parse(trimmed)
			// A new schedule without a future run (an at(…) in the past, a cron on 31 February)
			// fails too, though the parser accepts it.
			past := perr == nil && sched.Next(time.Now()).IsZero()
			if (perr == nil && !past) == freqFailed {
				t.Fatalf("Check and the shared parser disagree on %q: check failed=%v, parser error=%v",
					freq, freqFailed, perr)
			}
		}
		if len(resp.Failures) == 0 {
			if periodic && *resp.Inputs.RepeatMode != RepeatPeriod {
				t.Fatalf("a schedule was accepted with repeat mode %s", *resp.Inputs.RepeatMode)
			}
			fzCheckIdempotent(t, resp.Inputs)
		}
	})
}

// FuzzCommandCheck feeds command inputs through Check: content in either encoding is
// normalized to plain text when it can be, and what is accepted is accepted again.
func FuzzCommandCheck(f *testing.F) {
	f.Add("hello", "RunShellScript", "echo hi", "PlainText", "", "", 60)
	f.Add("", "RunShellScript", "ZWNobyBoaQ==", "Base64", "d", "/root", 10)
	f.Add("x", "RunBatScript", "not base64!", "Base64", "", "", 9)
	f.Add(strings.Repeat("n", 129), "Bash", "", "Hex", strings.Repeat("d", 513), strings.Repeat("w", 201), 86401)
	f.Add("n", "RunPowerShellScript", "/w==", "Base64", "", "", 100) // valid Base64, not UTF-8
	f.Add("n", "RunShellScript", strings.Repeat("a", 14000), "PlainText", "", "", 60)
	f.Add("\x00", "RunShellScript", "\xff\xfe", "", "\u202e", "C:\\", 0)
	f.Fuzz(func(t *testing.T, name, typ, content, encoding, description, workingDir string, timeout int) {
		in := map[string]property.Value{
			"type":           property.New(typ),
			"commandContent": property.New(content),
			"timeout":        property.New(float64(timeout)),
		}
		for k, v := range map[string]string{"name": name, "contentEncoding": encoding, "description": description, "workingDir": workingDir} {
			if v != "" {
				in[k] = property.New(v)
			}
		}
		resp, err := (&Command{}).Check(context.Background(), infer.CheckRequest{Name: "fuzz", NewInputs: property.NewMap(in)})
		if err != nil {
			t.Fatalf("Check returned an error instead of failures: %v", err)
		}
		fzWellFormed(t, resp.Failures)
		if len(resp.Failures) > 0 {
			return
		}
		args := resp.Inputs
		if args.ContentEncoding == nil || strings.TrimSpace(args.CommandContent) == "" || args.Name == nil {
			t.Fatalf("accepted a command without encoding, content or name: %+v", args)
		}
		m := fzEncode(args)
		again, err := (&Command{}).Check(context.Background(), infer.CheckRequest{Name: "fuzz", NewInputs: m, OldInputs: m})
		if err != nil || len(again.Failures) > 0 {
			t.Fatalf("accepted inputs fail a second Check: %v %v", err, again.Failures)
		}
		if !reflect.DeepEqual(again.Inputs, args) {
			t.Fatalf("a second Check changed accepted inputs:\n%+v\n%+v", args, again.Inputs)
		}
	})
}
