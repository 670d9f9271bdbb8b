#!/usr/bin/env bash
# What `kmslab serve` offers beyond the lab, with the AWS CLI (v1 or v2), unchanged, against
# any endpoint the environment points at (`kmslab serve`, or a real account): a table
# resource policy that lets a user in while the key keeps the items closed; RSA, ECC,
# Ed25519 and HMAC keys, with every signature checked by openssl against the public key
# GetPublicKey returns; data key pairs; multi-Region keys; multi-attribute GSI keys; an IAM
# permissions boundary and signing certificates. It
# checks every expectation and exits non-zero with the reason when one fails. What an older
# CLI cannot send (its models predate the feature) is skipped with a SKIP line saying so.
# The sections are independent and run side by side, AWSCLI_JOBS at a time (twice the CPUs
# by default: each CLI call is most of a second of Python start-up); each section's output
# is printed whole, in order.
#
#   eval "$(kmslab serve ...)" in another shell, then: scripts/awscli-serve.sh
#
# Secret access keys are kept in variables and never printed.
set -euo pipefail

run_id="${RUN_ID:-srv$RANDOM}"
export AWS_PAGER="" AWS_DEFAULT_OUTPUT=json
export AWS_DEFAULT_REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}"
home_region="$AWS_DEFAULT_REGION"
other_region=eu-west-3
[ "$home_region" != "$other_region" ] || other_region=ap-south-2

