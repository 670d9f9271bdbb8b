package cli

import (
	cryptorand "crypto/rand"
	"encoding/binary"
	"fmt"
	"strconv"

	"kmslab/sim"
)

// randomSeed is --realistic's value when it is given without one.
const randomSeed = "random"

// realismFlag turns --realistic's value into the offline AWS's realism: a
// seed it was given, or a fresh one, which serve prints so a failure replays.
func realismFlag(v string) (*sim.Realism, error) {
	if v == randomSeed {
		var b [8]byte
		if _, err := cryptorand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("pick a seed for --realistic: %w", err)
		}
		// Kept positive and short enough to retype.
		return &sim.Realism{Seed: int64(binary.LittleEndian.Uint64(b[:]) % 1_000_000)}, nil
	}
	seed, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("--realistic=%s is not a seed: give a whole number, as in --realistic=7, or no value for a random one", v)
	}
	return &sim.Realism{Seed: seed}, nil
}
