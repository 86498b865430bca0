#include "runtime/kernels/helpers/sgemm_tiles.h"

#include "runtime/kernels/helpers/fused_activation.h"

namespace rknnc::runtime::kernels {

bool store_clamp_covers(const FusedActivation* act) {
  using Kind = FusedActivation::Kind;
  return !act || act->kind == Kind::None || act->kind == Kind::Relu || act->kind == Kind::Clip;
}

StoreClamp store_clamp(const FusedActivation* act) {
  if (!act || !store_clamp_covers(act)) return {};
  if (act->kind == FusedActivation::Kind::Relu) return {StoreClamp::Kind::Relu, 0.0f, 0.0f, act->to_half};
  if (act->kind == FusedActivation::Kind::Clip) return {StoreClamp::Kind::Clip, act->lo, act->hi, act->to_half};
  return {StoreClamp::Kind::None, 0.0f, 0.0f, act->to_half};
}

const TileKernel& tile_kernel(Isa isa) {
  static const TileKernel generic{Isa::Generic, 4, 8, 256, 8, {nullptr, kGenericTiles[1], nullptr, nullptr},
                                  {nullptr, kGenericOffsetTiles[1], nullptr, nullptr}};
  static const TileKernel avx2{Isa::Avx2, 6, 16, 256, 8, {nullptr, kAvx2Tiles[1], kAvx2Tiles[2], nullptr},
                               {nullptr, kAvx2OffsetTiles[1], kAvx2OffsetTiles[2], nullptr}};
  static const TileKernel avx512{Isa::Avx512, 8, 48, 192, 16,
                                 {nullptr, kAvx512Tiles[1], kAvx512Tiles[2], kAvx512Tiles[3]},
                                 {nullptr, kAvx512OffsetTiles[1], kAvx512OffsetTiles[2], kAvx512OffsetTiles[3]},
                                 {nullptr, kAvx512RowTiles[1], kAvx512RowTiles[2], kAvx512RowTiles[3]},
                                 {nullptr, kAvx512RowOffsetTiles[1], kAvx512RowOffsetTiles[2],
                                  kAvx512RowOffsetTiles[3]}};
  switch (isa) {
    case Isa::Avx512: return avx512;
    case Isa::Avx2: return avx2;
    case Isa::Generic: break;
  }
  return generic;
}

}  // namespace rknnc::runtime::kernels
