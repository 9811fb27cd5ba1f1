// Package ecsclient is the one wrapper around the SDK's *ecs.Client that the provider uses.
// It owns the retry/backoff policy, ctx deadlines, ClientTokens and readable, credential-free errors.
package ecsclient

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// Options say how to reach ECS. Empty credentials fall back to the SDK's default chain
// (environment, ~/.aliyun/config.json, OIDC, ECS instance role).
type Options struct {
	Region          string
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
	// Profile names a profile of the Alibaba Cloud CLI configuration (~/.aliyun/config.json).
	Profile string
	// ECSRoleName takes the credentials of the RAM role attached to the ECS instance the
	// provider runs on, from the instance metadata service.
	ECSRoleName string
	// AssumeRole, when set, assumes a RAM role with the credentials above as the base.
	AssumeRole *AssumeRole
	// AssumeRoleWithOIDC, when set, assumes a RAM role with an OIDC token instead.
	AssumeRoleWithOIDC *AssumeRoleWithOIDC
	// STSEndpoint overrides the STS endpoint of the role paths ("http://…" for the emulator).
	STSEndpoint string
	// Endpoint overrides the ECS endpoint: "ecs.example.com" or "https://…" use HTTPS; only an
	// explicit "http://…" uses plain HTTP (meant for the emulator).
	Endpoint string
	// EndpointSource names the setting Endpoint came from ("cloudassistant:endpoint",
	// "ALIBABA_CLOUD_ECS_ENDPOINT"), so that an unreachable endpoint is reported with it.
	EndpointSource string
	// UnreachableAfter is how long transport errors are retried while the endpoint has never
	// answered, before the call fails saying so; zero means 10 s.
	UnreachableAfter time.Duration
	// UserAgent is appended to the SDK's user agent, e.g. "pulumi-cloudassistant/0.1.0".
	UserAgent string
	// Retry is the retry policy; the zero value means DefaultRetry.
	Retry RetryPolicy
	// CallTimeout bounds one HTTP exchange (an answer held longer is a transport error, and
	// retried like one); zero means 30 s. The ctx deadline shortens it further.
	CallTimeout time.Duration
}

// Client calls ECS Cloud Assistant APIs with the provider's retry and error policy.
// It is safe for concurrent use: the SDK's *ecs.Client is not (every call rewrites its HTTP
// timeout and dialer), so each exchange borrows an SDK client of its own from a small pool.
type Client struct {
	apis   *apiPool
	region string
	retry  RetryPolicy
	// secrets are scrubbed from every error text, whatever the server echoes back.
	secrets []string
	// created keeps CreateCommand's retries from adopting a command returned already.
	created createdIDs
	// endpoint names the endpoint and the setting that chose it, for "cannot reach" errors.
	endpoint string
	// reached is set by the first answer of the service (any status): until then, transport
	// errors mean a wrong endpoint more likely than an outage.
	reached atomic.Bool
	// firstTry is when the client first called its endpoint (Unix nanoseconds): the
	// unreachableAfter window runs from there, not from each call, so the look-ups that
	// follow a failed call do not start a window of their own.
	firstTry         atomic.Int64
	unreachableAfter time.Duration
	callTimeout      time.Duration
	// throttle holds every call back while one probes a Throttling answer (throttle.go).
	throttle throttleGate
	// sessions, with a role path, caches the temporary credentials (credentials.go).
	sessions *sessionProvider
}

// defaultCallTimeout bounds one HTTP exchange unless Options.CallTimeout says otherwise.
const defaultCallTimeout = 30 * time.Second

// New builds a client. It resolves no credentials yet: the chain is consulted on the first call.
func New(opts Options) (*Client, error) {
	if opts.Region == "" {
		return nil, errors.New("no region: set cloudassistant:region or ALIBABA_CLOUD_REGION_ID")
	}
	cred, err := credentialsProvider(opts)
	if err != nil {
		return nil, err
	}
	if _, isSession := cred.(*sessionProvider); isSession || opts.ECSRoleName != "" {
		// Resolve a role now, so that a wrong role, token or metadata role fails at preview,
		// naming its setting, instead of on the first ECS call.
		if _, err := cred.GetCredentials(); err != nil {
			return nil, err
		}
	}
	cfg := sdk.NewConfig()
	// Our own retry loop handles transport errors, 5xx and throttling with backoff; the SDK's
	// would retry without backoff and without honouring the ctx deadline.
	cfg.AutoRetry = false
	cfg.MaxRetryTime = 0
	cfg.Scheme = "HTTPS"
	if opts.UserAgent != "" {
		cfg.UserAgent = opts.UserAgent
	}
	host, scheme, err := parseEndpoint(opts.Endpoint)
	if err != nil {
		return nil, err
	}
	if scheme != "" {
		cfg.Scheme = scheme
	}
	apis := newAPIPool(func() (*ecs.Client, error) {
		api, err := newSDKClient(opts.Region, cfg, cred)
		if err != nil {
			return nil, fmt.Errorf("building the ECS client: %w", err)
		}
		if host != "" {
			api.Domain = host
		}
		return api, nil
	})
	// Build one now so that a bad configuration fails here, not on the first call.
	first, err := apis.get()
	if err != nil {
		return nil, err
	}
	apis.put(first)
	retry := opts.Retry
	if retry == (RetryPolicy{}) {
		retry = DefaultRetry
	}
	var secrets []string
	secretValues := []string{opts.AccessKeySecret, opts.SecurityToken}
	if o := opts.AssumeRoleWithOIDC; o != nil {
		secretValues = append(secretValues, o.OIDCToken)
	}
	for _, s := range secretValues {
		if len(s) >= 4 {
			// As sent, and as the V1 string to sign percent-encodes it (once in the query,
			// twice inside the string to sign that SignatureDoesNotMatch echoes).
			secrets = append(secrets, s, url.QueryEscape(s), percentEncode(s), percentEncode(percentEncode(s)))
		}
	}
	return &Client{apis: apis, region: opts.Region, retry: retry, secrets: secrets,
		endpoint: endpointDescription(opts, host, scheme), unreachableAfter: cmp.Or(opts.UnreachableAfter, unreachableAfter),
		callTimeout: cmp.Or(opts.CallTimeout, defaultCallTimeout), sessions: sessionsOf(cred)}, nil
}

