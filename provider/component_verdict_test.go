package provider

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
)

// The component's verdict never reaches the child's own Check or its state: a failed one is
// the Check's failure, a passed or still unknown one (a preview) is simply removed.
func TestTakeComponentFailureStripsTheVerdict(t *testing.T) {
	t.Parallel()
	base := property.NewMap(map[string]property.Value{"commandContent": property.New("echo hi")})
	cases := map[string]struct {
		verdict property.Value
		want    string
	}{
		"failed":  {property.New("parameters: the script uses {{name}}"), "parameters: the script uses {{name}}"},
		"passed":  {property.New(""), ""},
		"unknown": {property.New(property.Computed), ""},
	}
	for name, c := range cases {
		news := base.Set(componentFailureInput, c.verdict)
		rest, failure := takeComponentFailure(news)
		assert.Equal(t, c.want, failure, name)
		assert.Equal(t, base.AsMap(), rest.AsMap(), "%s: only the verdict is removed", name)
	}
	rest, failure := takeComponentFailure(base)
	assert.Empty(t, failure, "a resource the program declared has no verdict")
	assert.Equal(t, base.AsMap(), rest.AsMap())
}
