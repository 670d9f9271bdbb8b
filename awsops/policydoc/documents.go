package policydoc

import "kmslab/policy"

// SidRoot is the Sid of the console key policy's statement that lets the
// account's IAM policies speak for the key.
const SidRoot = sidRoot

// IdentityPolicy is a one-statement IAM policy on the given actions.
func IdentityPolicy(effect string, actions []string, resource string) string {
	st := object{
		{"Effect", marshalRaw(effect)},
		{"Action", marshalRaw(actions)},
		{"Resource", marshalRaw(resource)},
	}
	doc := object{{"Version", marshalRaw("2012-10-17")}, {"Statement", []byte("[" + string(st.bytes()) + "]")}}
	return PrettyJSON(string(doc.bytes()))
}

// ConditionedUseStatement is a key policy statement letting principal
// Decrypt and DescribeKey only when condition (operator, key, value) holds,
// e.g. StringEquals kms:ViaService dynamodb.us-east-1.amazonaws.com.
func ConditionedUseStatement(sid, principal, operator string, key policy.Key, value string) string {
	return string(object{
		{"Sid", marshalRaw(sid)},
		{"Effect", marshalRaw("Allow")},
		{"Principal", object{{"AWS", marshalRaw([]string{principal})}}.bytes()},
		{"Action", marshalRaw([]string{"kms:Decrypt", "kms:DescribeKey"})},
		{"Resource", marshalRaw("*")},
		{"Condition", object{{operator, object{{string(key), marshalRaw(value)}}.bytes()}}.bytes()},
	}.bytes())
}

// TablePolicy is a table policy with one statement letting principal
// perform actions on the table.
func TablePolicy(sid, principal, tableARN string, actions []string) string {
	st := object{
		{"Sid", marshalRaw(sid)},
		{"Effect", marshalRaw("Allow")},
		{"Principal", []byte(`{"AWS": ` + string(marshalRaw(principal)) + `}`)},
		{"Action", marshalRaw(actions)},
		{"Resource", marshalRaw(tableARN)},
	}
	doc := object{{"Version", marshalRaw("2012-10-17")}, {"Statement", []byte("[" + string(st.bytes()) + "]")}}
	return PrettyJSON(string(doc.bytes()))
}

// ScopedDecryptStatement is the key policy statement of the envelope lab's
// the grant step: principal may Decrypt and GenerateDataKey with this key only
// when the request's encryption context has key = value.
func ScopedDecryptStatement(sid, principal, key, value string) string {
	return string(object{
		{"Sid", marshalRaw(sid)},
		{"Effect", marshalRaw("Allow")},
		{"Principal", object{{"AWS", marshalRaw([]string{principal})}}.bytes()},
		{"Action", marshalRaw([]string{"kms:Decrypt", "kms:GenerateDataKey"})},
		{"Resource", marshalRaw("*")},
		{"Condition", object{{"StringEquals", object{{"kms:EncryptionContext:" + key, marshalRaw(value)}}.bytes()}}.bytes()},
	}.bytes())
}
