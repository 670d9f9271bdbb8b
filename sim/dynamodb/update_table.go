package dynamodb

import (
	"context"
	"fmt"
)

type updateTableInput struct {
	TableName                   string                 `json:"TableName"`
	BillingMode                 string                 `json:"BillingMode"`
	ProvisionedThroughput       *provisionedThroughput `json:"ProvisionedThroughput"`
	SSESpecification            *sseSpecification      `json:"SSESpecification"`
	DeletionProtectionEnabled   *bool                  `json:"DeletionProtectionEnabled"`
	AttributeDefinitions        []attributeDefinition  `json:"AttributeDefinitions"`
	GlobalSecondaryIndexUpdates []gsiUpdate            `json:"GlobalSecondaryIndexUpdates"`
}

func (s *Service) updateTable(ctx context.Context, body []byte) (any, error) {
	var in updateTableInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.enum("billingMode", in.BillingMode, "PROVISIONED", "PAY_PER_REQUEST")
	for i, a := range in.AttributeDefinitions {
		v.enum(fmt.Sprintf("attributeDefinitions.%d.member.attributeType", i+1), a.AttributeType, "B", "N", "S")
	}
	v.gsiShapes(in.GlobalSecondaryIndexUpdates)
	if err := v.err(); err != nil {
		return nil, err
	}
	t, err := s.controlTable(ctx, "UpdateTable", in.TableName)
	if err != nil {
		return nil, err
	}
	if in.BillingMode == "" && in.ProvisionedThroughput == nil && in.SSESpecification == nil && in.DeletionProtectionEnabled == nil && len(in.GlobalSecondaryIndexUpdates) == 0 {
		return nil, validationErr("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
	}
	if s.env.Now().Before(t.ready) {
		return nil, errTableInUse("created", t.name)
	}
	t.mu.Lock()
	billing, rcu, wcu := t.billing, t.rcu, t.wcu
	t.mu.Unlock()
	if in.BillingMode != "" {
		billing = in.BillingMode
	}
	if in.ProvisionedThroughput != nil {
		pt := in.ProvisionedThroughput
		if billing == "PAY_PER_REQUEST" {
			return nil, validationErr("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
		}
		if pt.ReadCapacityUnits == nil || pt.WriteCapacityUnits == nil || *pt.ReadCapacityUnits < 1 || *pt.WriteCapacityUnits < 1 {
			return nil, validationErr("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
		}
		rcu, wcu = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
	}
	switch {
	case billing == "PAY_PER_REQUEST":
		rcu, wcu = 0, 0
	case rcu == 0 || wcu == 0:
		return nil, validationErr("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
	}
	if in.SSESpecification != nil {
		if err := s.rekey(ctx, t, in.SSESpecification); err != nil {
			return nil, err
		}
	}
	var changes *indexChanges
	if len(in.GlobalSecondaryIndexUpdates) > 0 {
		t.mu.Lock()
		changes, err = t.planIndexChanges(in.GlobalSecondaryIndexUpdates, in.AttributeDefinitions, billing)
		t.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	t.mu.Lock()
	t.billing, t.rcu, t.wcu = billing, rcu, wcu
	if in.DeletionProtectionEnabled != nil {
		t.protected = *in.DeletionProtectionEnabled
	}
	if changes != nil {
		t.applyIndexChanges(changes, s.env.Now().Add(s.opts.CreationDelay))
	}
	t.mu.Unlock()
	if changes == nil {
		return tableDescriptionOutput{TableDescription: s.describe(t, "")}, nil
	}
	// AWS answers an index change with the table UPDATING, the new index CREATING and a
	// deleted one DELETING, whatever the table looks like a moment later.
	status := map[string]string{}
	if changes.create != nil {
		status[changes.create.name] = "CREATING"
	}
	for _, n := range changes.deletes {
		status[n] = "DELETING"
	}
	d := s.describeWith(t, "UPDATING", status)
	t.mu.Lock()
	t.dropIndexes(changes.deletes)
	t.mu.Unlock()
	return tableDescriptionOutput{TableDescription: d}, nil
}
