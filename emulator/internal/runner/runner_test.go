package runner

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sh := func(s string) []string { return []string{"/bin/sh", "-c", s} }

	res := Run(context.Background(), Spec{Argv: sh("echo out; echo err >&2; exit 3"), Dir: dir, OutputLimit: 100})
	require.NoError(t, res.StartErr)
	assert.Equal(t, 3, res.ExitCode)
	assert.Equal(t, "out\nerr\n", string(res.Output))

	res = Run(context.Background(), Spec{Argv: sh("head -c 300 /dev/zero"), Dir: dir, OutputLimit: 100})
	assert.Len(t, res.Output, 100)
	assert.Equal(t, 200, res.Dropped)

	// The head and the tail are kept, the middle is dropped.
	res = Run(context.Background(), Spec{Argv: sh("seq 1 1000"), Dir: dir, OutputLimit: 20, OutputHead: 10})
	assert.Equal(t, "1\n2\n3\n4\n5\n"+"\n999\n1000\n", string(res.Output))
	assert.Equal(t, 3893-20, res.Dropped)

	res = Run(context.Background(), Spec{Argv: sh("echo \"[$SECRET]\"; pwd"), Dir: dir, OutputLimit: 100, Env: []string{"PATH=/usr/bin:/bin"}})
	assert.Equal(t, "[]\n"+dir+"\n", string(res.Output))

	start := time.Now()
	res = Run(context.Background(), Spec{Argv: sh("sleep 30 & sleep 30"), Dir: dir, OutputLimit: 100, Timeout: 200 * time.Millisecond})
	assert.True(t, res.TimedOut)
	assert.Less(t, time.Since(start), 5*time.Second)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	res = Run(ctx, Spec{Argv: sh("sleep 30"), Dir: dir, OutputLimit: 100})
	assert.True(t, res.Stopped)

	res = Run(context.Background(), Spec{Argv: []string{"/nonexistent/shell"}, Dir: dir})
	assert.Error(t, res.StartErr)
	assert.False(t, strings.Contains(string(res.Output), "x"))
}
