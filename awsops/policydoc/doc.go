// Package policydoc edits and compares policy documents as text: the key
// policy the KMS console writes and the edits the lab makes to it (a key
// user added or removed, a statement added or dropped), the other documents
// the lab writes (IAM, table and key policy statements), a key policy's
// check before it is applied, and the line diff every screen draws. Edits
// keep the document's key order, so a diff shows only what changed.
package policydoc
