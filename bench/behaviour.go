package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"kmslab/internal/simtest"
)

// Check is one behaviour question asked of a server and what it answered.
type Check struct {
	Name   string `json:"name"`
	AWS    string `json:"aws"`    // what AWS answers (error code, or "ok")
	Got    string `json:"got"`    // what the server answered, as the SDK saw it
	Detail string `json:"detail"` // the error message, or why the SDK could not read it
	Status int    `json:"http_status,omitempty"`
	Body   string `json:"body_type,omitempty"` // Content-Type of the answer
	Parsed bool   `json:"sdk_parsed"`          // the SDK read the answer (success or a typed API error)
	Match  bool   `json:"matches_aws"`
}

// recorder is an HTTP client that remembers the last response's status and content type.
type recorder struct {
	inner  *http.Client
	mu     sync.Mutex
	status int
	ctype  string
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.inner.Do(req)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.status, r.ctype = resp.StatusCode, resp.Header.Get("Content-Type")
	r.mu.Unlock()
	return resp, nil
}

func (r *recorder) last() (int, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status, r.ctype
}

// prober runs checks against one server through SDK clients sharing a recorder.
type prober struct {
	ep  endpoint
	rec *recorder
	out []Check
}

func (p *prober) cfg(id, secret string) aws.Config {
	c := p.ep.config(id, secret)
	c.HTTPClient = p.rec
	return c
}

// check records the outcome of err (nil = success) for a call AWS answers with want.
func (p *prober) check(name, want string, err error) Check {
	c := Check{Name: name, AWS: want}
	c.Status, c.Body = p.rec.last()
	var ae smithy.APIError
	var de *smithy.DeserializationError
	switch {
	case err == nil:
		c.Got, c.Parsed = "ok", true
	case errors.As(err, &ae):
		c.Got, c.Detail, c.Parsed = ae.ErrorCode(), ae.ErrorMessage(), true
	case errors.As(err, &de):
		c.Got, c.Detail = "SDK DeserializationError", oneLine(de.Error())
		if len(de.Snapshot) > 0 {
			c.Detail += "; body starts: " + clip(oneLine(string(de.Snapshot)), 160)
		}
	default:
		c.Got, c.Detail = "error", oneLine(err.Error())
	}
	c.Match = c.Got == want
	p.out = append(p.out, c)
	return c
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// bootstrapMotoAdmin spends moto's unauthenticated calls (INITIAL_NO_AUTH_ACTION_COUNT=3)
// on an administrator, so that afterwards every call is checked against IAM.
func bootstrapMotoAdmin(ctx context.Context, ep endpoint) (endpoint, error) {
	c := iam.NewFromConfig(ep.admin())
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bench-admin")}); err != nil {
		return ep, fmt.Errorf("moto CreateUser: %w", err)
	}
	if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bench-admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		return ep, fmt.Errorf("moto AttachUserPolicy: %w", err)
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bench-admin")})
	if err != nil {
		return ep, fmt.Errorf("moto CreateAccessKey: %w", err)
	}
	ep.ID, ep.Secret = *k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey
	return ep, nil
}

