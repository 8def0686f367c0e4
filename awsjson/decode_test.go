package awsjson

import (
	"errors"
	"testing"
)

func TestDecodeInput(t *testing.T) {
	type listDomains struct {
		RegistrationStatus string `json:"registrationStatus"`
		MaximumPageSize    *int32 `json:"maximumPageSize"`
	}
	tests := []struct {
		name     string
		body     string
		wantErr  bool
		wantSize int32
		wantMsg  string
	}{
		{name: "valid", body: `{"registrationStatus":"REGISTERED","maximumPageSize":7}`, wantSize: 7},
		{name: "wrong-case member of the wrong type", body: `{"registrationStatus":"REGISTERED","MaximumPageSize":"x"}`, wantErr: true,
			wantMsg: "Unexpected JSON string at 'maximumPageSize'."},
		{name: "bad earlier duplicate", body: `{"registrationStatus":"REGISTERED","maximumPageSize":"x","maximumPageSize":5}`, wantErr: true},
		{name: "not JSON", body: `{`, wantErr: true, wantMsg: "The request body could not be decoded."},
	}
	m := mustSWFModel(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.body != `{` {
				// The point of DecodeInput: these bodies pass Validate.
				if err := m.Validate("ListDomains", []byte(tt.body)); err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
			}
			var in listDomains
			err := DecodeInput([]byte(tt.body), &in)
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("DecodeInput() = %v, want nil", err)
				}
				if in.MaximumPageSize == nil || *in.MaximumPageSize != tt.wantSize {
					t.Errorf("MaximumPageSize = %v, want %d", in.MaximumPageSize, tt.wantSize)
				}
				return
			}
			var f *Fault
			if !errors.As(err, &f) || f.Type != TypeSerialization {
				t.Fatalf("DecodeInput() = %v, want a SerializationException", err)
			}
			if tt.wantMsg != "" && f.Message != tt.wantMsg {
				t.Errorf("message = %q, want %q", f.Message, tt.wantMsg)
			}
		})
	}
}
