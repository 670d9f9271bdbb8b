package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"kmslab/awsops"
	"kmslab/awsops/awserr"
	"kmslab/awsops/explain"
	"kmslab/awsops/ledger"
	"kmslab/awsops/policydoc"
	"kmslab/policy"
	"kmslab/steps"
)

// Fixed values so that every golden file is deterministic.
const (
	fxAccount = "111122223333"
	fxKeyID   = "1234abcd-12ab-34cd-56ef-1234567890ab"
	fxKeyARN  = "arn:aws:kms:us-east-1:111122223333:key/" + fxKeyID
	fxAdmin   = "arn:aws:iam::111122223333:user/lab-admin"
	fxUserARN = "arn:aws:iam::111122223333:user/kmslab-user-demo01"
)

var (
	fxNames    = ledger.NewNames("demo01")
	fxIdentity = awsops.Identity{Account: fxAccount, ARN: fxAdmin, UserID: "AIDAEXAMPLEADMIN", Region: "us-east-1"}
	fxTime     = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
)

const fxPolicyBefore = `{
  "Version": "2012-10-17",
  "Id": "key-consolepolicy-3",
  "Statement": [
    {
      "Sid": "Enable IAM User Permissions",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
      "Action": "kms:*",
      "Resource": "*"
    },
    {
      "Sid": "Allow use of the key",
      "Effect": "Allow",
      "Principal": {"AWS": ["arn:aws:iam::111122223333:user/lab-admin"]},
      "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
      "Resource": "*"
    }
  ]
}`

var fxPolicyAfter = strings.Replace(fxPolicyBefore,
	`{"AWS": ["arn:aws:iam::111122223333:user/lab-admin"]}`,
	`{"AWS": ["arn:aws:iam::111122223333:user/lab-admin", "`+fxUserARN+`"]}`, 1)

var fxItem = awsops.Item{
	{Name: "id", Type: "S", Value: "patient-0042"},
	{Name: "name", Type: "S", Value: "Ada Lovelace"},
	{Name: "diagnosis", Type: "S", Value: "confidential"},
	{Name: "age", Type: "N", Value: "36"},
}

var fxTable = awsops.Table{
	Name: fxNames.Table, ARN: "arn:aws:dynamodb:us-east-1:111122223333:table/" + fxNames.Table,
	Status: "ACTIVE", KeySchema: "id (S, HASH)",
	SSE: awsops.SSE{Status: "ENABLED", Type: "KMS", KMSKeyARN: fxKeyARN},
}

var fxDenied = &awsops.Denied{
	Code: "AccessDeniedException", Action: "kms:Decrypt", Resource: fxKeyARN, Principal: fxUserARN,
	Operation: "Scan", Service: "DynamoDB",
	Message: "KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: User: " + fxUserARN +
		" is not authorized to perform: kms:Decrypt on resource: " + fxKeyARN +
		" because no identity-based policy allows the kms:Decrypt action (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 00000000-0000-0000-0000-000000000000; Proxy: null)",
}

var fxExplanation = &explain.Explanation{
	Action: "kms:Decrypt", Resource: fxKeyARN, Decision: "implicitDeny",
	Details: []explain.Detail{{Source: "IAM policies", Decision: "implicitDeny"}, {Source: "key policy", Decision: "implicitDeny"}},
	Summary: "The key policy only delegates to IAM (the account root), and the user's IAM policy AmazonDynamoDBFullAccess allows no kms:Decrypt.",
	Trace:   fxTrace(fxPolicyBefore),
}

// fxDynamoDBFullAccess is the first two statements of the AWS managed policy,
// enough for the trace to show why it does not reach KMS.
const fxDynamoDBFullAccess = `{"Version":"2012-10-17","Statement":[
  {"Action":["dynamodb:*","dax:*","application-autoscaling:DeleteScalingPolicy"],"Effect":"Allow","Resource":"*"},
  {"Action":"iam:PassRole","Effect":"Allow","Resource":"*","Condition":{"StringLike":{"iam:PassedToService":["dax.amazonaws.com"]}}}]}`

// fxTrace is the trace of the test user's kms:Decrypt through DynamoDB
// under keyPolicy, made by the policy engine as awsops makes it.
func fxTrace(keyPolicy string) *explain.Trace {
	key, err := policy.ParseResource([]byte(keyPolicy))
	if err != nil {
		panic(err)
	}
	ddb, err := policy.ParseIdentity([]byte(fxDynamoDBFullAccess))
	if err != nil {
		panic(err)
	}
	tr := policy.Explain(policy.Input{
		Request: policy.Request{PrincipalARN: fxUserARN, Action: "kms:Decrypt", Resource: fxKeyARN,
			Context: policy.Context{"kms:ViaService": {"dynamodb.us-east-1.amazonaws.com"}}},
		Identity: []policy.Named{{Name: "AmazonDynamoDBFullAccess", Doc: ddb, Kind: policy.KindManaged}},
		Resource: key, KMS: true, KeyState: "Enabled",
	})
	return &explain.Trace{Trace: tr, Simulator: tr.EvalDecision()}
}

