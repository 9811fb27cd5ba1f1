package provider

import (
	"context"
	"reflect"
	"slices"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// replaceConfigKeys are the settings whose change points the provider at other resources: a
// Command or Invocation lives in one region, so the provider — and with it every resource it
// manages — is replaced. Other settings only change how the calls are made: credentials,
// profile, and the endpoint too (moving a region from the public to a VPC endpoint must not
// re-run every script; a refresh finds resources that a different backend does not have).
var replaceConfigKeys = map[string]bool{"region": true}

// configKeys are the provider's settings: the `pulumi` tags of Config.
var configKeys = func() []string {
	var keys []string
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("pulumi"), ","); name != "" {
			keys = append(keys, name)
		}
	}
	return keys
}()

// diffConfig replaces infer's default DiffConfig. That one strips `version` and its own
// `__pulumi-go-provider-*` keys from the new inputs only, then compares them with the
// engine's old inputs, where those keys remain: they look deleted and, not being `version`,
// force a replacement. When a plugin upgrade renames the default provider (default_0_1_0 →
// default_0_2_0), the engine asks this diff whether resources may move to the new provider,
// so every Command and Invocation was replaced and every script ran again. infer also
// replaces on any other change, credentials included. This diff compares the settings only.
func diffConfig(_ context.Context, req p.DiffRequest) (p.DiffResponse, error) {
	olds := req.OldInputs
	if olds.Len() == 0 {
		olds = req.State
	}
	detailed := map[string]p.PropertyDiff{}
	for _, key := range configKeys {
		if slices.Contains(req.IgnoreChanges, key) {
			continue
		}
		kind, changed := diffConfigValue(olds.Get(key), req.Inputs.Get(key))
		if !changed {
			continue
		}
		if replaceConfigKeys[key] {
			kind = asReplace(kind)
		}
		detailed[key] = p.PropertyDiff{Kind: kind, InputDiff: true}
	}
	return p.DiffResponse{HasChanges: len(detailed) > 0, DetailedDiff: detailed}, nil
}

// diffConfigValue compares two settings by value, ignoring secretness and dependencies; an
// unknown new value counts as a change, since it may turn out to be one.
func diffConfigValue(old, new property.Value) (p.DiffKind, bool) {
	oldSet := !old.IsNull() && !(old.IsString() && old.AsString() == "")
	newSet := !new.IsNull() && !(new.IsString() && new.AsString() == "")
	switch {
	case new.IsComputed():
		return p.Update, true
	case !oldSet && !newSet:
		return "", false
	case !oldSet:
		return p.Add, true
	case !newSet:
		return p.Delete, true
	case old.IsString() && new.IsString() && old.AsString() == new.AsString():
		return "", false
	case !old.IsString() && plain(old).Equals(plain(new)):
		return "", false // an object setting (assumeRole…) with the same fields
	default:
		return p.Update, true
	}
}

func asReplace(kind p.DiffKind) p.DiffKind {
	switch kind {
	case p.Add:
		return p.AddReplace
	case p.Delete:
		return p.DeleteReplace
	default:
		return p.UpdateReplace
	}
}

// plain is v without secret marks at any depth: an object setting whose nested secret
// (assumeRoleWithOidc.oidcToken) arrives marked once and unmarked once is the same setting.
func plain(v property.Value) property.Value {
	v = v.WithSecret(false)
	switch {
	case v.IsMap():
		m := map[string]property.Value{}
		for k, e := range v.AsMap().All {
			m[k] = plain(e)
		}
		return property.New(m)
	case v.IsArray():
		var a []property.Value
		for _, e := range v.AsArray().All {
			a = append(a, plain(e))
		}
		return property.New(a)
	}
	return v
}
