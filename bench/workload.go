package main

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// workload sizes.
type sizes struct {
	N     int // requests per operation
	Items int // items in the scanned table
	Scans int // full scans of that table
	Conc  int // concurrent clients for the throughput run

	Pairs    int `json:"pairs"`     // PutItem+GetItem and Encrypt+Decrypt pairs per client in the pair runs
	MemItems int `json:"mem_items"` // small items stored to measure memory per item
	Starts   int `json:"starts"`    // starts of `kmslab serve`, runs of `kmslab version` and of the TUI
}

// timed runs f n times, one sample per call, and summarises.
func timed(ctx context.Context, op string, n int, f func(i int) error) Stats {
	samples := make([]time.Duration, 0, n)
	errs, first := 0, ""
	start := time.Now()
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		t := time.Now()
		err := f(i)
		d := time.Since(t)
		if err != nil {
			errs++
			if first == "" {
				first = err.Error()
			}
			continue
		}
		samples = append(samples, d)
	}
	return summarise(op, samples, errs, first, time.Since(start))
}

func labTableInput(name, keyARN string) *dynamodb.CreateTableInput {
	return &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		SSESpecification:     &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String(keyARN)},
	}
}

func str(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberS{Value: v} }

// labItem is a lab-shaped record: a key and the attributes a learner would protect.
func labItem(i int) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{
		"id":     str(fmt.Sprintf("user-%06d", i)),
		"name":   str("Learner " + strconv.Itoa(i)),
		"card":   str(fmt.Sprintf("4111-1111-1111-%04d", i%10000)),
		"visits": &ddbtypes.AttributeValueMemberN{Value: strconv.Itoa(i)},
	}
}

// perf is the latency and throughput part of one server's results.
type perf struct {
	Ops        []Stats `json:"ops"`
	LoadItems  float64 `json:"load_items_ms"` // BatchWriteItem of Items items, 25 a call
	Throughput Stats   `json:"concurrent_getitem"`
}

// runPerf makes the lab's calls against ep, each op timed per call with one client.
func runPerf(ctx context.Context, ep endpoint, sz sizes) (perf, error) {
	cfg := ep.admin()
	kc, dc := kms.NewFromConfig(cfg), dynamodb.NewFromConfig(cfg)
	var p perf
	add := func(st Stats) { p.Ops = append(p.Ops, st) }

	var keyARNs []string
	add(timed(ctx, "CreateKey", sz.N, func(int) error {
		out, err := kc.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("kmslab bench")})
		if err == nil {
			keyARNs = append(keyARNs, *out.KeyMetadata.Arn)
		}
		return err
	}))
	if len(keyARNs) == 0 {
		return p, fmt.Errorf("CreateKey never succeeded: %s", p.Ops[0].FirstErr)
	}
	key := keyARNs[0]

	plain := []byte("4111-1111-1111-1111")
	var blob []byte
	add(timed(ctx, "Encrypt", sz.N, func(int) error {
		out, err := kc.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(key), Plaintext: plain})
		if err == nil {
			blob = out.CiphertextBlob
		}
		return err
	}))
	add(timed(ctx, "Decrypt", sz.N, func(int) error {
		if blob == nil {
			return fmt.Errorf("no ciphertext: Encrypt failed")
		}
		out, err := kc.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: blob})
		if err == nil && string(out.Plaintext) != string(plain) {
			return fmt.Errorf("decrypt returned %q", out.Plaintext)
		}
		return err
	}))
	add(timed(ctx, "CreateTable (SSE CMK)", sz.N, func(i int) error {
		_, err := dc.CreateTable(ctx, labTableInput(fmt.Sprintf("kmslab-bench-%04d", i), key))
		return err
	}))

	const table = "kmslab-bench-0000"
	add(timed(ctx, "PutItem", sz.N, func(i int) error {
		_, err := dc.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: labItem(i)})
		return err
	}))
	add(timed(ctx, "GetItem", sz.N, func(i int) error {
		out, err := dc.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]ddbtypes.AttributeValue{"id": str(fmt.Sprintf("user-%06d", i))}})
		if err == nil && out.Item == nil {
			return fmt.Errorf("GetItem found no item %d", i)
		}
		return err
	}))

	// A table holding exactly Items items for the scans.
	const scanTable = "kmslab-bench-scan"
	if _, err := dc.CreateTable(ctx, labTableInput(scanTable, key)); err != nil {
		return p, fmt.Errorf("create scan table: %w", err)
	}
	t0 := time.Now()
	for i := 0; i < sz.Items; i += 25 {
		var reqs []ddbtypes.WriteRequest
		for j := i; j < min(i+25, sz.Items); j++ {
			reqs = append(reqs, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: labItem(j)}})
		}
		out, err := dc.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{scanTable: reqs}})
		if err != nil {
			return p, fmt.Errorf("load scan table: %w", err)
		}
		if len(out.UnprocessedItems) > 0 {
			return p, fmt.Errorf("load scan table: %d unprocessed", len(out.UnprocessedItems[scanTable]))
		}
	}
	p.LoadItems = ms(time.Since(t0))
	add(timed(ctx, fmt.Sprintf("Scan (%d items, all pages)", sz.Items), sz.Scans, func(int) error {
		n := 0
		var start map[string]ddbtypes.AttributeValue
		for page := 0; page < sz.Items+1; page++ { // bounded: every page holds at least one item
			out, err := dc.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(scanTable), ExclusiveStartKey: start})
			if err != nil {
				return err
			}
			n += int(out.Count)
			if len(out.LastEvaluatedKey) == 0 {
				break
			}
			start = out.LastEvaluatedKey
		}
		if n != sz.Items {
			return fmt.Errorf("scan saw %d items, want %d", n, sz.Items)
		}
		return nil
	}))

	p.Throughput = concurrentGets(ctx, dc, table, sz)
	return p, nil
}

// concurrentGets is GetItem from Conc clients at once, N calls each: the throughput
// a server sustains when the lab's TUI and a CLI talk to it together.
func concurrentGets(ctx context.Context, dc *dynamodb.Client, table string, sz sizes) Stats {
	var (
		mu      sync.Mutex
		samples []time.Duration
		errs    int
		first   string
		wg      sync.WaitGroup
	)
	start := time.Now()
	for w := range sz.Conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, sz.N)
			for i := range sz.N {
				if ctx.Err() != nil {
					break
				}
				id := fmt.Sprintf("user-%06d", (i+w)%sz.N)
				t := time.Now()
				_, err := dc.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]ddbtypes.AttributeValue{"id": str(id)}})
				d := time.Since(t)
				if err != nil {
					mu.Lock()
					errs++
					if first == "" {
						first = err.Error()
					}
					mu.Unlock()
					continue
				}
				local = append(local, d)
			}
			mu.Lock()
			samples = append(samples, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return summarise(fmt.Sprintf("GetItem x%d clients", sz.Conc), samples, errs, first, time.Since(start))
}
