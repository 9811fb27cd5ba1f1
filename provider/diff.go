package provider

// The one diff mechanism of the resources: each Diff records its changes as replacements
// (replaceDiff), classify makes those of in-place inputs (inPlaceInputs, change_effects.go)
// updates, and response answers the engine.

import (
	"maps"
	"reflect"

	p "github.com/pulumi/pulumi-go-provider"
)

// replaceDiff collects per-property changes for a custom Diff. It records every change as a
// replace; classify then turns the changes of inputs that update in place into updates.
type replaceDiff map[string]p.PropertyDiff

// ptr records a change of an optional value: added, removed or updated.
func diffPtr[T comparable](d replaceDiff, key string, old, new *T) {
	switch {
	case old == nil && new == nil:
	case old == nil:
		d[key] = p.PropertyDiff{Kind: p.AddReplace, InputDiff: true}
	case new == nil:
		d[key] = p.PropertyDiff{Kind: p.DeleteReplace, InputDiff: true}
	case *old != *new:
		d[key] = p.PropertyDiff{Kind: p.UpdateReplace, InputDiff: true}
	}
}

// diffServerDefault is diffPtr for values the service fills in when they are absent (a
// command's timeout, working directory, …): dropping the input keeps the resource, like an
// optional+computed attribute in Terraform, so imported resources show no diff.
func diffServerDefault[T comparable](d replaceDiff, key string, old, new *T) {
	if new == nil {
		return
	}
	diffPtr(d, key, old, new)
}

func diffValue[T comparable](d replaceDiff, key string, old, new T) {
	if old != new {
		d[key] = p.PropertyDiff{Kind: p.UpdateReplace, InputDiff: true}
	}
}

func diffMap(d replaceDiff, key string, old, new map[string]string) {
	if len(old) == 0 && len(new) == 0 {
		return
	}
	switch {
	case len(old) == 0:
		d[key] = p.PropertyDiff{Kind: p.AddReplace, InputDiff: true}
	case len(new) == 0:
		d[key] = p.PropertyDiff{Kind: p.DeleteReplace, InputDiff: true}
	case !maps.Equal(old, new):
		d[key] = p.PropertyDiff{Kind: p.UpdateReplace, InputDiff: true}
	}
}

func diffDeep(d replaceDiff, key string, old, new any, oldEmpty, newEmpty bool) {
	switch {
	case oldEmpty && newEmpty:
	case oldEmpty:
		d[key] = p.PropertyDiff{Kind: p.AddReplace, InputDiff: true}
	case newEmpty:
		d[key] = p.PropertyDiff{Kind: p.DeleteReplace, InputDiff: true}
	case !reflect.DeepEqual(old, new):
		d[key] = p.PropertyDiff{Kind: p.UpdateReplace, InputDiff: true}
	}
}

// response is the engine's answer. deleteBeforeReplace applies only when a change replaces
// the resource; changes of in-place inputs (see classify) are plain updates.
func (d replaceDiff) response(deleteBeforeReplace bool) p.DiffResponse {
	if len(d) == 0 {
		return p.DiffResponse{}
	}
	return p.DiffResponse{
		HasChanges:          true,
		DetailedDiff:        d,
		DeleteBeforeReplace: deleteBeforeReplace && d.replaces(""),
	}
}

// updatesInPlace reports whether a change of input updates the resource in place.
func updatesInPlace(token, input string) bool {
	_, ok := inPlaceInputs[token][input]
	return ok
}

// inPlaceKind turns a replacing diff kind into its in-place counterpart.
var inPlaceKind = map[p.DiffKind]p.DiffKind{
	p.AddReplace:    p.Add,
	p.DeleteReplace: p.Delete,
	p.UpdateReplace: p.Update,
}

// classify makes the changes of in-place inputs of token updates instead of replacements.
func (d replaceDiff) classify(token string) replaceDiff {
	for key, pd := range d {
		if k, ok := inPlaceKind[pd.Kind]; ok && updatesInPlace(token, topLevel(key)) {
			pd.Kind = k
			d[key] = pd
		}
	}
	return d
}

// topLevel is the input a diff key belongs to: "tags" for "tags.team", "instanceIds" for
// "instanceIds[1]".
func topLevel(key string) string {
	for i, r := range key {
		if r == '.' || r == '[' {
			return key[:i]
		}
	}
	return key
}

// replaces reports whether any key but except asks for a replacement.
func (d replaceDiff) replaces(except string) bool {
	for key, c := range d {
		if key == except {
			continue
		}
		if _, ok := inPlaceKind[c.Kind]; ok { // a replacing kind
			return true
		}
	}
	return false
}

// convergeInstances makes a replace caused only by instanceIds an in-place update when the
// resource can converge, running on (or sending to) the added instances only: convergeDiff
// and fileConvergeDiff say when.
func (d replaceDiff) convergeInstances(can bool) {
	change, ok := d["instanceIds"]
	if !ok || d.replaces("instanceIds") || !can {
		return
	}
	change.Kind = p.Update
	d["instanceIds"] = change
}
