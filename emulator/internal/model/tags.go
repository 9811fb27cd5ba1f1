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
		if inv, ok := c.invocations[id]; ok {
			return &inv.Tags, nil
		}
	case ResourceInstance:
		if in, ok := c.instances[id]; ok {
			return &in.Tags, nil
		}
	default:
		return nil, notFound("InvalidResourceType.NotFound", "The ResourceType %q is not supported; use command, invocation or instance.", resourceType)
	}
	return nil, notFound("InvalidResourceId.NotFound", "The specified ResourceId %s is not found in our records.", id)
}

// persistTagged saves the resource whose tags changed. The caller holds c.mu.
func (c *Cloud) persistTagged(resourceType, id string) error {
	switch resourceType {
	case ResourceCommand:
		return c.save(bucketCommands, id, c.commands[id])
	case ResourceInvocation:
		c.saveInvocation(c.invocations[id])
		return nil
	case ResourceInstance:
		return c.save(bucketInstances, id, c.instances[id])
	}
	return nil
}

func checkResourceIDs(ids []string) error {
	if len(ids) > maxTagResourceIDs {
		return badRequest("InvalidParameter.ResourceIds", "%d ResourceId values were given; at most %d are allowed.", len(ids), maxTagResourceIDs)
	}
	return nil
}

// checkTagKey applies the documented rules for a key to add or remove.
func checkTagKey(k string) error {
	lower := strings.ToLower(k)
	switch {
	case k == "":
		return badRequest("InvalidTagKey.Malformed", "A tag key cannot be empty.")
	case len([]rune(k)) > maxTagKeyLen:
		return badRequest("InvalidTagKey.Malformed", "The tag key %q has %d characters; at most %d are allowed.", k, len([]rune(k)), maxTagKeyLen)
	case strings.HasPrefix(lower, "aliyun") || strings.HasPrefix(lower, "acs:"):
		return badRequest("InvalidTagKey.Malformed", "The tag key %q starts with a reserved prefix (aliyun, acs:).", k)
	case strings.Contains(lower, "http://") || strings.Contains(lower, "https://"):
		return badRequest("InvalidTagKey.Malformed", "The tag key %q cannot contain http:// or https://.", k)
	}
	return nil
}

func checkTagValue(v string) error {
	lower := strings.ToLower(v)
	switch {
	case len([]rune(v)) > maxTagValueLen:
		return badRequest("InvalidTagValue.Malformed", "A tag value has %d characters; at most %d are allowed.", len([]rune(v)), maxTagValueLen)
	case strings.Contains(lower, "http://") || strings.Contains(lower, "https://"):
		return badRequest("InvalidTagValue.Malformed", "A tag value cannot contain http:// or https://.")
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
		return badRequest("InvalidParameter.Tags", "%d tags were given; at most %d are allowed per call.", len(tags), maxTagsPerCall)
	}
	for _, t := range tags {
		if err := checkTagKey(t.Key); err != nil {
			return err
		}
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
			return forbidden("OperationDenied.QuotaExceed", "The resource %s would carry %d tags; at most %d are allowed.", id, len(merged), maxTagsPerRes)
		}
		next[id] = merged
	}
	return c.applyTags(resourceType, next)
}

// UntagResources removes the given keys from resources, or every tag with all (which only
// applies when no key is given, as documented).
func (c *Cloud) UntagResources(resourceType string, ids, keys []string, all bool) error {
	if err := checkResourceIDs(ids); err != nil {
		return err
	}
	if len(keys) > maxTagsPerCall {
		return badRequest("InvalidParameter.TagKeys", "%d tag keys were given; at most %d are allowed per call.", len(keys), maxTagsPerCall)
	}
	for _, k := range keys {
		if k == "" {
			return badRequest("InvalidTagKey.Malformed", "A tag key cannot be empty.")
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
		return nil, badRequest("InvalidParameter.Tags", "%d tags were given; at most %d are allowed.", len(tags), maxTagsPerCall)
	}
	if len(filters) > maxTagFilters {
		return nil, badRequest("InvalidParameter.TagFilter", "%d tag filters were given; at most %d are allowed.", len(filters), maxTagFilters)
	}
	if len(tags) > 0 && len(filters) > 0 {
		return nil, badRequest("InvalidParameter.TagFilter", "TagFilter.N cannot be used together with Tag.N.")
	}
	for _, t := range tags {
		if t.Key == "" {
			return nil, badRequest("InvalidParameter.TagValue", "Tag.N.Value was given without Tag.N.Key.")
		}
	}
	for _, f := range filters {
		if len(f.Values) > maxTagFilterVals {
			return nil, badRequest("InvalidParameter.TagFilter", "A tag filter has %d values; at most %d are allowed.", len(f.Values), maxTagFilterVals)
		}
		if len(f.Values) > 0 && strings.Contains(f.Key, "*") {
			return nil, badRequest("InvalidParameter.TagFilter", "TagFilter.N.TagKey must be exact when TagFilter.N.TagValues.N is given.")
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
			continue // unknown ids list nothing, as the service does
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

func isNotFoundID(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Code == "InvalidResourceId.NotFound"
}

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
		return notFound("InvalidResourceType.NotFound", "The ResourceType %q cannot join a resource group here; Cloud Assistant commands use command.", resourceType)
	}
	if !strings.HasPrefix(group, "rg-") {
		return notFound("InvalidResourceGroup.NotFound", "The resource group %q does not exist.", group)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cmd, ok := c.commands[id]
	if !ok || cmd.Hidden {
		return notFound("InvalidResourceId.NotFound", "The specified ResourceId %s is not found in our records.", id)
	}
	old := cmd.ResourceGroupID
	cmd.ResourceGroupID = group
	if err := c.save(bucketCommands, id, cmd); err != nil {
		cmd.ResourceGroupID = old
		return err
	}
	return nil
}
