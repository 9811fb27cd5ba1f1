package ecsclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
)

// AssumeRole asks STS for temporary credentials of a RAM role, signed with the base
// credentials (an AccessKey, a profile, the ECS instance role…).
type AssumeRole struct {
	RoleArn     string
	SessionName string
	ExternalID  string
	// Policy narrows the role's permissions for this session (a RAM policy document).
	Policy string
	// SessionExpiration is the session's lifetime in seconds (900–3600); zero means 3600.
	SessionExpiration int
}

// AssumeRoleWithOIDC trades an OIDC token (a CI system's identity) for temporary
// credentials of a RAM role; it needs no other credential.
type AssumeRoleWithOIDC struct {
	RoleArn         string
	OIDCProviderArn string
	// OIDCToken is the token itself; OIDCTokenFile a file holding it, read again at every
	// refresh since CI systems rotate it.
	OIDCToken     string
	OIDCTokenFile string
	SessionName   string
}

// defaultSessionName names the STS sessions the provider opens, for the audit trail.
const defaultSessionName = "pulumi-cloudassistant"

// stsTimeout bounds one STS call.
const stsTimeout = 15 * time.Second

// credentialsProvider is the chain the options describe: a base credential, then the role
// it assumes, or an OIDC role on its own.
func credentialsProvider(opts Options) (credentials.CredentialsProvider, error) {
	if o := opts.AssumeRoleWithOIDC; o != nil {
		if opts.AssumeRole != nil {
			return nil, errors.New("assumeRole and assumeRoleWithOidc are both set: choose one")
		}
		return newOIDCProvider(opts, *o)
	}
	base, err := baseProvider(opts)
	if err != nil {
		return nil, err
	}
	if opts.AssumeRole == nil {
		return base, nil
	}
	return newAssumeRoleProvider(opts, *opts.AssumeRole, base)
}

// baseProvider is the credential the role paths build on, or the only one.
func baseProvider(opts Options) (credentials.CredentialsProvider, error) {
	switch {
	case opts.AccessKeyID != "" && opts.AccessKeySecret != "" && opts.SecurityToken != "":
		return credentials.NewStaticSTSCredentialsProvider(opts.AccessKeyID, opts.AccessKeySecret, opts.SecurityToken), nil
	case opts.AccessKeyID != "" && opts.AccessKeySecret != "":
		return credentials.NewStaticAKCredentialsProvider(opts.AccessKeyID, opts.AccessKeySecret), nil
	case opts.AccessKeyID != "" || opts.AccessKeySecret != "":
		return nil, errors.New("incomplete credentials: set both accessKeyId and accessKeySecret, or neither")
	case opts.ECSRoleName != "":
		// The SDK's own provider: it reads the instance metadata service (IMDSv2 first).
		p, err := credentials.NewECSRAMRoleCredentialsProviderBuilder().WithRoleName(opts.ECSRoleName).Build()
		if err != nil {
			return nil, fmt.Errorf("ecsRoleName %q: %w", opts.ECSRoleName, err)
		}
		return &named{CredentialsProvider: p, setting: "ecsRoleName"}, nil
	case opts.Profile != "":
		return credentials.NewCLIProfileCredentialsProviderBuilder().WithProfileName(opts.Profile).Build(), nil
	}
	return credentials.NewDefaultCredentialsProvider(), nil
}

// named makes a provider's errors say which setting it comes from, and serialises it: the
// SDK's ECS role provider caches without a lock, and the client's pool calls it at once.
type named struct {
	credentials.CredentialsProvider
	setting string
	mu      sync.Mutex
}

func (n *named) GetCredentials() (*credentials.Credentials, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	cc, err := n.CredentialsProvider.GetCredentials()
	if err != nil {
		return nil, fmt.Errorf("%s: getting the role's credentials from the instance metadata service: %w", n.setting, err)
	}
	return cc, nil
}

// session is one set of temporary credentials and when it ends.
type session struct {
	keyID, secret, token string
	expires, issued      time.Time
}

// sessionProvider caches temporary credentials and fetches new ones before they expire: a
// wait that outlives one session keeps working. Safe for concurrent use (the client's pool
// shares it).
type sessionProvider struct {
	name  string
	fetch func() (session, error)

	mu  sync.Mutex
	cur session
}

// refreshMargin is how long before expiry a session is replaced: three minutes (as the SDKs
// do), or a third of a short session's life.
func (s session) refreshMargin() time.Duration {
	return min(3*time.Minute, s.expires.Sub(s.issued)/3)
}

