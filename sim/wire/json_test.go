package wire

import (
	"encoding/json"
	"errors"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"kmslab/sim/api"
)

type sample struct {
	KeyID   string            `json:"KeyId"`
	Limit   int               `json:"Limit"`
	Context map[string]string `json:"EncryptionContext"`
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantErr bool
		want    sample
	}{
		{"empty body is an empty object", "", false, sample{}},
		{"whitespace", "  \n", false, sample{}},
		{"fields", `{"KeyId":"k","Limit":3,"EncryptionContext":{"a":"b"}}`, false, sample{KeyID: "k", Limit: 3, Context: map[string]string{"a": "b"}}},
		{"unknown fields ignored", `{"KeyId":"k","Other":1}`, false, sample{KeyID: "k"}},
		{"wrong type", `{"KeyId":5}`, true, sample{}},
		{"truncated", `{"KeyId":"k"`, true, sample{}},
		{"trailing data", `{} {}`, true, sample{}},
		{"not an object", `[1,2]`, true, sample{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got sample
			err := DecodeJSON([]byte(tt.body), &got)
			if tt.wantErr {
				var e *api.Error
				if !errors.As(err, &e) || e.Code != "SerializationException" || e.Status != 400 {
					t.Fatalf("err = %v, want 400 SerializationException", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.KeyID != tt.want.KeyID || got.Limit != tt.want.Limit || len(got.Context) != len(tt.want.Context) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestWriteErrorShapes(t *testing.T) {
	rec := httptest.NewRecorder()
	JSONProtocol{ContentType: "application/x-amz-json-1.0", ErrorPrefix: "com.amazonaws.dynamodb.v20120810#"}.
		WriteError(rec, api.BadRequest("ResourceNotFoundException", "Requested resource not found"))
	if rec.Code != 400 {
		t.Fatalf("status %d", rec.Code)
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body["__type"] != "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" || body["message"] != "Requested resource not found" {
		t.Fatalf("body %v", body)
	}

	rec = httptest.NewRecorder()
	JSONProtocol{ContentType: "application/x-amz-json-1.1"}.WriteError(rec, errors.New("boom"))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("a plain error must be a 500 InternalFailure, got %d", rec.Code)
	}

	rec = httptest.NewRecorder()
	QueryProtocol{Namespace: "https://iam.amazonaws.com/doc/2010-05-08/"}.WriteError(rec, "req-1", api.Errorf(404, "NoSuchEntity", "The user with name x cannot be found."))
	if rec.Code != 404 {
		t.Fatalf("status %d", rec.Code)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The user with name x cannot be found.</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`
	if rec.Body.String() != want {
		t.Fatalf("body:\n%s\nwant:\n%s", rec.Body.String(), want)
	}
}

func TestQueryWrite(t *testing.T) {
	type result struct {
		Arn string `xml:"Arn"`
	}
	rec := httptest.NewRecorder()
	QueryProtocol{Namespace: "https://sts.amazonaws.com/doc/2011-06-15/"}.Write(rec, "GetCallerIdentity", "r-2", result{Arn: "arn:aws:iam::1:user/a"})
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::1:user/a</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
	if rec.Body.String() != want {
		t.Fatalf("body:\n%s\nwant:\n%s", rec.Body.String(), want)
	}
}

// FuzzDecodeJSON: untrusted request bodies never panic, and every failure is a
// 400 SerializationException.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"KeyId":"x"}`, `{"Limit":1e400}`, `{"EncryptionContext":{"a":1}}`, `[`, "\x00", `{"KeyId":"\ud800"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v sample
		if err := DecodeJSON(body, &v); err != nil {
			var e *api.Error
			if !errors.As(err, &e) || e.Status != 400 || e.Code != "SerializationException" {
				t.Fatalf("DecodeJSON(%q) = %v", body, err)
			}
		}
		var any map[string]any
		_ = DecodeJSON(body, &any)
	})
}

// FuzzParseForm: query-protocol bodies never panic and failures are 400s.
func FuzzParseForm(f *testing.F) {
	f.Add("Action=GetUser&Version=2010-05-08", []byte("UserName=a%20b"))
	f.Add("%zz", []byte("a=%"))
	f.Fuzz(func(t *testing.T, q string, body []byte) {
		if _, err := ParseForm(q, body); err != nil {
			var e *api.Error
			if !errors.As(err, &e) || e.Status != 400 {
				t.Fatalf("ParseForm = %v", err)
			}
		}
	})
}

func TestCRC32Header(t *testing.T) {
	p := JSONProtocol{ContentType: "application/x-amz-json-1.0", CRC32: true}
	rec := httptest.NewRecorder()
	p.WriteJSON(rec, map[string]int{"Count": 1})
	if got, want := rec.Header().Get("X-Amz-Crc32"), strconv.FormatUint(uint64(crc32.ChecksumIEEE(rec.Body.Bytes())), 10); got != want {
		t.Fatalf("X-Amz-Crc32 %q, want %q", got, want)
	}
	rec = httptest.NewRecorder()
	p.WriteError(rec, api.BadRequest("ValidationException", "bad"))
	if got, want := rec.Header().Get("X-Amz-Crc32"), strconv.FormatUint(uint64(crc32.ChecksumIEEE(rec.Body.Bytes())), 10); got != want {
		t.Fatalf("error X-Amz-Crc32 %q, want %q", got, want)
	}
	rec = httptest.NewRecorder()
	JSONProtocol{ContentType: "application/x-amz-json-1.1"}.WriteJSON(rec, nil)
	if rec.Header().Get("X-Amz-Crc32") != "" {
		t.Fatal("KMS responses carry no X-Amz-Crc32")
	}
}
