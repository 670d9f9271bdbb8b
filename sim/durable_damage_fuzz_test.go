package sim_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"kmslab/sim"
)

// damageFixture is a data file holding a user, a key, an encrypted table with
// items and an audit trail, and the digest of the state it restores to.
var damageFixture = sync.OnceValues(func() ([]byte, string) {
	dir, err := os.MkdirTemp("", "kmslab-damage-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	data := filepath.Join(dir, "data")
	ctx := context.Background()
	srv, err := sim.Start(ctx, sim.Options{DataDir: data, AuditDiskMax: 50})
	if err != nil {
		panic(err)
	}
	cfg := sdkConfig(srv, srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey)
	must := func(_ any, err error) {
		if err != nil {
			panic(err)
		}
	}
	must(iam.NewFromConfig(cfg).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("reader")}))
	db := dynamodb.NewFromConfig(cfg)
	must(db.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("tbl-1"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		SSESpecification:     &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms}}))
	for _, pk := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		must(db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("tbl-1"), Item: map[string]ddbtypes.AttributeValue{
			"pk": &ddbtypes.AttributeValueMemberS{Value: pk}, "v": &ddbtypes.AttributeValueMemberS{Value: pk + pk + pk}}}))
	}
	if err := srv.Close(); err != nil {
		panic(err)
	}
	b, err := os.ReadFile(filepath.Join(data, "kmslab.db"))
	if err != nil {
		panic(err)
	}
	digest, err := openDigest(data)
	if err != nil {
		panic(err)
	}
	return b, digest
})

func openDigest(dir string) (string, error) {
	srv, err := sim.New(sim.Options{DataDir: dir})
	if err != nil {
		return "", err
	}
	defer srv.Close()
	return sim.StateDigest(srv)
}

// FuzzDataFileDamage opens a data file after random damage: truncated, bytes
// flipped, or a page zeroed. Every run ends in a clean refusal (an error, the
// file left as it was) or in the very state that was saved; never a panic,
// never a state that differs.
func FuzzDataFileDamage(f *testing.F) {
	f.Add(uint8(0), uint32(8192), uint8(0))  // truncate -s 8192
	f.Add(uint8(0), uint32(1<<30), uint8(0)) // truncated to half (the offset is taken modulo the length)
	f.Add(uint8(0), uint32(0), uint8(0))     // emptied
	f.Add(uint8(1), uint32(4096*2+20), uint8(0x01))
	f.Add(uint8(1), uint32(4096*3+100), uint8(0x80))
	f.Add(uint8(1), uint32(30), uint8(0xff))
	f.Add(uint8(2), uint32(2), uint8(0))
	f.Add(uint8(2), uint32(3), uint8(0))
	f.Add(uint8(2), uint32(5), uint8(0))
	f.Fuzz(func(t *testing.T, kind uint8, at uint32, mask uint8) {
		pristine, want := damageFixture()
		b := append([]byte(nil), pristine...)
		switch kind % 3 {
		case 0: // truncation, half the file for offsets past its end
			n := int(at)
			if n > len(b) {
				n = len(b) / 2
			}
			b = b[:n]
		case 1: // one byte flipped
			if mask == 0 {
				mask = 1
			}
			b[int(at)%len(b)] ^= mask
		case 2: // a page zeroed
			page := int(at) % (len(b) / 4096)
			clear(b[page*4096 : (page+1)*4096])
		}
		dir := filepath.Join(t.TempDir(), "data")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "kmslab.db")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := openDigest(dir)
		if err != nil {
			var damage *sim.DamageError
			if !errors.As(err, &damage) {
				t.Fatalf("refused with %v, want a DamageError", err)
			}
			after, rerr := os.ReadFile(path)
			if rerr != nil || string(after) != string(b) {
				t.Fatalf("the refused file was changed")
			}
			// Repair saves what it can: the new file opens, the old one is kept.
			rep, err := sim.Repair(dir, time.Unix(0, 0))
			if err != nil {
				t.Fatalf("repair: %v", err)
			}
			if kept, err := os.ReadFile(rep.Kept); err != nil || string(kept) != string(b) {
				t.Fatalf("repair did not keep the damaged file as it was: %v", err)
			}
			if _, err := openDigest(dir); err != nil {
				t.Fatalf("the repaired data dir does not open: %v", err)
			}
			return
		}
		if got != want {
			t.Fatalf("damage (kind %d at %d) opened to a different state", kind%3, at)
		}
	})
}

