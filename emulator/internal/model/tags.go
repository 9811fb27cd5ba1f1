package model

import (
	"sort"
	"strings"
)

// Tagging limits of the current reference (TagResources, UntagResources, ListTagResources).
const (
	maxTagResourceIDs = 50  // ResourceId.N per call
	maxTagsPerCall    = 20  // Tag.N / TagKey.N per call
	maxTagsPerRes     = 20  // tags one resource may carry
	maxTagKeyLen      = 128 // characters
	maxTagValueLen    = 128 // characters
	maxTagFilters     = 5   // TagFilter.N of ListTagResources
	maxTagFilterVals  = 5   // TagFilter.N.TagValues.N
)

// Resource types the emulator tags: Cloud Assistant's own, and instances.
const (
	ResourceCommand    = "command"
	ResourceInvocation = "invocation"
	ResourceInstance   = "instance"
)

// TagResource is one row of ListTagResources: one tag of one resource.
type TagResource struct {
	ResourceID, ResourceType, Key, Value string
}

// TagFilter is ListTagResources' fuzzy filter: a key pattern (`env*`, `*env*`, `env`) and,
// for an exact key, value patterns of which one must match.
type TagFilter struct {
	Key    string
	Values []string
}

// tagsOf returns a pointer to the tag list of a resource, or the documented error.
// The caller holds c.mu.
func (c *Cloud) tagsOf(resourceType, id string) (*[]Tag, error) {
	switch resourceType {
	case ResourceCommand:
		if cmd, ok := c.commands[id]; ok && !cmd.Hidden {
			return &cmd.Tags, nil
		}
	case ResourceInvocation:
		// The reference's ResourceType list says `invocation` is a command's execution or a
		// file's delivery: SendFile tasks are tagged, untagged and listed as invocations.
		if inv, ok := c.invocations[id]; ok {
			return &inv.Tags, nil
		}
		if task, ok := c.files[id]; ok {
			return &task.Tags, nil
		}
	case ResourceInstance:
		if in, ok := c.instances[id]; ok {
			return &in.Tags, nil
		}
	default:
		// The service knows more types (disk, image, activation…); the emulator has none of
		// them, so they are as unknown here as a misspelt one.
		return nil, errTagResourceType
	}
	return nil, errTagResourceID
}

// persistTagged saves the resource whose tags changed. The caller holds c.mu.
func (c *Cloud) persistTagged(resourceType, id string) error {
	switch resourceType {
	case ResourceCommand:
		return c.save(bucketCommands, id, c.commands[id])
	case ResourceInvocation:
		if task, ok := c.files[id]; ok {
			return c.save(bucketFiles, id, task)
		}
		c.saveInvocation(c.invocations[id])
		return nil
	case ResourceInstance:
		return c.save(bucketInstances, id, c.instances[id])
	}
	return nil
}

func checkResourceIDs(ids []string) error {
	if len(ids) > maxTagResourceIDs {
		return errTagResourceIDsCount
	}
	return nil
}

// checkTagKeys applies the documented rules to the keys of one call: non-empty, at most 128
// characters, no reserved prefix (aliyun, acs:), no URL, each once.
func checkTagKeys(keys []string) error {
	seen := map[string]bool{}
	for _, k := range keys {
		switch {
		case k == "", malformedTagKey(k, maxTagKeyLen):
			return errTagKeyMalformed
		case seen[k]:
			return errTagKeyDuplicate
		}
		seen[k] = true
	}
	return nil
}

// malformedTagKey reports a key longer than maxLen characters, with a reserved prefix
// (aliyun, acs:) or with a URL: the rules resource tags and file-task tags share.
func malformedTagKey(k string, maxLen int) bool {
	lower := strings.ToLower(k)
	return len([]rune(k)) > maxLen ||
		strings.HasPrefix(lower, "aliyun") || strings.HasPrefix(lower, "acs:") ||
		strings.Contains(lower, "http://") || strings.Contains(lower, "https://")
}

func checkTagValue(v string) error {
	lower := strings.ToLower(v)
	if len([]rune(v)) > maxTagValueLen || strings.Contains(lower, "http://") || strings.Contains(lower, "https://") {
		return errTagValueMalformed
	}
	return nil
}

