package provider

// What a failure message may promise of the next `pulumi up`. Some per-instance errors
// come back the same on every run until the program changes (the instance is gone, the cron
// expression never fires again, the user or directory does not exist); a message must not
// say that running again will help then.

import (
	"fmt"
	"sort"
	"strings"
)

// permanentCodes are the results' error codes that a run of the same request meets again,
// with the input to change.
var permanentCodes = map[string]string{
	"InstanceNotExists":    "instanceIds",
	"BadCronExpression":    "frequency",
	"CommandNotApplicable": "the command type or instanceIds",
	"AccountNotExists":     "username",
	"DirectoryNotExists":   "workingDir",
	"FileAlreadyExists":    "overwrite",
}

// permanentCause names the codes among failed that a re-run would meet again, and what to
// change; both empty when a re-run may succeed.
func permanentCause(failed []InvocationResult) (codes, change string) {
	seenCode, seenInput := map[string]bool{}, map[string]bool{}
	var cs, ins []string
	for _, r := range failed {
		in, ok := permanentCodes[r.ErrorCode]
		if !ok {
			continue
		}
		if !seenCode[r.ErrorCode] {
			seenCode[r.ErrorCode] = true
			cs = append(cs, r.ErrorCode)
		}
		if !seenInput[in] {
			seenInput[in] = true
			ins = append(ins, in)
		}
	}
	sort.Strings(cs)
	sort.Strings(ins)
	return strings.Join(cs, ", "), strings.Join(ins, ", ")
}

// nextUp is the closing sentence of a failure message: what the next `pulumi up` does
// (rerun, e.g. "replaces it and runs the command again"), or, when a re-run would fail the
// same way, that the program must change first.
func nextUp(recorded, rerun string, failed []InvocationResult) string {
	codes, change := permanentCause(failed)
	if codes == "" {
		return fmt.Sprintf("%s; the next `pulumi up` %s.", recorded, rerun)
	}
	return fmt.Sprintf("%s; running it again unchanged fails the same way (%s): change %s first.", recorded, codes, change)
}
