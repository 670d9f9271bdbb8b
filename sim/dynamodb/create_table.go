package dynamodb

import (
	"context"
	"strconv"
	"strings"

	"kmslab/sim/api"
	"kmslab/sim/dynamodb/attr"
)

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
	GlobalSecondaryIndexes    []indexSpec             `json:"GlobalSecondaryIndexes"`
	LocalSecondaryIndexes     []indexSpec             `json:"LocalSecondaryIndexes"`
	StreamSpecification       *map[string]interface{} `json:"StreamSpecification"`
	ResourcePolicy            *string                 `json:"ResourcePolicy"`
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
	v.indexShapes("globalSecondaryIndexes", in.GlobalSecondaryIndexes)
	v.indexShapes("localSecondaryIndexes", in.LocalSecondaryIndexes)
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
	var rbp *tablePolicy
	if in.ResourcePolicy != nil {
		// Creating a table with a policy takes both actions (API_CreateTable.html, ResourcePolicy).
		if err := s.authorize(ctx, "PutResourcePolicy", s.tableARN(in.TableName)); err != nil {
			return nil, err
		}
		doc, text, err := parseTablePolicy(*in.ResourcePolicy)
		if err != nil {
			return nil, err
		}
		rbp = &tablePolicy{text: text, doc: doc, revision: s.nextRevision("")}
	}
	hasIndexes := in.GlobalSecondaryIndexes != nil || in.LocalSecondaryIndexes != nil
	hash, rng, defs, err := checkSchema(in.KeySchema, in.AttributeDefinitions, hasIndexes)
	if err != nil {
		return nil, err
	}
	billing := in.BillingMode
	if billing == "" {
		billing = "PROVISIONED"
	}
	var indexes []*index
	if hasIndexes {
		keys := append(indexKeyNames(in.GlobalSecondaryIndexes, in.LocalSecondaryIndexes), hash.name)
		if rng != nil {
			keys = append(keys, rng.name)
		}
		if err := checkAttributeUse(defs, keys); err != nil {
			return nil, err
		}
		if indexes, err = buildIndexes(in.GlobalSecondaryIndexes, in.LocalSecondaryIndexes, hash, rng, attrTypes(defs), billing); err != nil {
			return nil, err
		}
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
		name:      in.TableName,
		arn:       s.tableARN(in.TableName),
		id:        s.env.UUID(),
		created:   now,
		ready:     now.Add(s.opts.CreationDelay),
		hashKey:   hash,
		rangeKey:  rng,
		attrDefs:  defs,
		billing:   billing,
		rcu:       rcu,
		wcu:       wcu,
		protected: isTrue(in.DeletionProtectionEnabled),
		tags:      mergeTags(nil, in.Tags),
		sse:       sse,
		items:     newPartitions(),
		indexes:   indexes,
		journal:   s.journal,
	}
	t.rbp.Store(rbp)
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
	// AWS answers CreateTable with CREATING even when the table is usable at
	// once; DescribeTable (what waiters poll) reports ACTIVE when it is.
	return tableDescriptionOutput{TableDescription: s.describe(t, "CREATING")}, nil
}

// checkSchema validates a key schema against its attribute definitions with DynamoDB's
// messages. With indexes, definitions the table's key does not use are checked against the
// indexes afterwards (checkAttributeUse).
func checkSchema(ks []keySchemaElement, defs []attributeDefinition, hasIndexes bool) (keyAttr, *keyAttr, []attributeDefinition, error) {
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
	if missing && !hasIndexes {
		return keyAttr{}, nil, nil, validationErr("One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]",
			strings.Join(keyNames, ", "), strings.Join(names, ", "))
	}
	if !hasIndexes && len(defs) != len(ks) {
		return keyAttr{}, nil, nil, validationErr("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
	}
	var rng *keyAttr
	if len(keys) == 2 {
		rng = &keys[1]
	}
	return keys[0], rng, append([]attributeDefinition(nil), defs...), nil
}

// attrTypes maps each defined attribute to its type.
func attrTypes(defs []attributeDefinition) map[string]attr.Type {
	types := map[string]attr.Type{}
	for _, d := range defs {
		types[d.AttributeName], _ = attr.ParseType(d.AttributeType)
	}
	return types
}
