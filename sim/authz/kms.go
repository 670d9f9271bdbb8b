package authz

import (
	"kmslab/policy"
	"kmslab/sim/api"
)

// kmsContext adds the condition keys KMS sets on a request for a key: the
// caller's account, the service acting for the caller, and the encryption context.
func kmsContext(ctx policy.Context, p *api.Principal, via string, encCtx map[string]string) {
	ctx["kms:CallerAccount"] = []string{p.AccountID}
	if via != "" {
		ctx["kms:ViaService"] = []string{via}
	}
	var keys []string
	for k, v := range encCtx {
		ctx["kms:EncryptionContext:"+k] = []string{v}
		keys = append(keys, k)
	}
	if len(keys) > 0 {
		ctx["kms:EncryptionContextKeys"] = keys
	}
}