# Older CLIs (v1 before 1.29, v2 before 2.13) ignore AWS_ENDPOINT_URL: pass it explicitly.
aws() { command aws ${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"} "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
say() { echo "== $*"; }
# knows SERVICE OP: whether this CLI's models have the operation.
knows() { command aws "$1" "$2" help >/dev/null 2>&1; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'kmslab signs this message' >"$dir/msg"

admin_arn=$(aws sts get-caller-identity --query Arn --output text)

# delete_later KEY: the key is scheduled for deletion at the end. A file, not an array:
# sections run in subshells of their own.
delete_later() { echo "$1" >>"$dir/keys"; }

# --- a table resource policy lets the user in; the key keeps the items closed -------------
table_policy_section() {
  local table="kmslab-rbp-$run_id" user="kmslab-rbp-$run_id" key_arn table_arn user_arn rev rev2 out
  if ! knows dynamodb put-resource-policy; then
    echo "SKIP: this AWS CLI has no DynamoDB resource policies (added to the CLI in March 2024)"
    return
  fi
  say "a table resource policy lets the user in, and the key still refuses"
  key_arn=$(aws kms create-key --description "kmslab $run_id table key" --query KeyMetadata.Arn --output text \
    --policy '{"Version":"2012-10-17","Statement":[{"Sid":"Admin only","Effect":"Allow","Principal":{"AWS":"'"$admin_arn"'"},"Action":"kms:*","Resource":"*"}]}' \
    --bypass-policy-lockout-safety-check)
  delete_later "$key_arn"
  table_arn=$(aws dynamodb create-table --table-name "$table" --billing-mode PAY_PER_REQUEST \
    --attribute-definitions AttributeName=id,AttributeType=S --key-schema AttributeName=id,KeyType=HASH \
    --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId="$key_arn" \
    --query TableDescription.TableArn --output text)
  aws dynamodb wait table-exists --table-name "$table"
  aws dynamodb put-item --table-name "$table" --item '{"id":{"S":"1"},"note":{"S":"closed by the key"}}'
  user_arn=$(aws iam create-user --user-name "$user" --query User.Arn --output text)
  local test_key test_secret
  read -r test_key test_secret < <(aws iam create-access-key --user-name "$user" \
    --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
  as_user() { AWS_ACCESS_KEY_ID="$test_key" AWS_SECRET_ACCESS_KEY="$test_secret" AWS_SESSION_TOKEN= "$@"; }

  if out=$(as_user aws dynamodb describe-table --table-name "$table" 2>&1); then
    fail "a user without any policy described the table"
  fi
  grep -q AccessDeniedException <<<"$out" || fail "expected AccessDeniedException, got: $out"

  local doc='{"Version":"2012-10-17","Statement":[{"Sid":"LetTheUserIn","Effect":"Allow","Principal":{"AWS":"'"$user_arn"'"},"Action":["dynamodb:DescribeTable","dynamodb:Scan"],"Resource":"'"$table_arn"'"}]}'
  rev=$(aws dynamodb put-resource-policy --resource-arn "$table_arn" --policy "$doc" --expected-revision-id NO_POLICY \
    --query RevisionId --output text)
  [ "$(aws dynamodb get-resource-policy --resource-arn "$table_arn" --query RevisionId --output text)" = "$rev" ] \
    || fail "GetResourcePolicy does not return revision $rev"
  ok=""
  for i in $(seq 1 30); do
    if as_user aws dynamodb describe-table --table-name "$table" >/dev/null 2>&1; then ok=1; break; fi
    sleep "$((i < 5 ? 1 : 3))"
  done
  [ -n "$ok" ] || fail "the table policy does not let the user describe the table"
  if out=$(as_user aws dynamodb scan --table-name "$table" 2>&1); then
    fail "the user read the items although the key refuses kms:Decrypt"
  fi
  grep -q AccessDeniedException <<<"$out" && grep -q 'kms:Decrypt' <<<"$out" \
    || fail "expected DynamoDB's AccessDeniedException about kms:Decrypt, got: $out"
  echo "the user describes the table; the items stay encrypted: $(grep -o 'not authorized to perform: kms:Decrypt' <<<"$out" | head -1)"

  if out=$(aws dynamodb put-resource-policy --resource-arn "$table_arn" --policy "$doc" --expected-revision-id 1 2>&1); then
    fail "a put at a stale revision went through"
  fi
  grep -q PolicyNotFoundException <<<"$out" || fail "expected PolicyNotFoundException, got: $out"
  rev2=$(aws dynamodb delete-resource-policy --resource-arn "$table_arn" --expected-revision-id "$rev" --query RevisionId --output text)
  [ "$rev2" = "$rev" ] || fail "DeleteResourcePolicy returned revision $rev2, want $rev"
  if out=$(aws dynamodb get-resource-policy --resource-arn "$table_arn" 2>&1); then fail "the deleted policy is still there"; fi
  grep -q PolicyNotFoundException <<<"$out" || fail "expected PolicyNotFoundException, got: $out"

  aws iam delete-access-key --user-name "$user" --access-key-id "$test_key"
  aws iam delete-user --user-name "$user"
  aws dynamodb delete-table --table-name "$table" >/dev/null
}

# --- asymmetric keys: every signature checked by openssl ---------------------------------
# public_pem KEY FILE: the key's public key (DER SubjectPublicKeyInfo from GetPublicKey) as PEM.
public_pem() {
  aws kms get-public-key --key-id "$1" --query PublicKey --output text | base64 -d >"$2.der"
  openssl pkey -pubin -inform DER -in "$2.der" -out "$2" 2>/dev/null || fail "openssl cannot read the public key of $1"
}

# sign KEY ALG TYPE MESSAGE_FILE SIG_FILE
sign() {
  aws kms sign --key-id "$1" --signing-algorithm "$2" --message-type "$3" --message "fileb://$4" \
    --query Signature --output text | base64 -d >"$5"
}

# openssl_verify ALG PEM SIG: openssl checks a signature over $dir/msg as KMS's ALG defines it.
openssl_verify() {
  local alg=$1 pem=$2 sig=$3 md
  md="-sha${alg: -3}"
  case "$alg" in
    RSASSA_PSS_*) openssl dgst "$md" -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:-1 -verify "$pem" -signature "$sig" "$dir/msg" ;;
    RSASSA_PKCS1_V1_5_* | ECDSA_*) openssl dgst "$md" -verify "$pem" -signature "$sig" "$dir/msg" ;;
    ED25519_SHA_512) openssl pkeyutl -verify -pubin -inkey "$pem" -rawin -in "$dir/msg" -sigfile "$sig" ;;
    *) fail "no openssl check for $alg" ;;
  esac >/dev/null || fail "openssl rejects the $alg signature"
}