// TestDamagedDataFileRefused: the damage found by the fault battery of issue
// 23 is each refused in one sentence that says what is damaged, and the file
// is kept as it was.
func TestDamagedDataFileRefused(t *testing.T) {
	t.Parallel()
	pristine, _ := damageFixture()
	flipAt := func(b []byte, s string) []byte {
		i := bytesIndex(b, s)
		if i < 0 {
			t.Fatalf("%q is not in the data file", s)
		}
		b[i+1] ^= 0x20
		return b
	}
	for _, tc := range []struct {
		name   string
		damage func([]byte) []byte
		want   string
	}{
		{"empty", func(b []byte) []byte { return b[:0] }, "the file is empty, 0 bytes"},
		{"truncate -s 8192", func(b []byte) []byte { return b[:8192] }, "it was truncated"},
		{"half", func(b []byte) []byte { return b[:len(b)/2/4096*4096] }, "it was truncated"},
		{"a bucket renamed", func(b []byte) []byte {
			// Every copy: bbolt leaves older ones of the root page in free pages.
			return []byte(strings.ReplaceAll(string(b), "audit", "aUdit"))
		}, "section"},
		{"a flip in stored JSON", func(b []byte) []byte { return flipAt(b, `"reader"`) }, "fails its checksum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := tc.damage(append([]byte(nil), pristine...))
			dir := filepath.Join(t.TempDir(), "data")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "kmslab.db")
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := sim.New(sim.Options{DataDir: dir})
			var damage *sim.DamageError
			if !errors.As(err, &damage) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "--repair") {
				t.Fatalf("got %v, want a refusal saying %q", err, tc.want)
			}
			if after, _ := os.ReadFile(path); string(after) != string(b) {
				t.Error("the refused file was changed")
			}
		})
	}
}

func bytesIndex(b []byte, s string) int { return strings.Index(string(b), s) }

// TestRepair: a damaged item is reported lost, everything else is saved into
// a new file that serves, and the damaged file is kept under a new name.
func TestRepair(t *testing.T) {
	t.Parallel()
	pristine, _ := damageFixture()
	b := append([]byte(nil), pristine...)
	// Flip a byte of every copy of the user's record: the live one is among them.
	b = []byte(strings.ReplaceAll(string(b), `"reader"`, `"rEader"`))
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kmslab.db"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := sim.Repair(dir, time.Date(2026, 12, 7, 13, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep.String(), "the record iam (every IAM user, access key, policy, group and role)") || rep.Saved["items"] != 8 {
		t.Errorf("report:\n%s", rep)
	}
	if filepath.Base(rep.Kept) != "kmslab.db.damaged-20261207T130000Z" {
		t.Errorf("kept as %s", rep.Kept)
	}
	if kept, err := os.ReadFile(rep.Kept); err != nil || string(kept) != string(b) {
		t.Errorf("the damaged file was not kept as it was: %v", err)
	}
	srv, err := sim.New(sim.Options{DataDir: dir})
	if err != nil {
		t.Fatalf("the repaired data dir: %v", err)
	}
	defer srv.Close()
	at, err := srv.Inspect("tbl-1")
	if err != nil || len(at.Items) != 8 {
		t.Errorf("the repaired table holds %d items (%v), want 8", len(at.Items), err)
	}
	if rep2, err := sim.Repair(dir, time.Now()); err == nil {
		t.Errorf("a second repair while it is open: %v", rep2)
	}
}
