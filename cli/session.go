package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"

	"kmslab/sim"
)

// Mode says where the lab's calls go.
type Mode int

const (
	Offline  Mode = iota // the embedded offline AWS
	RealAWS              // the user's account through the SDK default chain
	Endpoint             // an AWS-compatible endpoint given with --endpoint-url
)

func (m Mode) String() string {
	switch m {
	case Offline:
		return "offline"
	case RealAWS:
		return "aws"
	default:
		return "endpoint"
	}
}

// session is the aws.Config the lab runs with and, offline, the embedded AWS behind it.
type session struct {
	mode Mode
	cfg  aws.Config
	srv  *sim.Server // offline only
	// clock is the offline AWS's clock, which experiments move forward
	// rather than wait out DynamoDB's table key cache (offline only).
	clock *shiftClock
}

// String names the session without its credentials: its fields are
// unexported, so fmt would print them raw, secret included.
func (s session) String() string {
	return "kmslab session (" + s.mode.String() + ", region " + s.cfg.Region + ")"
}

// GoString is String, for %#v.
func (s session) GoString() string { return s.String() }

func (s *session) Close() {
	if s.srv != nil {
		_ = s.srv.Close()
	}
}

// openSession builds the lab's AWS configuration. Offline it starts the embedded
// AWS on loopback and uses its admin key; nothing else differs, so awsops runs the
// same code path in every mode.
func openSession(ctx context.Context, g *globals) (*session, error) {
	if g.aws || g.endpointURL != "" {
		return openRemote(ctx, g)
	}
	return openOffline(ctx, g, "")
}

// openOffline starts an embedded AWS of its own for one run, in accountID
// ("" for sim.DefaultAccountID): kmslab workshop gives each attendee another.
func openOffline(ctx context.Context, g *globals, accountID string) (*session, error) {
	opts := sim.Options{Region: g.region, AccountID: accountID}
	clock := &shiftClock{base: time.Now}
	if g.seeded {
		opts.Rand = seededRand(g.seed)
		clock.base = newSteppedClock().Now
	}
	opts.Clock = clock.Now
	srv, err := sim.Start(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("start the offline AWS: %w", err)
	}
	cfg := aws.Config{
		Region:       srv.Region,
		Credentials:  adminCreds{creds: srv.Admin},
		BaseEndpoint: aws.String(srv.URL),
	}
	return &session{mode: Offline, cfg: cfg, srv: srv, clock: clock}, nil
}

// adminCreds hands the offline admin's key to the SDK. Unlike the SDK's static
// provider it formats without the secret, so a %+v of the session's aws.Config
// (in a log line or a test failure) cannot print it.
type adminCreds struct{ creds sim.Credentials }

func (c adminCreds) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: c.creds.AccessKeyID, SecretAccessKey: c.creds.SecretAccessKey, Source: "kmslab offline admin"}, nil
}

func (c adminCreds) String() string {
	return "credentials(" + c.creds.AccessKeyID + ", secret redacted)"
}
func (c adminCreds) GoString() string { return c.String() }

func openRemote(ctx context.Context, g *globals) (*session, error) {
	// The SDK logs some fallbacks (IMDSv1, a retried clock skew) to stderr;
	// everything the user needs reaches them as an error instead.
	opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{}), config.WithClientLogMode(0)}
	if g.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(g.profile))
	}
	if g.region != "" {
		opts = append(opts, config.WithRegion(g.region))
	}
	mode := RealAWS
	if g.endpointURL != "" {
		opts = append(opts, config.WithBaseEndpoint(g.endpointURL))
		mode = Endpoint
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("no AWS region is set: pass --region, or set AWS_REGION, or add region to your profile in %s", sharedConfigHint())
	}
	return &session{mode: mode, cfg: cfg}, nil
}

func sharedConfigHint() string {
	if p := os.Getenv("AWS_CONFIG_FILE"); p != "" {
		return p
	}
	return "~/.aws/config"
}