# sign_and_check "SPEC ALG..."...: a signing key of each SPEC signs with each ALG, and
# openssl checks every signature.
sign_and_check() {
  local spec algs alg key pem sig spec_algs
  for spec_algs in "$@"; do
    read -r spec algs <<<"$spec_algs"
    if ! key=$(aws kms create-key --key-spec "$spec" --key-usage SIGN_VERIFY --query KeyMetadata.KeyId --output text 2>"$dir/err"); then
      grep -q "Invalid choice\|valid choices\|Member must satisfy enum" "$dir/err" || fail "create $spec key: $(cat "$dir/err")"
      echo "SKIP: this AWS CLI does not know the key spec $spec"
      continue
    fi
    delete_later "$key"
    pem="$dir/$spec.pem"
    public_pem "$key" "$pem"
    for alg in $algs; do
      sig="$dir/$spec-$alg.sig"
      sign "$key" "$alg" RAW "$dir/msg" "$sig"
      openssl_verify "$alg" "$pem" "$sig"
    done
    # KMS's own Verify for an RSA and the Ed25519 key: each CLI call costs a second.
    if [ "$spec" = RSA_2048 ] || [ "$spec" = ECC_NIST_EDWARDS25519 ]; then
      [ "$(aws kms verify --key-id "$key" --signing-algorithm "$alg" --message "fileb://$dir/msg" \
        --signature "fileb://$sig" --query SignatureValid --output text)" = True ] || fail "KMS rejects its own $alg signature"
    fi
    if [ "$spec" = ECC_NIST_P256 ]; then echo "$key" >"$dir/p256_key"; fi
    echo "$spec: $algs verified by openssl"
  done
}

rsa_signing_section() {
  say "RSA signing keys: Sign/Verify, checked by openssl against GetPublicKey"
  sign_and_check \
    "RSA_2048 RSASSA_PSS_SHA_256 RSASSA_PSS_SHA_384 RSASSA_PSS_SHA_512 RSASSA_PKCS1_V1_5_SHA_256 RSASSA_PKCS1_V1_5_SHA_384 RSASSA_PKCS1_V1_5_SHA_512" \
    "RSA_3072 RSASSA_PSS_SHA_384" "RSA_4096 RSASSA_PKCS1_V1_5_SHA_512"
}

ecc_signing_section() {
  say "ECC and Ed25519 signing keys: Sign/Verify, checked by openssl against GetPublicKey"
  local key out
  sign_and_check "ECC_NIST_P256 ECDSA_SHA_256" "ECC_NIST_P384 ECDSA_SHA_384" "ECC_NIST_P521 ECDSA_SHA_512" \
    "ECC_NIST_EDWARDS25519 ED25519_SHA_512"

  # A DIGEST message is signed as is: openssl checks it over the message it digests.
  key=$(cat "$dir/p256_key")
  openssl dgst -sha256 -binary "$dir/msg" >"$dir/msg.sha256"
  sign "$key" ECDSA_SHA_256 DIGEST "$dir/msg.sha256" "$dir/digest.sig"
  openssl_verify ECDSA_SHA_256 "$dir/ECC_NIST_P256.pem" "$dir/digest.sig"
  if out=$(aws kms verify --key-id "$key" --signing-algorithm ECDSA_SHA_256 --message "fileb://$dir/msg.sha256" \
    --message-type RAW --signature "fileb://$dir/digest.sig" 2>&1); then
    fail "a DIGEST signature verified as a RAW message"
  fi
  grep -q KMSInvalidSignatureException <<<"$out" || fail "expected KMSInvalidSignatureException, got: $out"
  if out=$(aws kms sign --key-id "$key" --signing-algorithm ECDSA_SHA_384 --message "fileb://$dir/msg" 2>&1); then
    fail "a P-256 key signed with ECDSA_SHA_384"
  fi
  grep -q InvalidKeyUsageException <<<"$out" || fail "expected InvalidKeyUsageException, got: $out"
  echo "a DIGEST signature is openssl's too; the refusals are KMS's"
}

rsa_encryption_section() {
  say "RSA encryption: openssl encrypts with the public key, KMS decrypts"
  local key out
  key=$(aws kms create-key --key-spec RSA_2048 --key-usage ENCRYPT_DECRYPT --query KeyMetadata.KeyId --output text)
  delete_later "$key"
  public_pem "$key" "$dir/rsa-enc.pem"
  printf 'for the private key only' >"$dir/secret"
  openssl pkeyutl -encrypt -pubin -inkey "$dir/rsa-enc.pem" -pkeyopt rsa_padding_mode:oaep \
    -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 -in "$dir/secret" -out "$dir/secret.enc"
  out=$(aws kms decrypt --key-id "$key" --encryption-algorithm RSAES_OAEP_SHA_256 \
    --ciphertext-blob "fileb://$dir/secret.enc" --query Plaintext --output text | base64 -d)
  [ "$out" = "for the private key only" ] || fail "KMS decrypted openssl's RSA ciphertext to '$out'"
  out=$(aws kms encrypt --key-id "$key" --encryption-algorithm RSAES_OAEP_SHA_1 --plaintext "fileb://$dir/secret" \
    --query CiphertextBlob --output text)
  base64 -d <<<"$out" >"$dir/kms.enc"
  out=$(aws kms decrypt --key-id "$key" --encryption-algorithm RSAES_OAEP_SHA_1 \
    --ciphertext-blob "fileb://$dir/kms.enc" --query Plaintext --output text | base64 -d)
  [ "$out" = "for the private key only" ] || fail "RSAES_OAEP_SHA_1 round trip gave '$out'"
  echo "RSAES_OAEP_SHA_256 from openssl and RSAES_OAEP_SHA_1 from KMS decrypt"
}

