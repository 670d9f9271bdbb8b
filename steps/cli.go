package steps

import (
	"fmt"
	"strings"

	"kmslab/awsops"
	"kmslab/awsops/ledger"
)

// The commands a step shows must run as pasted, in order, into one shell:
// values the step cannot know yet (the new key's id, the test user's access
// key) are captured into shell variables by the command that creates them,
// and a step that needs the key looks its id up by alias, so it also runs in
// a fresh shell. The names below are those variables.
const (
	varKeyID      = "KEY_ID"
	varTestKeyID  = "TEST_KEY_ID"
	varTestSecret = "TEST_SECRET"
)

// who is the admin as the commands name it: the real account and ARN once
// the identity is known, shell variables set by the returned setup commands
// before that.
func who(id awsops.Identity) (setup []string, partition, account, me string) {
	if id.Account != "" && id.ARN != "" {
		partition, _ = arnParts(id)
		return nil, partition, id.Account, id.ARN
	}
	return []string{
		"read -r ACCOUNT ME <<< \"$(aws sts get-caller-identity --query '[Account,Arn]' --output text)\"",
		"PARTITION=$(cut -d: -f2 <<< \"$ME\")",
	}, "${PARTITION}", "${ACCOUNT}", "${ME}"
}

// userARN is the test user's ARN as the commands name it.
func userARN(partition, account string, n ledger.Names) string {
	return fmt.Sprintf("arn:%s:iam::%s:user/%s", partition, account, n.User)
}

// keyIDByAlias sets KEY_ID from the run's alias: KMS's key-policy and
// deletion calls take a key id or ARN, never an alias.
func keyIDByAlias(n ledger.Names) string {
	return fmt.Sprintf("%s=$(aws kms describe-key --key-id %s --query KeyMetadata.KeyId --output text)", varKeyID, n.Alias)
}

// writeFile is a heredoc that writes content to path. The delimiter is
// quoted (nothing expands) unless content names shell variables, which
// then expand; the policies written this way hold no other $, ` or \.
func writeFile(path, content string) string {
	delim := "'EOF'"
	if strings.Contains(content, "${") {
		delim = "EOF"
	}
	return fmt.Sprintf("cat > %s <<%s\n%s\nEOF", path, delim, strings.TrimRight(content, "\n"))
}

// asTestUser prefixes a command with the test user's credentials from part 4;
// the empty session token keeps a session of the admin's from being sent along.
func asTestUser(cmd string) string {
	return fmt.Sprintf("AWS_ACCESS_KEY_ID=\"$%s\" AWS_SECRET_ACCESS_KEY=\"$%s\" AWS_SESSION_TOKEN= %s", varTestKeyID, varTestSecret, cmd)
}
