package protocol

import (
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Request is an authenticated API call: the common parameters picked out, and the business
// parameters in Params.
type Request struct {
	Method           string
	Action           string
	Version          string
	RegionID         string
	AccessKeyID      string
	SecurityToken    string
	SignatureVersion string // "1.0" or "v3"
	Nonce            string
	Params           url.Values // business parameters only
}

// Tag is one Tag.N.Key / Tag.N.Value pair.
type Tag struct {
	Key   string
	Value string
}

// commonV1 are the parameters of the V1 protocol that are not business parameters.
var commonV1 = []string{
	"Action", "Version", "Format", "RegionId", "AccessKeyId", "SignatureMethod", "SignatureVersion",
	"SignatureNonce", "Timestamp", "SignatureType", "SecurityToken", "Signature", "BearerToken",
}

// collectParams merges the query string and a form body. The Go SDK sends everything in
// the query; other clients use a form body or GET.
func collectParams(r *http.Request, body []byte) (url.Values, *APIError) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, ErrInvalidParameter("query string", err.Error())
	}
	if len(body) == 0 || !isForm(r.Header.Get("Content-Type")) {
		return params, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, ErrInvalidParameter("form body", err.Error())
	}
	for k, vs := range form {
		params[k] = append(params[k], vs...)
	}
	return params, nil
}

// isForm accepts a missing Content-Type too, as the gateway reads such bodies as forms.
func isForm(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// Get returns the first value of a business parameter, or "".
func (r *Request) Get(name string) string { return r.Params.Get(name) }

// List returns the values of prefix.1 … prefix.N (e.g. InstanceId.1), ordered by N.
// Gaps in the numbering are skipped.
func (r *Request) List(prefix string) []string {
	type item struct {
		n int
		v string
	}
	var items []item
	for k, vs := range r.Params {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok || len(vs) == 0 {
			continue
		}
		if n, err := strconv.Atoi(rest); err == nil && n > 0 && !strings.HasPrefix(rest, "+") {
			items = append(items, item{n, vs[0]})
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].n < items[j].n })
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it.v)
	}
	return out
}

// Tags returns Tag.N.Key / Tag.N.Value pairs ordered by N; pairs without a key are skipped.
func (r *Request) Tags() []Tag {
	var tags []Tag
	for _, t := range r.TagList("Tag") {
		if t.Key != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

// TagList returns every prefix.N.Key / prefix.N.Value pair ordered by N (ResourceTag.1.Key…),
// a pair that has only a Value included with an empty Key, so a caller can refuse it.
func (r *Request) TagList(prefix string) []Tag {
	seen := map[int]bool{}
	var ns []int
	for k := range r.Params {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok {
			continue
		}
		num, field, ok := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if ok && (field == "Key" || field == "Value") && err == nil && n > 0 && !strings.HasPrefix(num, "+") && !seen[n] {
			seen[n] = true
			ns = append(ns, n)
		}
	}
	sort.Ints(ns)
	var tags []Tag
	for _, n := range ns {
		p := prefix + "." + strconv.Itoa(n) + "."
		tags = append(tags, Tag{Key: r.Params.Get(p + "Key"), Value: r.Params.Get(p + "Value")})
	}
	return tags
}

// Bool reads a true/false parameter; present is false when it is absent or empty. The
// error, when not nil, is an *APIError (InvalidParameter).
func (r *Request) Bool(name string) (value, present bool, err error) {
	v := r.Get(name)
	switch {
	case v == "":
		return false, false, nil
	case strings.EqualFold(v, "true"):
		return true, true, nil
	case strings.EqualFold(v, "false"):
		return false, true, nil
	}
	return false, true, ErrInvalidParameter(name, "want true or false, got "+strconv.Quote(v))
}

// Int reads an integer parameter; present is false when it is absent or empty. The error,
// when not nil, is an *APIError (InvalidParameter).
func (r *Request) Int(name string) (value int, present bool, err error) {
	v := r.Get(name)
	if v == "" {
		return 0, false, nil
	}
	n, perr := strconv.Atoi(v)
	if perr != nil {
		return 0, true, ErrInvalidParameter(name, "want an integer, got "+strconv.Quote(v))
	}
	return n, true, nil
}

// businessParams copies params without the named common ones.
func businessParams(params url.Values, common []string) url.Values {
	out := make(url.Values, len(params))
	for k, vs := range params {
		out[k] = append([]string(nil), vs...)
	}
	for _, c := range common {
		delete(out, c)
	}
	return out
}
