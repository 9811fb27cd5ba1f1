package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// Adoption: every InvokeCommand and SendFile a resource makes carries two tags, the
// resource's identity (a hash of its URN) and the attempt (a hash of the inputs that define
// the work). A Create first looks up the tasks carrying both (one Describe call when there
// are none) and adopts them: an update that died after starting them (provider or CLI
// killed, machine lost) left no state, and the next up would otherwise run them again.
// Tasks a resource's recorded state already names are never adopted (a replacement of a
// failed run runs again), and Delete retires the tags, so a later Create of the same
// resource with the same inputs runs again. Docs: docs/architecture.md, docs/interruptions.md.

const (
	// tagResource names the resource a task belongs to: hex SHA-256 of its URN, cut to 32.
	tagResource = "cloudassistant:pulumi-resource"
	// tagAttempt names the work: hex SHA-256 of the inputs that define it, cut to 32.
	tagAttempt = "cloudassistant:pulumi-attempt"
	// reservedTagPrefix starts both keys; users' tags may not.
	reservedTagPrefix = AdoptionTagPrefix
	// adoptionTagCount is how many of the service's 20 tags per task adoption takes.
	adoptionTagCount = 2
)

// AdoptionTagPrefix starts the keys of the tags adoption puts on every task (the benchmark
// tells its look-ups from other reads by it).
const AdoptionTagPrefix = "cloudassistant:pulumi-"

// retiredTagKeys are the keys Delete removes from a resource's tasks.
var retiredTagKeys = []string{tagResource, tagAttempt}

type urnKey struct{}

// withResourceURN hands the URN of the resource a Create or Update is for to the resource's
// code (infer's requests carry only the name), and remembers, from each Diff, the tasks the
// resource's state records, so a Create that replaces it never adopts them.
func withResourceURN(prov p.Provider) p.Provider {
	create, update, diff := prov.Create, prov.Update, prov.Diff
	if create != nil {
		prov.Create = func(ctx context.Context, req p.CreateRequest) (p.CreateResponse, error) {
			return create(context.WithValue(ctx, urnKey{}, string(req.Urn)), req)
		}
	}
	if update != nil {
		prov.Update = func(ctx context.Context, req p.UpdateRequest) (p.UpdateResponse, error) {
			return update(context.WithValue(ctx, urnKey{}, string(req.Urn)), req)
		}
	}
	if diff != nil {
		prov.Diff = func(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error) {
			noteRecorded(string(req.Urn), stringsOf(req.State.Get("invokeIds")))
			return diff(ctx, req)
		}
	}
	return prov
}

// recorded holds, per URN, the task IDs the resource's state named at its last Diff in this
// process.
var recorded sync.Map // string -> map[string]bool

func noteRecorded(urn string, ids []string) {
	if urn == "" || len(ids) == 0 {
		return
	}
	set := map[string]bool{}
	if old, ok := recorded.Load(urn); ok {
		for id := range old.(map[string]bool) {
			set[id] = true
		}
	}
	for _, id := range ids {
		set[id] = true
	}
	recorded.Store(urn, set)
}

// isRecorded reports whether the state of the resource urn named the task id.
func isRecorded(urn, id string) bool {
	set, ok := recorded.Load(urn)
	return ok && set.(map[string]bool)[id]
}

// stringsOf reads an array of strings from a property value (secret or not).
func stringsOf(v property.Value) []string {
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.AsArray().AsSlice() {
		if e.IsString() {
			out = append(out, e.AsString())
		}
	}
	return out
}

// resourceURN is the URN of the resource the current Create or Update is for ("" in tests
// that call the resource without one: such calls tag nothing and adopt nothing).
func resourceURN(ctx context.Context) string {
	urn, _ := ctx.Value(urnKey{}).(string)
	return urn
}

// adoptionTags are the tags of every task the current resource starts for the work whose
// defining inputs are attempt; nil when there is no URN.
func adoptionTags(ctx context.Context, attempt any) map[string]string {
	urn := resourceURN(ctx)
	if urn == "" {
		return nil
	}
	return map[string]string{tagResource: hash32(urn), tagAttempt: hashJSON(attempt)}
}

func hash32(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

// hashJSON hashes v's JSON (maps are written with sorted keys, so equal inputs hash equal).
func hashJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil { // only the provider's own input types reach here; they all marshal
		b = []byte(fmt.Sprintf("%#v", v))
	}
	return hash32(string(b))
}