// fxOutcomes are the outcomes each fixture step returns, in order.
var fxOutcomes = []steps.Outcome{
	{Status: steps.Done, Summary: "Created key " + fxKeyID + " with alias " + fxNames.Alias + ".",
		Result: steps.KeyCreated{Key: awsops.Key{ID: fxKeyID, ARN: fxKeyARN, Alias: fxNames.Alias, State: "Enabled", Spec: "SYMMETRIC_DEFAULT",
			Usage: "ENCRYPT_DECRYPT", Manager: "CUSTOMER", Created: fxTime, Description: "kmslab run demo01", Policy: fxPolicyBefore}}},
	{Status: steps.Done, Summary: "Table " + fxNames.Table + " is ACTIVE, encrypted with your key.", Result: steps.TableEncrypted{Table: fxTable}},
	{Status: steps.Done, Summary: "Wrote one item, then read it back as the admin.", Result: steps.ItemsRead{Items: []awsops.Item{fxItem}}},
	{Status: steps.Done, Summary: "Created " + fxNames.User + " with AmazonDynamoDBFullAccess.",
		Result: steps.UserCreated{User: awsops.TestUser{Name: fxNames.User, ARN: fxUserARN, AccessKeyID: "AKIAEXAMPLETESTUSER1",
			Policies: []string{"arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"}}}},
	{Status: steps.DeniedAsExpected, Summary: "The test user may describe the table but not read it.",
		Result: steps.ReadDenied{Denied: *fxDenied, Explanation: fxExplanation, Table: &fxTable, FixedBy: "part 6"}},
	{Status: steps.Done, Summary: "Added the test user to \"Allow use of the key\"; the read now works.",
		Result: steps.KeyUseGranted{
			Change: policydoc.Change{Before: fxPolicyBefore, After: fxPolicyAfter, Added: []string{fxUserARN}, Changed: true,
				Diff: policydoc.DiffPolicies(fxPolicyBefore, fxPolicyAfter)},
			Access:      awsops.Access{Items: []awsops.Item{fxItem}},
			Explanation: &explain.Explanation{Action: "kms:Decrypt", Resource: fxKeyARN, Decision: "allowed", Trace: fxTrace(fxPolicyAfter)}}},
	{Status: steps.Done, Summary: "Removed 6 resources.", Result: steps.CleanedUp{Report: ledger.CleanupReport{Resources: []ledger.Fate{
		{Kind: ledger.KindAccessKey, Name: "AKIAEXAMPLETESTUSER1", Outcome: "deleted"},
		{Kind: ledger.KindPolicy, Name: fxNames.User + "|AmazonDynamoDBFullAccess", Outcome: "deleted"},
		{Kind: ledger.KindUser, Name: fxNames.User, Outcome: "deleted"},
		{Kind: ledger.KindTable, Name: fxNames.Table, Outcome: "deleted"},
		{Kind: ledger.KindAlias, Name: fxNames.Alias, Outcome: "deleted"},
		{Kind: ledger.KindKey, Name: fxKeyID, Outcome: "scheduled for deletion in 7 days"},
	}}}},
}

var fxIDs = []string{"create-key", "encrypt-table", "add-data", "create-user", "test-denied", "grant-access", "cleanup"}

// fxShorts are the real steps' sidebar titles.
var fxShorts = []string{"Create a key", "Encrypt table", "Add an item", "Add test user", "Read as user", "Grant key use", "Clean up"}

var fxTitles = []string{"Create a KMS key", "Encrypt a table with it", "Add data", "Create a test user",
	"Read as the test user", "Grant use of the key", "Clean up"}

// fixtureSteps returns steps whose Run returns fxOutcomes[i]; failOnce makes
// the listed steps fail on their first run only.
func fixtureSteps(failOnce ...int) []steps.Step {
	out := make([]steps.Step, len(fxOutcomes))
	for i := range fxOutcomes {
		i := i
		fails := 0
		for _, f := range failOnce {
			if f == i {
				fails = 1
			}
		}
		part := i + 1
		kind := steps.KindPart
		if i == len(fxOutcomes)-1 {
			kind = steps.KindCleanup
		}
		out[i] = steps.Step{
			Part: part, Kind: kind, ID: fxIDs[i], Title: fxTitles[i], Short: fxShorts[i],
			Explain: "## " + fxTitles[i] + "\n\nIn this part you **" + strings.ToLower(fxTitles[i]) +
				"**. A customer managed key lets *you* decide, in its key policy, who may use it.\n\n- one\n- two",
			CLI: func(n ledger.Names, id awsops.Identity) []string {
				return []string{"aws kms describe-key --key-id " + n.Alias + " --region " + id.Region}
			},
			Run: func(ctx context.Context, _ *awsops.Lab) steps.Outcome {
				if fails > 0 {
					fails--
					err := &awserr.Error{Op: "step " + itoa(part), Resource: fxNames.Table, Code: "ThrottlingException",
						Message: "Rate exceeded.", Hint: "Wait a moment and retry.", Err: errors.New("rate exceeded")}
					return steps.Outcome{Status: steps.Failed, Err: err, Summary: err.Error()}
				}
				return fxOutcomes[i]
			},
		}
	}
	return out
}

