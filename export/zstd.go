package export

import (
	"io"
	"runtime"
	"sync"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// arrow-go compresses Parquet pages with zstd encoders from a sync.Pool.
// The pool is emptied by every garbage collection, and a streaming export
// collects often, so encoders (each with its own multi-megabyte history
// tables) were built again and again: 50 MB of a ten-year export's peak RSS.
// pageZstd keeps one encoder per level for the life of the process instead;
// EncodeAll is safe for concurrent use, each call on one of its
// GOMAXPROCS internal encoders. Parquet pages are at most about 1 MiB, so a
// 1 MiB window loses nothing. The registry is arrow's, hence the init.
func init() {
	std, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		panic(err) // arrow-go registers zstd itself; no build without it
	}
	compress.RegisterCodec(compress.Codecs.Zstd, &pageZstd{Codec: std, encoders: map[zstd.EncoderLevel]*zstd.Encoder{}})
}

type pageZstd struct {
	compress.Codec // decoding, CompressBound: arrow's own

	mu       sync.Mutex
	encoders map[zstd.EncoderLevel]*zstd.Encoder
}

func (z *pageZstd) encoder(level int) *zstd.Encoder {
	l := zstd.SpeedDefault
	if level != compress.DefaultCompressionLevel {
		l = zstd.EncoderLevelFromZstd(level)
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	enc, ok := z.encoders[l]
	if !ok {
		// The options are arrow's (zero frames, entropy-coded literals)
		// plus the bounded window and concurrency.
		enc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(l), zstd.WithZeroFrames(true),
			zstd.WithAllLitEntropyCompression(true), zstd.WithWindowSize(1<<20),
			zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)))
		z.encoders[l] = enc
	}
	return enc
}

func (z *pageZstd) Encode(dst, src []byte) []byte {
	return z.encoder(compress.DefaultCompressionLevel).EncodeAll(src, dst[:0])
}

func (z *pageZstd) EncodeLevel(dst, src []byte, level int) []byte {
	return z.encoder(level).EncodeAll(src, dst[:0])
}

// DecodeWithError and the streaming methods keep arrow's codec whole for
// readers that ask for them.
func (z *pageZstd) DecodeWithError(dst, src []byte) ([]byte, error) {
	return compress.Decode(z.Codec, dst, src)
}

func (z *pageZstd) NewReader(r io.Reader) io.ReadCloser {
	return z.Codec.(compress.StreamingCodec).NewReader(r)
}

func (z *pageZstd) NewWriter(w io.Writer) io.WriteCloser {
	return z.Codec.(compress.StreamingCodec).NewWriter(w)
}

func (z *pageZstd) NewWriterLevel(w io.Writer, level int) (io.WriteCloser, error) {
	return z.Codec.(compress.StreamingCodec).NewWriterLevel(w, level)
}
