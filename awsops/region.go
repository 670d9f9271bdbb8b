package awsops

import (
	"errors"
	"net"
	"regexp"
	"strings"

	"kmslab/awsops/awserr"
)

// optInRegions are the regions an account must enable before use (those
// launched after 20 March 2019): until then AWS answers a call there as if
// the credentials were unknown (InvalidClientTokenId,
// UnrecognizedClientException).
// https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
var optInRegions = map[string]bool{
	"af-south-1": true, "ap-east-1": true, "ap-east-2": true, "ap-south-2": true, "ap-southeast-3": true,
	"ap-southeast-4": true, "ap-southeast-5": true, "ap-southeast-6": true, "ap-southeast-7": true,
	"ca-west-1": true, "eu-central-2": true, "eu-south-1": true, "eu-south-2": true, "il-central-1": true,
	"me-central-1": true, "me-south-1": true, "mx-central-1": true,
}

// regionShape is how every AWS region name reads: us-east-1, cn-north-1,
// us-gov-west-1, ap-southeast-7.
var regionShape = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)

// RegionError is a region the lab cannot work in: misspelt, unknown, or an
// opt-in region the account has not enabled.
type RegionError struct {
	Region string
	Why    string // what is wrong with it
	Hint   string // what to do
	Err    error
}

// Error is one sentence: what failed, why, what to do.
func (e *RegionError) Error() string {
	return "AWS region " + e.Region + " cannot be used: " + e.Why + "; " + e.Hint + "."
}

func (e *RegionError) Unwrap() error { return e.Err }

// RegionProblem reports whether err is about the region itself, with the
// one sentence that says so.
func RegionProblem(err error) (string, bool) {
	var re *RegionError
	if errors.As(err, &re) {
		return re.Error(), true
	}
	return "", false
}

const regionHint = "check --region, AWS_REGION or your profile's region (they read like us-east-1)"

// regionNameProblem refuses a region name no AWS region has, before any
// call: with AWS's own endpoints a misspelt region only shows as a host
// name that does not resolve, which reads like a network failure.
func (l *Lab) regionNameProblem() error {
	if l.cfg.BaseEndpoint != nil || regionShape.MatchString(l.cfg.Region) {
		return nil
	}
	return &RegionError{Region: l.cfg.Region, Why: "no AWS region is named so", Hint: regionHint}
}

// regionCallProblem says what a failed first call means about the region:
// nil when it says nothing about it.
func (l *Lab) regionCallProblem(err error) error {
	if l.cfg.BaseEndpoint != nil {
		return nil // a custom endpoint answers for every region name
	}
	region := l.cfg.Region
	if awserr.IsCode(err, "InvalidClientTokenId", "UnrecognizedClientException") && optInRegions[region] {
		return &RegionError{Region: region, Err: err,
			Why:  "it is an opt-in region, and AWS answers as if your credentials were unknown there, as it does until the region is enabled for the account",
			Hint: "enable it (AWS console, your account's AWS Regions settings) and wait until it is ready, or pass another --region"}
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound && strings.Contains(dns.Name, "."+region+".") {
		return &RegionError{Region: region, Err: err,
			Why: "its endpoint " + dns.Name + " does not exist, so no AWS region is named so", Hint: regionHint}
	}
	return nil
}
