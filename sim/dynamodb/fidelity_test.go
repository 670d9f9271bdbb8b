package dynamodb

import (
	"fmt"
	"reflect"
	"testing"
)

func TestCapacityShape(t *testing.T) {
	tests := []struct {
		mode       string
		bytes      int
		write      bool
		consistent bool
		want       *consumedCapacity
	}{
		{"NONE", 10, true, true, nil},
		{"", 10, false, false, nil},
		{"TOTAL", 10, true, true, &consumedCapacity{TableName: "t", CapacityUnits: 1}},
		{"TOTAL", 2049, true, true, &consumedCapacity{TableName: "t", CapacityUnits: 3}},
		{"TOTAL", 10, false, false, &consumedCapacity{TableName: "t", CapacityUnits: 0.5}},
		{"TOTAL", 4097, false, true, &consumedCapacity{TableName: "t", CapacityUnits: 2}},
		// INDEXES adds the per-table breakdown AWS returns next to the total.
		{"INDEXES", 10, true, true, &consumedCapacity{TableName: "t", CapacityUnits: 1, Table: &capacityUnits{CapacityUnits: 1}}},
		{"INDEXES", 10, false, false, &consumedCapacity{TableName: "t", CapacityUnits: 0.5, Table: &capacityUnits{CapacityUnits: 0.5}}},
	}
	for _, tt := range tests {
		got := capacity(tt.mode, "t", tt.bytes, tt.write, tt.consistent)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("capacity(%q, %d, write=%v, consistent=%v) = %+v, want %+v", tt.mode, tt.bytes, tt.write, tt.consistent, got, tt.want)
		}
	}
}

func TestCapacityOverTheHandler(t *testing.T) {
	h := newHarness(t, Options{})
	h.must("CreateTable", fmt.Sprintf(usersTable, ""))
	out := h.must("PutItem", `{"TableName":"users","Item":{"id":{"S":"a"}},"ReturnConsumedCapacity":"INDEXES"}`)
	if got := get(out, "ConsumedCapacity", "Table", "CapacityUnits"); got != 1.0 {
		t.Fatalf("PutItem INDEXES Table.CapacityUnits = %v in %v", got, out)
	}
	out = h.must("Scan", `{"TableName":"users","ReturnConsumedCapacity":"TOTAL"}`)
	if got := get(out, "ConsumedCapacity", "Table"); got != nil {
		t.Fatalf("Scan TOTAL has a Table breakdown %v", got)
	}
}
