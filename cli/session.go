package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

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
}

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
	opts := sim.Options{Region: g.region}
	if g.seeded {
		opts.Rand = seededRand(g.seed)
		opts.Clock = newSteppedClock().Now
	}
	srv, err := sim.Start(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("start the offline AWS: %w", err)
	}
	cfg := aws.Config{
		Region:       srv.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(srv.Admin.AccessKeyID, srv.Admin.SecretAccessKey, ""),
		BaseEndpoint: aws.String(srv.URL),
	}
	return &session{mode: Offline, cfg: cfg, srv: srv}, nil
}

func openRemote(ctx context.Context, g *globals) (*session, error) {
	var opts []func(*config.LoadOptions) error
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
