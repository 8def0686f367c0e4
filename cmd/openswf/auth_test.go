package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/swf"

	"github.com/openswf/openswf/iam"
	"github.com/openswf/openswf/openswftest"
)

// authConfig is the access control of TestInspect_AccessControl: an admin, and a reader of every domain
// but billing.
const authConfig = `{
  "users": [
    {"name": "admin", "accessKeys": [{"accessKeyId": "AKIAADMIN", "secretAccessKey": "admin-secret"}],
     "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["swf:*", "states:*", "openswf:*"], "Resource": "*"}]}]},
    {"name": "reader", "accessKeys": [{"accessKeyId": "AKIAREADER", "secretAccessKey": "reader-secret"}],
     "policies": [{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["swf:Describe*", "swf:List*", "swf:Get*"], "Resource": "*"},
        {"Effect": "Deny", "Action": "swf:*", "Resource": "arn:aws:swf:*:*:/domain/billing"}]}]}
  ]
}`

// TestInspect_AccessControl runs the commands against a server under access control: requests signed
// with a configured key (from the environment or a profile of the credentials file) are answered, a
// refused action exits 4, and so do unknown keys and the anonymous credentials used when none are found.
func TestInspect_AccessControl(t *testing.T) {
	cfg, err := iam.ParseConfig([]byte(authConfig))
	if err != nil {
		t.Fatal(err)
	}
	srv := openswftest.New(t, openswftest.Options{PollHold: time.Second, Auth: cfg})
	admin := swf.New(swf.Options{BaseEndpoint: aws.String(srv.URL), Region: "us-east-1",
		Credentials: awscreds.NewStaticCredentialsProvider("AKIAADMIN", "admin-secret", "")})
	for _, d := range []string{"payments", "billing"} {
		if _, err := admin.RegisterDomain(t.Context(), &swf.RegisterDomainInput{Name: aws.String(d), WorkflowExecutionRetentionPeriodInDays: aws.String("3")}); err != nil {
			t.Fatalf("RegisterDomain(%s): %v", d, err)
		}
	}
	home := t.TempDir()
	mustWrite(t, filepath.Join(home, ".aws", "credentials"), "[reader]\naws_access_key_id = AKIAREADER\naws_secret_access_key = reader-secret\n")
	helper := filepath.Join(home, "reader creds.sh")
	mustWrite(t, helper, "#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"AKIAREADER\", \"SecretAccessKey\": \"%s\"}' \"$1\"\n")
	if err := chmodX(helper); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(home, ".aws", "config"), "[profile proc]\ncredential_process = '"+helper+"' reader-secret\n"+
		"[profile badproc]\ncredential_process = '"+helper+"' guess\n")
	reader := map[string]string{"AWS_ACCESS_KEY_ID": "AKIAREADER", "AWS_SECRET_ACCESS_KEY": "reader-secret"}

	for _, tc := range []struct {
		name   string
		env    map[string]string
		args   []string
		want   int
		errHas string
	}{
		{name: "reader from the environment", env: reader, args: []string{"executions", "list", "--domain", "payments"}, want: exitOK},
		{name: "reader from a profile", env: map[string]string{"HOME": home}, args: []string{"domains", "--profile", "reader"}, want: exitOK},
		{name: "reader through AWS_PROFILE", env: map[string]string{"HOME": home, "AWS_PROFILE": "reader"}, args: []string{"domains"}, want: exitOK},
		{name: "reader from a credential_process", env: map[string]string{"HOME": home}, args: []string{"domains", "--profile", "proc"}, want: exitOK},
		{name: "a credential_process's wrong keys", env: map[string]string{"HOME": home}, args: []string{"domains", "--profile", "badproc"}, want: exitDenied,
			errHas: "credential_process in " + filepath.Join(home, ".aws", "config")},
		{name: "reader denied a domain", env: reader, args: []string{"executions", "list", "--domain", "billing"}, want: exitDenied,
			errHas: "OperationNotPermittedFault"},
		{name: "a refusal names the key", env: reader, args: []string{"executions", "list", "--domain", "billing"}, want: exitDenied,
			errHas: "signed with access key AKIAREADER from the environment"},
		{name: "reader denied Step Functions", env: reader, args: []string{"sfn", "state-machines"}, want: exitDenied, errHas: "AccessDeniedException"},
		{name: "wrong secret", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIAREADER", "AWS_SECRET_ACCESS_KEY": "guess"},
			args: []string{"domains"}, want: exitDenied, errHas: "InvalidSignatureException"},
		{name: "no credentials anywhere", args: []string{"domains"}, want: exitDenied, errHas: "UnrecognizedClientException"},
		{name: "anonymous credentials said so", args: []string{"domains"}, want: exitDenied, errHas: "signed with anonymous credentials"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tc.env, append(tc.args, "--endpoint", srv.URL)...)
			if r.code != tc.want {
				t.Errorf("openswf %v: exit %d, want %d; stderr %s", tc.args, r.code, tc.want, r.err)
			}
			if !strings.Contains(r.err, tc.errHas) {
				t.Errorf("openswf %v: stderr %q, want it to hold %q", tc.args, r.err, tc.errHas)
			}
		})
	}
	r := runCLI(t, map[string]string{"HOME": home}, "domains", "--profile", "reader", "--endpoint", srv.URL)
	if !strings.Contains(rowOf(r.out, "payments"), "3 days") || !strings.Contains(rowOf(r.out, "billing"), "?") {
		t.Errorf("domains as the reader: want payments with its retention, billing (whose DescribeDomain is denied) with \"?\":\n%s%s", r.out, r.err)
	}
}
