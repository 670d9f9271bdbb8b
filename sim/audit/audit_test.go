package audit

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

func TestLogKeepsTheNewestInOrder(t *testing.T) {
	tests := []struct {
		max, n int
		first  string
	}{
		{3, 2, "e0"},
		{3, 3, "e0"},
		{3, 4, "e1"},
		{3, 7, "e4"},
		{1, 5, "e4"},
	}
	for _, tt := range tests {
		l := New(tt.max)
		for i := 0; i < tt.n; i++ {
			l.Record(Event{Name: "e" + string(rune('0'+i))})
		}
		got := l.Events()
		want := min(tt.n, tt.max)
		if len(got) != want || l.Len() != want {
			t.Fatalf("max %d n %d: %d events, want %d", tt.max, tt.n, len(got), want)
		}
		if got[0].Name != tt.first || got[len(got)-1].Name != "e"+string(rune('0'+tt.n-1)) {
			t.Fatalf("max %d n %d: events %v", tt.max, tt.n, got)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Name <= got[i-1].Name {
				t.Fatalf("out of order: %v", got)
			}
		}
	}
}

func TestSinkWritesJSONLines(t *testing.T) {
	var buf bytes.Buffer
	l := New(2)
	l.SetSink(&buf)
	for _, name := range []string{"Decrypt", "Scan", "PutItem"} {
		l.Record(Event{Name: name, Identity: UserIdentity{Type: "IAMUser", InvokedBy: "dynamodb.amazonaws.com"}})
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("sink got %d lines, want every event even past the ring's size", len(lines))
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &ev); err != nil || ev["eventName"] != "Decrypt" {
		t.Fatalf("line %q: %v", lines[0], err)
	}
	if ev["userIdentity"].(map[string]any)["invokedBy"] != "dynamodb.amazonaws.com" {
		t.Fatalf("invokedBy missing: %v", ev)
	}
}

func BenchmarkRecordFull(b *testing.B) {
	l := New(10000)
	for i := 0; i < 10000; i++ {
		l.Record(Event{Name: "fill"})
	}
	b.ReportAllocs()
	for b.Loop() {
		l.Record(Event{Name: "Decrypt"})
	}
}

// TestLogKeepingNone still feeds the sink: kmslab serve keeps no trail in
// memory, and its --audit-log must not lose an event for it.
func TestLogKeepingNone(t *testing.T) {
	var sink bytes.Buffer
	l := New(-1)
	l.SetSink(&sink)
	for i := range 3 {
		l.Record(Event{Name: "Decrypt", RequestID: strconv.Itoa(i)})
	}
	if l.Keeps() || l.Len() != 0 || len(l.Events()) != 0 {
		t.Fatalf("a log keeping none holds %d events", l.Len())
	}
	if n := strings.Count(sink.String(), "\n"); n != 3 {
		t.Fatalf("sink got %d lines, want 3:\n%s", n, sink.String())
	}
	if !New(0).Keeps() {
		t.Fatal("New(0) keeps the default number of events, not none")
	}
}
