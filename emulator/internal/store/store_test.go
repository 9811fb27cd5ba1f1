package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStores(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b, err := OpenBolt(dir)
	require.NoError(t, err)
	for name, s := range map[string]Store{"memory": NewMemory(), "bolt": b} {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, s.Put("b", "k2", []byte("v2")))
			require.NoError(t, s.Put("b", "k1", []byte("v1")))
			require.NoError(t, s.Delete("b", "k2"))
			require.NoError(t, s.Delete("nobucket", "k"))
			var got []string
			require.NoError(t, s.ForEach("b", func(k string, v []byte) error {
				got = append(got, k+"="+string(v))
				return nil
			}))
			assert.Equal(t, []string{"k1=v1"}, got)
			v, ok, err := s.Get("b", "k1")
			require.NoError(t, err)
			assert.True(t, ok)
			assert.Equal(t, "v1", string(v))
			_, ok, err = s.Get("b", "k2")
			require.NoError(t, err)
			assert.False(t, ok, "deleted")
			_, ok, err = s.Get("nobucket", "k")
			require.NoError(t, err)
			assert.False(t, ok)
		})
	}
	require.NoError(t, b.Close())
	b, err = OpenBolt(dir)
	require.NoError(t, err)
	n := 0
	require.NoError(t, b.ForEach("b", func(string, []byte) error { n++; return nil }))
	assert.Equal(t, 1, n)
	require.NoError(t, b.Close())
}

func TestWriter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b, err := OpenBolt(dir)
	require.NoError(t, err)
	w := NewWriter(b)
	require.NoError(t, b.Put("runs", "old", []byte("x")))
	for i := range 100 {
		w.Put("runs", "k", []byte{byte(i)}) // the latest value wins
	}
	w.Delete("runs", "old")
	v, ok, err := w.Get("runs", "k")
	require.NoError(t, err)
	assert.True(t, ok, "a pending write is visible")
	assert.Equal(t, []byte{99}, v)
	_, ok, err = w.Get("runs", "old")
	require.NoError(t, err)
	assert.False(t, ok, "so is a pending delete")
	w.Flush()
	v, ok, err = b.Get("runs", "k")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, []byte{99}, v)
	w.Put("runs", "last", []byte("y"))
	w.Close() // writes what is pending
	require.NoError(t, b.Close())
	b, err = OpenBolt(dir)
	require.NoError(t, err)
	v, ok, err = b.Get("runs", "last")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "y", string(v))
	_, ok, _ = b.Get("runs", "old")
	assert.False(t, ok)
	require.NoError(t, b.Close())
}
