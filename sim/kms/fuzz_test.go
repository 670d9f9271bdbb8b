package kms

import (
	"context"
	"errors"
	"sort"
	"testing"

	"kmslab/sim/api"
)

// FuzzHandlers sends arbitrary bodies to every operation, as the admin, on a
// KMS holding one key with an alias and a grant: no body may panic or be
// answered with anything but a client error.
func FuzzHandlers(f *testing.F) {
	seed := newFixture(f, Options{})
	id := seed.createKey("")["KeyId"].(string)
	blob := seed.must(seed.admin, "Encrypt", map[string]any{"KeyId": id, "Plaintext": b64([]byte("x"))})["CiphertextBlob"].(string)
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"KeyId":null}`, `{"KeyId":""}`, `{"KeyId":"` + id + `"}`,
		`{"KeyId":"alias/lab"}`, `{"KeyId":"arn:aws:kms:us-east-1:111122223333:alias/lab"}`,
		`{"KeyId":"` + id + `","Plaintext":"eA==","EncryptionContext":{"a":"b"}}`,
		`{"CiphertextBlob":"` + blob + `"}`, `{"CiphertextBlob":"AQ=="}`, `{"CiphertextBlob":"AgRhYmNkAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`,
		`{"KeyId":"` + id + `","NumberOfBytes":-1}`, `{"KeyId":"` + id + `","PendingWindowInDays":99999999999}`,
		`{"KeyId":"` + id + `","Policy":"{\"Statement\":[]}"}`,
		`{"AliasName":"alias/x","TargetKeyId":"` + id + `"}`,
		`{"KeyId":"` + id + `","GranteePrincipal":"arn:aws:iam::111122223333:user/test-user","Operations":["Decrypt"],"Constraints":{"EncryptionContextEquals":{}}}`,
		`{"GrantToken":"x"}`, `{"Limit":1,"Marker":"1"}`, `{"Tags":[{}]}`, `{"KeyId":"` + id + `","Tags":[{"TagKey":null}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fx := newFixture(t, Options{})
		key := fx.createKey("")["KeyId"].(string)
		fx.must(fx.admin, "CreateAlias", map[string]any{"AliasName": "alias/lab", "TargetKeyId": key})
		fx.must(fx.admin, "CreateGrant", map[string]any{"KeyId": key, "GranteePrincipal": userARN, "Operations": []string{"Decrypt", "RetireGrant"}})
		handlers := fx.svc.Handlers()
		ops := make([]string, 0, len(handlers))
		for op := range handlers {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		for _, op := range ops {
			req := &api.Request{ID: "fuzz", Service: "kms", Operation: op, Principal: fx.admin, Region: region, Time: fx.now}
			out, err := handlers[op](api.WithRequest(context.Background(), req), body)
			if err == nil {
				if out == nil {
					t.Fatalf("%s: nil output without error", op)
				}
				continue
			}
			var ae *api.Error
			if !errors.As(err, &ae) {
				t.Fatalf("%s: non-API error %v", op, err)
			}
			if ae.Status >= 500 || ae.Code == "" {
				t.Fatalf("%s: server fault %+v", op, ae)
			}
		}
	})
}
