package provider_test

import (
	"context"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/provider"
)

// providerInputs are a default provider's inputs as the engine stores them: the settings,
// the plugin version and infer's marker.
func providerInputs(version string, set map[string]property.Value) property.Map {
	m := map[string]property.Value{
		"region":                       str("cn-hangzhou"),
		"accessKeyId":                  str("AKID"),
		"accessKeySecret":              str("secret").WithSecret(true),
		"endpoint":                     str("http://127.0.0.1:9100"),
		"version":                      str(version),
		"__pulumi-go-provider-infer":   boolean(true),
		"__pulumi-go-provider-version": str("v1.5.0"),
	}
	for k, v := range set {
		m[k] = v
	}
	return property.NewMap(m)
}

func TestDiffConfig(t *testing.T) {
	t.Parallel()
	s, err := integration.NewServer(context.Background(), provider.Name, semver.MustParse("0.2.0"),
		integration.WithProvider(provider.New()))
	require.NoError(t, err)
	old := providerInputs("0.1.0", nil)

	tests := []struct {
		name    string
		news    property.Map
		ignore  []string
		changed []string
		replace bool
	}{
		{"a plugin upgrade changes nothing", providerInputs("0.2.0", nil), nil, nil, false},
		{"same inputs", old, nil, nil, false},
		{"new credentials update in place", providerInputs("0.2.0", map[string]property.Value{
			"accessKeyId": str("AKID2"), "accessKeySecret": str("other").WithSecret(true),
			"securityToken": str("token").WithSecret(true), "profile": str("prod"),
		}), nil, []string{"accessKeyId", "accessKeySecret", "securityToken", "profile"}, false},
		{"secretness alone is no change", providerInputs("0.1.0", map[string]property.Value{
			"accessKeyId": str("AKID").WithSecret(true),
		}), nil, nil, false},
		{"another region replaces", providerInputs("0.1.0", map[string]property.Value{
			"region": str("cn-beijing"),
		}), nil, []string{"region"}, true},
		{"another endpoint updates in place", providerInputs("0.1.0", map[string]property.Value{
			"endpoint": str("http://127.0.0.1:9200"),
		}), nil, []string{"endpoint"}, false},
		{"ignoreChanges keeps a setting", providerInputs("0.1.0", map[string]property.Value{
			"region": str("cn-beijing"),
		}), []string{"region"}, nil, false},
		{"a role to assume updates in place", providerInputs("0.1.0", map[string]property.Value{
			"assumeRole": property.New(map[string]property.Value{"roleArn": str("acs:ram::1:role/deployer")}),
		}), nil, []string{"assumeRole"}, false},
		{"an unknown region may replace", providerInputs("0.1.0", map[string]property.Value{
			"region": property.New(property.Computed),
		}), nil, []string{"region"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := s.DiffConfig(p.DiffRequest{
				Urn:       "urn:pulumi:s::p::pulumi:providers:cloudassistant::default_0_2_0",
				OldInputs: old, State: old, Inputs: tt.news, IgnoreChanges: tt.ignore,
			})
			require.NoError(t, err)
			var changed []string
			replace := false
			for k, d := range resp.DetailedDiff {
				changed = append(changed, k)
				switch d.Kind {
				case p.AddReplace, p.DeleteReplace, p.UpdateReplace:
					replace = true
				}
			}
			assert.ElementsMatch(t, tt.changed, changed, "diff %v", resp.DetailedDiff)
			assert.Equal(t, len(tt.changed) > 0, resp.HasChanges)
			assert.Equal(t, tt.replace, replace, "diff %v", resp.DetailedDiff)
		})
	}
}

// TestDiffConfigObjectSettings: an object setting compares by value, its nested secrets'
// marks aside; another role updates the provider in place.
func TestDiffConfigObjectSettings(t *testing.T) {
	t.Parallel()
	s, err := integration.NewServer(context.Background(), provider.Name, semver.MustParse("0.2.0"),
		integration.WithProvider(provider.New()))
	require.NoError(t, err)
	oidc := func(role string, secret bool) property.Value {
		return property.New(map[string]property.Value{"roleArn": str(role), "oidcToken": str("jwt").WithSecret(secret)})
	}
	old := providerInputs("0.1.0", map[string]property.Value{"assumeRoleWithOidc": oidc("acs:ram::1:role/a", true)})
	diff := func(news property.Map) p.DiffResponse {
		resp, err := s.DiffConfig(p.DiffRequest{Urn: "urn:pulumi:s::p::pulumi:providers:cloudassistant::default",
			OldInputs: old, State: old, Inputs: news})
		require.NoError(t, err)
		return resp
	}
	same := diff(providerInputs("0.1.0", map[string]property.Value{"assumeRoleWithOidc": oidc("acs:ram::1:role/a", false)}))
	assert.False(t, same.HasChanges, "%v", same.DetailedDiff)
	other := diff(providerInputs("0.1.0", map[string]property.Value{"assumeRoleWithOidc": oidc("acs:ram::1:role/b", true)}))
	require.Contains(t, other.DetailedDiff, "assumeRoleWithOidc")
	assert.Equal(t, p.Update, other.DetailedDiff["assumeRoleWithOidc"].Kind)
}
