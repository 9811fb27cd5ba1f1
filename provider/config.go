package provider

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// Config is the provider configuration (`cloudassistant:region`, …). Every value falls back
// to the environment variables the Alibaba Cloud CLI and Terraform users already export.
type Config struct {
	Region          *string `pulumi:"region,optional"`
	AccessKeyID     *string `pulumi:"accessKeyId,optional"`
	AccessKeySecret *string `pulumi:"accessKeySecret,optional" provider:"secret"`
	SecurityToken   *string `pulumi:"securityToken,optional" provider:"secret"`
	Profile         *string `pulumi:"profile,optional"`
	Endpoint        *string `pulumi:"endpoint,optional"`
	// Role-based credentials (below).
	AssumeRole         *AssumeRoleConfig         `pulumi:"assumeRole,optional"`
	AssumeRoleWithOidc *AssumeRoleWithOidcConfig `pulumi:"assumeRoleWithOidc,optional"`
	EcsRoleName        *string                   `pulumi:"ecsRoleName,optional"`
	StsEndpoint        *string                   `pulumi:"stsEndpoint,optional"`

	// client is built once in Configure and shared by every resource and function.
	client *ecsclient.Client
}

// Environment variables read when a config value is absent, first match wins.
var (
	envRegion    = []string{"ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"}
	envKeyID     = []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"}
	envKeySecret = []string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"}
	envToken     = []string{"ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"}
	envProfile   = []string{"ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"}
	envEndpoint  = []string{"ALIBABA_CLOUD_ECS_ENDPOINT", "ALICLOUD_ECS_ENDPOINT"}
	// The SDKs' names first, then Terraform's.
	envECSRoleName = []string{"ALIBABA_CLOUD_ECS_METADATA", "ALICLOUD_ECS_ROLE_NAME"}
	envSTSEndpoint = []string{"ALIBABA_CLOUD_STS_ENDPOINT", "ALICLOUD_STS_ENDPOINT"}
)

// Annotate documents the configuration; these texts become the SDKs' docs.
func (c *Config) Annotate(a infer.Annotator) {
	a.Describe(&c.Region, "The region to manage Cloud Assistant resources in, such as `cn-hangzhou`. "+
		"Defaults to `ALIBABA_CLOUD_REGION_ID`, then `ALICLOUD_REGION`.")
	a.Describe(&c.AccessKeyID, "The AccessKey ID. Defaults to `ALIBABA_CLOUD_ACCESS_KEY_ID`, then "+
		"`ALICLOUD_ACCESS_KEY`; without any, the SDK's default credential chain applies "+
		"(environment, CLI profile, OIDC, ECS instance RAM role).")
	a.Describe(&c.AccessKeySecret, "The AccessKey secret. Defaults to `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, "+
		"then `ALICLOUD_SECRET_KEY`. Stored as a secret.")
	a.Describe(&c.SecurityToken, "An STS security token, for temporary credentials. Defaults to "+
		"`ALIBABA_CLOUD_SECURITY_TOKEN`, then `ALICLOUD_SECURITY_TOKEN`. Stored as a secret.")
	a.Describe(&c.Profile, "A profile of the Alibaba Cloud CLI configuration (`~/.aliyun/config.json`) "+
		"to take credentials from when no access key is set. Defaults to `ALIBABA_CLOUD_PROFILE`, then `ALICLOUD_PROFILE`.")
	a.Describe(&c.AssumeRole, "Assume a RAM role on top of the base credentials (AccessKey, profile, "+
		"`ecsRoleName` or the default chain): the provider calls STS AssumeRole and refreshes the "+
		"temporary credentials before they expire.")
	a.Describe(&c.AssumeRoleWithOidc, "Assume a RAM role with an OIDC token (a CI system's identity, such as "+
		"GitHub Actions or a Kubernetes service account): no AccessKey is needed. Every field falls back to "+
		"`ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and `ALIBABA_CLOUD_OIDC_TOKEN_FILE`; when "+
		"all three are set the provider uses this path even without this setting.")
	a.Describe(&c.EcsRoleName, "The RAM role attached to the ECS instance the provider runs on: its temporary "+
		"credentials come from the instance metadata service. Defaults to `ALIBABA_CLOUD_ECS_METADATA`, "+
		"then `ALICLOUD_ECS_ROLE_NAME`.")
	a.Describe(&c.StsEndpoint, "A custom STS endpoint for `assumeRole` and `assumeRoleWithOidc`, such as a VPC "+
		"endpoint or `http://127.0.0.1:9100` for the local emulator. HTTPS unless the value starts with `http://`. "+
		"Defaults to `ALIBABA_CLOUD_STS_ENDPOINT`, then `ALICLOUD_STS_ENDPOINT`.")
	a.Describe(&c.Endpoint, "A custom ECS API endpoint, such as a VPC endpoint host name or "+
		"`http://127.0.0.1:9100` for the local emulator. HTTPS is used unless the value starts "+
		"with `http://`. Defaults to `ALIBABA_CLOUD_ECS_ENDPOINT`, then `ALICLOUD_ECS_ENDPOINT`.")
}

