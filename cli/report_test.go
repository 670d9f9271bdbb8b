package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
	"kmslab/awsops/policydoc"
	"kmslab/steps"
)

// Fixed values, so that the report's goldens are the report's alone: the
// steps' own command text and the lab's live values do not move them.
const (
	rxKeyARN  = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	rxUserARN = "arn:aws:iam::111122223333:user/kmslab-user-demo01"
)

var (
	rxNames = ledger.NewNames("demo01")
	rxID    = awsops.Identity{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/lab-admin", Region: "us-east-1"}
	rxTable = awsops.Table{Name: "kmslab-demo01", Status: "ACTIVE", KeySchema: "id (S, HASH)",
		SSE: awsops.SSE{Status: "ENABLED", Type: "KMS", KMSKeyARN: rxKeyARN}}
	rxItem   = awsops.Item{{Name: "id", Type: "S", Value: "1"}, {Name: "name", Type: "S", Value: "Ada Lovelace"}}
	rxBefore = `{"Statement":[{"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/lab-admin"]},"Action":"kms:Decrypt","Resource":"*"}]}`
	rxAfter  = strings.Replace(rxBefore, `["arn`, `["`+rxUserARN+`","arn`, 1)
)

func reportFixture() ([]steps.Step, []steps.Outcome) {
	denied := awsops.Denied{Code: "AccessDeniedException", Action: "kms:Decrypt", Resource: rxKeyARN, Service: "DynamoDB", Operation: "Scan",
		Message: "User: " + rxUserARN + " is not authorized to perform: kms:Decrypt on resource: " + rxKeyARN +
			" because no identity-based policy allows the kms:Decrypt action"}
	outcomes := []steps.Outcome{
		{Status: steps.Done, Summary: "Key 1234abcd-12ab-34cd-56ef-1234567890ab (alias/kmslab-demo01) is Enabled; you are its administrator and user.",
			Result: steps.KeyCreated{Key: awsops.Key{ID: "1234abcd-12ab-34cd-56ef-1234567890ab", ARN: rxKeyARN, Alias: "alias/kmslab-demo01",
				State: "Enabled", Spec: "SYMMETRIC_DEFAULT", Usage: "ENCRYPT_DECRYPT", Manager: "CUSTOMER", Created: time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)}}},
		{Status: steps.Done, Summary: "Table kmslab-demo01 is ACTIVE and encrypted at rest with your key.", Result: steps.TableEncrypted{Table: rxTable}},
		{Status: steps.Done, Summary: "Stored item 1; as a Key User you read 1 item back in plain text.", Result: steps.ItemsRead{Items: []awsops.Item{rxItem}}},
		{Status: steps.Done, Summary: "User kmslab-user-demo01 has 1 managed policy and a working access key AKIAEXAMPLE.",
			Result: steps.UserCreated{User: awsops.TestUser{Name: "kmslab-user-demo01", ARN: rxUserARN, AccessKeyID: "AKIAEXAMPLE",
				Policies: []string{"arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"}}}},
		{Status: steps.DeniedAsExpected, Summary: "kmslab-user-demo01 was refused kms:Decrypt.", // no explanation: what AWS said
			Result: steps.ReadDenied{Denied: denied, Table: &rxTable}},
		{Status: steps.Done, Summary: "kmslab-user-demo01 is now in \"Allow use of the key\" and reads 1 item in plain text.",
			Result: steps.KeyUseGranted{Change: policydoc.Change{Before: rxBefore, After: rxAfter, Added: []string{rxUserARN}, Changed: true,
				Diff: policydoc.DiffPolicies(rxBefore, rxAfter)}, Access: awsops.Access{Items: []awsops.Item{rxItem}}}},
		{Status: steps.Done, Summary: "Removed 1 resource.", Result: steps.CleanedUp{Report: ledger.CleanupReport{Resources: []ledger.Fate{
			{Kind: ledger.KindTable, Name: "kmslab-demo01", Outcome: "deleted"}}}}},
	}
	titles := []string{"Create a customer managed KMS key", "Encrypt a DynamoDB table with the key", "Add an item and read it back",
		"Create a test user with DynamoDB access only", "Read the table as the test user", "Grant the test user use of the key", "Clean up"}
	all := make([]steps.Step, len(outcomes))
	for i := range all {
		o := outcomes[i]
		all[i] = steps.Step{Part: i + 1, ID: "step" + itoaTest(i+1), Title: titles[i],
			CLI: func(n ledger.Names, _ awsops.Identity) []string {
				return []string{"aws iam simulate-principal-policy --policy-source-arn " + rxUserARN +
					" --action-names kms:Decrypt --resource-arns " + rxKeyARN + " --table-name " + n.Table}
			},
			Run: func(context.Context, *awsops.Lab) steps.Outcome { return o }}
	}
	all[len(all)-1].Kind = steps.KindCleanup
	return all, outcomes
}

