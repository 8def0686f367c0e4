package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// envMap is a getenv over a map: the tests' environment, apart from the machine's.
func envMap(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestResolveCredentials_Chain checks the order of the chain: --profile, the environment, AWS_PROFILE or
// default in the credentials file, then the config file, then anonymous; and where the region comes from.
func TestResolveCredentials_Chain(t *testing.T) {
	dir := t.TempDir()
	credFile := filepath.Join(dir, "credentials")
	confFile := filepath.Join(dir, "config")
	mustWrite(t, credFile, "# keys\n[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = default-secret\n\n"+
		"[ops]\naws_access_key_id=AKIAOPS\naws_secret_access_key=ops-secret\naws_session_token = ops-token\n")
	mustWrite(t, confFile, "[default]\nregion = eu-west-1\n\n[profile ops]\nregion = ap-south-1\ns3 =\n  region = nowhere\n\n"+
		"[profile cfgkeys]\naws_access_key_id = AKIACFG\naws_secret_access_key = cfg-secret\n\n[profile sso]\nsso_start_url = https://example/start\n")
	files := map[string]string{"AWS_SHARED_CREDENTIALS_FILE": credFile, "AWS_CONFIG_FILE": confFile}
	with := func(extra map[string]string) func(string) string {
		m := map[string]string{}
		for k, v := range files {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return envMap(m)
	}
	for _, tc := range []struct {
		name          string
		env           map[string]string
		profile       string
		region        string
		wantKey       string
		wantToken     string
		wantRegion    string
		wantSourceHas string
	}{
		{name: "default profile", wantKey: "AKIADEFAULT", wantRegion: "eu-west-1"},
		{name: "environment first", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_REGION": "us-west-2"},
			wantKey: "AKIAENV", wantRegion: "us-west-2", wantSourceHas: "environment"},
		{name: "--profile over the environment", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret"},
			profile: "ops", wantKey: "AKIAOPS", wantToken: "ops-token", wantRegion: "ap-south-1"},
		{name: "AWS_PROFILE", env: map[string]string{"AWS_PROFILE": "ops", "AWS_DEFAULT_REGION": "ca-central-1"}, wantKey: "AKIAOPS", wantToken: "ops-token", wantRegion: "ca-central-1"},
		{name: "keys in the config file", profile: "cfgkeys", region: "sa-east-1", wantKey: "AKIACFG", wantRegion: "sa-east-1", wantSourceHas: "config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			creds, region, err := resolveCredentials(with(tc.env), tc.profile, tc.region, nil)
			if err != nil {
				t.Fatal(err)
			}
			if creds.AccessKeyID != tc.wantKey || creds.SessionToken != tc.wantToken || region != tc.wantRegion {
				t.Errorf("got key %q token %q region %q, want %q %q %q", creds.AccessKeyID, creds.SessionToken, region, tc.wantKey, tc.wantToken, tc.wantRegion)
			}
			if tc.wantSourceHas != "" && !contains(creds.Source, tc.wantSourceHas) {
				t.Errorf("source %q, want it to name %q", creds.Source, tc.wantSourceHas)
			}
		})
	}

	t.Run("nothing anywhere is anonymous", func(t *testing.T) {
		creds, region, err := resolveCredentials(envMap(map[string]string{"HOME": t.TempDir()}), "", "", nil)
		if err != nil || creds != anonymous || region != defaultRegion {
			t.Errorf("got %+v %q %v, want anonymous credentials in %s", creds, region, err, defaultRegion)
		}
	})
	t.Run("an unknown --profile is refused", func(t *testing.T) {
		_, _, err := resolveCredentials(with(nil), "nosuch", "", nil)
		if !errors.Is(err, errNoProfile) {
			t.Errorf("got %v, want errNoProfile", err)
		}
	})
	t.Run("an unknown AWS_PROFILE is refused", func(t *testing.T) {
		_, _, err := resolveCredentials(with(map[string]string{"AWS_PROFILE": "nosuch"}), "", "", nil)
		if !errors.Is(err, errNoProfile) || !contains(err.Error(), "AWS_PROFILE nosuch") {
			t.Errorf("got %v, want errNoProfile naming AWS_PROFILE nosuch", err)
		}
	})
	t.Run("an unknown AWS_PROFILE gives way to the environment's keys", func(t *testing.T) {
		creds, _, err := resolveCredentials(with(map[string]string{"AWS_PROFILE": "nosuch", "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s"}), "", "", nil)
		if err != nil || creds.AccessKeyID != "AKIAENV" {
			t.Errorf("got %+v %v, want the environment's keys", creds, err)
		}
	})
	t.Run("a profile without static keys is refused", func(t *testing.T) {
		_, _, err := resolveCredentials(with(nil), "sso", "", nil)
		if err == nil || errors.Is(err, errNoProfile) || !contains(err.Error(), "SSO and assumed roles are not followed") {
			t.Errorf("got %v, want an error saying SSO is not followed", err)
		}
	})
}

func mustWrite(t *testing.T, file, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