// runBehaviour asks the lab's questions of one server: the decisive check (a user
// with only AmazonDynamoDBFullAccess scans a table encrypted under a customer managed
// key), the lab's fix, and how errors of each service reach the SDK.
func runBehaviour(ctx context.Context, ep endpoint) ([]Check, error) {
	p := &prober{ep: ep, rec: &recorder{inner: &http.Client{Timeout: 30 * time.Second}}}
	admin := p.cfg(ep.ID, ep.Secret)
	iamC, kmsC, ddb := iam.NewFromConfig(admin), kms.NewFromConfig(admin), dynamodb.NewFromConfig(admin)

	who, err := sts.NewFromConfig(admin).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("GetCallerIdentity: %w", err)
	}
	account, adminARN := *who.Account, *who.Arn

	// The lab's setup, as the administrator.
	const userName, table = "kmslab-user-bench", "kmslab-bench-behaviour"
	if _, err := iamC.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(userName)}); err != nil {
		return nil, fmt.Errorf("CreateUser: %w", err)
	}
	if _, err := iamC.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(userName), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")}); err != nil {
		return nil, fmt.Errorf("AttachUserPolicy: %w", err)
	}
	ak, err := iamC.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(userName)})
	if err != nil {
		return nil, fmt.Errorf("CreateAccessKey: %w", err)
	}
	userARN := "arn:aws:iam::" + account + ":user/" + userName
	key, err := kmsC.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("kmslab bench behaviour")})
	if err != nil {
		return nil, fmt.Errorf("CreateKey: %w", err)
	}
	keyARN := *key.KeyMetadata.Arn
	if _, err := ddb.CreateTable(ctx, labTableInput(table, keyARN)); err != nil {
		return nil, fmt.Errorf("CreateTable: %w", err)
	}
	if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: labItem(1)}); err != nil {
		return nil, fmt.Errorf("PutItem: %w", err)
	}
	enc, err := kmsC.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(keyARN), Plaintext: []byte("secret")})
	if err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}

	user := p.cfg(*ak.AccessKey.AccessKeyId, *ak.AccessKey.SecretAccessKey)
	userDDB, userKMS := dynamodb.NewFromConfig(user), kms.NewFromConfig(user)

	// The decisive moment: AWS refuses because DynamoDB must decrypt the table key as the user.
	_, err = userDDB.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	c := p.check("user (AmazonDynamoDBFullAccess only) scans the CMK table", "AccessDeniedException", err)
	if c.Match && !strings.Contains(c.Detail, "kms:Decrypt") {
		p.out[len(p.out)-1].Match = false
		p.out[len(p.out)-1].Detail += " [message does not name kms:Decrypt]"
	}
	_, err = userKMS.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	p.check("same user calls kms:Decrypt directly", "AccessDeniedException", err)
	_, err = userDDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	p.check("same user DescribeTable (needs no KMS permission)", "ok", err)

	// The lab's fix: name the user in the key policy.
	_, err = kmsC.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default"), Policy: aws.String(simtest.ConsolePolicy(account, []string{adminARN}, []string{userARN}))})
	p.check("admin PutKeyPolicy naming the user as key user", "ok", err)
	_, err = userDDB.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	p.check("user scans again after the key policy names it", "ok", err)

	// How each service's errors reach the SDK.
	_, err = kmsC.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("11111111-2222-3333-4444-555555555555")})
	p.check("KMS DescribeKey of a missing key", "NotFoundException", err)
	_, err = kmsC.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: bytes.Repeat([]byte{7}, 64)})
	p.check("KMS Decrypt of garbage", "InvalidCiphertextException", err)
	_, err = ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("kmslab-no-such-table"), Key: map[string]ddbtypes.AttributeValue{"id": str("x")}})
	p.check("DynamoDB GetItem on a missing table", "ResourceNotFoundException", err)
	_, err = ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]ddbtypes.AttributeValue{"name": str("no key")}})
	p.check("DynamoDB PutItem without the key attribute", "ValidationException", err)
	_, err = ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: labItem(1), ConditionExpression: aws.String("attribute_not_exists(id)")})
	p.check("DynamoDB PutItem failing its condition", "ConditionalCheckFailedException", err)
	_, err = iamC.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("kmslab-no-such-user")})
	p.check("IAM GetUser of a missing user", "NoSuchEntity", err)
	_, err = kms.NewFromConfig(p.cfg("AKIAUNKNOWNUNKNOWN00", "secret")).ListKeys(ctx, &kms.ListKeysInput{})
	p.check("KMS call with an unknown access key", "UnrecognizedClientException", err)
	_, err = kms.NewFromConfig(p.cfg(ep.ID, "wrong-secret")).ListKeys(ctx, &kms.ListKeysInput{})
	p.check("KMS call signed with the wrong secret", "InvalidSignatureException", err)
	_, err = ddb.ListTables(ctx, &dynamodb.ListTablesInput{}, func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, stripSignature)
	})
	p.check("DynamoDB call without a signature", "MissingAuthenticationTokenException", err)
	return p.out, nil
}

// stripSignature removes the Authorization header after the SDK signed the request,
// to send an unsigned call through the SDK's own serialisation and error handling.
func stripSignature(st *middleware.Stack) error {
	return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("kmslabBenchStripSignature",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if req, ok := in.Request.(*smithyhttp.Request); ok {
				req.Header.Del("Authorization")
			}
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
}
