// `chancery analyze --text FILE --format json|text`: the insight layer on one
// text, with the gazetteer compiled into the binary and no site.
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "app/cli_common.h"
#include "app/commands.h"
#include "base/text.h"
#include "content/content.h"
#include "insight/insight.h"

namespace chancery::app {
namespace {

Result<std::string> ReadInput(const std::string& path) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    if (std::cin.bad()) return Status::IoError("cannot read standard input");
    return buffer.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::IoError("cannot read " + path);
  return text;
}

}  // namespace

int RunAnalyze(const AnalyzeOptions& options) {
  if (options.all || !options.data_dir.empty()) {
    if (!options.text_file.empty()) return Fail("give either --text FILE or --data DIR --all, not both");
    if (!options.all || options.data_dir.empty())
      return Fail("to read a site's archive give both: chancery analyze --data DIR --all");
    return RunAnalyzeArchive(options);
  }
  if (options.text_file.empty()) return Fail("give --text FILE (or --data DIR --all to read a site's whole archive)");
  if (options.format != "json" && options.format != "text")
    return Fail("--format must be json or text, not '" + options.format + "'");
  if (options.input != "markdown" && options.input != "text")
    return Fail("--input must be markdown or text, not '" + options.input + "'");
  if (options.year < 0 || options.year > 9999) return Fail("--year must be a year such as 2021");
  const std::string name = options.text_file == "-" ? "standard input" : options.text_file;

  auto input = ReadInput(options.text_file);
  if (!input.ok()) return Fail(input.status().message());
  if (input->size() > insight::kMaxTextBytes) return Fail(name + ": longer than 8 MiB");
  if (!IsValidUtf8(*input)) return Fail(name + ": not valid UTF-8");

  std::string plain;
  if (options.input == "markdown") {
    auto rendered = content::RenderMarkdown(*input);
    if (!rendered.ok()) return Fail(name + ": " + rendered.status().message());
    plain = std::move(rendered->plain_text);
  } else {
    plain = std::move(*input);
  }

  auto gazetteer = options.gazetteer_dir.empty() ? insight::Gazetteer::Builtin()
                                                 : insight::Gazetteer::FromDirectory(options.gazetteer_dir);
  if (!gazetteer.ok()) return Fail("loading the gazetteer: " + gazetteer.status().message());
  const insight::Analyzer analyzer(*gazetteer);
  auto analysis = analyzer.Analyze(plain, {.year = options.year});
  if (!analysis.ok()) return Fail(name + ": " + analysis.status().message());
  std::cout << (options.format == "json" ? insight::ToJson(*analysis) + "\n" : insight::ToText(*analysis));
  std::cout.flush();
  return std::cout ? 0 : 1;
}

}  // namespace chancery::app
