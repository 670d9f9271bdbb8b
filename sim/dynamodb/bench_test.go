package dynamodb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"kmslab/sim/api"
	"kmslab/sim/audit"
	"kmslab/sim/authz"
	"kmslab/sim/iam"
	"kmslab/sim/kms"
)

// benchSvc is the DynamoDB service wired to the real offline KMS and IAM, as
// sim.New wires them, with the bootstrap administrator as the caller. Handlers
// are called directly: no HTTP, no SigV4, no response encoding.
type benchSvc struct {
	svc  *Service
	kms  *kms.Service
	ctx  context.Context // carries the administrator as the caller
	hand map[string]api.JSONHandler
}

func newBenchSvc(b *testing.B, ttl time.Duration) *benchSvc {
	b.Helper()
	env := api.NewEnv(testAccount, testRegion, nil, nil)
	log := audit.New(0)
	iamSvc := iam.New(env, iam.Options{})
	az := authz.New(env, iamSvc)
	iamSvc.SetAuthorizer(az)
	kmsSvc := kms.New(env, az, iamSvc, log, kms.Options{})
	svc := New(env, az, kmsSvc, log, Options{KeyCacheTTL: ttl})
	if _, err := iamSvc.Bootstrap("lab-admin", "AKIABENCHADMIN000001", "benchsecret"); err != nil {
		b.Fatalf("bootstrap: %v", err)
	}
	_, admin, ok := iamSvc.LookupAccessKey("AKIABENCHADMIN000001")
	if !ok {
		b.Fatal("admin key not found")
	}
	ctx := api.WithRequest(context.Background(), &api.Request{ID: "bench", Service: "dynamodb", Principal: admin, Region: testRegion})
	return &benchSvc{svc: svc, kms: kmsSvc, ctx: ctx, hand: svc.Handlers()}
}

// call runs a DynamoDB operation; a fresh request context keeps Touch's
// resource list from growing across iterations.
func (s *benchSvc) call(b *testing.B, op, body string) any {
	req := *api.RequestFrom(s.ctx)
	req.Operation = op
	out, err := s.hand[op](api.WithRequest(context.Background(), &req), []byte(body))
	if err != nil {
		b.Fatalf("%s %s: %v", op, body, err)
	}
	return out
}

// createKey makes a customer managed key with the default key policy and returns its ARN.
func (s *benchSvc) createKey(b *testing.B) string {
	req := *api.RequestFrom(s.ctx)
	req.Service, req.Operation = "kms", "CreateKey"
	out, err := s.kms.Handlers()["CreateKey"](api.WithRequest(context.Background(), &req), []byte(`{}`))
	if err != nil {
		b.Fatalf("CreateKey: %v", err)
	}
	raw, err := json.Marshal(out)
	if err != nil {
		b.Fatal(err)
	}
	var v struct{ KeyMetadata struct{ Arn string } }
	if err := json.Unmarshal(raw, &v); err != nil || v.KeyMetadata.Arn == "" {
		b.Fatalf("CreateKey output %s: %v", raw, err)
	}
	return v.KeyMetadata.Arn
}

// labTable creates the lab's table (hash key id) encrypted under a new CMK, or
// under the AWS owned key when owned is set, and fills it with n items.
func (s *benchSvc) labTable(b *testing.B, owned bool, n int) {
	spec := ""
	if !owned {
		spec = sse(s.createKey(b))
	}
	s.call(b, "CreateTable", fmt.Sprintf(usersTable, spec))
	for i := range n {
		s.call(b, "PutItem", itemBody(i))
	}
}

func itemBody(i int) string {
	return fmt.Sprintf(`{"TableName":"users","Item":{"id":{"S":"user-%05d"},"name":{"S":"Learner %d"},"card":{"S":"4111-1111-1111-%04d"},"visits":{"N":"%d"}}}`, i, i, i%10000, i)
}

