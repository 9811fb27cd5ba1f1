package ecsclient

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestBackoffIsCappedFullJitter(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{Base: 100 * time.Millisecond, Max: time.Second, MaxAttempts: 10}
	for retry := range 12 {
		ceiling := min(p.Base<<retry, p.Max)
		for range 50 {
			d := p.delay(retry)
			assert.GreaterOrEqual(t, d, time.Duration(0))
			assert.Less(t, d, ceiling)
		}
	}
}

func TestParseEndpoint(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, host, scheme string }{
		{"", "", ""},
		{"ecs.cn-hangzhou.example.com", "ecs.cn-hangzhou.example.com", ""},
		{"https://ecs.example.com/", "ecs.example.com", "HTTPS"},
		{"http://127.0.0.1:9100", "127.0.0.1:9100", "HTTP"},
	}
	for _, c := range cases {
		host, scheme, err := parseEndpoint(c.in)
		assert.NoError(t, err)
		assert.Equal(t, c.host, host, c.in)
		assert.Equal(t, c.scheme, scheme, c.in)
	}
}
