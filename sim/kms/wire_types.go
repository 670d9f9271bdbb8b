package kms

import (
	"strconv"
	"time"
)

// epoch is a timestamp as awsJson sends it: seconds since the epoch as a JSON
// number with a fraction (milliseconds), e.g. 1700000000.123.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	sec, frac := ms/1000, ms%1000
	if frac < 0 {
		sec, frac = sec-1, frac+1000
	}
	b := strconv.AppendInt(nil, sec, 10)
	b = append(b, '.')
	f := strconv.Itoa(int(frac) + 1000)
	return append(b, f[1:]...), nil
}

func epochPtr(t time.Time) *epoch {
	e := epoch(t)
	return &e
}

// keyMetadata is DescribeKey's (and CreateKey's) KeyMetadata.
type keyMetadata struct {
	AWSAccountId                string
	KeyId                       string
	Arn                         string
	CreationDate                epoch
	Enabled                     bool
	Description                 string
	KeyUsage                    string
	KeyState                    string
	DeletionDate                *epoch `json:",omitempty"`
	PendingDeletionWindowInDays *int32 `json:",omitempty"`
	Origin                      string
	KeyManager                  string
	CustomerMasterKeySpec       string
	KeySpec                     string
	EncryptionAlgorithms        []string `json:",omitempty"`
	SigningAlgorithms           []string `json:",omitempty"`
	MacAlgorithms               []string `json:",omitempty"`
	MultiRegion                 bool
	MultiRegionConfiguration    *multiRegionConfiguration `json:",omitempty"`
}

func (s *Service) metadata(k *key) keyMetadata {
	m := keyMetadata{
		AWSAccountId:          s.env.AccountID,
		KeyId:                 k.id,
		Arn:                   k.arn,
		CreationDate:          epoch(k.created),
		Enabled:               k.state == StateEnabled,
		Description:           k.description,
		KeyUsage:              k.usage,
		KeyState:              k.state,
		Origin:                originKMS,
		KeyManager:            k.manager,
		CustomerMasterKeySpec: k.spec,
		KeySpec:               k.spec,
	}
	m.EncryptionAlgorithms, m.SigningAlgorithms, m.MacAlgorithms = specs[k.spec].algorithms(k.usage)
	if k.multiRegion {
		m.MultiRegion, m.MultiRegionConfiguration = true, s.multiRegionConfig(k)
	}
	if k.state == StatePendingDeletion {
		m.DeletionDate = epochPtr(k.deletion)
		w := k.window
		m.PendingDeletionWindowInDays = &w
	}
	return m
}

// tag is KMS's tag shape.
type tag struct {
	TagKey   *string
	TagValue *string
}

// keyOnly is the input of the many operations that take just a KeyId.
type keyOnly struct {
	KeyId *string
}

func (in *keyOnly) keyID() *string { return in.KeyId }

func (in *keyOnly) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	return v.err()
}