hmac_section() {
  say "HMAC keys: GenerateMac and VerifyMac"
  local spec alg key mac out
  for spec in HMAC_224 HMAC_256 HMAC_384 HMAC_512; do
    alg="HMAC_SHA_${spec#HMAC_}"
    key=$(aws kms create-key --key-spec "$spec" --key-usage GENERATE_VERIFY_MAC --query KeyMetadata.KeyId --output text)
    delete_later "$key"
    mac=$(aws kms generate-mac --key-id "$key" --mac-algorithm "$alg" --message "fileb://$dir/msg" --query Mac --output text)
    base64 -d <<<"$mac" >"$dir/mac"
    [ "$(wc -c <"$dir/mac")" -eq "$((${spec#HMAC_} / 8))" ] || fail "$spec: a MAC of $(wc -c <"$dir/mac") bytes"
  done
  [ "$(aws kms verify-mac --key-id "$key" --mac-algorithm "$alg" --message "fileb://$dir/msg" \
    --mac "fileb://$dir/mac" --query MacValid --output text)" = True ] || fail "$spec: VerifyMac rejects its own MAC"
  printf 'another message' >"$dir/other"
  if out=$(aws kms verify-mac --key-id "$key" --mac-algorithm HMAC_SHA_512 --message "fileb://$dir/other" --mac "fileb://$dir/mac" 2>&1); then
    fail "a MAC verified for another message"
  fi
  grep -q KMSInvalidMacException <<<"$out" || fail "expected KMSInvalidMacException, got: $out"
  echo "HMAC_224 to HMAC_512 generate and verify; another message is KMSInvalidMacException"
}

data_key_pair_section() {
  say "data key pairs: the private key decrypts to the one openssl reads"
  local key out
  key=$(aws kms create-key --query KeyMetadata.KeyId --output text)
  delete_later "$key"
  aws kms generate-data-key-pair --key-id "$key" --key-pair-spec ECC_NIST_P256 \
    --encryption-context purpose=cli >"$dir/pair.json"
  python3 -c 'import json,sys,base64
d=json.load(open(sys.argv[1]))
for k in ("PrivateKeyPlaintext","PrivateKeyCiphertextBlob","PublicKey"):
    open(sys.argv[2]+"/"+k,"wb").write(base64.b64decode(d[k]))' "$dir/pair.json" "$dir"
  openssl pkey -inform DER -in "$dir/PrivateKeyPlaintext" -pubout -outform DER -out "$dir/derived.der" 2>/dev/null \
    || fail "openssl cannot read the data key pair's private key"
  cmp -s "$dir/derived.der" "$dir/PublicKey" || fail "the data key pair's public key is not its private key's"
  aws kms decrypt --ciphertext-blob "fileb://$dir/PrivateKeyCiphertextBlob" --encryption-context purpose=cli \
    --query Plaintext --output text | base64 -d >"$dir/unwrapped"
  cmp -s "$dir/unwrapped" "$dir/PrivateKeyPlaintext" || fail "the wrapped private key decrypts to another key"
  out=$(aws kms generate-data-key-pair-without-plaintext --key-id "$key" --key-pair-spec RSA_2048 --query 'PrivateKeyPlaintext' --output text)
  [ "$out" = None ] || fail "GenerateDataKeyPairWithoutPlaintext returned a plaintext private key"
  echo "ECC_NIST_P256 pair: openssl agrees; WithoutPlaintext keeps the private key wrapped"
}

