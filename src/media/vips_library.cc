#include "media/vips_library.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

namespace chancery::media::internal {
namespace {

// The soname the headers were built for: libvips' ABI version is its
// libtool current minus age, which is also the soname's number.
std::string Soname() { return "libvips.so." + std::to_string(VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE); }

// Finds `name` in the library or its dependencies, into `slot` (whose type
// is the function's own).
template <typename F>
bool Find(void* handle, const char* name, F& slot, std::string& missing) {
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr) {
    if (!missing.empty()) missing += ", ";
    missing += name;
    return false;
  }
  slot = reinterpret_cast<F>(symbol);
  return true;
}

Result<VipsLibrary> Open() {
  const std::string soname = Soname();
  // RTLD_LOCAL: nothing else in the process resolves against libvips' deps.
  // The handle is never closed: libvips cannot be shut down and restarted.
  void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* error = dlerror();
    return Status::Internal("cannot open " + soname + " (Debian's libvips42 package): " +
                            (error != nullptr ? error : "unknown error"));
  }
  VipsLibrary v{};
  std::string missing;
  bool ok = true;
#define CHANCERY_FIND(field, symbol) ok &= Find(handle, #symbol, v.field, missing)
  CHANCERY_FIND(version, vips_version);
  CHANCERY_FIND(init, vips_init);
  CHANCERY_FIND(error_buffer_copy, vips_error_buffer_copy);
  CHANCERY_FIND(concurrency_set, vips_concurrency_set);
  CHANCERY_FIND(cache_set_max, vips_cache_set_max);
  CHANCERY_FIND(block_untrusted_set, vips_block_untrusted_set);
  CHANCERY_FIND(jpegload_buffer, vips_jpegload_buffer);
  CHANCERY_FIND(pngload_buffer, vips_pngload_buffer);
  CHANCERY_FIND(webpload_buffer, vips_webpload_buffer);
  CHANCERY_FIND(gifload_buffer, vips_gifload_buffer);
  CHANCERY_FIND(jpegsave_buffer, vips_jpegsave_buffer);
  CHANCERY_FIND(pngsave_buffer, vips_pngsave_buffer);
  CHANCERY_FIND(webpsave_buffer, vips_webpsave_buffer);
  CHANCERY_FIND(gifsave_buffer, vips_gifsave_buffer);
  CHANCERY_FIND(image_get_width, vips_image_get_width);
  CHANCERY_FIND(image_get_height, vips_image_get_height);
  CHANCERY_FIND(image_get_page_height, vips_image_get_page_height);
  CHANCERY_FIND(image_get_n_pages, vips_image_get_n_pages);
  CHANCERY_FIND(image_get_format, vips_image_get_format);
  CHANCERY_FIND(image_get_typeof, vips_image_get_typeof);
  CHANCERY_FIND(image_get_fields, vips_image_get_fields);
  CHANCERY_FIND(image_remove, vips_image_remove);
  CHANCERY_FIND(image_guess_interpretation, vips_image_guess_interpretation);
  CHANCERY_FIND(image_copy_memory, vips_image_copy_memory);
  CHANCERY_FIND(copy, vips_copy);
  CHANCERY_FIND(autorot, vips_autorot);
  CHANCERY_FIND(icc_transform, vips_icc_transform);
  CHANCERY_FIND(colourspace, vips_colourspace);
  CHANCERY_FIND(cast_uchar, vips_cast_uchar);
  CHANCERY_FIND(thumbnail_image, vips_thumbnail_image);
  CHANCERY_FIND(object_ref, g_object_ref);
  CHANCERY_FIND(object_unref, g_object_unref);
  CHANCERY_FIND(free, g_free);
  CHANCERY_FIND(strfreev, g_strfreev);
#undef CHANCERY_FIND
  if (!ok) return Status::Internal(soname + " lacks " + missing);
  // VIPS_INIT's check, which the macro would make against linked symbols.
  const int abi = v.version(3) - v.version(5);
  if (abi != VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE)
    return Status::Internal(soname + " has ABI version " + std::to_string(abi) + ", not the headers' " +
                            std::to_string(VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE));
  return v;
}

}  // namespace

Result<const VipsLibrary*> LoadVips() {
  static std::once_flag once;
  static Result<VipsLibrary> loaded = Status::Internal("libvips not loaded");
  std::call_once(once, [] { loaded = Open(); });
  if (!loaded.ok()) return loaded.status();
  return &loaded.value();
}

}  // namespace chancery::media::internal
