package steps

import "testing"

// Every lab can be chosen from the list (a title and a tagline) and its
// summary's Next names another lab that exists, so the pointer can start it.
func TestLabsPointToEachOther(t *testing.T) {
	t.Parallel()
	for _, l := range Labs() {
		if l.Title == "" || l.Tagline == "" {
			t.Errorf("lab %q: title %q, tagline %q", l.ID, l.Title, l.Tagline)
		}
		next, ok := LabByID(l.NextID)
		switch {
		case !ok:
			t.Errorf("lab %q: NextID %q names no lab", l.ID, l.NextID)
		case next.ID == l.ID:
			t.Errorf("lab %q points to itself", l.ID)
		case l.Next == "":
			t.Errorf("lab %q: NextID without the Next text", l.ID)
		}
	}
}