multi_region_section() {
  say "multi-Region keys: a replica in $other_region decrypts what $home_region encrypts"
  local key blob type
  key=$(aws kms create-key --multi-region --query KeyMetadata.KeyId --output text)
  [[ "$key" == mrk-* ]] || fail "multi-Region key id $key"
  delete_later "$key"
  aws kms replicate-key --key-id "$key" --replica-region "$other_region" >/dev/null
  type=$(aws kms describe-key --region "$other_region" --key-id "$key" --query KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType --output text)
  [ "$type" = REPLICA ] || fail "the key in $other_region is $type"
  printf 'both regions' >"$dir/both"
  blob=$(aws kms encrypt --key-id "$key" --plaintext "fileb://$dir/both" --query CiphertextBlob --output text)
  base64 -d <<<"$blob" >"$dir/mrk.enc"
  [ "$(aws kms decrypt --region "$other_region" --ciphertext-blob "fileb://$dir/mrk.enc" --query Plaintext --output text | base64 -d)" = "both regions" ] \
    || fail "the replica does not decrypt the primary's ciphertext"
  aws kms update-primary-region --key-id "$key" --primary-region "$other_region"
  type=$(aws kms describe-key --key-id "$key" --query KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType --output text)
  [ "$type" = REPLICA ] || fail "after UpdatePrimaryRegion the key in $home_region is $type"
  aws kms schedule-key-deletion --region "$other_region" --key-id "$key" --pending-window-in-days 7 >/dev/null
  echo "replicated, decrypted across regions, primary moved to $other_region"
}

multi_attribute_gsi_section() {
  say "a GSI with a multi-attribute key"
  local table="kmslab-gsi-$run_id" got out
  if ! out=$(aws dynamodb create-table --table-name "$table" --billing-mode PAY_PER_REQUEST \
    --attribute-definitions AttributeName=id,AttributeType=S AttributeName=tournament,AttributeType=S \
      AttributeName=area,AttributeType=S AttributeName=round,AttributeType=S \
    --key-schema AttributeName=id,KeyType=HASH \
    --global-secondary-indexes '[{"IndexName":"by-tournament-area","KeySchema":[{"AttributeName":"tournament","KeyType":"HASH"},{"AttributeName":"area","KeyType":"HASH"},{"AttributeName":"round","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]' 2>&1); then
    grep -q "Invalid length for parameter" <<<"$out" || fail "create a table with a multi-attribute GSI key: $out"
    echo "SKIP: this AWS CLI's model allows two key schema elements per index (multi-attribute keys came in 2025)"
    return
  fi
  aws dynamodb wait table-exists --table-name "$table"
  aws dynamodb batch-write-item --request-items '{"'"$table"'":[
    {"PutRequest":{"Item":{"id":{"S":"m1"},"tournament":{"S":"WINTER"},"area":{"S":"NA"},"round":{"S":"SEMI"}}}},
    {"PutRequest":{"Item":{"id":{"S":"m2"},"tournament":{"S":"WINTER"},"area":{"S":"NA"},"round":{"S":"FINAL"}}}},
    {"PutRequest":{"Item":{"id":{"S":"m3"},"tournament":{"S":"WINTER"},"area":{"S":"EU"},"round":{"S":"SEMI"}}}}]}' >/dev/null
  got=$(aws dynamodb query --table-name "$table" --index-name by-tournament-area \
    --key-condition-expression 'tournament = :t AND area = :a' \
    --expression-attribute-values '{":t":{"S":"WINTER"},":a":{"S":"NA"}}' --query 'join(`,`, Items[].id.S)' --output text)
  [ "$got" = "m2,m1" ] || fail "multi-attribute GSI query returned '$got', want m2,m1 (in round order)"
  if out=$(aws dynamodb query --table-name "$table" --index-name by-tournament-area \
    --key-condition-expression 'tournament = :t' --expression-attribute-values '{":t":{"S":"WINTER"}}' 2>&1); then
    fail "a query without every partition key attribute went through"
  fi
  grep -q "missed key schema element: area" <<<"$out" || fail "expected the missing area, got: $out"
  aws dynamodb delete-table --table-name "$table" >/dev/null
  echo "queried by tournament and area, in round order"
}

