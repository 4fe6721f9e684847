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

}  // namespace chancery::app