func itoaTest(n int) string { return string(rune('0' + n)) }

// TestReportGolden pins `kmslab run`'s text at 80 columns (as on a terminal
// that wide) and its JSON.
func TestReportGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		json   bool
		width  int
		expect []string
	}{
		{"text_80", false, 80, []string{"⊘ Denied, as the lab expects.", "@@ Allow use of the key"}},
		{"text_pipe", false, 0, nil},
		{"json", true, 0, []string{`"denied":{"code":"AccessDeniedException"`, `"kind":"cleanup"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			r := newReport(&buf, steps.KMS(), tc.json, tc.width)
			r.partCount = 6
			all, outcomes := reportFixture()
			r.header(Offline, rxID, rxNames)
			for i, st := range all {
				r.stepStart(st, rxNames, rxID)
				r.stepDone(st, rxNames, rxID, outcomes[i])
			}
			r.verdict(true, "")
			out := buf.String()
			golden.RequireEqual(t, []byte(out))
			for _, want := range tc.expect {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q", want)
				}
			}
			if strings.Contains(out, "✗") {
				t.Error("a ✗ in a run where nothing failed")
			}
			if tc.json && (strings.Contains(out, `"part":7`) || strings.Contains(out, `"Denied"`)) {
				t.Error("JSON calls cleanup part 7 or mixes key styles")
			}
			for _, l := range strings.Split(out, "\n") {
				if tc.width > 0 && len([]rune(l)) > tc.width {
					t.Errorf("line wider than %d: %q", tc.width, l)
				}
			}
		})
	}
}

// TestReportNote: a step returning a plain steps.Note (an experiment's first
// version) is reported with its values, in text and in JSON, with no change here.
func TestReportNote(t *testing.T) {
	st := steps.Step{Kind: steps.KindExperiment, ID: "rotate", Title: "Rotate the key"}
	o := steps.Outcome{Status: steps.Done, Summary: "Rotated.", Result: steps.Note{Pairs: [][2]string{{"Rotation", "on demand"}}}}
	for _, asJSON := range []bool{false, true} {
		var buf bytes.Buffer
		r := newReport(&buf, steps.KMS(), asJSON, 80)
		r.stepStart(st, rxNames, rxID)
		r.stepDone(st, rxNames, rxID, o)
		out := buf.String()
		if !strings.Contains(out, "on demand") || (!asJSON && !strings.Contains(out, "Experiment · Rotate the key")) ||
			(asJSON && (!strings.Contains(out, `"kind":"experiment"`) || strings.Contains(out, `"part"`))) {
			t.Errorf("json %v:\n%s", asJSON, out)
		}
	}
}

// TestExperimentsHeaderSaysWhereItWaits: the experiments' preamble says the
// clock jumps ahead only when the lab runs offline; against AWS or another
// endpoint kmslab waits the cache out for real.
func TestExperimentsHeaderSaysWhereItWaits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode      Mode
		want, not string
	}{
		{Offline, "(offline, the clock jumps ahead instead of waiting)", "waits it out"},
		{RealAWS, "(kmslab waits it out)", "offline"},
		{Endpoint, "(kmslab waits it out)", "offline"},
	} {
		var buf bytes.Buffer
		r := newReport(&buf, steps.KMS(), false, 0)
		r.header(tc.mode, rxID, rxNames)
		buf.Reset()
		r.experimentsHeader(5 * time.Minute)
		out := buf.String()
		if !strings.Contains(out, "DynamoDB's table key cache: 5m0s "+tc.want) || strings.Contains(out, tc.not) {
			t.Errorf("mode %v: %q", tc.mode, out)
		}
	}
	var buf bytes.Buffer
	r := newReport(&buf, steps.Envelope(), false, 0)
	r.header(Offline, rxID, rxNames)
	buf.Reset()
	r.experimentsHeader(5 * time.Minute)
	if strings.Contains(buf.String(), "cache") {
		t.Errorf("the envelope lab caches nothing, yet: %q", buf.String())
	}
}
