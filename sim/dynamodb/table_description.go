package dynamodb

import "time"

type keySchemaElement struct {
	AttributeName string `json:"AttributeName"`
	KeyType       string `json:"KeyType"`
}

type attributeDefinition struct {
	AttributeName string `json:"AttributeName"`
	AttributeType string `json:"AttributeType"`
}

type provisionedThroughput struct {
	ReadCapacityUnits  *int64 `json:"ReadCapacityUnits"`
	WriteCapacityUnits *int64 `json:"WriteCapacityUnits"`
}

type throughputDescription struct {
	NumberOfDecreasesToday int64 `json:"NumberOfDecreasesToday"`
	ReadCapacityUnits      int64 `json:"ReadCapacityUnits"`
	WriteCapacityUnits     int64 `json:"WriteCapacityUnits"`
}

type billingModeSummary struct {
	BillingMode                       string   `json:"BillingMode"`
	LastUpdateToPayPerRequestDateTime *float64 `json:"LastUpdateToPayPerRequestDateTime,omitempty"`
}

type sseDescription struct {
	Status          string `json:"Status"`
	SSEType         string `json:"SSEType"`
	KMSMasterKeyArn string `json:"KMSMasterKeyArn"`
	// InaccessibleEncryptionDateTime is when DynamoDB found the key unusable.
	InaccessibleEncryptionDateTime *float64 `json:"InaccessibleEncryptionDateTime,omitempty"`
}

type tableDescription struct {
	AttributeDefinitions      []attributeDefinition `json:"AttributeDefinitions"`
	TableName                 string                `json:"TableName"`
	KeySchema                 []keySchemaElement    `json:"KeySchema"`
	TableStatus               string                `json:"TableStatus"`
	CreationDateTime          float64               `json:"CreationDateTime"`
	ProvisionedThroughput     throughputDescription `json:"ProvisionedThroughput"`
	TableSizeBytes            int64                 `json:"TableSizeBytes"`
	ItemCount                 int64                 `json:"ItemCount"`
	TableArn                  string                `json:"TableArn"`
	TableID                   string                `json:"TableId"`
	BillingModeSummary        *billingModeSummary   `json:"BillingModeSummary,omitempty"`
	SSEDescription            *sseDescription       `json:"SSEDescription,omitempty"`
	DeletionProtectionEnabled bool                  `json:"DeletionProtectionEnabled"`
	GlobalSecondaryIndexes    []indexDescription    `json:"GlobalSecondaryIndexes,omitempty"`
	LocalSecondaryIndexes     []indexDescription    `json:"LocalSecondaryIndexes,omitempty"`
}

type tableDescriptionOutput struct {
	TableDescription tableDescription `json:"TableDescription"`
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// describe renders t as AWS does; status overrides the computed one (DELETING).
func (s *Service) describe(t *table, status string) tableDescription {
	return s.describeWith(t, status, nil)
}

// describeWith is describe with index statuses overridden (UpdateTable's DELETING index).
func (s *Service) describeWith(t *table, status string, indexStatus map[string]string) tableDescription {
	t.mu.Lock()
	defer t.mu.Unlock()
	if status == "" {
		status = "ACTIVE"
		if s.env.Now().Before(t.ready) {
			status = "CREATING"
		}
		if !t.inaccessible.since.IsZero() && (t.inaccessible.recoverAt.IsZero() || s.env.Now().Before(t.inaccessible.recoverAt)) {
			status = "INACCESSIBLE_ENCRYPTION_CREDENTIALS"
		}
	}
	ks := []keySchemaElement{{AttributeName: t.hashKey.name, KeyType: "HASH"}}
	if t.rangeKey != nil {
		ks = append(ks, keySchemaElement{AttributeName: t.rangeKey.name, KeyType: "RANGE"})
	}
	d := tableDescription{
		AttributeDefinitions:      append([]attributeDefinition(nil), t.attrDefs...),
		TableName:                 t.name,
		KeySchema:                 ks,
		TableStatus:               status,
		CreationDateTime:          epoch(t.created),
		ProvisionedThroughput:     throughputDescription{ReadCapacityUnits: t.rcu, WriteCapacityUnits: t.wcu},
		TableSizeBytes:            t.size,
		ItemCount:                 t.count,
		TableArn:                  t.arn,
		TableID:                   t.id,
		BillingModeSummary:        &billingModeSummary{BillingMode: t.billing},
		DeletionProtectionEnabled: t.protected,
	}
	d.GlobalSecondaryIndexes, d.LocalSecondaryIndexes = t.describeIndexes(s.env.Now(), indexStatus)
	if t.billing == "PAY_PER_REQUEST" {
		c := epoch(t.created)
		d.BillingModeSummary.LastUpdateToPayPerRequestDateTime = &c
	}
	if t.sse.kind != sseOwned {
		d.SSEDescription = &sseDescription{Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: t.sse.keyARN}
		if status == "INACCESSIBLE_ENCRYPTION_CREDENTIALS" {
			at := epoch(t.inaccessible.since)
			d.SSEDescription.InaccessibleEncryptionDateTime = &at
		}
	}
	return d
}