// sessionsOf is the session cache of a role path, nil for static credentials.
func sessionsOf(cred any) *sessionProvider {
	sp, _ := cred.(*sessionProvider)
	return sp
}

// Region is the region every call targets.
func (c *Client) Region() string { return c.region }

// parseEndpoint splits an endpoint override into host and scheme; scheme is "" when the
// endpoint names none (HTTPS then applies).
func parseEndpoint(endpoint string) (host, scheme string, err error) {
	e := strings.TrimSpace(endpoint)
	if e == "" {
		return "", "", nil
	}
	if !strings.Contains(e, "://") {
		return strings.TrimRight(e, "/"), "", nil
	}
	u, err := url.Parse(e)
	if err != nil || u.Host == "" {
		return "", "", fmt.Errorf("endpoint %q is not a host or an http(s) URL", endpoint)
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return u.Host, "HTTP", nil
	case "https":
		return u.Host, "HTTPS", nil
	}
	return "", "", fmt.Errorf("endpoint %q: scheme %q is neither http nor https", endpoint, u.Scheme)
}

// Do sends one API request with the retry policy. op says what is being done, for errors
// ("creating command \"x\""). Use it for actions without a typed method below.
func (c *Client) Do(ctx context.Context, op string, req requests.AcsRequest, resp responses.AcsResponse) error {
	return c.withRetry(ctx, op, mutating, req, func(ctx context.Context) error { return c.send(ctx, req, resp) })
}

// read is Do for calls that change nothing: inside a Patient ctx they retry until its deadline.
func (c *Client) read(ctx context.Context, op string, req requests.AcsRequest, resp responses.AcsResponse) error {
	return c.withRetry(ctx, op, reading, req, func(ctx context.Context) error { return c.send(ctx, req, resp) })
}

// send runs one exchange, returning early when ctx ends. The SDK takes no ctx, so the
// request's own timeouts are cut to the ctx deadline and the call runs in a goroutine.
func (c *Client) send(ctx context.Context, req requests.AcsRequest, resp responses.AcsResponse) error {
	timeout := c.callTimeout
	dl, cut := ctx.Deadline()
	if cut {
		if left := time.Until(dl); left < timeout {
			timeout = left
		} else {
			cut = false
		}
	}
	if timeout <= 0 {
		return ctx.Err()
	}
	req.SetReadTimeout(timeout)
	connect := 10 * time.Second
	if !c.reached.Load() {
		connect = firstConnectTimeout
	}
	req.SetConnectTimeout(min(timeout, connect))
	api, err := c.apis.get()
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		// The SDK client goes back to the pool only when its exchange is over, even when
		// ctx ended first: it must not serve two exchanges at once.
		err := api.DoAction(req, resp)
		c.apis.put(api)
		done <- err
	}()
	select {
	case err := <-done:
		if cut && isTimeout(err) && time.Until(dl) < deadlineSlack {
			// The exchange timed out at ctx's deadline (its timeout was cut to it above): the
			// deadline passed, whichever of the two timers fired first. Reported as a held
			// answer, it would read as an exchange error instead of "timed out".
			return context.DeadlineExceeded
		}
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// deadlineSlack is how far before ctx's deadline an exchange's timeout still counts as that
// deadline: the SDK starts its timer a little after send computes it.
const deadlineSlack = 50 * time.Millisecond

// ErrNotFound is returned (wrapped) when a command or invocation does not exist.
var ErrNotFound = errors.New("not found")

// percentEncode is the signature's encoding: QueryEscape with %20, %2A and ~.
func percentEncode(s string) string {
	r := strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~")
	return r.Replace(url.QueryEscape(s))
}
