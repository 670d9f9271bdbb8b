package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"kmslab/sim/api"
	"kmslab/sim/dynamodb/attr"
	"kmslab/sim/kms"
)

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

type sseSpecification struct {
	Enabled        *bool   `json:"Enabled"`
	SSEType        string  `json:"SSEType"`
	KMSMasterKeyID *string `json:"KMSMasterKeyId"`
}

type createTableInput struct {
	TableName                 string                  `json:"TableName"`
	KeySchema                 []keySchemaElement      `json:"KeySchema"`
	AttributeDefinitions      []attributeDefinition   `json:"AttributeDefinitions"`
	BillingMode               string                  `json:"BillingMode"`
	ProvisionedThroughput     *provisionedThroughput  `json:"ProvisionedThroughput"`
	SSESpecification          *sseSpecification       `json:"SSESpecification"`
	Tags                      []tag                   `json:"Tags"`
	DeletionProtectionEnabled *bool                   `json:"DeletionProtectionEnabled"`
	TableClass                string                  `json:"TableClass"`
	GlobalSecondaryIndexes    []json.RawMessage       `json:"GlobalSecondaryIndexes"`
	LocalSecondaryIndexes     []json.RawMessage       `json:"LocalSecondaryIndexes"`
	StreamSpecification       *map[string]interface{} `json:"StreamSpecification"`
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
}