func (p *sessionProvider) GetCredentials() (*credentials.Credentials, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur.keyID == "" || time.Until(p.cur.expires) <= p.cur.refreshMargin() {
		next, err := p.fetch()
		if err != nil {
			return nil, err
		}
		p.cur = next
	}
	return &credentials.Credentials{AccessKeyId: p.cur.keyID, AccessKeySecret: p.cur.secret,
		SecurityToken: p.cur.token, ProviderName: p.name}, nil
}

func (p *sessionProvider) GetProviderName() string { return p.name }

// expire drops the cached session: the service said it expired (a clock skew, a session
// revoked), so the next call fetches a new one.
func (p *sessionProvider) expire() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cur = session{}
}

// codeExpiredToken is the service's answer to temporary credentials past their expiry.
const codeExpiredToken = "InvalidSecurityToken.Expired"

// stsAnswer is what AssumeRole and AssumeRoleWithOIDC return.
type stsAnswer struct {
	Credentials *stsCredentials `json:"Credentials"`
}

type stsCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	AccessKeySecret string `json:"AccessKeySecret"`
	SecurityToken   string `json:"SecurityToken"`
	Expiration      string `json:"Expiration"`
}

func (a stsAnswer) session() (session, error) {
	c := a.Credentials
	if c == nil || c.AccessKeyID == "" || c.AccessKeySecret == "" || c.SecurityToken == "" {
		return session{}, errors.New("STS answered without credentials")
	}
	exp, err := time.Parse("2006-01-02T15:04:05Z", c.Expiration)
	if err != nil {
		return session{}, fmt.Errorf("STS answered an expiration %q that is not a UTC time: %w", c.Expiration, err)
	}
	return session{keyID: c.AccessKeyID, secret: c.AccessKeySecret, token: c.SecurityToken, expires: exp, issued: time.Now()}, nil
}

// newAssumeRoleProvider calls STS AssumeRole with the official SDK's STS client, signed by base.
func newAssumeRoleProvider(opts Options, ar AssumeRole, base credentials.CredentialsProvider) (*sessionProvider, error) {
	if ar.RoleArn == "" {
		return nil, errors.New("assumeRole.roleArn is required")
	}
	if ar.SessionExpiration != 0 && (ar.SessionExpiration < 900 || ar.SessionExpiration > 3600) {
		return nil, fmt.Errorf("assumeRole.sessionExpiration is %d: want 900 to 3600 seconds", ar.SessionExpiration)
	}
	host, scheme, err := parseEndpoint(opts.STSEndpoint)
	if err != nil {
		return nil, fmt.Errorf("stsEndpoint: %w", err)
	}
	cfg := sdk.NewConfig()
	cfg.AutoRetry = false
	if scheme != "" {
		cfg.Scheme = scheme
	} else {
		cfg.Scheme = "HTTPS"
	}
	var client *sts.Client
	sdkConstructMu.Lock()
	client, err = sts.NewClientWithOptions(opts.Region, cfg, base)
	sdkConstructMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("building the STS client: %w", err)
	}
	if host != "" {
		client.Domain = host
	}
	fetch := func() (session, error) {
		req := sts.CreateAssumeRoleRequest()
		req.Scheme = strings.ToLower(cfg.Scheme)
		req.RoleArn = ar.RoleArn
		req.RoleSessionName = cmpOr(ar.SessionName, defaultSessionName)
		req.ExternalId = ar.ExternalID
		req.Policy = ar.Policy
		if ar.SessionExpiration > 0 {
			req.DurationSeconds = requests.NewInteger(ar.SessionExpiration)
		}
		req.SetReadTimeout(stsTimeout)
		req.SetConnectTimeout(5 * time.Second)
		resp, err := client.AssumeRole(req)
		if err != nil {
			return session{}, fmt.Errorf("assumeRole.roleArn: assuming role %s: %s", ar.RoleArn, describeSTSError(err))
		}
		answer := stsAnswer{}
		if resp.Credentials.AccessKeyId != "" {
			answer.Credentials = &stsCredentials{resp.Credentials.AccessKeyId, resp.Credentials.AccessKeySecret, resp.Credentials.SecurityToken, resp.Credentials.Expiration}
		}
		s, err := answer.session()
		if err != nil {
			return session{}, fmt.Errorf("assumeRole.roleArn: assuming role %s: %w", ar.RoleArn, err)
		}
		return s, nil
	}
	return &sessionProvider{name: "assumeRole", fetch: fetch}, nil
}

