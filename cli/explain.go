package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"kmslab/awsops/explain"
	"kmslab/policy"
)

func newExplainCmd(g *globals) *cobra.Command {
	var req explain.TraceRequest
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "explain",
		Short: "Explain a user's or role's access to a key or a table",
		Long: `explain reads the key, its key policy and grants, and the user's managed, inline and
group policies (or the role's managed and inline policies), then evaluates the request
with AWS's rules: an explicit deny first; the key policy must allow, by naming the caller
(a role session is named by its role) or by handing the decision to IAM through the
account root; then an IAM policy must allow too; grants allow the operations they list.
It also asks IAM's policy simulator and says when the two disagree.

With --table and a DynamoDB --action, it explains DynamoDB's own decision on the
table instead: the caller's IAM policies and the table's resource-based policy
(within one account, a table policy statement naming the caller allows by itself).
The table key's KMS decision is separate: explain kms:Decrypt on the key --via dynamodb.

It only reads. Against the offline AWS, start kmslab serve and pass its --endpoint-url
(or paste its export lines: AWS_ENDPOINT_URL is read);
against your account, pass --aws (with --profile and --region as needed). Each document
your credentials may not read is named in the output.`,
		Example: `# why the lab's test user may not read the table, against kmslab serve
kmslab explain --endpoint-url http://127.0.0.1:4566 \
  --principal kmslab-user-abc --key alias/kmslab-abc --via dynamodb
# a user of your real account, as JSON
kmslab explain --aws --profile dev --key 1234abcd-... --json \
  --principal arn:aws:iam::111122223333:user/bob
# a role session
kmslab explain --endpoint-url http://127.0.0.1:4566 \
  --principal arn:aws:sts::111122223333:assumed-role/app/s1 \
  --key alias/kmslab-abc
# why the test user may describe the table, through the table's policy
kmslab explain --endpoint-url http://127.0.0.1:4566 \
  --principal kmslab-user-abc --table kmslab-abc \
  --action dynamodb:DescribeTable`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rg := *g
			if rg.endpointURL == "" && !rg.aws {
				// What kmslab serve's export lines set; the SDK reads it too.
				rg.endpointURL = os.Getenv("AWS_ENDPOINT_URL")
			}
			if !rg.aws && rg.endpointURL == "" {
				return fmt.Errorf("explain reads an existing account: pass --endpoint-url (the address kmslab serve prints, or set AWS_ENDPOINT_URL) or --aws")
			}
			if req.Table != "" && (!strings.HasPrefix(req.Action, "dynamodb:") || req.Via != "") {
				return fmt.Errorf("explain --table %s: the action must be DynamoDB's (--action dynamodb:DescribeTable, say) and --via is for a key; for the table key's decision use --key with --via dynamodb", req.Table)
			}
			rg.aws = true
			sess, err := openSession(cmd.Context(), &rg)
			if err != nil {
				return err
			}
			defer sess.Close()
			tr, err := explain.New(sess.cfg).Explain(cmd.Context(), req)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				// The trace as the engine wrote it, and the decision told
				// as every screen tells it.
				return enc.Encode(struct {
					*explain.Trace
					Told policy.Told `json:"told"`
				}{tr, policy.Narrate(tr.Trace)})
			}
			writeTrace(cmd.OutOrStdout(), tr)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.Principal, "principal", "", "an IAM user (name or ARN), a role (role/NAME or ARN)\n"+
		"or a role session (its assumed-role ARN)")
	f.StringVar(&req.Action, "action", "kms:Decrypt", "the KMS action, or with --table a DynamoDB one")
	f.StringVar(&req.Key, "key", "", "the key: id, alias/name, or ARN")
	f.StringVar(&req.Via, "via", "", "a service calling KMS for the caller: dynamodb\n(sets kms:ViaService)")
	f.StringVar(&req.Table, "table", "", "a DynamoDB table (name or ARN): explain --action on it\nwith its resource-based policy")
	f.BoolVar(&asJSON, "json", false, "print the whole trace as JSON")
	_ = cmd.MarkFlagRequired("principal")
	cmd.MarkFlagsOneRequired("key", "table")
	cmd.MarkFlagsMutuallyExclusive("key", "table")
	return cmd
}

// writeTrace prints a trace for people: the decision, the rules that led
// to it, then every policy and statement with why it did or did not apply.
func writeTrace(w io.Writer, tr *explain.Trace) {
	fmt.Fprintf(w, "%s by %s\non %s\n", tr.Action, tr.Principal, tr.Resource)
	for _, c := range tr.Context {
		if c.Key == string(policy.KeyViaService) {
			fmt.Fprintf(w, "through %s\n", strings.Join(c.Values, ", "))
		}
	}
	told := policy.Narrate(tr.Trace)
	fmt.Fprintf(w, "\nDecision: %s\n%s\n", told.Decision, told.Summary)
	if tr.Disagreement != "" {
		fmt.Fprintf(w, "Warning: %s\n", tr.Disagreement)
	} else if tr.Simulator != "" {
		fmt.Fprintln(w, "IAM's policy simulator agrees.")
	}

	fmt.Fprintln(w, "\nHow AWS decides:")
	for i, s := range tr.Steps {
		mark := " "
		if s.Decisive {
			mark = ">"
		}
		fmt.Fprintf(w, "%s %d. %s\n     %s\n", mark, i+1, s.Rule, s.Finding)
	}

	for _, p := range tr.Policies {
		fmt.Fprintf(w, "\n%s: %s\n", capitalize(p.Label()), policyWords(p))
		for _, s := range p.Statements {
			// The effect is the statement's kind, not a verdict: it goes
			// after the name; what the statement did comes next.
			why := s.Why()
			if s.Applies && !s.Delegates {
				why = "" // its word says it all
			}
			line := fmt.Sprintf("  %-48s %-26s %s", clip(s.Label(), 40)+" ("+s.Effect+")", policy.StatementWord(&s), why)
			fmt.Fprintln(w, strings.TrimRight(line, " "))
			for _, c := range s.Conditions {
				mark := "holds"
				if !c.Holds {
					mark = "fails"
				}
				fmt.Fprintf(w, "        condition %s: %s\n", mark, c.Why)
			}
		}
	}
	if len(tr.Grants) > 0 {
		fmt.Fprintln(w, "\nGrants:")
		for _, g := range tr.Grants {
			state := "does not apply"
			if g.Applies {
				state = "allows"
			}
			fmt.Fprintf(w, "  %s to %s (%s): %s, %s\n", clip(g.ID, 16), g.Grantee, strings.Join(g.Operations, ", "), state, g.Why)
		}
	}
	if len(tr.Missing) > 0 {
		fmt.Fprintln(w, "\nNot read (this trace may be incomplete):")
		for _, m := range tr.Missing {
			fmt.Fprintf(w, "  - %s\n", m)
		}
	}
}

func policyWords(p policy.PolicyTrace) string { return policy.PolicyWord(&p) }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