type tableDescriptionOutput struct {
	TableDescription tableDescription `json:"TableDescription"`
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// describe renders t as AWS does; status overrides the computed one (DELETING).
func (s *Service) describe(t *table, status string) tableDescription {
	t.mu.Lock()
	defer t.mu.Unlock()
	if status == "" {
		status = "ACTIVE"
		if s.env.Now().Before(t.ready) {
			status = "CREATING"
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
	if t.billing == "PAY_PER_REQUEST" {
		c := epoch(t.created)
		d.BillingModeSummary.LastUpdateToPayPerRequestDateTime = &c
	}
	if t.sse.kind != sseOwned {
		d.SSEDescription = &sseDescription{Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: t.sse.keyARN}
	}
	return d
}

// grantOps are the operations DynamoDB's grant on a table's key allows the service itself.
var grantOps = []string{"Decrypt", "Encrypt", "GenerateDataKey", "ReEncryptFrom", "ReEncryptTo", "RetireGrant", "DescribeKey"}

const managedAlias = "alias/aws/dynamodb"

// resolveSSE finds the key an SSESpecification asks for and, for a KMS key, checks it and
// creates DynamoDB's grant on behalf of the caller, as CreateTable and UpdateTable do on AWS.
func (s *Service) resolveSSE(ctx context.Context, spec *sseSpecification) (sseState, error) {
	if spec == nil || spec.Enabled == nil || !*spec.Enabled {
		if spec != nil && spec.KMSMasterKeyID != nil && *spec.KMSMasterKeyID != "" {
			return sseState{}, validationErr("One or more parameter values were invalid: KMSMasterKeyId can only be specified when SSE is enabled")
		}
		return sseState{kind: sseOwned}, nil
	}
	var v validation
	v.enum("sSESpecification.sSEType", spec.SSEType, "AES256", "KMS")
	if err := v.err(); err != nil {
		return sseState{}, err
	}
	if spec.SSEType == "AES256" {
		return sseState{}, validationErr("One or more parameter values were invalid: SSEType AES256 is not supported; use KMS")
	}
	if s.keys == nil {
		return sseState{}, errors.New("no KMS configured")
	}
	caller := api.CallerFrom(ctx)
	var (
		info kms.KeyInfo
		err  error
		kind = sseCMK
	)
	if spec.KMSMasterKeyID == nil || *spec.KMSMasterKeyID == "" {
		kind = sseManaged
		info, err = s.keys.AWSManagedKey(ctx, managedAlias, "Default master key that protects my DynamoDB tables when no other key is defined")
	} else {
		info, err = s.keys.DescribeKeyFor(ctx, caller, *spec.KMSMasterKeyID, s.via)
	}
	if err != nil {
		return sseState{}, s.kmsValidationError(err)
	}
	switch info.State {
	case "Enabled":
	case "Disabled":
		return sseState{}, s.kmsValidationError(api.BadRequest("DisabledException", "%s is disabled.", info.ARN))
	case "PendingDeletion":
		return sseState{}, s.kmsValidationError(api.BadRequest("KMSInvalidStateException", "%s is pending deletion.", info.ARN))
	default:
		return sseState{}, s.kmsValidationError(api.BadRequest("KMSInvalidStateException", "%s is %s.", info.ARN, info.State))
	}
	if _, err := s.keys.CreateGrantFor(ctx, caller, info.ARN, s.via, grantOps, s.via); err != nil {
		return sseState{}, s.kmsValidationError(err)
	}
	return sseState{kind: kind, keyARN: info.ARN}, nil
}

// newTableKey makes a table key for sse and returns only its wrapped form.
func (s *Service) newTableKey(ctx context.Context, sse sseState, name, arn, id string) ([]byte, error) {
	if sse.kind == sseOwned {
		tk := s.env.Bytes(tableKeyBytes)
		defer clear(tk)
		return s.wrapOwned(tk, arn+"/"+id)
	}
	plain, blob, err := s.keys.GenerateDataKeyFor(ctx, api.CallerFrom(ctx), sse.keyARN, s.encContext(name), s.via)
	if err != nil {
		return nil, s.kmsValidationError(err)
	}
	clear(plain)
	return blob, nil
}

func (v *validation) tags(field string, tags []tag) {
	if len(tags) > 50 {
		v.add("Value at '%s' failed to satisfy constraint: Member must have length less than or equal to 50", field)
	}
	for i, tg := range tags {
		if len(tg.Key) < 1 || len(tg.Key) > 128 {
			v.add("Value '%s' at '%s.%d.member.key' failed to satisfy constraint: Member must have length between 1 and 128", tg.Key, field, i+1)
		}
		if len(tg.Value) > 256 {
			v.add("Value '%s' at '%s.%d.member.value' failed to satisfy constraint: Member must have length less than or equal to 256", tg.Value, field, i+1)
		}
	}
}

func (s *Service) createTable(ctx context.Context, body []byte) (any, error) {
	var in createTableInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.tableName("tableName", in.TableName)
	if in.KeySchema == nil {
		v.add("Value null at 'keySchema' failed to satisfy constraint: Member must not be null")
	} else if len(in.KeySchema) < 1 || len(in.KeySchema) > 2 {
		v.add("Value '%v' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2", in.KeySchema)
	}
	if in.AttributeDefinitions == nil {
		v.add("Value null at 'attributeDefinitions' failed to satisfy constraint: Member must not be null")
	}
	for i, k := range in.KeySchema {
		v.enum("keySchema."+strconv.Itoa(i+1)+".member.keyType", k.KeyType, "HASH", "RANGE")
	}
	for i, a := range in.AttributeDefinitions {
		v.enum("attributeDefinitions."+strconv.Itoa(i+1)+".member.attributeType", a.AttributeType, "B", "N", "S")
	}
	v.enum("billingMode", in.BillingMode, "PROVISIONED", "PAY_PER_REQUEST")
	v.tags("tags", in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, "CreateTable", s.tableARN(in.TableName)); err != nil {
		return nil, err
	}
	if strings.HasPrefix(in.TableName, "arn:") {
		return nil, validationErr("Invalid table name: a table ARN cannot be used to create a table")
	}
	if len(in.GlobalSecondaryIndexes) > 0 || len(in.LocalSecondaryIndexes) > 0 {
		return nil, validationErr("kmslab: secondary indexes are not supported by the offline DynamoDB")
	}
	hash, rng, defs, err := checkSchema(in.KeySchema, in.AttributeDefinitions)
	if err != nil {
		return nil, err
	}
	billing := in.BillingMode
	if billing == "" {
		billing = "PROVISIONED"
	}
	var rcu, wcu int64
	if billing == "PROVISIONED" {
		pt := in.ProvisionedThroughput
		if pt == nil || pt.ReadCapacityUnits == nil || pt.WriteCapacityUnits == nil {
			return nil, validationErr("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
		}
		rcu, wcu = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
		if rcu < 1 || wcu < 1 {
			return nil, validationErr("One or more parameter values were invalid: Provisioned throughput for readCapacityUnits and writeCapacityUnits must be at least 1")
		}
	} else if in.ProvisionedThroughput != nil {
		return nil, validationErr("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
	}

	s.mu.Lock()
	exists := s.tables[in.TableName] != nil
	s.mu.Unlock()
	if exists {
		return nil, api.BadRequest("ResourceInUseException", "Table already exists: %s", in.TableName)
	}

	sse, err := s.resolveSSE(ctx, in.SSESpecification)
	if err != nil {
		return nil, err
	}
	now := s.env.Now()
	t := &table{
		name:       in.TableName,
		arn:        s.tableARN(in.TableName),
		id:         s.env.UUID(),
		created:    now,
		ready:      now.Add(s.opts.CreationDelay),
		hashKey:    hash,
		rangeKey:   rng,
		attrDefs:   defs,
		billing:    billing,
		rcu:        rcu,
		wcu:        wcu,
		protected:  in.DeletionProtectionEnabled != nil && *in.DeletionProtectionEnabled,
		tags:       mergeTags(nil, in.Tags),
		sse:        sse,
		partitions: map[string]*partition{},
	}
	if t.wrappedKey, err = s.newTableKey(ctx, sse, t.name, t.arn, t.id); err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.tables[t.name] != nil {
		s.mu.Unlock()
		return nil, api.BadRequest("ResourceInUseException", "Table already exists: %s", in.TableName)
	}
	s.tables[t.name] = t
	s.mu.Unlock()
	if sse.keyARN != "" {
		if req := api.RequestFrom(ctx); req != nil {
			req.Touch(sse.keyARN)
		}
	}
	return tableDescriptionOutput{TableDescription: s.describe(t, "")}, nil
}

// checkSchema validates a key schema against its attribute definitions with DynamoDB's messages.
func checkSchema(ks []keySchemaElement, defs []attributeDefinition) (keyAttr, *keyAttr, []attributeDefinition, error) {
	if ks[0].KeyType != "HASH" {
		return keyAttr{}, nil, nil, validationErr("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
	}
	if len(ks) == 2 && ks[1].KeyType != "RANGE" {
		return keyAttr{}, nil, nil, validationErr("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
	}
	if len(ks) == 2 && ks[0].AttributeName == ks[1].AttributeName {
		return keyAttr{}, nil, nil, validationErr("Invalid KeySchema: Some index key attribute have no definition")
	}
	types := map[string]attr.Type{}
	var names []string
	for _, d := range defs {
		if _, dup := types[d.AttributeName]; dup {
			return keyAttr{}, nil, nil, validationErr("Cannot have two attributes with the same name. Attribute name: %s", d.AttributeName)
		}
		t, _ := attr.ParseType(d.AttributeType)
		types[d.AttributeName] = t
		names = append(names, d.AttributeName)
	}
	var keys []keyAttr
	var keyNames []string
	missing := false
	for _, k := range ks {
		keyNames = append(keyNames, k.AttributeName)
		t, ok := types[k.AttributeName]
		if !ok {
			missing = true
		}
		keys = append(keys, keyAttr{name: k.AttributeName, typ: t})
	}
	if missing {
		return keyAttr{}, nil, nil, validationErr("One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]",
			strings.Join(keyNames, ", "), strings.Join(names, ", "))
	}
	if len(defs) != len(ks) {
		return keyAttr{}, nil, nil, validationErr("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
	}
	var rng *keyAttr
	if len(keys) == 2 {
		rng = &keys[1]
	}
	return keys[0], rng, append([]attributeDefinition(nil), defs...), nil
}

func mergeTags(old, add []tag) []tag {
	out := append([]tag(nil), old...)
	for _, a := range add {
		replaced := false
		for i := range out {
			if out[i].Key == a.Key {
				out[i].Value, replaced = a.Value, true
			}
		}
		if !replaced {
			out = append(out, a)
		}
	}
	return out
}

type tableNameInput struct {
	TableName string `json:"TableName"`
}

// controlTable authorizes op on the named table and returns it, with the control plane's
// not-found message.
func (s *Service) controlTable(ctx context.Context, op, ref string) (*table, error) {
	var v validation
	v.tableName("tableName", ref)
	if err := v.err(); err != nil {
		return nil, err
	}
	name, ok := s.nameFromRef(ref)
	if !ok {
		return nil, validationErr("Invalid TableArn: Invalid ResourceArn provided as input %s", ref)
	}
	if err := s.authorize(ctx, op, s.tableARN(name)); err != nil {
		return nil, err
	}
	s.mu.Lock()
	t := s.tables[name]
	s.mu.Unlock()
	if t == nil {
		return nil, api.BadRequest("ResourceNotFoundException", "Requested resource not found: Table: %s not found", name)
	}
	return t, nil
}

func (s *Service) describeTable(ctx context.Context, body []byte) (any, error) {
	var in tableNameInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	t, err := s.controlTable(ctx, "DescribeTable", in.TableName)
	if err != nil {
		return nil, err
	}
	return struct {
		Table tableDescription `json:"Table"`
	}{s.describe(t, "")}, nil
}

func (s *Service) deleteTable(ctx context.Context, body []byte) (any, error) {
	var in tableNameInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	t, err := s.controlTable(ctx, "DeleteTable", in.TableName)
	if err != nil {
		return nil, err
	}
	if s.env.Now().Before(t.ready) {
		return nil, api.BadRequest("ResourceInUseException", "Attempt to change a resource which is still in use: Table is being created: %s", t.name)
	}
	if t.protected {
		return nil, api.BadRequest("ResourceInUseException", "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
	}
	d := s.describe(t, "DELETING")
	s.mu.Lock()
	if s.tables[t.name] == t {
		delete(s.tables, t.name)
	}
	s.mu.Unlock()
	t.mu.Lock()
	t.deleted = true
	t.partitions, t.order = map[string]*partition{}, nil
	t.mu.Unlock()
	s.forget(t.id)
	return tableDescriptionOutput{TableDescription: d}, nil
}

type listTablesInput struct {
	ExclusiveStartTableName string `json:"ExclusiveStartTableName"`
	Limit                   *int   `json:"Limit"`
}

func (s *Service) listTables(ctx context.Context, body []byte) (any, error) {
	var in listTablesInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 100 {
			return nil, validationErr("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value %s", *in.Limit,
				map[bool]string{true: "greater than or equal to 1", false: "less than or equal to 100"}[*in.Limit < 1])
		}
		limit = *in.Limit
	}
	if err := s.authorize(ctx, "ListTables", "*"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	names := make([]string, 0, len(s.tables))
	for n := range s.tables {
		if n > in.ExclusiveStartTableName {
			names = append(names, n)
		}
	}
	s.mu.Unlock()
	sort.Strings(names)
	out := struct {
		TableNames             []string `json:"TableNames"`
		LastEvaluatedTableName string   `json:"LastEvaluatedTableName,omitempty"`
	}{TableNames: names}
	if len(names) > limit {
		out.TableNames = names[:limit]
		out.LastEvaluatedTableName = names[limit-1]
	}
	return out, nil
}

type updateTableInput struct {
	TableName                   string                 `json:"TableName"`
	BillingMode                 string                 `json:"BillingMode"`
	ProvisionedThroughput       *provisionedThroughput `json:"ProvisionedThroughput"`
	SSESpecification            *sseSpecification      `json:"SSESpecification"`
	DeletionProtectionEnabled   *bool                  `json:"DeletionProtectionEnabled"`
	AttributeDefinitions        []json.RawMessage      `json:"AttributeDefinitions"`
	GlobalSecondaryIndexUpdates []json.RawMessage      `json:"GlobalSecondaryIndexUpdates"`
}

func (s *Service) updateTable(ctx context.Context, body []byte) (any, error) {
	var in updateTableInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	v.enum("billingMode", in.BillingMode, "PROVISIONED", "PAY_PER_REQUEST")
	if err := v.err(); err != nil {
		return nil, err
	}
	t, err := s.controlTable(ctx, "UpdateTable", in.TableName)
	if err != nil {
		return nil, err
	}
	if len(in.GlobalSecondaryIndexUpdates) > 0 {
		return nil, validationErr("kmslab: secondary indexes are not supported by the offline DynamoDB")
	}
	if in.BillingMode == "" && in.ProvisionedThroughput == nil && in.SSESpecification == nil && in.DeletionProtectionEnabled == nil {
		return nil, validationErr("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
	}
	if s.env.Now().Before(t.ready) {
		return nil, api.BadRequest("ResourceInUseException", "Attempt to change a resource which is still in use: Table is being created: %s", t.name)
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
	t.mu.Lock()
	t.billing, t.rcu, t.wcu = billing, rcu, wcu
	if in.DeletionProtectionEnabled != nil {
		t.protected = *in.DeletionProtectionEnabled
	}
	t.mu.Unlock()
	return tableDescriptionOutput{TableDescription: s.describe(t, "")}, nil
}

// rekey moves a table to the key an SSESpecification names: the current table key is
// decrypted as the caller, every item is re-encrypted under a fresh table key from the new
// KMS key, and cached keys are dropped.
func (s *Service) rekey(ctx context.Context, t *table, spec *sseSpecification) error {
	sse, err := s.resolveSSE(ctx, spec)
	if err != nil {
		return err
	}
	t.mu.Lock()
	same := t.sse == sse
	t.mu.Unlock()
	if same {
		return nil
	}
	oldKeys, err := s.tableKeysFor(ctx, t)
	if err != nil {
		return err
	}
	wrapped, err := s.newTableKey(ctx, sse, t.name, t.arn, t.id)
	if err != nil {
		return err
	}
	// The new table key is needed in plaintext once, to re-encrypt: unwrap it the way
	// a data-plane request would.
	next := &table{name: t.name, arn: t.arn, id: t.id, sse: sse, wrappedKey: wrapped, gen: oldKeys.gen + 1}
	newKeys, err := s.tableKeysFor(ctx, next)
	if err != nil {
		return err
	}
	s.forget(t.id)

	t.mu.Lock()
	defer t.mu.Unlock()
	if t.gen != oldKeys.gen || t.deleted {
		return api.BadRequest("ResourceInUseException", "Attempt to change a resource which is still in use: Table is being updated: %s", t.name)
	}
	parts := map[string]*partition{}
	var order []string
	for _, ph := range t.order {
		for ih, st := range t.partitions[ph].items {
			it, err := open(oldKeys, t.name, []byte(ih), st.sealed)
			if err != nil {
				return err
			}
			h, r := t.keyValues(it)
			nh := newKeys.itemHash(h, r)
			sealed, err := s.seal(newKeys, t.name, nh, it)
			if err != nil {
				return err
			}
			nph := string(newKeys.partHash(h))
			p := parts[nph]
			if p == nil {
				p = &partition{items: map[string]*stored{}}
				parts[nph] = p
				order = append(order, nph)
			}
			p.items[string(nh)] = &stored{hash: nh, sealed: sealed, size: st.size}
		}
	}
	sort.Strings(order)
	t.partitions, t.order = parts, order
	t.sse, t.wrappedKey, t.gen = sse, wrapped, oldKeys.gen+1
	s.forget(t.id)
	return nil
}

// keyValues returns the key attribute values of a stored (hence complete) item.
func (t *table) keyValues(it attr.Item) (attr.Value, *attr.Value) {
	h := it[t.hashKey.name]
	if t.rangeKey == nil {
		return h, nil
	}
	r := it[t.rangeKey.name]
	return h, &r
}

type tagResourceInput struct {
	ResourceArn string   `json:"ResourceArn"`
	Tags        []tag    `json:"Tags"`
	TagKeys     []string `json:"TagKeys"`
	NextToken   string   `json:"NextToken"`
}

// tagTable authorizes op on a table ARN and returns the table.
func (s *Service) tagTable(ctx context.Context, op, ref string) (*table, error) {
	var v validation
	if ref == "" {
		v.add("Value null at 'resourceArn' failed to satisfy constraint: Member must not be null")
	} else if len(ref) > 1283 {
		v.add("Value '%s' at 'resourceArn' failed to satisfy constraint: Member must have length less than or equal to 1283", ref)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(ref, "arn:aws:dynamodb:") || !strings.Contains(ref, ":table/") {
		return nil, validationErr("Invalid TableArn: Invalid ResourceArn provided as input %s", ref)
	}
	if err := s.authorize(ctx, op, ref); err != nil {
		return nil, err
	}
	name, ok := s.nameFromRef(ref)
	s.mu.Lock()
	t := s.tables[name]
	s.mu.Unlock()
	if !ok || t == nil {
		return nil, api.BadRequest("ResourceNotFoundException", "Requested resource not found: ResourcArn: %s not found", ref)
	}
	return t, nil
}

func (s *Service) tagResource(ctx context.Context, body []byte) (any, error) {
	var in tagResourceInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var v validation
	if in.Tags == nil {
		v.add("Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	v.tags("tags", in.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	t, err := s.tagTable(ctx, "TagResource", in.ResourceArn)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	merged := mergeTags(t.tags, in.Tags)
	if len(merged) > 50 {
		return nil, validationErr("One or more parameter values were invalid: The number of tags exceeds the limit of 50")
	}
	t.tags = merged
	return struct{}{}, nil
}

func (s *Service) untagResource(ctx context.Context, body []byte) (any, error) {
	var in tagResourceInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.TagKeys == nil {
		return nil, validationErr("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
	}
	t, err := s.tagTable(ctx, "UntagResource", in.ResourceArn)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	var kept []tag
	for _, tg := range t.tags {
		if !drop[tg.Key] {
			kept = append(kept, tg)
		}
	}
	t.tags = kept
	return struct{}{}, nil
}

func (s *Service) listTagsOfResource(ctx context.Context, body []byte) (any, error) {
	var in tagResourceInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	t, err := s.tagTable(ctx, "ListTagsOfResource", in.ResourceArn)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return struct {
		Tags []tag `json:"Tags"`
	}{append([]tag{}, t.tags...)}, nil
}
