package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// credentials are the keys the inspection commands sign with.
type credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	// Source says where they came from, for errors: "the environment", "profile NAME (FILE)" or
	// "anonymous".
	Source string
}

// anonymous is what the commands sign with when no credentials are found anywhere: a server without --auth
// accepts any signature, so that `openswf executions list` works out of the box; a server with --auth
// answers UnrecognizedClientException, which exits 4.
var anonymous = credentials{AccessKeyID: "openswf-anonymous", SecretAccessKey: "openswf-anonymous", Source: "anonymous"}

// defaultRegion is the region signed for when neither a flag, the environment nor the profile names one.
const defaultRegion = "us-east-1"

// errNoProfile is a --profile or AWS_PROFILE that neither shared file holds: a usage error.
var errNoProfile = errors.New("no such profile")

// resolveCredentials finds the keys and the region the way the AWS CLI and SDKs do for static keys, reading
// the environment through getenv:
//
//  1. with --profile (profile != ""), that profile of the shared files; it must exist;
//  2. otherwise AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN);
//  3. otherwise the profile AWS_PROFILE names (which must exist), or "default": aws_access_key_id,
//     aws_secret_access_key and aws_session_token in the credentials file (AWS_SHARED_CREDENTIALS_FILE,
//     ~/.aws/credentials), else in the config file (AWS_CONFIG_FILE, ~/.aws/config, sections
//     "[profile NAME]" or "[default]");
//     with the profile's credential_process (run by process) between the two files' keys, as the AWS CLI
//     orders them;
//  4. otherwise anonymous credentials.
//
// The region: region if given, else AWS_REGION, AWS_DEFAULT_REGION, the profile's region in the config
// file, us-east-1. SSO, assumed roles and instance metadata are not followed: a profile that only uses
// them has no keys and is refused, saying so. So is a credential_process when process is nil.
func resolveCredentials(getenv func(string) string, profile, region string, process func(command string) (credentials, error)) (credentials, string, error) {
	explicit := profile != ""
	if !explicit {
		profile = getenv("AWS_PROFILE")
	}
	if profile == "" {
		profile = "default"
	}
	home := getenv("HOME")
	if home == "" {
		home = getenv("USERPROFILE")
	}
	credFile := getenv("AWS_SHARED_CREDENTIALS_FILE")
	if credFile == "" && home != "" {
		credFile = filepath.Join(home, ".aws", "credentials")
	}
	confFile := getenv("AWS_CONFIG_FILE")
	if confFile == "" && home != "" {
		confFile = filepath.Join(home, ".aws", "config")
	}
	credSection, credFound, err := readProfile(credFile, profile, false)
	if err != nil {
		return credentials{}, "", err
	}
	confSection, confFound, err := readProfile(confFile, profile, true)
	if err != nil {
		return credentials{}, "", err
	}
	if region == "" {
		region = firstOf(getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION"), confSection["region"], defaultRegion)
	}
	if explicit && !credFound && !confFound {
		return credentials{}, "", fmt.Errorf("--profile %s: %w in %s or %s", profile, errNoProfile, credFile, confFile)
	}
	if !explicit {
		if id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
			return credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: getenv("AWS_SESSION_TOKEN"), Source: "the environment"}, region, nil
		}
	}
	static := func(section map[string]string, file string) (credentials, bool) {
		id, secret := section["aws_access_key_id"], section["aws_secret_access_key"]
		if id == "" || secret == "" {
			return credentials{}, false
		}
		return credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: section["aws_session_token"],
			Source: "profile " + profile + " (" + file + ")"}, true
	}
	if c, ok := static(credSection, credFile); ok {
		return c, region, nil
	}
	command, file := credSection["credential_process"], credFile
	if command == "" {
		command, file = confSection["credential_process"], confFile
	}
	if command != "" && process != nil {
		c, err := process(command)
		if err != nil {
			return credentials{}, "", fmt.Errorf("profile %s (%s): %w", profile, file, err)
		}
		c.Source = "profile " + profile + " (credential_process in " + file + ")"
		return c, region, nil
	}
	if c, ok := static(confSection, confFile); ok {
		return c, region, nil
	}
	if !explicit && profile != "default" && !credFound && !confFound {
		// As the AWS CLI and SDKs refuse it: a misspelt AWS_PROFILE would otherwise sign anonymously, and
		// the refusal of a server with --auth would not say why.
		return credentials{}, "", fmt.Errorf("AWS_PROFILE %s: %w in %s or %s", profile, errNoProfile, credFile, confFile)
	}
	if credFound || confFound {
		if explicit || profile != "default" {
			return credentials{}, "", fmt.Errorf("profile %s has no aws_access_key_id and aws_secret_access_key, and no credential_process: SSO and assumed roles are not followed (docs/CLI.md)", profile)
		}
	}
	return anonymous, region, nil
}

// readProfile reads the section of profile from an INI file of the AWS CLI: "[NAME]" in the credentials
// file; "[profile NAME]" (or "[default]") in the config file. A missing file holds no profile.
func readProfile(file, profile string, config bool) (map[string]string, bool, error) {
	if file == "" {
		return nil, false, nil
	}
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read AWS shared file: %w", err)
	}
	want := profile
	if config && profile != "default" {
		want = "profile " + profile
	}
	var section map[string]string
	found, in := false, false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		raw := sc.Text()
		line := strings.TrimSpace(raw)
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case line[0] == '[' && strings.HasSuffix(line, "]"):
			name := strings.Join(strings.Fields(line[1:len(line)-1]), " ")
			in = name == want
			if in && !found {
				found, section = true, map[string]string{}
			}
			continue
		}
		// An indented line continues a nested setting (s3 = …), which nothing here reads.
		if !in || raw[0] == ' ' || raw[0] == '\t' {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			section[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	return section, found, nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
