package wire

import (
	"errors"
	"testing"

	"kmslab/sim/api"
)

func TestViolations(t *testing.T) {
	tests := []struct {
		name string
		add  []string
		want string // empty: no error
	}{
		{"none", nil, ""},
		{"one", []string{"a"}, "1 validation error detected: a"},
		{"two", []string{"a", "b"}, "2 validation errors detected: a; b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v Violations
			for _, a := range tt.add {
				v.Add("%s", a)
			}
			err := v.Err("ValidationError")
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Err = %v, want nil", err)
				}
				return
			}
			var e *api.Error
			if !errors.As(err, &e) || e.Code != "ValidationError" || e.Status != 400 || e.Message != tt.want {
				t.Fatalf("Err = %#v, want 400 ValidationError %q", err, tt.want)
			}
		})
	}
}
