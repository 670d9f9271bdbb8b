package sim

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// Every value in the data file is sealed with a checksum over where it lives
// (its bucket path and key) and what it holds, so a flipped bit, a record
// moved under another key or a bucket renamed by damage is found when the
// record is read, never served. CRC-32C finds accidental damage, which is
// what a data dir meets (a full disk, a crash, a bad sector); it is not a
// MAC: whoever can write the file can also read the key material in it.
//
//	recordMagic | crc32c(path \x00 key \x00 payload), big endian | payload
const recordMagic = 0xC5

const recordHeader = 5

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errRecordDamaged is a record whose checksum does not match.
var errRecordDamaged = errors.New("checksum mismatch")

func recordSum(path string, key, payload []byte) uint32 {
	c := crc32.Update(0, castagnoli, []byte(path))
	c = crc32.Update(c, castagnoli, []byte{0})
	c = crc32.Update(c, castagnoli, key)
	c = crc32.Update(c, castagnoli, []byte{0})
	return crc32.Update(c, castagnoli, payload)
}

// sealRecord is payload as stored under key in the bucket at path.
func sealRecord(path string, key, payload []byte) []byte {
	v := make([]byte, recordHeader, recordHeader+len(payload))
	v[0] = recordMagic
	binary.BigEndian.PutUint32(v[1:], recordSum(path, key, payload))
	return append(v, payload...)
}

// openRecord checks a stored value and returns its payload, which aliases
// stored (bbolt's memory: valid only inside the transaction).
func openRecord(path string, key, stored []byte) ([]byte, error) {
	if len(stored) < recordHeader || stored[0] != recordMagic {
		return nil, errRecordDamaged
	}
	payload := stored[recordHeader:]
	if binary.BigEndian.Uint32(stored[1:]) != recordSum(path, key, payload) {
		return nil, errRecordDamaged
	}
	return payload, nil
}
