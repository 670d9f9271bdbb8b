package dynamodb

import "context"

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
