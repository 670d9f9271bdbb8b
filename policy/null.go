package policy

// Null tests only whether a key is present ("true": absent), so it has no
// matcher: operator.eval handles it before values are compared. This file
// exists to keep one file per operator family and to document that choice.
