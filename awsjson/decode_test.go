package awsjson

import (
	"errors"
	"testing"
)

// DecodeInput reads what Validate checked and nothing else: exact member names, the same refusals.
func TestDecodeInput(t *testing.T) {
	type listDomains struct {
		RegistrationStatus string `json:"registrationStatus"`
		MaximumPageSize    *int32 `json:"maximumPageSize"`
	}
	tests := []struct {
		name     string
		body     string
		wantErr  bool // Validate and DecodeInput both answer SerializationException
		wantSize int32
		wantMsg  string
	}{
		{name: "valid", body: `{"registrationStatus":"REGISTERED","maximumPageSize":7}`, wantSize: 7},
		{name: "wrong-case member ignored", body: `{"registrationStatus":"REGISTERED","MaximumPageSize":"x"}`},
		{name: "wrong-case member after the right one", body: `{"registrationStatus":"REGISTERED","maximumPageSize":7,"MAXIMUMPAGESIZE":9999}`, wantSize: 7},
		{name: "Unicode case folding ignored", body: `{"registrationStatus":"REGISTERED","maximumPageſize":9999}`},
		{name: "duplicate member", body: `{"registrationStatus":"REGISTERED","maximumPageSize":5,"maximumPageSize":6}`, wantErr: true,
			wantMsg: "The request body names a member twice at 'maximumPageSize'."},
		{name: "invalid UTF-8", body: "{\"registrationStatus\":\"REGISTERED\",\"description\":\"a\xffb\"}", wantErr: true,
			wantMsg: "The request body has a string that is not valid UTF-8 at 'description'."},
		{name: "unpaired surrogate escape", body: `{"registrationStatus":"REGISTERED","x":"\ud800"}`, wantErr: true},
		{name: "not JSON", body: `{`, wantErr: true},
	}
	m := mustSWFModel(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verr := m.Validate("ListDomains", []byte(tt.body))
			var in listDomains
			err := DecodeInput([]byte(tt.body), &in)
			if !tt.wantErr {
				if verr != nil {
					t.Fatalf("Validate() = %v, want nil", verr)
				}
				if err != nil {
					t.Fatalf("DecodeInput() = %v, want nil", err)
				}
				if tt.wantSize == 0 && in.MaximumPageSize != nil {
					t.Errorf("MaximumPageSize = %d, want absent", *in.MaximumPageSize)
				}
				if tt.wantSize != 0 && (in.MaximumPageSize == nil || *in.MaximumPageSize != tt.wantSize) {
					t.Errorf("MaximumPageSize = %v, want %d", in.MaximumPageSize, tt.wantSize)
				}
				return
			}
			for what, err := range map[string]error{"Validate": verr, "DecodeInput": err} {
				var f *Fault
				if !errors.As(err, &f) || f.Type != TypeSerialization {
					t.Fatalf("%s() = %v, want a SerializationException", what, err)
				}
				if tt.wantMsg != "" && f.Message != tt.wantMsg {
					t.Errorf("%s() message = %q, want %q", what, f.Message, tt.wantMsg)
				}
			}
		})
	}
}
