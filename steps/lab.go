package steps

import (
	"fmt"
	"strconv"

	"kmslab/awsops/ledger"
)

// Lab is one lab as a value: what it is about, what it creates, its steps
// (numbered parts, then cleanup), the experiments offered after the last
// part, and what each step must reach for the run to count (Step.Check).
// The TUI, `kmslab run` and the tests walk any Lab the same way; nothing
// outside this package knows which part does what.
type Lab struct {
	ID    string
	Title string
	// Tagline is the lab in one sentence, for the list of labs to choose from.
	Tagline string
	// Intro is the welcome screen's markdown: what the learner will do.
	Intro string
	// Must says in a line what a run must show, for `kmslab run --help`.
	Must string
	// Resources lists what the lab creates and what it costs, for the
	// confirmation before a real account is touched.
	Resources func(ledger.Names) []Resource
	// Steps are the parts, then cleanup, in order.
	Steps []Step
	// Experiments are the what-ifs offered once the last part succeeded and
	// before cleanup; they start from, and restore, the end of that part.
	Experiments []Experiment
	// Remember is the summary's "What to remember", markdown.
	Remember string
	// Next points, in markdown, to the lab to take after this one, and
	// NextID names it (LabByID), so the summary can start it.
	Next   string
	NextID string
	// Cached names what its experiments may have to wait out between a
	// change and its effect ("DynamoDB's table key cache"), for `kmslab
	// run`'s preamble to the experiments; "" when nothing is cached.
	Cached string
}

// CacheWait says how a wait for the cache passes: offline, the offline AWS's
// clock jumps ahead; against AWS or another endpoint, kmslab waits for real.
// The TUI and `run` both say it, so it lives here.
func CacheWait(offline bool) string {
	if offline {
		return "offline, the clock jumps ahead instead of waiting"
	}
	return "kmslab waits it out"
}

// Resource is one thing a lab creates, with what it costs.
type Resource struct {
	What, Name, Cost string
}

// KMS is the "Encrypt data with AWS KMS" lab.
func KMS() Lab {
	return Lab{
		ID:          "kms",
		Title:       "Encrypt data with AWS KMS",
		Tagline:     "Who may read a table encrypted with your own KMS key: full DynamoDB access is not enough.",
		Intro:       kmsIntro,
		Must:        "the test user denied in part 5, allowed after part 6, everything cleaned up",
		Resources:   kmsResources,
		Steps:       All(),
		Remember:    kmsRemember,
		Next:        "Do by hand what DynamoDB did for you here: `kmslab --lab envelope` generates a data key, encrypts a secret with it locally, keeps only the encrypted data key, and asks KMS to decrypt that key to read the secret again.",
		NextID:      "envelope",
		Experiments: Experiments(),
		Cached:      "DynamoDB's table key cache",
	}
}

const kmsIntro = `**kmslab** walks you through encrypting data with **AWS KMS**, one part at a time.

You will create a customer managed KMS key, encrypt a DynamoDB table with it, store an item, and then
watch a user with *full DynamoDB access* be refused: reading data encrypted under a customer managed
key also needs ` + "`kms:Decrypt`" + ` on that key. Finally you grant it in the key policy and read again.

Every screen shows a live result, the AWS CLI command that does the same, and why it behaves as it does.`

// kmsResources are what the KMS lab creates, priced as AWS lists them
// (https://aws.amazon.com/kms/pricing/, https://aws.amazon.com/dynamodb/pricing/on-demand/).
func kmsResources(n ledger.Names) []Resource {
	return []Resource{
		{"KMS key + alias", n.Alias, "$1/month, prorated hourly, while the key exists: cents for this lab. " +
			"Cleanup schedules its deletion after 7 days, the minimum AWS allows; a key pending deletion is not charged."},
		{"DynamoDB table", n.Table, "On-demand, encrypted with the key; a few requests and bytes: well under $0.01."},
		{"IAM user + access key", n.User, "Free. AmazonDynamoDBFullAccess only: no KMS permission."},
		{"KMS requests", "about 20", "Free tier covers 20,000 a month; then $0.03 per 10,000."},
	}
}

