package iam

import "strings"

// context is a request's condition keys as the evaluation reads them: by name, case-insensitively.
type context struct {
	m map[string][]string
}

// values returns the values of key. Keys compare case-insensitively, as IAM's do; the exact spelling is
// tried first because callers usually spell keys as policies do, and only then the whole map, which is
// small, is searched. A key with no values is absent.
func (c context) values(key string) []string {
	if vs, ok := c.m[key]; ok {
		return vs
	}
	for k, vs := range c.m {
		if strings.EqualFold(k, key) {
			return vs
		}
	}
	return nil
}

// variable returns the value that ${key} stands for: the key's only value. A key that is absent or has
// several values has none, as IAM does not substitute multivalued keys.
func (c context) variable(key string) (string, bool) {
	vs := c.values(key)
	if len(vs) != 1 {
		return "", false
	}
	return vs[0], true
}
