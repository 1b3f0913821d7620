package analytics

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// claim: A2
func TestKindAccept(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		in   any
		want any // nil: refused
	}{
		{"bool", Bool, true, true},
		{"bool from string", Bool, "true", nil},
		{"bool from int", Bool, 1, nil},
		{"int", Int, 3, int64(3)},
		{"int8", Int, int8(-4), int64(-4)},
		{"uint16", Int, uint16(9), int64(9)},
		{"huge uint64", Int, uint64(math.MaxUint64), nil},
		{"int from float", Int, 2.0, nil},
		{"int from string", Int, "3", nil},
		{"count 0", Count, 0, "0"},
		{"count 1", Count, int64(1), "1"},
		{"count 5", Count, 5, "2-5"},
		{"count 10", Count, uint(10), "6-10"},
		{"count 11", Count, 11, "11-50"},
		{"count 100", Count, 100, "51-100"},
		{"count 101", Count, 101, "101+"},
		{"negative count", Count, -1, nil},
		{"count from string", Count, "12", nil},
		{"duration 59s", Duration, 59 * time.Second, "<1m"},
		{"duration 1m", Duration, time.Minute, "1-5m"},
		{"duration 14m", Duration, 14 * time.Minute, "5-15m"},
		{"duration 29m", Duration, 29 * time.Minute, "15-30m"},
		{"duration 59m", Duration, 59 * time.Minute, "30-60m"},
		{"duration 90m", Duration, 90 * time.Minute, "1-2h"},
		{"duration 3h", Duration, 3 * time.Hour, "2-4h"},
		{"duration 7h", Duration, 7 * time.Hour, "4-8h"},
		{"duration 30h", Duration, 30 * time.Hour, "8h+"},
		{"negative duration", Duration, -time.Second, nil},
		{"duration from int", Duration, 60, nil},
		{"enum", Enum("project", "client"), "client", "client"},
		{"enum other value", Enum("project", "client"), "Client", nil},
		{"enum free text", Enum("project", "client"), "alice@example.com", nil},
		{"enum from int", Enum("1"), 1, nil},
		{"zero kind", Kind{}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.kind.accept(tt.in)
			if tt.want == nil {
				if ok {
					t.Errorf("%s accepted %#v as %#v", tt.kind, tt.in, got)
				}
				return
			}
			if !ok || got != tt.want {
				t.Errorf("%s.accept(%#v) = %#v, %v; want %#v", tt.kind, tt.in, got, ok, tt.want)
			}
		})
	}
}

// claim: A2
func TestSchemaClean(t *testing.T) {
	s := Schema{
		"report.viewed": {"group_by": Enum("project", "client", "day"), "rows": Count},
		"signed_in":     nil,
	}
	tests := []struct {
		name   string
		event  string
		props  Properties
		want   Properties
		wantOK bool
	}{
		{"declared", "report.viewed", Properties{"group_by": "day", "rows": 3}, Properties{"group_by": "day", "rows": "2-5"}, true},
		{"undeclared property", "report.viewed", Properties{"group_by": "day", "client_name": "Acme"}, Properties{"group_by": "day"}, true},
		{"wrong kind", "report.viewed", Properties{"group_by": "Acme", "rows": "many"}, Properties{}, true},
		{"event without properties", "signed_in", Properties{"email": "a@b.example"}, Properties{}, true},
		{"undeclared event", "user.emailed", Properties{"group_by": "day"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := s.Clean(tt.event, tt.props)
			if ok != tt.wantOK || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Clean = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// A schema that declares a name or an enum value carrying personal data
// or a secret is refused, so such a value cannot be sent as declared.
//
// claim: A2
func TestSchemaValidate(t *testing.T) {
	tests := []struct {
		name   string
		schema Schema
		want   string // "" means valid
	}{
		{"valid", testSchema, ""},
		{"nil", nil, ""},
		{"empty event name", Schema{"": nil}, "event name is empty"},
		{"reserved event", Schema{"$pageview": nil}, "reserves"},
		{"email in event name", Schema{"sent to bob@example.com": nil}, "personal data"},
		{"long name", Schema{strings.Repeat("e", maxNameLen+1): nil}, "longer than"},
		{"reserved property", Schema{"e": {"$ip": Bool}}, "reserves"},
		{"session property", Schema{"e": {SessionProperty: Bool}}, "set by the client"},
		{"zero kind", Schema{"e": {"p": Kind{}}}, "has no kind"},
		{"empty enum", Schema{"e": {"p": Enum()}}, "at least one value"},
		{"empty enum value", Schema{"e": {"p": Enum("a", "")}}, "enum value name is empty"},
		{"email enum value", Schema{"e": {"p": Enum("alice@example.com")}}, "personal data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.schema.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate = %v, want an error containing %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "alice@example.com") {
				t.Errorf("error repeats the email: %v", err)
			}
		})
	}
}

func TestEnumCopiesValues(t *testing.T) {
	values := []string{"a", "b"}
	k := Enum(values...)
	values[0] = "changed"
	if _, ok := k.accept("a"); !ok {
		t.Error("Enum kept the caller's slice")
	}
}