// Configure builds the ECS client once per provider process.
func (c *Config) Configure(_ context.Context) error {
	opts := ecsclient.Options{
		Region:          pick(c.Region, envRegion),
		AccessKeyID:     pick(c.AccessKeyID, envKeyID),
		AccessKeySecret: pick(c.AccessKeySecret, envKeySecret),
		SecurityToken:   pick(c.SecurityToken, envToken),
		Profile:         pick(c.Profile, envProfile),
		UserAgent:       fmt.Sprintf("pulumi-%s/%s", Name, Version),
		ECSRoleName:     pick(c.EcsRoleName, envECSRoleName),
		STSEndpoint:     pick(c.StsEndpoint, envSTSEndpoint),
	}
	opts.AssumeRole = c.AssumeRole.options()
	opts.AssumeRoleWithOIDC = c.AssumeRoleWithOidc.options()
	opts.Endpoint, opts.EndpointSource = pickWithSource(c.Endpoint, "cloudassistant:endpoint", envEndpoint)
	if opts.Region == "" {
		return errors.New("cloudassistant: no region configured: run `pulumi config set cloudassistant:region cn-hangzhou` " +
			"or export ALIBABA_CLOUD_REGION_ID")
	}
	client, err := ecsclient.New(opts)
	if err != nil {
		return fmt.Errorf("cloudassistant: %w", err)
	}
	c.client = client
	return nil
}

// getClient is how resources and functions reach ECS: the client Configure built.
func getClient(ctx context.Context) (*ecsclient.Client, error) {
	cfg := infer.GetConfig[Config](ctx)
	if cfg.client == nil {
		return nil, errors.New("cloudassistant: the provider is not configured")
	}
	return cfg.client, nil
}

// pickWithSource is pick that also names where the value came from: the config key or the
// environment variable, so that errors about the value can say what to change.
func pickWithSource(v *string, key string, env []string) (value, source string) {
	if v != nil && *v != "" {
		return *v, key
	}
	for _, name := range env {
		if s := os.Getenv(name); s != "" {
			return s, "the environment variable " + name
		}
	}
	return "", ""
}

func pick(v *string, env []string) string {
	if v != nil && *v != "" {
		return *v
	}
	for _, name := range env {
		if s := os.Getenv(name); s != "" {
			return s
		}
	}
	return ""
}

// AssumeRoleConfig is the `assumeRole` setting, named as in the bridged alicloud provider.
type AssumeRoleConfig struct {
	RoleArn           string  `pulumi:"roleArn"`
	SessionName       *string `pulumi:"sessionName,optional"`
	ExternalID        *string `pulumi:"externalId,optional"`
	SessionExpiration *int    `pulumi:"sessionExpiration,optional"`
	Policy            *string `pulumi:"policy,optional"`
}