// userTags drops the adoption tags from tags a task carries (for import).
func userTags(tags map[string]string) map[string]string {
	for k := range tags {
		if strings.HasPrefix(k, reservedTagPrefix) {
			delete(tags, k)
		}
	}
	if len(tags) == 0 {
		return nil
	}
	return tags
}

// reservedTags fails tags that would collide with adoption's, and counts its two against
// the service's 20.
func (f *failures) reservedTags(path string, tags map[string]string) {
	if len(tags) > maxTags-adoptionTagCount && len(tags) <= maxTags {
		f.add(path, "has %d tags; the limit is %d (the provider adds %d of the service's %d to find an interrupted update's tasks)",
			len(tags), maxTags-adoptionTagCount, adoptionTagCount, maxTags)
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.HasPrefix(k, reservedTagPrefix) {
			f.add(path+"."+k, "tag keys starting with %q are the provider's own", reservedTagPrefix)
		}
	}
}

// adoptedMessage is the warning an up shows when it adopted tasks.
func adoptedMessage(what string, tasks, had, now int, ids []string) string {
	return fmt.Sprintf("adopted %d %s started by an interrupted update (%s): %d instance%s had started, %d start now",
		tasks, what, abbreviate(ids, 5), had, pluralS(had), now)
}

// Importing a resource made of several tasks (an Invocation's batches, a File's tasks) from
// the ID of any one of them: its adoption tags (adopt.go) name the resource and the attempt,
// and the tasks carrying both are the whole. `pulumi import` and `pulumi refresh
// --import-pending-creates` (after an interrupted update) pass such an ID.

// adoptionTagsOf returns the two adoption tags a task carries, or nil without both.
func adoptionTagsOf(tags []ecs.Tag) map[string]string {
	out := map[string]string{}
	for _, t := range tags {
		if t.TagKey == tagResource || t.TagKey == tagAttempt {
			out[t.TagKey] = t.TagValue
		}
	}
	if len(out) != adoptionTagCount {
		return nil
	}
	return out
}

// importBatches completes an imported Invocation from one of its batches: every batch of the
// same resource and attempt, oldest first (the first is the resource's ID), their instances
// the inputs' and the targets. A batch without the tags is imported alone.
func importBatches(ctx context.Context, client *ecsclient.Client, inv *ecs.Invocation, st *InvocationState) (*ecs.Invocation, error) {
	tags := adoptionTagsOf(inv.Tags.Tag)
	if tags == nil {
		return inv, nil
	}
	found, err := client.FindInvocationsByTags(ctx, tags)
	if err != nil {
		return nil, fmt.Errorf("importing invocation %s: finding its other batches: %w", inv.InvokeId, err)
	}
	if len(found) <= 1 {
		return inv, nil
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].CreationTime < found[j].CreationTime })
	st.InvokeIDs, st.InstanceIDs = nil, nil
	for _, b := range found {
		st.InvokeIDs = append(st.InvokeIDs, b.InvokeId)
		for _, ii := range b.InvokeInstances.InvokeInstance {
			st.InstanceIDs = append(st.InstanceIDs, ii.InstanceId)
		}
	}
	st.TargetInstanceIDs = append([]string{}, st.InstanceIDs...)
	return &found[0], nil
}

// importFileTasks completes an imported File given one task ID: every task of the same
// resource and attempt, oldest first.
func importFileTasks(ctx context.Context, client *ecsclient.Client, ids []string, tasks []*ecs.Invocation) ([]string, []*ecs.Invocation, error) {
	if len(tasks) != 1 {
		return ids, tasks, nil
	}
	tags := adoptionTagsOf(tasks[0].Tags.Tag)
	if tags == nil {
		return ids, tasks, nil
	}
	found, err := client.FindSendFilesByTags(ctx, tags)
	if err != nil {
		return nil, nil, fmt.Errorf("importing file task %s: finding its other tasks: %w", ids[0], err)
	}
	if len(found) <= 1 {
		return ids, tasks, nil
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].CreationTime < found[j].CreationTime })
	ids, tasks = nil, nil
	for i := range found {
		ids = append(ids, found[i].InvokeId)
		tasks = append(tasks, &found[i])
	}
	return ids, tasks, nil
}
