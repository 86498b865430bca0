// JPEG through libjpeg-turbo (the decoder OpenCV uses, so pixels match what
// Toolkit2's cv2.imread sees; stb_image 2.27's JPEG decoder, Debian 12's,
// overflows a Huffman table on corrupt files). PNG and BMP through stb_image:
// the one translation unit with its implementation; STB_IMAGE_STATIC keeps
// its symbols private to this file, so another stb user cannot clash.
#include "dataset/image_decode.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cctype>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <memory>

#include <jpeglib.h>
// after jpeglib.h, which it needs
#include <jerror.h>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_NO_STDIO
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_MAX_DIMENSIONS 16384
#pragma GCC diagnostic push
// STB_IMAGE_STATIC leaves the API functions we do not call unused; stb's
// decoders trip -Wmaybe-uninitialized with some GCC versions and flags.
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <stb_image.h>
#pragma GCC diagnostic pop

namespace rknnc::dataset {

static_assert(STBI_MAX_DIMENSIONS == kMaxImageSide);

namespace {

bool too_large(int64_t w, int64_t h, std::string* reason) {
  if (w > 0 && h > 0 && w <= kMaxImageSide && h <= kMaxImageSide && w * h <= kMaxImagePixels) return false;
  *reason = w <= 0 || h <= 0 ? fmt::format("{}x{} pixels: the image is empty", w, h)
                             : fmt::format("{}x{} pixels; the limit is {} per side and {} in all", w, h,
                                           kMaxImageSide, kMaxImagePixels);
  return true;
}

// The big-endian 32-bit number at png[at..at+4) (PNG lengths and sizes).
uint32_t be32(const std::string& png, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(png[at + i]);
  return v;
}

bool is_png(const std::string& bytes) { return bytes.size() >= 8 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n", 8) == 0; }

// A PNG's size from its IHDR chunk (stb's own check would only say "unknown
// image type" for a size it refuses), so the message can give it.
bool png_size_refused(const std::string& png, std::string* reason) {
  if (png.size() < 24 || !is_png(png) || png.compare(12, 4, "IHDR") != 0) return false;
  return too_large(be32(png, 16), be32(png, 20), reason);
}

// The little-endian number of `n` bytes at bytes[at..at+n) (BMP fields).
uint32_t le(const std::string& bytes, size_t at, size_t n) {
  uint32_t v = 0;
  for (size_t i = n; i-- > 0;) v = v << 8 | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

// stb_image reads past the end of a BMP as zeros, so a truncated file would
// decode as a partly black image (and a 60-byte file claiming 20 million
// pixels takes seconds). For the kinds stb decodes (uncompressed or bit
// fields), the file must hold every pixel row; the last row's padding may be
// missing. Sizes stb or too_large() refuse are left to them.
bool bmp_truncated(const std::string& bmp, std::string* reason) {
  if (bmp.size() < 34 || bmp.compare(0, 2, "BM") != 0) return false;
  const uint32_t header = le(bmp, 14, 4);
  const bool core = header == 12;  // OS/2 BITMAPCOREHEADER: 16-bit sizes, no compression field
  const int64_t w = core ? le(bmp, 18, 2) : static_cast<int32_t>(le(bmp, 18, 4));
  const int64_t h = std::abs(core ? int64_t{le(bmp, 20, 2)} : int64_t{static_cast<int32_t>(le(bmp, 22, 4))});
  const uint32_t bits = le(bmp, core ? 24 : 28, 2), compression = core ? 0 : le(bmp, 30, 4);
  if ((compression != 0 && compression != 3) || w <= 0 || h <= 0 || w > kMaxImageSide || h > kMaxImageSide ||
      bits == 0 || bits > 32)
    return false;
  const uint64_t row = (static_cast<uint64_t>(w) * bits + 31) / 32 * 4;
  const uint64_t start = std::max<uint64_t>(le(bmp, 10, 4), uint64_t{14} + header);
  const uint64_t need = start + row * static_cast<uint64_t>(h - 1) + (static_cast<uint64_t>(w) * bits + 7) / 8;
  if (bmp.size() >= need) return false;
  *reason = fmt::format("the BMP header says {}x{} pixels at {} bits, which needs {} bytes; the file has {} "
                        "(truncated file)", w, h, bits, need, bmp.size());
  return true;
}

// libjpeg reports fatal errors through error_exit, which must not return.
struct JpegErrors {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool truncated;
};

[[noreturn]] void jpeg_fatal(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

// Warnings are not printed. Most (extraneous bytes before a marker …) leave
// the image whole, and it is taken as OpenCV takes it. A premature end is
// not: OpenCV fills the missing rows with grey, and a calibration image that
// is partly grey skews the ranges, so it is refused.
void jpeg_warning(j_common_ptr cinfo, int level) {
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) reinterpret_cast<JpegErrors*>(cinfo->err)->truncated = true;
}

// No C++ object with a destructor lives in this frame across setjmp/longjmp:
// `out` and `reason` belong to the caller.
bool decode_jpeg(const std::string& bytes, int channels, Image* out, std::string* reason) {
  jpeg_decompress_struct cinfo;
  JpegErrors errors;
  cinfo.err = jpeg_std_error(&errors.mgr);
  errors.mgr.error_exit = jpeg_fatal;
  errors.mgr.emit_message = jpeg_warning;
  errors.truncated = false;
  if (setjmp(errors.jump)) {
    jpeg_destroy_decompress(&cinfo);
    *reason = errors.message;
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  if (too_large(cinfo.image_width, cinfo.image_height, reason)) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  cinfo.out_color_space = channels == 1 ? JCS_GRAYSCALE : channels == 3 ? JCS_RGB : JCS_EXT_RGBA;
  jpeg_start_decompress(&cinfo);
  out->width = static_cast<int>(cinfo.output_width);
  out->height = static_cast<int>(cinfo.output_height);
  out->channels = channels;
  const size_t stride = static_cast<size_t>(out->width) * static_cast<size_t>(channels);
  out->pixels.assign(stride * static_cast<size_t>(out->height), 0);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = out->pixels.data() + stride * cinfo.output_scanline;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  if (errors.truncated) *reason = "the file ends inside the image data (truncated JPEG)";
  return !errors.truncated;
}

// A chunk type for a message: its 4 bytes, each non-letter as '?'.
std::string printable_chunk_type(const std::string& png, size_t at) {
  std::string type = png.substr(at + 4, 4);
  for (char& c : type)
    if (!std::isalpha(static_cast<unsigned char>(c))) c = '?';
  return type;
}

// Calls keep_going(offset, size) for each whole chunk (length, type, data,
// CRC) after the signature until it returns false; returns the offset where
// the walk stopped (that chunk, a chunk running past the end, or the end).
template <typename F>
size_t walk_png_chunks(const std::string& png, F&& keep_going) {
  size_t p = 8;
  while (p + 12 <= png.size() && be32(png, p) <= png.size() - p - 12) {
    const size_t chunk = 12 + be32(png, p);
    if (!keep_going(p, chunk)) break;
    p += chunk;
  }
  return p;
}

// stb_image allocates a chunk's declared length before reading it: a small
// file whose chunk claims gigabytes would allocate them. Such a chunk (before
// IEND) makes the file truncated or corrupt, which is said up front.
bool png_chunk_overruns(const std::string& png, std::string* reason) {
  if (!is_png(png)) return false;
  const size_t p = walk_png_chunks(png, [&](size_t at, size_t) { return png.compare(at + 4, 4, "IEND") != 0; });
  if (p + 8 > png.size() || png.compare(p + 4, 4, "IEND") == 0) return false;
  *reason = fmt::format("PNG chunk '{}' at byte {} declares {} bytes, the file has {} left (truncated or corrupt file)",
                        printable_chunk_type(png, p), p, be32(png, p), png.size() - p - 8);
  return true;
}

// stb_image 2.27 memcpy()s a zero-length IDAT chunk from a null pointer
// (undefined behaviour; UBSan builds halt on it). Such chunks hold no data:
// when `png` has any, *cleaned gets a copy without them and this returns true.
bool drop_empty_idat(const std::string& png, std::string* cleaned) {
  if (!is_png(png)) return false;
  bool dropped = false;
  std::string out = png.substr(0, 8);
  const size_t end = walk_png_chunks(png, [&](size_t at, size_t chunk) {
    if (chunk == 12 && png.compare(at + 4, 4, "IDAT") == 0)
      dropped = true;
    else
      out.append(png, at, chunk);
    return true;
  });
  if (!dropped) return false;
  *cleaned = out + png.substr(end);
  return true;
}

}  // namespace

bool decode_image(const std::string& bytes, int channels, Image* out, std::string* reason) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    *reason = "file larger than 2 GiB";
    return false;
  }
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xFF\xD8\xFF") == 0) return decode_jpeg(bytes, channels, out, reason);
  if (png_size_refused(bytes, reason) || png_chunk_overruns(bytes, reason) || bmp_truncated(bytes, reason)) return false;
  std::string cleaned;
  const std::string& file = drop_empty_idat(bytes, &cleaned) ? cleaned : bytes;
  const auto* data = reinterpret_cast<const stbi_uc*>(file.data());
  const int len = static_cast<int>(file.size());
  int w = 0, h = 0, c = 0;
  // Header first: the size limit applies before any pixel memory is allocated.
  if (!stbi_info_from_memory(data, len, &w, &h, &c)) {
    const char* why = stbi_failure_reason();
    *reason = why ? why : "unknown image format";
    return false;
  }
  if (too_large(w, h, reason)) return false;
  std::unique_ptr<stbi_uc, void (*)(void*)> px(stbi_load_from_memory(data, len, &w, &h, &c, channels), stbi_image_free);
  if (!px) {
    const char* why = stbi_failure_reason();
    *reason = why ? why : "decoder error";
    return false;
  }
  out->width = w;
  out->height = h;
  out->channels = channels;
  out->pixels.assign(px.get(), px.get() + static_cast<size_t>(w) * static_cast<size_t>(h) * static_cast<size_t>(channels));
  return true;
}

namespace {

// Source index pair and weight of the second for each destination index.
struct Tap {
  size_t i0, i1;
  double f;
};

std::vector<Tap> taps(int in, int out) {
  std::vector<Tap> t(static_cast<size_t>(out));
  const double scale = static_cast<double>(in) / out;
  for (int o = 0; o < out; ++o) {
    const double s = std::max(0.0, (o + 0.5) * scale - 0.5);
    const int i0 = std::min(static_cast<int>(s), in - 1);
    const int i1 = std::min(i0 + 1, in - 1);
    t[static_cast<size_t>(o)] = {static_cast<size_t>(i0), static_cast<size_t>(i1), s - i0};
  }
  return t;
}

}  // namespace

Image resize_bilinear(const Image& in, int width, int height) {
  Image out{width, height, in.channels, {}};
  const auto c = static_cast<size_t>(in.channels);
  const auto in_w = static_cast<size_t>(in.width);
  out.pixels.resize(static_cast<size_t>(width) * static_cast<size_t>(height) * c);
  const auto xs = taps(in.width, width), ys = taps(in.height, height);
  auto at = [&](size_t y, size_t x, size_t k) { return static_cast<double>(in.pixels[(y * in_w + x) * c + k]); };
  size_t o = 0;
  for (const Tap& y : ys)
    for (const Tap& x : xs)
      for (size_t k = 0; k < c; ++k) {
        const double top = at(y.i0, x.i0, k) * (1 - x.f) + at(y.i0, x.i1, k) * x.f;
        const double bottom = at(y.i1, x.i0, k) * (1 - x.f) + at(y.i1, x.i1, k) * x.f;
        out.pixels[o++] = static_cast<uint8_t>(std::clamp(std::lround(top * (1 - y.f) + bottom * y.f), 0L, 255L));
      }
  return out;
}

}  // namespace rknnc::dataset