// keyModes are the table-key situations a data-plane call can be in.
var keyModes = []struct {
	name  string
	owned bool
	ttl   time.Duration
}{
	{"cmk-cached", false, 5 * time.Minute}, // the default: one KMS Decrypt per principal per 5 minutes
	{"cmk-nocache", false, 0},              // sim.NoKeyCache: KMS Decrypt (with authorization) every call
	{"owned-key", true, 5 * time.Minute},   // AWS owned key: no KMS, the table key unwrapped every call
}

func BenchmarkPutItem(b *testing.B) {
	for _, m := range keyModes {
		b.Run(m.name, func(b *testing.B) {
			s := newBenchSvc(b, m.ttl)
			s.labTable(b, m.owned, 0)
			bodies := make([]string, 1024)
			for i := range bodies {
				bodies[i] = itemBody(i)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				s.call(b, "PutItem", bodies[i%len(bodies)])
				i++
			}
		})
	}
}

func BenchmarkGetItem(b *testing.B) {
	for _, m := range keyModes {
		b.Run(m.name, func(b *testing.B) {
			s := newBenchSvc(b, m.ttl)
			s.labTable(b, m.owned, 100)
			body := `{"TableName":"users","Key":{"id":{"S":"user-00042"}}}`
			if raw, err := json.Marshal(s.call(b, "GetItem", body)); err != nil || !strings.Contains(string(raw), "Learner 42") {
				b.Fatalf("GetItem returned %s (%v)", raw, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				s.call(b, "GetItem", body)
			}
		})
	}
}

// BenchmarkScan1000 scans a 1000-item table in one page (the items are far below 1 MB).
func BenchmarkScan1000(b *testing.B) {
	for _, m := range keyModes {
		b.Run(m.name, func(b *testing.B) {
			s := newBenchSvc(b, m.ttl)
			s.labTable(b, m.owned, 1000)
			b.ReportAllocs()
			for b.Loop() {
				out, ok := s.call(b, "Scan", `{"TableName":"users"}`).(readOutput)
				if !ok || out.Count != 1000 {
					b.Fatalf("Scan count %d, want 1000", out.Count)
				}
			}
		})
	}
}

// BenchmarkDecodePutItem is request decoding alone: the awsJson1_0 body of
// the lab's PutItem into putItemInput, AttributeValues validated on the way.
func BenchmarkDecodePutItem(b *testing.B) {
	body := []byte(itemBody(42))
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var in putItemInput
		if err := decode(body, &in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkItemEncryption is item encryption at rest alone: the item hash,
// sealing the lab's item under the table key, and opening it again.
func BenchmarkItemEncryption(b *testing.B) {
	s := newBenchSvc(b, 5*time.Minute)
	var in putItemInput
	if err := decode([]byte(itemBody(42)), &in); err != nil {
		b.Fatal(err)
	}
	k, err := newTableKeys(bytes.Repeat([]byte{7}, tableKeyBytes), 1)
	if err != nil {
		b.Fatal(err)
	}
	id := in.Item["id"]
	b.ReportAllocs()
	for b.Loop() {
		h := k.itemHash(id, nil)
		sealed, err := s.svc.seal(k, "users", h, in.Item)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := open(k, "users", h, sealed); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStoredItemLiveBytes reports the live heap an item costs once stored,
// beyond its encrypted size: the bench's memory target, measured without the
// garbage of the requests that stored it.
func BenchmarkStoredItemLiveBytes(b *testing.B) {
	const n = 20000
	for b.Loop() {
		s := newBenchSvc(b, 5*time.Minute)
		s.labTable(b, false, 0)
		bodies := make([]string, n)
		for i := range bodies {
			bodies[i] = fmt.Sprintf(`{"TableName":"users","Item":{"id":{"S":"m-%07d"},"v":{"S":"small value"}}}`, i)
		}
		before := liveHeap()
		for _, body := range bodies {
			s.call(b, "PutItem", body)
		}
		after := liveHeap()
		encrypted := len("id") + len("m-0000000") + len("v") + len("small value") + 12 + 16
		b.ReportMetric(float64(after-before)/n-float64(encrypted), "B/item-overhead")
		runtime.KeepAlive(s)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
