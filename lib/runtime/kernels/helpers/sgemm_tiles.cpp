#include "runtime/kernels/helpers/sgemm_tiles.h"

namespace rknnc::runtime::kernels {

const TileKernel& tile_kernel(Isa isa) {
  static const TileKernel generic{Isa::Generic, 4, 8, 256, tile_generic};
  static const TileKernel avx2{Isa::Avx2, 6, 16, 256, tile_avx2};
  static const TileKernel avx512{Isa::Avx512, 8, 48, 192, tile_avx512};
  switch (isa) {
    case Isa::Avx512: return avx512;
    case Isa::Avx2: return avx2;
    case Isa::Generic: break;
  }
  return generic;
}

}  // namespace rknnc::runtime::kernels
