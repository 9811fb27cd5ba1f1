package ecsclient

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
)

// What may leave the provider in an error: the service's code and its words, never what the
// request carried. The gateway's SignatureDoesNotMatch echoes the whole string to sign
// (every parameter, percent-encoded), and other errors may quote a parameter; so every
// message, whatever its code, loses (1) any string to sign, (2) the client's credentials,
// (3) the values of the request's sensitive parameters (custom parameters, script and file
// content) in every encoding they travel in.

// stringToSignMessage is the gateway's lead-in to its string to sign.
const stringToSignMessage = "server string to sign is:"

// stringToSignV1 matches a V1 string to sign anywhere: METHOD&%2F&<percent-encoded query>.
var stringToSignV1 = regexp.MustCompile(`(?:GET|POST|PUT|DELETE|HEAD)&%2F&\S*`)

const (
	redactedStringToSign = "[string to sign withheld]"
	redacted             = "[redacted]"
	// minScrubLen keeps tiny values ("1", "on") from shredding every message; shorter values
	// cannot be told apart from ordinary words anyway.
	minScrubLen = 3
	// minScrubLine is the shortest script line scrubbed on its own.
	minScrubLine = 8
)

// sensitiveParams are the request parameters whose values must never be quoted back.
var sensitiveParams = []string{"Parameters", "CommandContent", "Content"}

// scrubMessage removes strings to sign, credentials and the request's secrets (as
// requestSecrets lists them) from s.
func (c *Client) scrubMessage(s string, secrets []string) string {
	if i := strings.Index(s, stringToSignMessage); i >= 0 {
		s = s[:i+len(stringToSignMessage)] + " " + redactedStringToSign
	}
	s = stringToSignV1.ReplaceAllString(s, redactedStringToSign)
	s = c.scrub(s)
	for _, v := range secrets {
		s = strings.ReplaceAll(s, v, redacted)
	}
	return s
}

// requestSecrets lists the sensitive values of req in every form they may come back in,
// longest first so that a value is replaced before any part of it.
func requestSecrets(req requests.AcsRequest) []string {
	if req == nil {
		return nil
	}
	// The SDK copies a request's fields (CommandContent, Parameters…) into its parameter
	// maps only while sending; do it now, so that secrets listed before the first attempt
	// are there. It writes the same values again when it sends.
	_ = requests.InitParams(req)
	var plain []string
	for _, params := range []map[string]string{req.GetQueryParams(), req.GetFormParams()} {
		for _, name := range sensitiveParams {
			v, ok := params[name]
			if !ok || v == "" {
				continue
			}
			plain = append(plain, v)
			switch name {
			case "Parameters":
				var m map[string]any
				if json.Unmarshal([]byte(v), &m) == nil {
					for _, pv := range m {
						if s, ok := pv.(string); ok {
							plain = append(plain, s)
						}
					}
				}
			default:
				if b, err := base64.StdEncoding.DecodeString(v); err == nil {
					plain = append(plain, string(b))
					plain = append(plain, scriptLines(string(b))...)
				} else {
					plain = append(plain, scriptLines(v)...)
				}
			}
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, v := range plain {
		if len(v) < minScrubLen {
			continue
		}
		for _, form := range []string{v, url.QueryEscape(v), percentEncode(v), percentEncode(percentEncode(v)),
			base64.StdEncoding.EncodeToString([]byte(v)), jsonEscaped(v)} {
			if !seen[form] {
				seen[form] = true
				out = append(out, form)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// scriptLines are the lines of a script long enough to be scrubbed on their own: an error
// may quote one line of a script rather than all of it.
func scriptLines(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); len(line) >= minScrubLine {
			out = append(out, line)
		}
	}
	return out
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}
