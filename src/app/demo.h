// chancery/app: the demo publication compiled into the binary (demo/).
#pragma once

#include <span>

#include "base/embedded.h"

namespace chancery::app::demo {
std::span<const EmbeddedFile> Files();
}
