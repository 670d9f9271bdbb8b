package iam

import (
	"encoding/xml"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestValidation(t *testing.T) {
	f := newFixture(t, Options{})
	long := strings.Repeat("a", 65)
	tests := []struct {
		op   string
		kv   []string
		code string
		msg  string
	}{
		{"CreateUser", nil, "ValidationError",
			"1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"},
		{"CreateUser", []string{"UserName", "bad name!"}, "ValidationError",
			`1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"CreateUser", []string{"UserName", long}, "ValidationError",
			"1 validation error detected: Value '" + long + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"CreateUser", []string{"UserName", ""}, "ValidationError",
			"1 validation error detected: Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"CreateUser", []string{"UserName", "ok", "Path", "nopath"}, "ValidationError",
			`1 validation error detected: Value 'nopath' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`},
		{"CreateUser", []string{"UserName", "ok", "Tags.member.1.Key", "k"}, "ValidationError",
			"1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null"},
		{"CreateUser", []string{"UserName", "ok", "Tags.member.1.Key", "a", "Tags.member.1.Value", "1", "Tags.member.2.Key", "A", "Tags.member.2.Value", "2"},
			"InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"AttachUserPolicy", []string{"UserName", "bob"}, "ValidationError",
			"1 validation error detected: Value null at 'policyArn' failed to satisfy constraint: Member must not be null"},
		{"AttachUserPolicy", nil, "ValidationError",
			"2 validation errors detected: Value null at 'userName' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'policyArn' failed to satisfy constraint: Member must not be null"},
		{"AttachUserPolicy", []string{"UserName", "bob", "PolicyArn", "not-an-arn-but-long-enough"}, "InvalidInput",
			"ARN not-an-arn-but-long-enough is not valid."},
		{"UpdateAccessKey", []string{"AccessKeyId", "AKIAAAAAAAAAAAAAAAAA", "Status", "Sleeping"}, "ValidationError",
			"1 validation error detected: Value 'Sleeping' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]"},
		{"ListUsers", []string{"MaxItems", "0"}, "ValidationError",
			"1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"ListUsers", []string{"MaxItems", "many"}, "ValidationError", ""},
		{"SimulatePrincipalPolicy", []string{"PolicySourceArn", "arn:aws:iam::111122223333:user/lab-admin"}, "ValidationError",
			"1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null"},
		{"ListPolicies", []string{"Scope", "Mine"}, "ValidationError",
			"1 validation error detected: Value 'Mine' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]"},
		{"GetPolicyVersion", []string{"PolicyArn", administratorAccess, "VersionId", "1"}, "ValidationError", ""},
	}
	for _, tt := range tests {
		t.Run(tt.op+fmt.Sprint(tt.kv), func(t *testing.T) {
			f.t = t
			f.fails(tt.op, tt.code, 400, tt.msg, tt.kv...)
		})
	}
}

func TestUserLifecycle(t *testing.T) {
	f := newFixture(t, Options{})
	out := f.ok("CreateUser", "UserName", "alice", "Path", "/lab/", "Tags.member.1.Key", "kmslab:run", "Tags.member.1.Value", "r1").(createUserResult)
	u := out.User
	if u.UserName != "alice" || u.Path != "/lab/" || u.Arn != "arn:aws:iam::111122223333:user/lab/alice" {
		t.Fatalf("user = %+v", u)
	}
	if !regexp.MustCompile(`^AIDA[A-Z2-7]{17}$`).MatchString(u.UserID) {
		t.Errorf("UserId %q is not AIDA + 17 characters", u.UserID)
	}
	if u.CreateDate != "2026-11-22T16:21:50Z" {
		t.Errorf("CreateDate = %q", u.CreateDate)
	}
	if u.Tags == nil || len(u.Tags.Member) != 1 || u.Tags.Member[0] != (tagXML{"kmslab:run", "r1"}) {
		t.Errorf("Tags = %+v", u.Tags)
	}

	f.fails("CreateUser", "EntityAlreadyExists", 409, "User with name ALICE already exists.", "UserName", "ALICE")

	got := f.ok("GetUser", "UserName", "alice").(getUserResult)
	if got.User.Arn != u.Arn || got.User.UserID != u.UserID {
		t.Errorf("GetUser = %+v, want %+v", got.User, u)
	}
	me := f.ok("GetUser").(getUserResult)
	if me.User.UserName != "lab-admin" || me.User.Arn != f.admin.ARN {
		t.Errorf("GetUser without name = %+v, want the caller", me.User)
	}
	f.fails("GetUser", "NoSuchEntity", 404, "The user with name nobody cannot be found.", "UserName", "nobody")
	f.fails("DeleteUser", "NoSuchEntity", 404, "The user with name nobody cannot be found.", "UserName", "nobody")

	if !f.svc.PrincipalExists(u.Arn) {
		t.Error("PrincipalExists(alice) = false")
	}
	if f.svc.PrincipalExists("arn:aws:iam::111122223333:user/alice") {
		t.Error("PrincipalExists accepts alice's ARN without her path")
	}

	f.ok("DeleteUser", "UserName", "alice")
	f.fails("GetUser", "NoSuchEntity", 404, "The user with name alice cannot be found.", "UserName", "alice")
	if f.svc.PrincipalExists(u.Arn) {
		t.Error("PrincipalExists(deleted alice) = true")
	}
	if want := []string{"lab-admin"}; !reflect.DeepEqual(f.svc.Users(), want) {
		t.Errorf("Users() = %v, want %v", f.svc.Users(), want)
	}
}

func TestDeleteConflictOrder(t *testing.T) {
	f := newFixture(t, Options{})
	f.ok("CreateUser", "UserName", "bob")
	key := f.ok("CreateAccessKey", "UserName", "bob").(createAccessKeyResult).AccessKey.AccessKeyID
	f.ok("AttachUserPolicy", "UserName", "bob", "PolicyArn", "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")
	f.ok("PutUserPolicy", "UserName", "bob", "PolicyName", "p", "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)

	steps := []struct {
		msg  string
		undo func()
	}{
		{"Cannot delete entity, must delete access keys first.", func() { f.ok("DeleteAccessKey", "UserName", "bob", "AccessKeyId", key) }},
		{"Cannot delete entity, must detach all policies first.", func() {
			f.ok("DetachUserPolicy", "UserName", "bob", "PolicyArn", "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess")
		}},
		{"Cannot delete entity, must delete policies first.", func() { f.ok("DeleteUserPolicy", "UserName", "bob", "PolicyName", "p") }},
	}
	for _, st := range steps {
		f.fails("DeleteUser", "DeleteConflict", 409, st.msg, "UserName", "bob")
		st.undo()
	}
	f.ok("DeleteUser", "UserName", "bob")
}

func TestListUsersPaging(t *testing.T) {
	f := newFixture(t, Options{})
	for _, n := range []string{"carol", "Alice", "dave", "bob"} {
		f.ok("CreateUser", "UserName", n, "Path", "/team/")
	}
	f.ok("CreateUser", "UserName", "eve", "Path", "/other/")

	var names []string
	marker := ""
	pages := 0
	for {
		kv := []string{"PathPrefix", "/team/", "MaxItems", "3"}
		if marker != "" {
			kv = append(kv, "Marker", marker)
		}
		out := f.ok("ListUsers", kv...).(listUsersResult)
		pages++
		for _, u := range out.Users.Member {
			names = append(names, u.UserName)
			if u.Tags != nil {
				t.Errorf("ListUsers returned tags for %s", u.UserName)
			}
		}
		if !out.IsTruncated {
			if out.Marker != "" {
				t.Errorf("last page has Marker %q", out.Marker)
			}
			break
		}
		marker = out.Marker
	}
	if want := []string{"Alice", "bob", "carol", "dave"}; !reflect.DeepEqual(names, want) || pages != 2 {
		t.Fatalf("names = %v over %d pages, want %v over 2", names, pages, want)
	}
	all := f.ok("ListUsers").(listUsersResult)
	if len(all.Users.Member) != 6 || all.IsTruncated {
		t.Fatalf("ListUsers = %d users, truncated %v", len(all.Users.Member), all.IsTruncated)
	}
	f.fails("ListUsers", "InvalidInput", 400, "Invalid Marker.", "Marker", "!!!")
}

func TestTags(t *testing.T) {
	f := newFixture(t, Options{})
	f.ok("CreateUser", "UserName", "bob", "Tags.member.1.Key", "a", "Tags.member.1.Value", "1")
	f.ok("TagUser", "UserName", "bob", "Tags.member.1.Key", "A", "Tags.member.1.Value", "one", "Tags.member.2.Key", "b", "Tags.member.2.Value", "")
	tags := f.ok("ListUserTags", "UserName", "bob").(listUserTagsResult)
	if want := []tagXML{{"A", "one"}, {"b", ""}}; !reflect.DeepEqual(tags.Tags.Member, want) {
		t.Fatalf("tags = %v, want %v", tags.Tags.Member, want)
	}
	first := f.ok("ListUserTags", "UserName", "bob", "MaxItems", "1").(listUserTagsResult)
	if !first.IsTruncated || len(first.Tags.Member) != 1 {
		t.Fatalf("first page = %+v", first)
	}
	second := f.ok("ListUserTags", "UserName", "bob", "Marker", first.Marker).(listUserTagsResult)
	if second.IsTruncated || !reflect.DeepEqual(second.Tags.Member, []tagXML{{"b", ""}}) {
		t.Fatalf("second page = %+v", second)
	}
	f.ok("UntagUser", "UserName", "bob", "TagKeys.member.1", "a")
	tags = f.ok("ListUserTags", "UserName", "bob").(listUserTagsResult)
	if want := []tagXML{{"b", ""}}; !reflect.DeepEqual(tags.Tags.Member, want) {
		t.Fatalf("after untag = %v, want %v", tags.Tags.Member, want)
	}
	f.fails("TagUser", "NoSuchEntity", 404, "The user with name nobody cannot be found.", "UserName", "nobody", "Tags.member.1.Key", "a", "Tags.member.1.Value", "1")
	f.fails("TagUser", "ValidationError", 400, "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null", "UserName", "bob")

	kv := []string{"UserName", "bob"}
	for i := 1; i <= 50; i++ {
		kv = append(kv, fmt.Sprintf("Tags.member.%d.Key", i), fmt.Sprintf("k%d", i), fmt.Sprintf("Tags.member.%d.Value", i), "v")
	}
	f.fails("TagUser", "LimitExceeded", 409, "Cannot exceed quota for TagsPerUser: 50", kv...)
}

// TestResultXML checks the wire shape of a result as the SDK will parse it.
func TestResultXML(t *testing.T) {
	f := newFixture(t, Options{})
	f.ok("CreateUser", "UserName", "bob")
	b, err := xml.Marshal(f.ok("ListUsers", "PathPrefix", "/nothing/"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "<listUsersResult><Users></Users><IsTruncated>false</IsTruncated></listUsersResult>"; string(b) != want {
		t.Errorf("empty ListUsers = %s, want %s", b, want)
	}
	b, err = xml.Marshal(f.ok("GetUser", "UserName", "bob"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "<Tags>") || !strings.Contains(string(b), "<UserName>bob</UserName>") {
		t.Errorf("GetUser of an untagged user = %s", b)
	}
}