// describeSTSError keeps the code, message and request id of an STS error, and for a
// transport error says which endpoint could not be reached; never a credential.
func describeSTSError(err error) string {
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s: %s (request %s)", se.ErrorCode(), strings.TrimSpace(se.Message()), se.RequestId())
	}
	return err.Error()
}

// newOIDCProvider trades an OIDC token for credentials. AssumeRoleWithOIDC is unsigned (the
// token is the proof), sent as the SDKs' OIDC providers send it; those hard-code HTTPS, so
// the provider makes the call itself to honour an http:// stsEndpoint.
func newOIDCProvider(opts Options, o AssumeRoleWithOIDC) (*sessionProvider, error) {
	switch {
	case o.RoleArn == "":
		return nil, errors.New("assumeRoleWithOidc.roleArn is required (or ALIBABA_CLOUD_ROLE_ARN)")
	case o.OIDCProviderArn == "":
		return nil, errors.New("assumeRoleWithOidc.oidcProviderArn is required (or ALIBABA_CLOUD_OIDC_PROVIDER_ARN)")
	case o.OIDCToken == "" && o.OIDCTokenFile == "":
		return nil, errors.New("assumeRoleWithOidc needs oidcToken or oidcTokenFile (or ALIBABA_CLOUD_OIDC_TOKEN_FILE)")
	}
	host, scheme, err := parseEndpoint(opts.STSEndpoint)
	if err != nil {
		return nil, fmt.Errorf("stsEndpoint: %w", err)
	}
	if host == "" {
		host = "sts." + opts.Region + ".aliyuncs.com"
	}
	if scheme == "" {
		scheme = "HTTPS"
	}
	endpoint := strings.ToLower(scheme) + "://" + host + "/"
	httpClient := &http.Client{Timeout: stsTimeout}
	fetch := func() (session, error) {
		token, setting := o.OIDCToken, "assumeRoleWithOidc.oidcToken"
		if token == "" {
			setting = "assumeRoleWithOidc.oidcTokenFile"
			b, err := os.ReadFile(o.OIDCTokenFile)
			if err != nil {
				return session{}, fmt.Errorf("%s: reading the OIDC token: %w", setting, err)
			}
			token = strings.TrimSpace(string(b))
		}
		q := url.Values{"Action": {"AssumeRoleWithOIDC"}, "Version": {"2015-04-01"}, "Format": {"JSON"},
			"Timestamp": {time.Now().UTC().Format("2006-01-02T15:04:05Z")}}
		form := url.Values{"RoleArn": {o.RoleArn}, "OIDCProviderArn": {o.OIDCProviderArn}, "OIDCToken": {token},
			"RoleSessionName": {cmpOr(o.SessionName, defaultSessionName)}}
		resp, err := httpClient.Post(endpoint+"?"+q.Encode(), "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if err != nil {
			return session{}, fmt.Errorf("assumeRoleWithOidc: calling STS at %s (stsEndpoint): %w", host, scrubURLError(err))
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		var answer stsAnswer
		var fail struct{ Code, Message, RequestId string }
		_ = json.Unmarshal(body, &fail)
		if resp.StatusCode != http.StatusOK {
			return session{}, fmt.Errorf("%s: assuming role %s with the OIDC token: %s: %s (request %s)",
				oidcSettingFor(fail.Code, setting), o.RoleArn, fail.Code, fail.Message, fail.RequestId)
		}
		if err := json.Unmarshal(body, &answer); err != nil {
			return session{}, fmt.Errorf("assumeRoleWithOidc: STS answered something that is not JSON: %w", err)
		}
		s, err := answer.session()
		if err != nil {
			return session{}, fmt.Errorf("assumeRoleWithOidc: %w", err)
		}
		return s, nil
	}
	return &sessionProvider{name: "assumeRoleWithOidc", fetch: fetch}, nil
}

// oidcSettingFor names the setting an OIDC failure points at.
func oidcSettingFor(code, tokenSetting string) string {
	switch {
	case strings.HasPrefix(code, "AuthenticationFail.OIDCToken"):
		return tokenSetting
	case code == "AuthenticationFail.NoPermission":
		return "assumeRoleWithOidc.oidcProviderArn"
	case strings.Contains(code, "Role"):
		return "assumeRoleWithOidc.roleArn"
	}
	return "assumeRoleWithOidc"
}

// scrubURLError drops the query (which carries nothing secret, but is long) from a
// transport error.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
