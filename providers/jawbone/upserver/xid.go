package upserver

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
)

// kind tags what an xid names.
type kind byte

const (
	kindUser kind = iota + 1
	kindMove
	kindSleep
	kindWorkout
	kindHeartrate
	kindBody
	kindCardiac
	kindGeneric
	kindMeal
	kindMood
	kindFriend
)

// xidCodec makes xids that look like the real ones (22 base64url
// characters, 16 random-looking bytes) but encode what they name, so
// /moves/{xid} needs no index: one AES block under a key derived from the
// seed holds kind, user, day and index, plus zero bytes that authenticate it.
type xidCodec struct{ block cipher.Block }

func newXIDCodec(seed int64) xidCodec {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	key := sha256.Sum256(append([]byte("upexport demo xid key "), b[:]...))
	block, err := aes.NewCipher(key[:16])
	if err != nil {
		panic(err) // a 16-byte key is always valid
	}
	return xidCodec{block}
}

type xidParts struct {
	kind kind
	user int
	day  int64
	idx  int
}

func (c xidCodec) encode(p xidParts) string {
	var plain, out [16]byte
	plain[0] = byte(p.kind)
	binary.BigEndian.PutUint32(plain[1:5], uint32(p.user))
	binary.BigEndian.PutUint32(plain[5:9], uint32(int32(p.day)))
	binary.BigEndian.PutUint16(plain[9:11], uint16(p.idx))
	c.block.Encrypt(out[:], plain[:])
	return base64.RawURLEncoding.EncodeToString(out[:])
}

func (c xidCodec) decode(s string) (xidParts, bool) {
	if len(s) != 22 {
		return xidParts{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) != 16 {
		return xidParts{}, false
	}
	var plain [16]byte
	c.block.Decrypt(plain[:], raw)
	for _, b := range plain[11:] {
		if b != 0 {
			return xidParts{}, false
		}
	}
	return xidParts{
		kind: kind(plain[0]),
		user: int(binary.BigEndian.Uint32(plain[1:5])),
		day:  int64(int32(binary.BigEndian.Uint32(plain[5:9]))),
		idx:  int(binary.BigEndian.Uint16(plain[9:11])),
	}, true
}