type fakeExtras struct{}

func (fakeExtras) AtRest(string) (AtRest, error) {
	ct := make([]byte, 80)
	for i := range ct {
		ct[i] = byte(i*37 + 11)
	}
	wk := make([]byte, 40)
	for i := range wk {
		wk[i] = byte(255 - i*7)
	}
	return AtRest{WrappedKey: wk, Items: []StoredItem{{KeyHash: []byte{1, 2, 3}, Ciphertext: ct}}}, nil
}

func (fakeExtras) Audit() []AuditEvent {
	return []AuditEvent{
		{Time: fxTime, Service: "kms", Operation: "CreateKey", Caller: fxAdmin, Decision: "Allow"},
		{Time: fxTime.Add(2 * time.Second), Service: "kms", Operation: "GenerateDataKey", Caller: fxAdmin, InvokedBy: "dynamodb.amazonaws.com", Decision: "Allow"},
		{Time: fxTime.Add(3 * time.Second), Service: "dynamodb", Operation: "Scan", Caller: fxUserARN, Decision: "Allow"},
		{Time: fxTime.Add(3 * time.Second), Service: "kms", Operation: "Decrypt", Caller: fxUserARN, InvokedBy: "dynamodb.amazonaws.com", Decision: "Deny", ErrorCode: "AccessDeniedException"},
	}
}

// Notes fade at once in tests: press runs every command to completion, and
// drain drops the fading tick itself.
func init() { flashTTL = time.Millisecond }

// fxSaveDir is where the fixtures' c saves commands.
var fxSaveDir = os.TempDir()

func newFixtureModel(mode Mode, w, h int, extras Extras, failOnce ...int) Model {
	dark := true
	return New(Options{Course: fxCourse(fixtureSteps(failOnce...)), Identity: fxIdentity, Names: fxNames, Mode: mode,
		Extras: extras, Width: w, Height: h, Dark: &dark, SaveDir: fxSaveDir})
}

// withOutcome records step i's outcome as if it had run.
func withOutcome(m Model, i int) Model {
	o := fxOutcomes[i]
	m.steps[i] = stepState{status: fromStepStatus(o.Status), outcome: o, ran: true, run: 0}
	return m
}

// atStep returns a model on step i with steps 0..i done.
func atStep(m Model, i int) Model {
	for j := 0; j <= i; j++ {
		m = withOutcome(m, j)
	}
	m.goTo(screenStep, i)
	if cmd := m.part.panels.fetch(m.opts.Names.Table); cmd != nil {
		nm, _ := m.Update(cmd())
		m = nm.(Model)
	}
	m.part.refresh(true)
	m.part.showResult()
	m.cacheChrome()
	return m
}

// content is the active screen's whole content, without styles.
func content(m Model) string { return ansi.Strip(m.active().scroller().content()) }

// press sends key presses and runs the resulting commands to completion
// (except ticks and quit), returning the final model and whether it quit.
func press(t testing.TB, m Model, keys ...string) (Model, bool) {
	t.Helper()
	quit := false
	for _, k := range keys {
		var cmd tea.Cmd
		var nm tea.Model
		nm, cmd = m.Update(keyMsg(k))
		m = nm.(Model)
		m, quit = drain(m, cmd, quit)
	}
	return m, quit
}

func drain(m Model, cmd tea.Cmd, quit bool) (Model, bool) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch msg := msg.(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
			continue
		case tea.QuitMsg:
			quit = true
			continue
		case nil:
			continue
		}
		if isTick(msg) {
			continue
		}
		nm, next := m.Update(msg)
		m = nm.(Model)
		queue = append(queue, next)
	}
	return m, quit
}

func isTick(msg tea.Msg) bool {
	name := strings.ToLower(fmt.Sprintf("%T", msg))
	return strings.Contains(name, "tick") || strings.Contains(name, "clipboard") || strings.Contains(name, "setclipboard")
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// plain renders a view as text without any styling: layout goldens.
func plain(m Model) string {
	renderMu.Lock()
	defer renderMu.Unlock()
	return ansi.Strip(m.View().Content)
}

func downsample(s string, p colorprofile.Profile) string {
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: p}
	_, _ = w.WriteString(s)
	return buf.String()
}

// fxCourse is the KMS lab with the given steps and experiments (none unless
// given), so that a fixture shows only what it is about.
func fxCourse(st []steps.Step, x ...steps.Experiment) steps.Lab {
	c := steps.KMS()
	c.Steps, c.Experiments = st, x
	return c
}
