package emulator

import (
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Name or Description that is not UTF-8 or holds a control character is refused with
// InvalidParameter.<field>; tabs (and line breaks in a Description) are text.
func TestCommandTextFieldsMustBeText(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	c := client(t, srv)
	create := func(name, desc string) error {
		req := ecs.CreateCreateCommandRequest()
		req.Name, req.Description, req.Type, req.CommandContent = name, desc, "RunShellScript", b64("true")
		_, err := c.CreateCommand(req)
		return err
	}
	for _, bad := range []struct{ name, desc, code, says string }{
		{"red\x1b[31m", "", "InvalidParameter.Name", "U+001B"},
		{"latin1-\xe9", "", "InvalidParameter.Name", "not valid UTF-8"},
		{"two\nlines", "", "InvalidParameter.Name", "U+000A"},
		{"ok", "bell\a", "InvalidParameter.Description", "U+0007"},
		{"ok", "\xff", "InvalidParameter.Description", "not valid UTF-8"},
	} {
		err := create(bad.name, bad.desc)
		requireCode(t, err, bad.code, 400)
		assert.Contains(t, serverError(t, err).Message(), bad.says)
	}
	require.NoError(t, create("tab\there ünïcode", "two\r\nlines\tand a tab"))

	id := mkCommand(t, c, "true", nil)
	req := ecs.CreateModifyCommandRequest()
	req.CommandId, req.Name = id, "esc\x1b"
	_, err := c.ModifyCommand(req)
	requireCode(t, err, "InvalidParameter.Name", 400)
}
