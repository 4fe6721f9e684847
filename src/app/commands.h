// chancery/app: the command line's commands, one function each.
//
// Each returns a process exit code and writes errors to stderr as one clear
// line. main.cc parses arguments with CLI11 and calls these.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace chancery::app {

struct InitOptions {
  std::string data_dir;  // created if missing; must not already hold a site
  bool demo = false;     // add the sample publication (articles, authors, images)
};
int RunInit(const InitOptions& options);

struct ServeOptions {
  std::string data_dir;
  std::string listen;       // overrides server.listen when non-empty
  std::string config_file;  // default <data>/chancery.toml
};
int RunServe(const ServeOptions& options);

struct ImportMarkdownOptions {
  std::string data_dir;
  std::vector<std::string> paths;  // files, or folders searched for *.md
};
int RunImportMarkdown(const ImportMarkdownOptions& options);

struct CommentsListOptions {
  std::string data_dir;
  std::string status;          // pending|approved|spam|trash; empty lists every status
  std::string format = "text";  // text|json
};
int RunCommentsList(const CommentsListOptions& options);

// approve, spam, trash or delete the comments with these ids, each logged in
// the moderation log as done by "chancery-cli".
struct CommentsActionOptions {
  std::string data_dir;
  std::string action;  // approve|spam|trash|delete
  std::vector<int64_t> ids;
};
int RunCommentsAction(const CommentsActionOptions& options);

// A commenter's data request: print everything stored about `email` as JSON
// (export) or delete their comments, logged (erase).
struct CommentsDataRequestOptions {
  std::string data_dir;
  std::string email;
  bool erase = false;  // false: export
};
int RunCommentsDataRequest(const CommentsDataRequestOptions& options);

// A newsroom account; the password is read from standard input.
struct UserAddOptions {
  std::string data_dir;
  std::string email;
  std::string name;
  std::string role;  // admin|editor|author
};
int RunUserAdd(const UserAddOptions& options);

// Insight on one text, no site needed: the actors, relations and dated events
// it names, printed as the JSON contract of DESIGN.md or as a report.
struct AnalyzeOptions {
  std::string text_file;           // a file, or "-" for standard input
  std::string format = "json";     // json|text
  std::string input = "markdown";  // markdown (an article body) or text
  int year = 0;                    // the article's year, for office-holders; 0: unknown
  std::string gazetteer_dir;       // read data/insight-style files from here, not the compiled-in ones
  std::string data_dir;            // with `all`: the site whose archive to read again
  bool all = false;                // every article not in the trash (analyze_archive.cc)
};
int RunAnalyze(const AnalyzeOptions& options);
// `chancery analyze --data DIR --all`: reads the whole archive again.
int RunAnalyzeArchive(const AnalyzeOptions& options);

}  // namespace chancery::app
