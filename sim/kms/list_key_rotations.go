package kms

import "context"

type listKeyRotationsInput struct {
	KeyId              *string
	IncludeKeyMaterial *string
	Limit              *int32
	Marker             *string
}

func (in *listKeyRotationsInput) keyID() *string { return in.KeyId }

func (in *listKeyRotationsInput) validate() error {
	var v validation
	v.str("keyId", in.KeyId, true, 1, 2048)
	v.enum("includeKeyMaterial", in.IncludeKeyMaterial, "ALL_KEY_MATERIAL", "ROTATIONS_ONLY")
	v.intRange("limit", in.Limit, 1, 1000)
	v.str("marker", in.Marker, false, 1, 1024)
	return v.err()
}

type rotationEntry struct {
	KeyId            string
	KeyMaterialId    string
	KeyMaterialState string
	RotationDate     *epoch `json:",omitempty"`
	RotationType     string `json:",omitempty"`
}

// listKeyRotations lists the key's completed rotations, oldest first; with
// ALL_KEY_MATERIAL, the first material too (API_ListKeyRotations.html).
// Each rotation names the material it brought in; the newest is CURRENT.
func (s *Service) listKeyRotations(ctx context.Context, body []byte) (any, error) {
	return keyOp(ctx, s, body, keyAccess{action: "kms:ListKeyRotations", state: requireRotatable}, func(in *listKeyRotationsInput, k *key) (any, error) {
		current := len(k.retired)
		state := func(i int) string {
			if i == current {
				return "CURRENT"
			}
			return "NON_CURRENT"
		}
		var all []rotationEntry
		if in.IncludeKeyMaterial != nil && *in.IncludeKeyMaterial == "ALL_KEY_MATERIAL" {
			all = append(all, rotationEntry{KeyId: k.arn, KeyMaterialId: materialID(k, 0), KeyMaterialState: state(0)})
		}
		for i, r := range k.rotations {
			all = append(all, rotationEntry{KeyId: k.arn, KeyMaterialId: materialID(k, i+1), KeyMaterialState: state(i + 1),
				RotationDate: epochPtr(r.Date), RotationType: r.Type})
		}
		start, end, next, err := page(len(all), in.Limit, in.Marker, 100)
		if err != nil {
			return nil, err
		}
		return listOut("Rotations", append([]rotationEntry{}, all[start:end]...), next), nil
	})
}