// NumberedExperiments is the lab's experiments numbered as they are
// offered, from 1: a lab lists them, it does not count them.
func (l Lab) NumberedExperiments() []Experiment {
	out := make([]Experiment, len(l.Experiments))
	for i, x := range l.Experiments {
		x.Number = i + 1
		out[i] = x
	}
	return out
}

// PartCount is how many numbered parts the lab has ("Part 2 of 6").
func (l Lab) PartCount() int { return PartCount(l.Steps) }

// lastPart is the index of the last numbered part in Steps, or -1.
func (l Lab) lastPart() int {
	last := -1
	for i, s := range l.Steps {
		if s.Kind == KindPart {
			last = i
		}
	}
	return last
}

// ExperimentsAfter is the index of the step after which the experiments
// are offered (the last part), or -1 when the lab has none.
func (l Lab) ExperimentsAfter() int {
	if len(l.Experiments) == 0 {
		return -1
	}
	return l.lastPart()
}

// Baseline names the state experiments start from and restore:
// "the end of part 6".
func (l Lab) Baseline() string {
	i := l.lastPart()
	if i < 0 {
		return "the end of the lab"
	}
	return "the end of part " + strconv.Itoa(l.Steps[i].Part)
}

// FirstStep names where the walkthrough begins: "part 1".
func (l Lab) FirstStep() string {
	if len(l.Steps) == 0 || l.Steps[0].Kind != KindPart {
		return "the lab"
	}
	return "part " + strconv.Itoa(l.Steps[0].Part)
}

// ReadyForExperiments reports whether a run's outcomes (in step order)
// reached the end of the last part successfully.
func (l Lab) ReadyForExperiments(done []Outcome) bool {
	i := l.ExperimentsAfter()
	return i >= 0 && len(done) > i && done[i].Status.Succeeded()
}

// Verdict says why a run's outcomes (in step order) are not what the lab
// must reach, or "" when they are.
func (l Lab) Verdict(outcomes []Outcome) string {
	if len(outcomes) < len(l.Steps) {
		return "the lab was interrupted before it finished"
	}
	for i, o := range outcomes {
		if why := l.Steps[i].check(o); why != "" {
			return why
		}
	}
	return ""
}

// check says why o is not what the step must reach, or "".
func (s Step) check(o Outcome) string {
	if s.Check != nil {
		return s.Check(o)
	}
	return mustBeDone(s.Title, o)
}

// mustBeDone says why a step titled title is not Done, or "".
func mustBeDone(title string, o Outcome) string {
	if o.Status != Done {
		what := o.Summary
		if o.Err != nil {
			what = o.Err.Error()
		}
		return fmt.Sprintf("%s failed: %s", title, what)
	}
	return ""
}

// Labs are every lab, the default first.
func Labs() []Lab { return []Lab{KMS(), Envelope()} }

// LabIDs are the labs' ids, as --lab takes them.
func LabIDs() []string {
	var out []string
	for _, l := range Labs() {
		out = append(out, l.ID)
	}
	return out
}

// LabByID finds a lab by its id.
func LabByID(id string) (Lab, bool) {
	for _, l := range Labs() {
		if l.ID == id {
			return l, true
		}
	}
	return Lab{}, false
}

const kmsRemember = `- DynamoDB encrypts every table at rest. With a **customer managed key** you decide, in the key policy, who may use it.
- Every read and write of an encrypted table needs the table key, which DynamoDB decrypts with KMS **as the caller**: full DynamoDB permissions are not enough without ` + "`kms:Decrypt`" + ` on the key.
- Metadata calls such as DescribeTable need no KMS permission: the denial is specifically about the data.
- There are two ways to let a user use the key: name the user in the key policy (the fix you ran), or, because the key policy's root statement ("Enable IAM User Permissions") hands the decision to IAM, attach an IAM policy that allows ` + "`kms:Decrypt`" + ` on the key. Both are policy changes, visible in a diff and auditable in CloudTrail.`