iam_section() {
  say "IAM: a permissions boundary caps the user; signing certificates"
  local user="kmslab-bounded-$run_id" table="kmslab-bounded-$run_id" boundary_arn got out
  boundary_arn=$(aws iam create-policy --policy-name "kmslab-describe-only-$run_id" --description "describe only" \
    --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:Describe*","Resource":"*"}]}' \
    --query Policy.Arn --output text)
  got=$(aws iam get-policy --policy-arn "$boundary_arn" --query Policy.Description --output text)
  [ "$got" = "describe only" ] || fail "GetPolicy Description '$got'"
  aws iam create-user --user-name "$user" --permissions-boundary "$boundary_arn" >/dev/null
  got=$(aws iam get-user --user-name "$user" --query User.PermissionsBoundary.PermissionsBoundaryArn --output text)
  [ "$got" = "$boundary_arn" ] || fail "GetUser PermissionsBoundary '$got'"
  aws iam attach-user-policy --user-name "$user" --policy-arn arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess
  aws dynamodb create-table --table-name "$table" --billing-mode PAY_PER_REQUEST \
    --attribute-definitions AttributeName=id,AttributeType=S --key-schema AttributeName=id,KeyType=HASH >/dev/null
  aws dynamodb wait table-exists --table-name "$table"
  local test_key test_secret
  read -r test_key test_secret < <(aws iam create-access-key --user-name "$user" \
    --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
  as_bounded() { AWS_ACCESS_KEY_ID="$test_key" AWS_SECRET_ACCESS_KEY="$test_secret" AWS_SESSION_TOKEN= "$@"; }
  ok=""
  for i in $(seq 1 30); do
    if as_bounded aws dynamodb describe-table --table-name "$table" >/dev/null 2>&1; then ok=1; break; fi
    sleep "$((i < 5 ? 1 : 3))"
  done
  [ -n "$ok" ] || fail "the bounded user cannot describe the table"
  if out=$(as_bounded aws dynamodb scan --table-name "$table" 2>&1); then fail "the boundary let the user scan"; fi
  grep -q "no permissions boundary allows the dynamodb:Scan action" <<<"$out" || fail "expected the boundary's denial, got: $out"
  echo "DynamoDB full access, capped by the boundary: describe yes, scan no"

  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/cert.key" -out "$dir/cert.pem" \
    -days 1 -subj "/CN=kmslab-$run_id" 2>/dev/null || fail "openssl could not make a certificate"
  local cert_id
  cert_id=$(aws iam upload-signing-certificate --user-name "$user" --certificate-body "file://$dir/cert.pem" \
    --query Certificate.CertificateId --output text)
  aws iam update-signing-certificate --user-name "$user" --certificate-id "$cert_id" --status Inactive
  got=$(aws iam list-signing-certificates --user-name "$user" --query 'Certificates[0].Status' --output text)
  [ "$got" = Inactive ] || fail "the certificate is $got"
  if out=$(aws iam upload-signing-certificate --user-name "$user" --certificate-body "file://$dir/cert.pem" 2>&1); then
    fail "the same certificate was uploaded twice"
  fi
  grep -q DuplicateCertificate <<<"$out" || fail "expected DuplicateCertificate, got: $out"
  aws iam delete-signing-certificate --user-name "$user" --certificate-id "$cert_id"
  echo "a signing certificate uploaded, made Inactive, refused twice, deleted"

  aws iam delete-access-key --user-name "$user" --access-key-id "$test_key"
  aws iam detach-user-policy --user-name "$user" --policy-arn arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess
  aws iam delete-user --user-name "$user"
  aws iam delete-policy --policy-arn "$boundary_arn"
  aws dynamodb delete-table --table-name "$table" >/dev/null
}

jobs="${AWSCLI_JOBS:-$((2 * $(nproc 2>/dev/null || echo 1)))}"
# at_most N: waits until fewer than N background jobs run.
at_most() { while [ "$(jobs -rp | wc -l)" -ge "$1" ]; do wait -n || true; done; }

# The longest sections first, so the last to start is a short one.
sections=(iam_section table_policy_section ecc_signing_section rsa_signing_section hmac_section
  multi_region_section multi_attribute_gsi_section rsa_encryption_section data_key_pair_section)
for section in "${sections[@]}"; do
  at_most "$jobs"
  # A section stops at its first failure (set -e, fail), in its own subshell; its exit
  # status is kept in a file, since wait -n may already have collected it.
  ( set +e; ( set -e; "$section" ) >"$dir/$section.out" 2>&1; echo $? >"$dir/$section.rc" ) &
done
wait
failed=""
for section in "${sections[@]}"; do
  cat "$dir/$section.out"
  [ "$(cat "$dir/$section.rc")" = 0 ] || failed="$failed $section"
done

say "cleanup"
if [ -s "$dir/keys" ]; then
  while read -r key; do
    at_most "$jobs"
    aws kms schedule-key-deletion --key-id "$key" --pending-window-in-days 7 >/dev/null 2>&1 &
  done <"$dir/keys"
fi
wait
[ -z "$failed" ] || fail "failed:$failed"
echo "PASS: kmslab serve behaves as AWS for everything above"
