// Philox4x32-10 stream with the word order of @repkit/core's Philox (packages/core/src/rng/philox.ts).
#ifndef RK_PHILOX_H
#define RK_PHILOX_H
#include "rk.h"

namespace rk {

struct Stream {
  u32 key[2];
  u32 ctr[4];  // block lo, block hi, stream lo, stream hi: the block whose words are in `words`
  u32 words[4];
  u32 lane;    // next word of `words`; 4 = block spent

  explicit Stream(const u32* state) {
    key[0] = state[0]; key[1] = state[1];
    ctr[0] = state[2]; ctr[1] = state[3]; ctr[2] = state[4]; ctr[3] = state[5];
    lane = state[6] & 3u;
    block();
  }

  void block() {
    u32 c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3], k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++) {
      if (r > 0) { k0 += 0x9e3779b9u; k1 += 0xbb67ae85u; }
      const u64 p0 = (u64)0xd2511f53u * c0, p1 = (u64)0xcd9e8d57u * c2;
      c0 = (u32)(p1 >> 32) ^ c1 ^ k0;
      c1 = (u32)p1;
      c2 = (u32)(p0 >> 32) ^ c3 ^ k1;
      c3 = (u32)p0;
    }
    words[0] = c0; words[1] = c1; words[2] = c2; words[3] = c3;
  }

  u32 next() {
    if (lane == 4) {
      if (++ctr[0] == 0) ++ctr[1];
      block();
      lane = 0;
    }
    return words[lane++];
  }

  // 53-bit uniform in [0, 1) from two words, as Philox.uniform.
  double uniform() {
    const u32 a = next() >> 5, b = next() >> 6;
    return ((double)a * 67108864.0 + (double)b) / 9007199254740992.0;
  }

  // Unbiased integer in [0, span) by rejection on a word, as Philox.integer; span in [1, 2^32].
  u64 below(u64 span) {
    const u64 limit = 0x100000000ull - (0x100000000ull % span);
    u32 x = next();
    while (x >= limit) x = next();
    return (u64)x % span;
  }

  void save(u32* state) const {
    u32 b0 = ctr[0], b1 = ctr[1], l = lane;
    if (l == 4) { l = 0; if (++b0 == 0) ++b1; }
    state[2] = b0; state[3] = b1; state[6] = l;
  }
};

}  // namespace rk
#endif
