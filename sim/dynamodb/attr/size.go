package attr

// MaxItemSize is DynamoDB's item size limit (400 KB), names and values included.
const MaxItemSize = 400 * 1024

// Size is the number of bytes DynamoDB charges for v, following the developer guide: strings
// and binaries by length, numbers about one byte per two significant digits plus one, NULL
// and BOOL one byte, sets the sum of their members, and maps and lists three bytes of
// overhead plus one byte per element (map elements also pay for their names).
func (v Value) Size() int {
	switch v.Type {
	case TypeS:
		return len(v.S)
	case TypeN:
		return numberSize(v.N)
	case TypeB:
		return len(v.B)
	case TypeNULL, TypeBOOL:
		return 1
	case TypeSS:
		n := 0
		for _, s := range v.SS {
			n += len(s)
		}
		return n
	case TypeNS:
		n := 0
		for _, s := range v.NS {
			n += numberSize(s)
		}
		return n
	case TypeBS:
		n := 0
		for _, b := range v.BS {
			n += len(b)
		}
		return n
	case TypeM:
		n := 3
		for k, e := range v.M {
			n += len(k) + e.Size() + 1
		}
		return n
	case TypeL:
		n := 3
		for _, e := range v.L {
			n += e.Size() + 1
		}
		return n
	}
	return 0
}

func numberSize(n string) int { return (numberDigits(n)+1)/2 + 1 }

// Size is the item's size: for each attribute, the UTF-8 length of its name plus the size of
// its value. Compare it with MaxItemSize and answer MsgItemTooLarge.
func (it Item) Size() int {
	n := 0
	for k, v := range it {
		n += len(k) + v.Size()
	}
	return n
}

// CheckSize returns a *ValidationError with DynamoDB's message when the item exceeds
// MaxItemSize.
func (it Item) CheckSize() error {
	if it.Size() > MaxItemSize {
		return &ValidationError{Message: MsgItemTooLarge}
	}
	return nil
}
