// chancery/media: libvips, opened on first use rather than at start-up.
//
// libvips brings about ninety shared libraries with it (codecs, Cairo,
// Pango, librsvg, HDF5, curl...). Linked into the binary, the dynamic loader
// maps and relocates all of them before main() — about 15 MiB of resident
// memory and a good part of the start-up time — though most servers process
// an image only when an editor uploads one. So the binary does not link
// libvips: the first image call opens it with dlopen and takes the
// functions process.cc uses from it. The types and enums still come from
// <vips/vips.h>, and each pointer has the type of the function it stands
// for (decltype), so the compiler checks every call as before.
//
// Internal to src/media. Thread-safe: LoadVips opens the library once.
#pragma once

#include <vips/vips.h>

#include "base/status.h"

namespace chancery::media::internal {

struct VipsLibrary {
  decltype(&::vips_version) version;
  decltype(&::vips_init) init;
  decltype(&::vips_error_buffer_copy) error_buffer_copy;
  decltype(&::vips_concurrency_set) concurrency_set;
  decltype(&::vips_cache_set_max) cache_set_max;
  decltype(&::vips_block_untrusted_set) block_untrusted_set;

  decltype(&::vips_jpegload_buffer) jpegload_buffer;
  decltype(&::vips_pngload_buffer) pngload_buffer;
  decltype(&::vips_webpload_buffer) webpload_buffer;
  decltype(&::vips_gifload_buffer) gifload_buffer;
  decltype(&::vips_jpegsave_buffer) jpegsave_buffer;
  decltype(&::vips_pngsave_buffer) pngsave_buffer;
  decltype(&::vips_webpsave_buffer) webpsave_buffer;
  decltype(&::vips_gifsave_buffer) gifsave_buffer;

  decltype(&::vips_image_get_width) image_get_width;
  decltype(&::vips_image_get_height) image_get_height;
  decltype(&::vips_image_get_page_height) image_get_page_height;
  decltype(&::vips_image_get_n_pages) image_get_n_pages;
  decltype(&::vips_image_get_format) image_get_format;
  decltype(&::vips_image_get_typeof) image_get_typeof;
  decltype(&::vips_image_get_fields) image_get_fields;
  decltype(&::vips_image_remove) image_remove;
  decltype(&::vips_image_guess_interpretation) image_guess_interpretation;
  decltype(&::vips_image_copy_memory) image_copy_memory;

  decltype(&::vips_copy) copy;
  decltype(&::vips_autorot) autorot;
  decltype(&::vips_icc_transform) icc_transform;
  decltype(&::vips_colourspace) colourspace;
  decltype(&::vips_cast_uchar) cast_uchar;
  decltype(&::vips_thumbnail_image) thumbnail_image;

  // GLib's, found through libvips' own dependencies.
  decltype(&::g_object_ref) object_ref;
  decltype(&::g_object_unref) object_unref;
  decltype(&::g_free) free;
  decltype(&::g_strfreev) strfreev;
};

// The library with every function found, loaded on the first call; the same
// error on every call when it cannot be (not installed, a symbol missing, an
// ABI other than the headers').
Result<const VipsLibrary*> LoadVips();

}  // namespace chancery::media::internal
