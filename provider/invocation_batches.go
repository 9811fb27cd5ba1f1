package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Batches: an Invocation names any number of instances, and the provider sends them in
// InvokeCommand calls of at most maxBatch. Each call carries its own ClientToken, derived
// from the one the Create drew, so retrying a call (or a whole Create or converge that
// crashed half way) never runs a batch twice, while a new Create runs everything again.

// batchToken is the ClientToken of batch i of the group whose tokens derive from base. The
// first batch of a Create uses base itself, so a one-batch Invocation sends what it always
// did.
func batchToken(base, group string, i int) string {
	if group == "" && i == 0 {
		return base
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%d", base, group, i)))
	return hex.EncodeToString(sum[:16])
}

// convergeGroup names the batches that add instances to an existing Invocation: derived
// from the sorted added IDs, so a retried update adding the same instances reuses the same
// tokens.
func convergeGroup(added []string) string {
	ids := sortedCopy(added)
	sum := sha256.Sum256([]byte(strings.Join(ids, ",")))
	return "add-" + hex.EncodeToString(sum[:8])
}

// setDiff returns the IDs of a not in b, in a's order.
func setDiff(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, id := range b {
		in[id] = true
	}
	var out []string
	for _, id := range a {
		if !in[id] {
			out = append(out, id)
		}
	}
	return out
}

// summarize counts the results per status, and the instances never started.
func summarize(results []InvocationResult, notStarted int) map[string]int {
	out := map[string]int{}
	for _, r := range results {
		out[r.Status]++
	}
	if notStarted > 0 {
		out[statusNotStarted] = notStarted
	}
	return out
}

// statusNotStarted counts, in summary, the instances a rollout never started.
const statusNotStarted = "NotStarted"

// failedIDs lists the instances that finished without success, sorted.
func failedIDs(results []InvocationResult, mode RepeatMode) []string {
	out := []string{}
	for _, r := range results {
		if InstanceStatus(r.Status).settled(mode) && !InstanceStatus(r.Status).succeeded(mode) {
			out = append(out, r.InstanceID)
		}
	}
	sort.Strings(out)
	return out
}
