package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
