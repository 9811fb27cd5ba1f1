package model

// Limits of the Tag.N a file task carries or is filtered by (SendFile and
// DescribeSendFileResults reference: 1 to 20 tags, keys up to 64 characters, values up to
// 128, neither with http:// or https://, keys not starting with acs: or aliyun).
const (
	maxTaskTags      = 20
	maxTaskTagKeyLen = 64
)

// CheckTaskTags applies those rules, answering the errors of the two pages' tables. A pair
// with a Tag.N.Value and no Tag.N.Key comes with an empty Key.
func CheckTaskTags(tags []Tag) error {
	if len(tags) > maxTaskTags {
		return errTaskTagsCount
	}
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case t.Key == "":
			return errTaskTagKeyEmpty
		case malformedTagKey(t.Key, maxTaskTagKeyLen):
			return errTagKeyMalformed
		case seen[t.Key]:
			return errTagKeyDuplicate
		}
		seen[t.Key] = true
		if err := checkTagValue(t.Value); err != nil {
			return err
		}
	}
	return nil
}
