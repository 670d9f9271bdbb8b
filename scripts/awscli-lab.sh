#!/usr/bin/env bash
# The whole lab with the AWS CLI (v1 or v2), unchanged, against any endpoint the
# environment points at: `kmslab serve` offline, or a real account. It checks
# every expectation and exits non-zero with the reason when one fails.
#
#   eval "$(kmslab serve ...)" in another shell, or set AWS_ENDPOINT_URL, AWS_REGION,
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY yourself; then: scripts/awscli-lab.sh
#
# Secret access keys are kept in variables and never printed.
set -euo pipefail

run_id="${RUN_ID:-cli$RANDOM}"
alias_name="alias/kmslab-$run_id"
table="kmslab-$run_id"
user="kmslab-user-$run_id"
export AWS_PAGER="" AWS_DEFAULT_OUTPUT=json
export AWS_DEFAULT_REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}"

# Older CLIs (v1 before 1.29, v2 before 2.13, such as Debian's 2.9) ignore
# AWS_ENDPOINT_URL, so pass it explicitly as well.
aws() { command aws ${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"} "$@"; }

fail() { echo "FAIL: $*" >&2; exit 1; }
say() { echo "== $*"; }

say "who am I"
caller=$(aws sts get-caller-identity --query '[Account,Arn]' --output text)
read -r account admin_arn <<<"$caller"
echo "admin: $admin_arn"

say "part 1: create the key"
# key_policy USE_PRINCIPALS: the console-style key policy, with USE_PRINCIPALS (a
# JSON string or list) in "Allow use of the key".
key_policy() {
  cat <<JSON
{"Version":"2012-10-17","Id":"key-consolepolicy-3","Statement":[
 {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::$account:root"},"Action":"kms:*","Resource":"*"},
 {"Sid":"Allow access for Key Administrators","Effect":"Allow","Principal":{"AWS":"$admin_arn"},"Action":["kms:Create*","kms:Describe*","kms:Enable*","kms:List*","kms:Put*","kms:Update*","kms:Revoke*","kms:Disable*","kms:Get*","kms:Delete*","kms:TagResource","kms:UntagResource","kms:ScheduleKeyDeletion","kms:CancelKeyDeletion"],"Resource":"*"},
 {"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":$1},"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*"},
 {"Sid":"Allow attachment of persistent resources","Effect":"Allow","Principal":{"AWS":"$admin_arn"},"Action":["kms:CreateGrant","kms:ListGrants","kms:RevokeGrant"],"Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}
]}
JSON
}
policy=$(key_policy "\"$admin_arn\"")
key_arn=$(aws kms create-key --description "kmslab $run_id" --policy "$policy" \
  --tags TagKey=kmslab:run,TagValue="$run_id" --query KeyMetadata.Arn --output text)
aws kms create-alias --alias-name "$alias_name" --target-key-id "$key_arn"
state=$(aws kms describe-key --key-id "$alias_name" --query KeyMetadata.KeyState --output text)
[ "$state" = Enabled ] || fail "key state $state"
blob=$(aws kms encrypt --key-id "$alias_name" --plaintext "aGVsbG8=" --query CiphertextBlob --output text)
[ -n "$blob" ] || fail "encrypt returned nothing"
echo "key: $key_arn"

say "part 2: create the encrypted table"
aws dynamodb create-table --table-name "$table" \
  --attribute-definitions AttributeName=id,AttributeType=S --key-schema AttributeName=id,KeyType=HASH \
  --billing-mode PAY_PER_REQUEST --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId="$alias_name" \
  --tags Key=kmslab:run,Value="$run_id" >/dev/null
aws dynamodb wait table-exists --table-name "$table"
sse_key=$(aws dynamodb describe-table --table-name "$table" --query Table.SSEDescription.KMSMasterKeyArn --output text)
[ "$sse_key" = "$key_arn" ] || fail "table SSE key $sse_key, want $key_arn"

say "part 3: put and read back as the admin"
aws dynamodb put-item --table-name "$table" --item '{"id":{"S":"42"},"note":{"S":"the launch code is 0000"}}'
note=$(aws dynamodb get-item --table-name "$table" --key '{"id":{"S":"42"}}' --query Item.note.S --output text)
[ "$note" = "the launch code is 0000" ] || fail "admin read $note"
count=$(aws dynamodb scan --table-name "$table" --query Count --output text)
[ "$count" = 1 ] || fail "admin scan count $count"

say "part 4: the test user, with only AmazonDynamoDBFullAccess"
user_arn=$(aws iam create-user --user-name "$user" --tags Key=kmslab:run,Value="$run_id" --query User.Arn --output text)
aws iam attach-user-policy --user-name "$user" --policy-arn arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess
read -r test_key test_secret < <(aws iam create-access-key --user-name "$user" \
  --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
as_user() { AWS_ACCESS_KEY_ID="$test_key" AWS_SECRET_ACCESS_KEY="$test_secret" AWS_SESSION_TOKEN= "$@"; }
for i in $(seq 1 30); do
  as_user aws sts get-caller-identity >/dev/null 2>&1 && break
  sleep "$((i < 5 ? 1 : 3))"
done
echo "user: $user_arn"

say "part 5: the test user reads the table"
if out=$(as_user aws dynamodb scan --table-name "$table" 2>&1); then
  fail "the test user could read the table: $out"
fi
echo "$out"
grep -q AccessDeniedException <<<"$out" || fail "expected AccessDeniedException"
grep -q 'kms:Decrypt' <<<"$out" || fail "expected the denial to name kms:Decrypt"
as_user aws dynamodb describe-table --table-name "$table" --query Table.TableStatus --output text >/dev/null \
  || fail "DescribeTable should work without KMS permission"

say "part 6: add the user to the key policy"
new_policy=$(key_policy "[\"$admin_arn\",\"$user_arn\"]")
aws kms put-key-policy --key-id "$key_arn" --policy-name default --policy "$new_policy"
ok=""
for i in $(seq 1 30); do
  if as_user aws dynamodb scan --table-name "$table" --query Count --output text >/dev/null 2>&1; then ok=1; break; fi
  sleep "$((i < 5 ? 1 : 3))"
done
[ -n "$ok" ] || fail "the test user still cannot read after the key policy edit"
echo "the test user reads the table now"

# --- beyond the lab: a table with a global secondary index, and transactions -------------
# ddb_index_and_transactions: a second table on the same key with a GSI, queried by the
# admin and by the (now admitted) test user, and transactions that commit or cancel as a
# whole. Few CLI calls, as each costs a second or two. It cleans up its own table.
ddb_index_and_transactions() {
  local orders="$table-orders" got out
  say "beyond the lab: a global secondary index and transactions"
  aws dynamodb create-table --table-name "$orders" --billing-mode PAY_PER_REQUEST \
    --attribute-definitions AttributeName=cust,AttributeType=S AttributeName=id,AttributeType=N \
      AttributeName=status,AttributeType=S AttributeName=amount,AttributeType=N \
    --key-schema AttributeName=cust,KeyType=HASH AttributeName=id,KeyType=RANGE \
    --global-secondary-indexes '[{"IndexName":"by-status","KeySchema":[{"AttributeName":"status","KeyType":"HASH"},{"AttributeName":"amount","KeyType":"RANGE"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["total"]}}]' \
    --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId="$alias_name" >/dev/null
  aws dynamodb wait table-exists --table-name "$orders"
  aws dynamodb batch-write-item --request-items '{"'"$orders"'":[
    {"PutRequest":{"Item":{"cust":{"S":"c1"},"id":{"N":"1"},"status":{"S":"open"},"amount":{"N":"30"},"total":{"N":"300"},"note":{"S":"secret"}}}},
    {"PutRequest":{"Item":{"cust":{"S":"c2"},"id":{"N":"2"},"status":{"S":"open"},"amount":{"N":"10"},"total":{"N":"100"}}}},
    {"PutRequest":{"Item":{"cust":{"S":"c3"},"id":{"N":"3"},"total":{"N":"0"}}}}]}' >/dev/null
  local query=(dynamodb query --table-name "$orders" --index-name by-status
    --key-condition-expression '#s = :open' --expression-attribute-names '{"#s":"status"}'
    --expression-attribute-values '{":open":{"S":"open"}}')
  # In amount order, with the projected total but not the unprojected note.
  got=$(aws "${query[@]}" --query '[join(`,`, Items[].id.N), Items[0].total.N, Items[0].note.S]' --output text)
  [ "$got" = "$(printf '2,1\t100\tNone')" ] || fail "GSI query returned '$got', want ids 2,1 by amount, total 100, no note"
  got=$(aws dynamodb scan --table-name "$orders" --index-name by-status --query Count --output text)
  [ "$got" = 2 ] || fail "GSI scan count $got, want 2 (the index is sparse)"
  got=$(as_user aws "${query[@]}" --query Count --output text) || fail "the admitted test user cannot query the index"
  [ "$got" = 2 ] || fail "user GSI query count $got"

  aws dynamodb transact-write-items --client-request-token "pay-$run_id" --transact-items '[
    {"Put":{"TableName":"'"$orders"'","Item":{"cust":{"S":"c4"},"id":{"N":"4"},"status":{"S":"open"},"amount":{"N":"5"}},"ConditionExpression":"attribute_not_exists(cust)"}},
    {"Update":{"TableName":"'"$orders"'","Key":{"cust":{"S":"c1"},"id":{"N":"1"}},"UpdateExpression":"SET #s = :paid","ConditionExpression":"#s = :open",
      "ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":paid":{"S":"paid"},":open":{"S":"open"}}}}]'
  if out=$(aws dynamodb transact-write-items --transact-items '[
    {"Put":{"TableName":"'"$orders"'","Item":{"cust":{"S":"c5"},"id":{"N":"5"}}}},
    {"ConditionCheck":{"TableName":"'"$orders"'","Key":{"cust":{"S":"c1"},"id":{"N":"1"}},"ConditionExpression":"#s = :open",
      "ExpressionAttributeNames":{"#s":"status"},"ExpressionAttributeValues":{":open":{"S":"open"}}}}]' 2>&1); then
    fail "a transaction whose condition fails went through"
  fi
  grep -q TransactionCanceledException <<<"$out" || fail "expected TransactionCanceledException, got: $out"
  grep -q ConditionalCheckFailed <<<"$out" || fail "expected the ConditionalCheckFailed reason, got: $out"
  # The first transaction wrote both its items, the cancelled one neither.
  got=$(aws dynamodb transact-get-items --transact-items '[
    {"Get":{"TableName":"'"$orders"'","Key":{"cust":{"S":"c1"},"id":{"N":"1"}}}},
    {"Get":{"TableName":"'"$orders"'","Key":{"cust":{"S":"c4"},"id":{"N":"4"}}}},
    {"Get":{"TableName":"'"$orders"'","Key":{"cust":{"S":"c5"},"id":{"N":"5"}}}}]' \
    --query '[Responses[0].Item.status.S, Responses[1].Item.cust.S, Responses[2].Item.cust.S]' --output text)
  [ "$got" = "$(printf 'paid\tc4\tNone')" ] || fail "after the transactions: '$got', want paid, c4 and no c5"
  aws dynamodb delete-table --table-name "$orders" >/dev/null
  echo "the index and the transactions behave as on AWS"
}
ddb_index_and_transactions
# --- beyond the lab: a customer managed policy and a role -------------------------------
# iam_roles_section: the IAM a developer writes next: a customer managed policy that lets
# the test user assume an application role, and that role, admitted by the key policy,
# reading the table with temporary credentials. Few CLI calls, as each costs a second or
# two. It leaves nothing behind.
iam_roles_section() {
  say "beyond the lab: a customer managed policy and a role"
  local role="kmslab-role-$run_id" pol="kmslab-assume-$run_id"
  local trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::'"$account"':root"},"Action":"sts:AssumeRole"}]}'
  local role_arn policy_arn who count i creds=""
  role_arn=$(aws iam create-role --role-name "$role" --assume-role-policy-document "$trust" \
    --tags Key=kmslab:run,Value="$run_id" --query Role.Arn --output text)
  aws iam attach-role-policy --role-name "$role" --policy-arn arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess
  policy_arn=$(aws iam create-policy --policy-name "$pol" --query Policy.Arn --output text --policy-document \
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"'"$role_arn"'"}]}')
  aws iam attach-user-policy --user-name "$user" --policy-arn "$policy_arn"
  aws kms put-key-policy --key-id "$key_arn" --policy-name default \
    --policy "$(key_policy "[\"$admin_arn\",\"$user_arn\",\"$role_arn\"]")"
  echo "role: $role_arn"

  for i in $(seq 1 30); do
    if creds=$(as_user aws sts assume-role --role-arn "$role_arn" --role-session-name cli \
      --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text 2>/dev/null); then break; fi
    creds=""
    sleep "$((i < 5 ? 1 : 3))"
  done
  [ -n "$creds" ] || fail "the test user cannot assume $role"
  local role_key role_secret role_token
  read -r role_key role_secret role_token <<<"$creds"
  as_role() { AWS_ACCESS_KEY_ID="$role_key" AWS_SECRET_ACCESS_KEY="$role_secret" AWS_SESSION_TOKEN="$role_token" "$@"; }
  who=$(as_role aws sts get-caller-identity --query Arn --output text)
  [ "$who" = "arn:aws:sts::$account:assumed-role/$role/cli" ] || fail "the role session is $who"
  count=""
  for i in $(seq 1 30); do
    count=$(as_role aws dynamodb scan --table-name "$table" --query Count --output text 2>/dev/null) && break
    sleep "$((i < 5 ? 1 : 3))"
  done
  [ "$count" = 1 ] || fail "the role session read $count items, want 1"
  echo "the role session reads the table"

  aws iam detach-user-policy --user-name "$user" --policy-arn "$policy_arn"
  aws iam delete-policy --policy-arn "$policy_arn"
  aws iam detach-role-policy --role-name "$role" --policy-arn arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess
  aws iam delete-role --role-name "$role"
}
iam_roles_section

say "cleanup"
aws iam delete-access-key --user-name "$user" --access-key-id "$test_key"
aws iam detach-user-policy --user-name "$user" --policy-arn arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess
aws iam delete-user --user-name "$user"
aws dynamodb delete-table --table-name "$table" >/dev/null
aws kms delete-alias --alias-name "$alias_name"
aws kms schedule-key-deletion --key-id "$key_arn" --pending-window-in-days 7 >/dev/null
state=$(aws kms describe-key --key-id "$key_arn" --query KeyMetadata.KeyState --output text)
[ "$state" = PendingDeletion ] || fail "key state after cleanup: $state"
blob_file=$(mktemp); trap 'rm -f "$blob_file"' EXIT
base64 -d <<<"$blob" >"$blob_file"
if out=$(aws kms decrypt --ciphertext-blob "fileb://$blob_file" 2>&1); then fail "decrypt under a key pending deletion worked"; fi
grep -q KMSInvalidStateException <<<"$out" || fail "expected KMSInvalidStateException, got: $out"
echo "PASS: the lab behaves as on AWS"
