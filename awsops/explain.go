package awsops

import (
	"context"

	"kmslab/awsops/awserr"
	"kmslab/awsops/explain"
	"kmslab/awsops/partition"
	"kmslab/policy"
)

// Explain asks IAM's policy simulator whether the test user may call
// kms:Decrypt on the key, with the key policy as the resource policy and the
// context DynamoDB supplies when it decrypts on the user's behalf.
func (l *Lab) Explain(ctx context.Context) (explain.Explanation, error) {
	return l.explainDecrypt(ctx, func(id Identity) (policy.RequestFacts, explain.TraceRequest) {
		return policy.RequestFacts{Caller: policy.Caller{ARN: l.user.ARN, Account: id.Account}, KMS: true, ViaService: partition.ViaService("dynamodb", id.Region, partition.Of(id.ARN))},
			explain.TraceRequest{Principal: l.user.ARN, Action: "kms:Decrypt", Key: l.keyARN, Via: "dynamodb"}
	})
}

// explainDecrypt is the test user's kms:Decrypt on the key explained twice
// from one request (explain.Explainer.Simulate). req gives the request for
// the caller's identity.
func (l *Lab) explainDecrypt(ctx context.Context, req func(Identity) (policy.RequestFacts, explain.TraceRequest)) (explain.Explanation, error) {
	const op = "explain the decision"
	if l.user == nil {
		return explain.Explanation{}, &awserr.Error{Op: op, Resource: l.names.User, Message: errNoUser.Error(), Hint: "Create the test user first", Err: errNoUser}
	}
	id, err := l.identity(ctx)
	if err != nil {
		return explain.Explanation{}, err
	}
	keyPolicy, err := l.rawKeyPolicy(ctx)
	if err != nil {
		return explain.Explanation{}, err
	}
	facts, treq := req(id)
	return l.explainer().Simulate(ctx, explain.Simulation{User: l.user.Name, UserARN: l.user.ARN, KeyARN: l.keyARN, KeyPolicy: keyPolicy, Facts: facts, Request: treq})
}

// explainer reads the documents behind a decision with the admin's clients.
func (l *Lab) explainer() *explain.Explainer {
	return &explain.Explainer{KMS: l.kms, IAM: l.iam, DDB: l.ddb, Region: l.cfg.Region, Secure: explain.SecureEndpoint(l.cfg), Now: l.now}
}
