package sim

import (
	"testing"

	"kmslab/sim/api"
	"kmslab/sim/audit"
	"kmslab/sim/authz"
	"kmslab/sim/dynamodb"
	"kmslab/sim/iam"
	"kmslab/sim/kms"
)

// FuzzRestoreState feeds arbitrary saved state to the services' restore
// functions: a damaged data dir must give an error, never a panic.
func FuzzRestoreState(f *testing.F) {
	env := api.NewEnv(DefaultAccountID, DefaultRegion, nil, nil)
	log := audit.New(10)
	im := iam.New(env, iam.Options{})
	az := authz.New(env, im)
	im.SetAuthorizer(az)
	k := kms.New(env, az, im, log, kms.Options{})
	d := dynamodb.New(env, az, k, log, dynamodb.Options{})
	for _, seed := range []string{
		`{"Users":{"a":{"Name":"a","Inline":{"p":{"Name":"p","Text":"{}"}}}},"Keys":{"K":{"ID":"K","UserName":"a"}}}`,
		`{"Order":["x"],"Keys":[{"ID":"x","Material":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}]}`,
		`{"ServiceKey":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","Tables":[{"Name":"t","HashKey":{"Name":"pk","Type":"S"}}]}`,
		`{"Users":{"a":null},"Keys":{"K":null}}`,
		`{"Users":{"a":{"Name":"a"}},"Groups":{"g":{"Name":"g","Members":["a"],"Attached":["arn:aws:iam::aws:policy/AdministratorAccess"],"Inline":{"p":{"Name":"p","Text":"{}"}}}}}`,
		`{"Roles":{"r":{"Name":"r","MaxSession":3600,"Trust":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}","Inline":{"p":null}}},` +
			`"Sessions":{"ASIAX":{"AccessKeyID":"ASIAX","RoleName":"r","Expires":"2026-12-01T00:00:00Z"}}}`,
		`{"Groups":{"g":null},"Roles":{"r":null},"Sessions":{"ASIAX":null}}`,
		`null`, `[]`, `{`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = im.RestoreState(b)
		_ = k.RestoreState(b)
		_, _ = d.RestoreState(b)
	})
}
