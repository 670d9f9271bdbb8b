package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

const (
	killKeyID  = "AKIAKILLTESTEXAMPLE1"
	killSecret = "kill-test-secret/that+is/not+shown12345678"
)

// startDurableServe runs the real kmslab serve on addr with dataDir and waits
// until it is ready.
func startDurableServe(t *testing.T, bin, addr, dataDir, state string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data-dir", dataDir, "--admin-access-key-id", killKeyID,
		"--audit-log", filepath.Join(state, "audit.jsonl"))
	cmd.Env = append(cmd.Environ(), "XDG_STATE_HOME="+state, secretEnv+"="+killSecret)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "Ctrl-C") {
			go func() {
				for sc.Scan() {
				}
			}()
			return cmd
		}
	}
	_ = cmd.Wait()
	t.Fatalf("serve did not start: %s", stderr.String())
	return nil
}

func killClient(addr string) *dynamodb.Client {
	return dynamodb.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(killKeyID, killSecret, ""),
		BaseEndpoint: aws.String("http://" + addr),
		// One attempt: a retried write could land after the kill and be
		// counted as acknowledged by the retry, which is not the point here.
		RetryMaxAttempts: 1,
	})
}

// TestServeSIGKILLKeepsAcknowledgedWrites kills the real serve binary with
// SIGKILL while clients write, restarts it on the same data dir, and requires
// every write it acknowledged to be there, intact, and the store readable.
func TestServeSIGKILLKeepsAcknowledgedWrites(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the serve binary under a write load")
	}
	bin := kmslabBinary(t)
	state, dataDir := t.TempDir(), filepath.Join(t.TempDir(), "data")
	addr := freeAddr(t)
	cmd := startDurableServe(t, bin, addr, dataDir, state)
	ctx := context.Background()
	c := killClient(addr)
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("load"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}

	// Writers put items until the server dies; the kill comes once enough
	// writes are acknowledged (bounded: at most 20 s of load).
	const writers, killAfter = 4, 200
	var acked sync.Map // pk -> value
	var nAcked atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				pk := fmt.Sprintf("w%d-%d", w, i)
				val := strings.Repeat(pk+";", 20)
				_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("load"), Item: map[string]ddbtypes.AttributeValue{
					"pk": &ddbtypes.AttributeValueMemberS{Value: pk}, "v": &ddbtypes.AttributeValueMemberS{Value: val},
				}})
				if err != nil {
					return // the server is gone
				}
				acked.Store(pk, val)
				nAcked.Add(1)
			}
		}()
	}
	deadline := time.Now().Add(20 * time.Second)
	for nAcked.Load() < killAfter && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = cmd.Wait()
	close(stop)
	wg.Wait()
	if nAcked.Load() == 0 {
		t.Fatal("no write was acknowledged before the kill")
	}

	cmd2 := startDurableServe(t, bin, addr, dataDir, state)
	defer func() { _ = cmd2.Process.Signal(os.Interrupt); _ = cmd2.Wait() }()
	c2 := killClient(addr)
	got := map[string]string{}
	p := dynamodb.NewScanPaginator(c2, &dynamodb.ScanInput{TableName: aws.String("load")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("scan after restart: %v", err)
		}
		for _, it := range page.Items {
			pk := it["pk"].(*ddbtypes.AttributeValueMemberS).Value
			got[pk] = it["v"].(*ddbtypes.AttributeValueMemberS).Value
		}
	}
	missing := 0
	acked.Range(func(k, v any) bool {
		if got[k.(string)] != v.(string) {
			missing++
		}
		return true
	})
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged writes lost or changed after SIGKILL", missing, nAcked.Load())
	}
	// Unacknowledged writes may or may not be there, but nothing is garbled.
	for pk, v := range got {
		if v != strings.Repeat(pk+";", 20) {
			t.Fatalf("item %s corrupt after restart: %q", pk, v)
		}
	}
	t.Logf("%d writes acknowledged before SIGKILL, %d items after restart", nAcked.Load(), len(got))

	// The audit log file was appended to, not truncated, and holds an event
	// for every acknowledged write (events are written before the answer).
	b, err := os.ReadFile(filepath.Join(state, "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	puts := 0
	for line := range strings.Lines(string(b)) {
		var e struct{ EventName, ErrorCode string }
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("audit log line %q: %v", line, err)
		}
		if e.EventName == "PutItem" && e.ErrorCode == "" {
			puts++
		}
	}
	if puts < int(nAcked.Load()) {
		t.Errorf("audit log has %d successful PutItem events, %d writes were acknowledged", puts, nAcked.Load())
	}
	// The table answers writes again.
	if _, err := c2.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("load"), Item: map[string]ddbtypes.AttributeValue{
		"pk": &ddbtypes.AttributeValueMemberS{Value: "after"}, "v": &ddbtypes.AttributeValueMemberS{Value: strconv.Itoa(len(got))},
	}}); err != nil {
		t.Fatalf("write after restart: %v", err)
	}
}
