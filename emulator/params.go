package emulator

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/model"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// required returns a parameter or the MissingParameter error naming it.
func required(r *protocol.Request, name string) (string, error) {
	v := r.Get(name)
	if v == "" {
		return "", protocol.ErrMissingParameter(name)
	}
	return v, nil
}

// optional returns a pointer to a parameter when it was sent, for partial updates.
func optional(r *protocol.Request, name string) *string {
	if _, ok := r.Params[name]; !ok {
		return nil
	}
	v := r.Get(name)
	return &v
}

// int64Param reads an integer parameter; 0 when absent.
func int64Param(r *protocol.Request, name string) (int64, bool, error) {
	v := r.Get(name)
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, true, protocol.NewError(http.StatusBadRequest, "InvalidParameter."+name, "The parameter "+name+" must be an integer, got "+strconv.Quote(v)+".")
	}
	return n, true, nil
}

func boolParam(r *protocol.Request, name string) (bool, error) {
	v, _, err := r.Bool(name)
	return v, err
}

func tags(r *protocol.Request) []model.Tag { return toModelTags(r.Tags()) }

// allTags is tags with the pairs that have a Tag.N.Value but no Tag.N.Key kept (with an
// empty key), for the tagging actions, which answer such a pair with an error.
func allTags(r *protocol.Request) []model.Tag { return toModelTags(r.TagList("Tag")) }

func toModelTags(in []protocol.Tag) []model.Tag {
	var out []model.Tag
	for _, t := range in {
		out = append(out, model.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

// plainText reports whether ContentEncoding (case-insensitive) asks for plain text. An
// absent or unknown value falls back to def, as documented: CreateCommand and the Describe
// calls fall back to Base64, RunCommand and ModifyInvocationAttribute to PlainText.
func plainText(r *protocol.Request, def bool) bool {
	switch v := r.Get("ContentEncoding"); {
	case strings.EqualFold(v, "PlainText"):
		return true
	case strings.EqualFold(v, "Base64"):
		return false
	default:
		return def
	}
}

// decodeContent turns CommandContent into plain text.
func decodeContent(content string, plain bool) (string, error) {
	if plain {
		return content, nil
	}
	b, err := base64.StdEncoding.DecodeString(content)
	if err != nil {
		return "", protocol.NewError(http.StatusBadRequest, "CmdContent.DecodeError", "CommandContent is not valid Base64: "+err.Error())
	}
	return string(b), nil
}

// encode renders a script or an output in the requested encoding.
func encode(b []byte, plain bool) string {
	if plain {
		return string(b)
	}
	return base64.StdEncoding.EncodeToString(b)
}
