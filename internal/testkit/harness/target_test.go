package harness

import "testing"

// The checks and the clean-up must reach the endpoint the provider is given, in each form the
// environment may name it.
func TestTargetPrepareEndpoint(t *testing.T) {
	for _, tc := range []struct{ url, scheme, domain string }{
		{"http://127.0.0.1:8080", "HTTP", "127.0.0.1:8080"},
		{"https://ecs.cn-hangzhou.aliyuncs.com", "HTTPS", "ecs.cn-hangzhou.aliyuncs.com"},
		{"ecs-vpc.cn-hangzhou.aliyuncs.com", "HTTPS", "ecs-vpc.cn-hangzhou.aliyuncs.com"},
		{"", "HTTPS", ""}, // the SDK's default endpoint for the region
	} {
		var req fakeRequest
		(&Target{URL: tc.url}).prepare(&req)
		if req.scheme != tc.scheme || req.domain != tc.domain {
			t.Errorf("endpoint %q: scheme %q, domain %q; want %q, %q", tc.url, req.scheme, req.domain, tc.scheme, tc.domain)
		}
	}
}

// fakeRequest records what prepare sets on an ECS request.
type fakeRequest struct{ scheme, domain string }

func (r *fakeRequest) SetScheme(s string) { r.scheme = s }
func (r *fakeRequest) SetDomain(d string) { r.domain = d }

// A command tracked after each of several `up`s is asked about (and deleted) once.
func TestTargetTracksEachCommandOnce(t *testing.T) {
	var target Target
	for _, id := range []string{"c-1", "", "c-2", "c-1", "c-2"} {
		target.TrackCommand(id)
	}
	if got := target.trackedCommands(); len(got) != 2 || got[0] != "c-1" || got[1] != "c-2" {
		t.Errorf("tracked %q, want [c-1 c-2]", got)
	}
}
