package provider

import (
	"encoding/base64"
	"fmt"
	"unicode/utf8"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Limits of the Cloud Assistant API (see docs: current API values, which the service enforces).
const (
	maxCommandNameLen  = 128
	maxDescriptionLen  = 512
	maxWorkingDirLen   = 200
	maxContentBase64   = 18432 // 18 KB after Base64
	minTimeout         = 10
	maxTimeout         = 86400
	minInstances       = 1
	maxInstances       = 100
	maxParameterKeys   = 20
	maxParameterKeyLen = 64
	maxUsernameLen     = 255
	maxTags            = 20
	maxTagKeyLen       = 128
	maxTagValueLen     = 128
)

// failures accumulates Check failures: every one names the property path and the limit.
type failures []p.CheckFailure

func (f *failures) add(path, format string, a ...any) {
	*f = append(*f, p.CheckFailure{Property: path, Reason: fmt.Sprintf(format, a...)})
}

// addQuiet names the path in the reason instead of the failure's property: the engine
// prints a failing property's value next to the reason, and some values must not be printed
// (secret parameters) or are too large to read (an 18 KB script).
func (f *failures) addQuiet(path, format string, a ...any) {
	*f = append(*f, p.CheckFailure{Reason: path + ": " + fmt.Sprintf(format, a...)})
}

func (f *failures) maxLen(path string, v *string, limit int) {
	if v != nil && utf8.RuneCountInString(*v) > limit {
		f.add(path, "is %d characters; the limit is %d", utf8.RuneCountInString(*v), limit)
	}
}

func (f *failures) timeout(path string, v *int) {
	if v != nil && (*v < minTimeout || *v > maxTimeout) {
		f.add(path, "is %d seconds; it must be between %d and %d", *v, minTimeout, maxTimeout)
	}
}

func (f *failures) tags(path string, tags map[string]string) {
	if len(tags) > maxTags {
		f.add(path, "has %d tags; the limit is %d", len(tags), maxTags)
	}
	for k, v := range tags {
		switch {
		case k == "":
			f.add(path, "has an empty tag key")
		case utf8.RuneCountInString(k) > maxTagKeyLen:
			f.add(path+"."+k, "tag key is %d characters; the limit is %d", utf8.RuneCountInString(k), maxTagKeyLen)
		}
		if utf8.RuneCountInString(v) > maxTagValueLen {
			f.add(path+"."+k, "tag value is %d characters; the limit is %d", utf8.RuneCountInString(v), maxTagValueLen)
		}
	}
}

// known reports whether a top-level input is known (not computed) at this Check; rules only
// apply to values that are known, so previews with unknown values still pass.
func known(inputs property.Map, key string) bool {
	v, ok := inputs.GetOk(key)
	return !ok || !v.HasComputed()
}

// base64Len is the length of s once Base64-encoded.
func base64Len(s string) int { return base64.StdEncoding.EncodedLen(len(s)) }
