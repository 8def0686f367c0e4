package iam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
)

// Config is the access control configuration of a server (`openswf serve --auth FILE`): the account in
// every ARN, and the users, each with access keys and identity policies.
//
//	{"account": "123456789012",
//	 "users": [{"name": "payments-worker",
//	            "accessKeys": [{"accessKeyId": "AKIA…", "secretAccessKey": "…"}],
//	            "policies": [{"Version": "2012-10-17", "Statement": [ … ]}]}]}
type Config struct {
	// Account is the configured account ("" when the file sets none).
	Account string
	// Users in the file's order.
	Users []*User
	keys  map[string]*AccessKey
}

// User is a configured principal.
type User struct {
	Name     string
	Keys     []*AccessKey
	Policies []*Policy
}

// AccessKey is one of a user's access keys.
type AccessKey struct {
	ID, Secret string
	User       *User
}

// ConfigError says what is wrong with a configuration, naming the user (and, for a policy, the policy and
// statement) it is about.
type ConfigError struct {
	User    string // "" for the document itself
	Problem string
}

func (e *ConfigError) Error() string {
	if e.User == "" {
		return "access control configuration: " + e.Problem
	}
	return fmt.Sprintf("access control configuration: user %q: %s", e.User, e.Problem)
}

// accountPattern is an AWS account id.
var accountPattern = regexp.MustCompile(`^[0-9]{12}$`)

// ParseConfig reads a configuration strictly: unknown members, a user or access key named twice, an empty
// secret or a policy that does not parse are errors.
func ParseConfig(data []byte) (*Config, error) {
	var raw struct {
		Account string `json:"account"`
		Users   []struct {
			Name       string `json:"name"`
			AccessKeys []struct {
				ID     string `json:"accessKeyId"`
				Secret string `json:"secretAccessKey"`
			} `json:"accessKeys"`
			Policies []json.RawMessage `json:"policies"`
		} `json:"users"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, &ConfigError{Problem: err.Error()}
	}
	if dec.More() {
		return nil, &ConfigError{Problem: "more than one JSON document"}
	}
	if raw.Account != "" && !accountPattern.MatchString(raw.Account) {
		return nil, &ConfigError{Problem: fmt.Sprintf("account %q is not 12 digits", raw.Account)}
	}
	c := &Config{Account: raw.Account, keys: map[string]*AccessKey{}}
	names := map[string]bool{}
	for i, ru := range raw.Users {
		if ru.Name == "" {
			return nil, &ConfigError{Problem: fmt.Sprintf("user %d has no name", i+1)}
		}
		if names[ru.Name] {
			return nil, &ConfigError{User: ru.Name, Problem: "named twice"}
		}
		names[ru.Name] = true
		u := &User{Name: ru.Name}
		if len(ru.AccessKeys) == 0 {
			return nil, &ConfigError{User: ru.Name, Problem: "no access keys"}
		}
		for _, rk := range ru.AccessKeys {
			switch {
			case rk.ID == "" || rk.Secret == "":
				return nil, &ConfigError{User: ru.Name, Problem: "an access key needs an accessKeyId and a secretAccessKey"}
			case c.keys[rk.ID] != nil:
				return nil, &ConfigError{User: ru.Name, Problem: fmt.Sprintf("access key %s is configured twice", rk.ID)}
			}
			k := &AccessKey{ID: rk.ID, Secret: rk.Secret, User: u}
			c.keys[rk.ID] = k
			u.Keys = append(u.Keys, k)
		}
		for j, doc := range ru.Policies {
			p, err := ParsePolicy(doc)
			if err != nil {
				return nil, &ConfigError{User: ru.Name, Problem: fmt.Sprintf("policy %d: %v", j+1, err)}
			}
			u.Policies = append(u.Policies, p)
		}
		c.Users = append(c.Users, u)
	}
	return c, nil
}

// Key returns a configured access key.
func (c *Config) Key(id string) (*AccessKey, bool) {
	k, ok := c.keys[id]
	return k, ok
}
