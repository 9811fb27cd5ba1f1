package provider

// Small helpers every part of the package uses: pointers, sorted copies, batches of IDs and
// the plural endings of messages.

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

func deref[T any](v *T) T {
	if v == nil {
		var zero T
		return zero
	}
	return *v
}

// nilIfEmpty is nil for "": the service sends "" for a value that is not set.
func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func sortedCopy(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return out
}

// batches splits ids into consecutive groups of at most size.
func batches(ids []string, size int) [][]string {
	var out [][]string
	for len(ids) > size {
		out = append(out, ids[:size])
		ids = ids[size:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func pluralES(n int) string {
	if n == 1 {
		return ""
	}
	return "es"
}

func batchesWord(n int) string {
	if n == 1 {
		return "batch"
	}
	return "batches"
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

// abbreviate joins ids, naming at most n of them.
func abbreviate(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:n], ", ") + fmt.Sprintf(" and %d more (see notStartedInstanceIds)", len(ids)-n)
}

func boolOr(v *bool, def bool) bool {
	if v == nil {
		return def
	}
	return *v
}

// appendTags appends tags, in key order, to a request's tag list (nil: none yet) and returns
// the list to set. Each SDK request spells its own tag type, hence mk.
func appendTags[T any](list *[]T, tags map[string]string, mk func(key, value string) T) *[]T {
	var out []T
	if list != nil {
		out = *list
	}
	for _, k := range sortedKeys(tags) {
		out = append(out, mk(k, tags[k]))
	}
	return &out
}