// TagResources adds tags to resources, replacing the value of a key a resource has already.
// Nothing changes unless every resource exists and keeps at most 20 tags.
func (c *Cloud) TagResources(resourceType string, ids []string, tags []Tag) error {
	if err := checkResourceIDs(ids); err != nil {
		return err
	}
	if len(tags) > maxTagsPerCall {
		return errTagsCount
	}
	keys := make([]string, len(tags))
	for i, t := range tags {
		keys[i] = t.Key
	}
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	for _, t := range tags {
		if err := checkTagValue(t.Value); err != nil {
			return err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	next := make(map[string][]Tag, len(ids))
	for _, id := range ids {
		cur, err := c.tagsOf(resourceType, id)
		if err != nil {
			return err
		}
		merged := mergeTags(*cur, tags)
		if len(merged) > maxTagsPerRes {
			return errTagQuota
		}
		next[id] = merged
	}
	return c.applyTags(resourceType, next)
}

// UntagResources removes the given keys from resources, or every tag with all. The
// parameter table says All "takes effect only if you do not specify TagKey.N", but the error
// table answers both together with Param.Conflict (403): the error table wins.
func (c *Cloud) UntagResources(resourceType string, ids, keys []string, all bool) error {
	if err := checkResourceIDs(ids); err != nil {
		return err
	}
	if len(keys) > maxTagsPerCall {
		return errTagsCount
	}
	if all && len(keys) > 0 {
		return errUntagAllConflict
	}
	for _, k := range keys {
		if k == "" {
			return errTagKeyMalformed
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	drop := map[string]bool{}
	for _, k := range keys {
		drop[k] = true
	}
	next := make(map[string][]Tag, len(ids))
	for _, id := range ids {
		cur, err := c.tagsOf(resourceType, id)
		if err != nil {
			return err
		}
		var kept []Tag
		if len(keys) > 0 || !all {
			for _, t := range *cur {
				if !drop[t.Key] {
					kept = append(kept, t)
				}
			}
		}
		next[id] = kept
	}
	return c.applyTags(resourceType, next)
}

// applyTags stores the new tag lists; the caller holds c.mu and has checked every id.
func (c *Cloud) applyTags(resourceType string, next map[string][]Tag) error {
	for id, tags := range next {
		cur, _ := c.tagsOf(resourceType, id)
		old := *cur
		*cur = tags
		if err := c.persistTagged(resourceType, id); err != nil {
			*cur = old
			return err
		}
	}
	return nil
}

func mergeTags(have, add []Tag) []Tag {
	out := append([]Tag(nil), have...)
	for _, a := range add {
		replaced := false
		for i := range out {
			if out[i].Key == a.Key {
				out[i].Value, replaced = a.Value, true
				break
			}
		}
		if !replaced {
			out = append(out, a)
		}
	}
	return out
}

// ListTagResources lists the tags of resources of one type: of the given ids, or of every
// resource carrying all of the tags (Tag.N, exact) or matching every filter (TagFilter.N,
// fuzzy). Rows come sorted by resource id, then key.
func (c *Cloud) ListTagResources(resourceType string, ids []string, tags []Tag, filters []TagFilter) ([]TagResource, error) {
	if err := checkResourceIDs(ids); err != nil {
		return nil, err
	}
	if len(tags) > maxTagsPerCall {
		return nil, errTagsCount
	}
	if len(tags) > 0 && len(filters) > 0 {
		return nil, errListTagsAndFilters
	}
	if len(ids) == 0 && len(tags) == 0 && len(filters) == 0 {
		return nil, errListNothingGiven
	}
	for _, t := range tags {
		if t.Key == "" {
			return nil, errListTagValueWithoutKey
		}
	}
	if len(filters) > maxTagFilters {
		return nil, errListTagFilter // the table has no count code for TagFilter.N
	}
	for _, f := range filters {
		if len(f.Values) > maxTagFilterVals {
			return nil, errListTagValuesCount
		}
		if f.Key == "" || (len(f.Values) > 0 && strings.Contains(f.Key, "*")) {
			return nil, errListTagFilter
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.tagsOf(resourceType, ""); err != nil && !isNotFoundID(err) {
		return nil, err
	}
	candidates := ids
	if len(candidates) == 0 {
		candidates = c.resourceIDs(resourceType)
	}
	var out []TagResource
	for _, id := range candidates {
		cur, err := c.tagsOf(resourceType, id)
		if err != nil {
			// An unknown id lists nothing. The table shared by the three tagging pages has
			// InvalidResourceId.NotFound, but ListTagResources' page does not say it applies
			// to a listing (a deleted command simply has no tags left), so the emulator lists.
			continue
		}
		if !hasTags(*cur, tags) || !matchFilters(*cur, filters) {
			continue
		}
		for _, t := range *cur {
			out = append(out, TagResource{ResourceID: id, ResourceType: resourceType, Key: t.Key, Value: t.Value})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ResourceID != out[j].ResourceID {
			return out[i].ResourceID < out[j].ResourceID
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

func isNotFoundID(err error) bool { return err == errTagResourceID }

// resourceIDs lists the visible resources of a type. The caller holds c.mu.
func (c *Cloud) resourceIDs(resourceType string) []string {
	var out []string
	switch resourceType {
	case ResourceCommand:
		for id, cmd := range c.commands {
			if !cmd.Hidden {
				out = append(out, id)
			}
		}
	case ResourceInvocation:
		out = append(out, c.invOrder...)
		out = append(out, c.fileOrder...)
	case ResourceInstance:
		for id := range c.instances {
			out = append(out, id)
		}
	}
	return out
}

func matchFilters(have []Tag, filters []TagFilter) bool {
	for _, f := range filters {
		ok := false
		for _, t := range have {
			if len(f.Values) == 0 {
				ok = ok || matchPattern(t.Key, f.Key)
				continue
			}
			if t.Key != f.Key {
				continue
			}
			for _, v := range f.Values {
				ok = ok || matchPattern(t.Value, v)
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// matchPattern is the fuzzy search of TagFilter: `x*` prefix, `*x*` infix, else exact.
func matchPattern(s, pattern string) bool {
	switch {
	case len(pattern) >= 2 && strings.HasPrefix(pattern, "*") && strings.HasSuffix(pattern, "*"):
		return strings.Contains(s, pattern[1:len(pattern)-1])
	case strings.HasSuffix(pattern, "*"):
		return strings.HasPrefix(s, strings.TrimSuffix(pattern, "*"))
	}
	return s == pattern
}

// JoinResourceGroup moves a command into a resource group. The emulator keeps no list of
// resource groups: any id of the form rg-… exists.
func (c *Cloud) JoinResourceGroup(resourceType, id, group string) error {
	if resourceType != ResourceCommand {
		// The service moves instances, disks… too; the emulator keeps groups for commands only.
		return errJoinResourceType
	}
	if !strings.HasPrefix(group, "rg-") {
		return errJoinResourceGroup
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cmd, ok := c.commands[id]
	if !ok || cmd.Hidden {
		return errJoinResourceID
	}
	old := cmd.ResourceGroupID
	cmd.ResourceGroupID = group
	if err := c.save(bucketCommands, id, cmd); err != nil {
		cmd.ResourceGroupID = old
		return err
	}
	return nil
}