// Annotate documents the fields; the texts become the SDKs' docs.
func (a *AssumeRoleConfig) Annotate(an infer.Annotator) {
	an.Describe(&a.RoleArn, "The ARN of the RAM role to assume, such as `acs:ram::123456789012:role/pulumi-deployer`.")
	an.Describe(&a.SessionName, "The session name STS records in the audit trail; defaults to `pulumi-cloudassistant`.")
	an.Describe(&a.ExternalID, "The external ID the role's trust policy requires, if any.")
	an.Describe(&a.SessionExpiration, "How long each set of temporary credentials lasts, 900 to 3600 seconds; "+
		"defaults to 3600. The provider refreshes them before they expire.")
	an.Describe(&a.Policy, "A RAM policy document that narrows the role's permissions for this session.")
}

// AssumeRoleWithOidcConfig is the `assumeRoleWithOidc` setting.
type AssumeRoleWithOidcConfig struct {
	RoleArn         *string `pulumi:"roleArn,optional"`
	OidcProviderArn *string `pulumi:"oidcProviderArn,optional"`
	OidcTokenFile   *string `pulumi:"oidcTokenFile,optional"`
	OidcToken       *string `pulumi:"oidcToken,optional" provider:"secret"`
	SessionName     *string `pulumi:"sessionName,optional"`
}

// Annotate documents the fields.
func (a *AssumeRoleWithOidcConfig) Annotate(an infer.Annotator) {
	an.Describe(&a.RoleArn, "The ARN of the RAM role to assume. Defaults to `ALIBABA_CLOUD_ROLE_ARN`.")
	an.Describe(&a.OidcProviderArn, "The ARN of the account's OIDC identity provider, such as "+
		"`acs:ram::123456789012:oidc-provider/github`. Defaults to `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`.")
	an.Describe(&a.OidcTokenFile, "A file holding the OIDC token, read again at every refresh (CI systems rotate "+
		"it). Defaults to `ALIBABA_CLOUD_OIDC_TOKEN_FILE`.")
	an.Describe(&a.OidcToken, "The OIDC token itself, instead of a file. Stored as a secret.")
	an.Describe(&a.SessionName, "The session name STS records in the audit trail; defaults to `pulumi-cloudassistant`.")
}

// Environment variables of the OIDC path: the Alibaba Cloud SDKs' names.
const (
	envRoleArn         = "ALIBABA_CLOUD_ROLE_ARN"
	envOIDCProviderArn = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN"
	envOIDCTokenFile   = "ALIBABA_CLOUD_OIDC_TOKEN_FILE"
)

func (a *AssumeRoleConfig) options() *ecsclient.AssumeRole {
	if a == nil {
		return nil
	}
	o := &ecsclient.AssumeRole{RoleArn: a.RoleArn, SessionName: deref(a.SessionName),
		ExternalID: deref(a.ExternalID), Policy: deref(a.Policy)}
	if a.SessionExpiration != nil {
		o.SessionExpiration = *a.SessionExpiration
	}
	return o
}

// options fills the OIDC path from the setting and the environment; without the setting,
// the path is taken only when all three variables are set, as the SDKs' default chain does.
func (a *AssumeRoleWithOidcConfig) options() *ecsclient.AssumeRoleWithOIDC {
	if a == nil {
		if os.Getenv(envRoleArn) == "" || os.Getenv(envOIDCProviderArn) == "" || os.Getenv(envOIDCTokenFile) == "" {
			return nil
		}
		a = &AssumeRoleWithOidcConfig{}
	}
	o := &ecsclient.AssumeRoleWithOIDC{
		RoleArn:         pick(a.RoleArn, []string{envRoleArn}),
		OIDCProviderArn: pick(a.OidcProviderArn, []string{envOIDCProviderArn}),
		OIDCToken:       deref(a.OidcToken),
		SessionName:     deref(a.SessionName),
	}
	if o.OIDCToken == "" {
		o.OIDCTokenFile = pick(a.OidcTokenFile, []string{envOIDCTokenFile})
	}
	return o
}
