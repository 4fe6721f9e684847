// chancery: one binary for the whole publication. See README.md and
// `chancery --help`.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Chancery — an editorial hub for policy analysis", "chancery"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "chancery 0.1.0");

  chancery::app::InitOptions init;
  auto* init_cmd = app.add_subcommand("init", "Create a new site in a data folder");
  init_cmd->add_option("--data", init.data_dir, "Data folder to create (holds chancery.db and chancery.toml)")->required();
  init_cmd->add_flag("--demo", init.demo, "Add a sample publication: articles, authors and images");

  chancery::app::ServeOptions serve;
  auto* serve_cmd = app.add_subcommand("serve", "Serve the site over HTTP");
  serve_cmd->add_option("--data", serve.data_dir, "Data folder made by `chancery init`")->required();
  serve_cmd->add_option("--listen", serve.listen, "Address and port, e.g. 127.0.0.1:8080 (default from chancery.toml)");
  serve_cmd->add_option("--config", serve.config_file, "Configuration file (default DATA/chancery.toml)");

  auto* import_cmd = app.add_subcommand("import", "Import content from files");
  import_cmd->require_subcommand(1);
  chancery::app::ImportMarkdownOptions import_md;
  auto* md_cmd = import_cmd->add_subcommand("markdown", "Import Markdown files with front matter (updates articles whose slug exists)");
  md_cmd->add_option("--data", import_md.data_dir, "Data folder")->required();
  md_cmd->add_option("paths", import_md.paths, "Markdown files, or folders searched for *.md")->required();

  auto* comments_cmd = app.add_subcommand("comments", "Moderate reader comments");
  comments_cmd->require_subcommand(1);
  chancery::app::CommentsListOptions comments_list;
  auto* list_cmd = comments_cmd->add_subcommand("list", "List comments with their status and the reason for it");
  list_cmd->add_option("--data", comments_list.data_dir, "Data folder")->required();
  list_cmd->add_option("--status", comments_list.status, "Only comments with this status: pending, approved, spam, trash");
  list_cmd->add_option("--format", comments_list.format, "text (default) or json");
  chancery::app::CommentsActionOptions comments_action;
  std::vector<CLI::App*> action_cmds;
  for (const char* action : {"approve", "spam", "trash", "delete"}) {
    const std::string what = action == std::string_view("approve") ? "Approve comments: readers see them on the next request"
                             : action == std::string_view("spam")  ? "Mark comments as spam"
                             : action == std::string_view("trash") ? "Move comments to the trash"
                                                                   : "Delete comments for good (their replies move up a level)";
    auto* cmd = comments_cmd->add_subcommand(action, what);
    cmd->add_option("--data", comments_action.data_dir, "Data folder")->required();
    cmd->add_option("ids", comments_action.ids, "Comment ids")->required();
    action_cmds.push_back(cmd);
  }

  chancery::app::CommentsDataRequestOptions data_request;
  auto* export_cmd = comments_cmd->add_subcommand("export", "Print, as JSON, everything stored about a commenter's comments");
  auto* erase_cmd = comments_cmd->add_subcommand("erase", "Delete every comment from a commenter (logged)");
  for (auto* cmd : {export_cmd, erase_cmd}) {
    cmd->add_option("--data", data_request.data_dir, "Data folder")->required();
    cmd->add_option("--email", data_request.email, "The commenter's email address")->required();
  }

  auto* user_cmd = app.add_subcommand("user", "Manage newsroom accounts");
  user_cmd->require_subcommand(1);
  chancery::app::UserAddOptions user_add;
  auto* user_add_cmd = user_cmd->add_subcommand("add", "Create an account; the password is read from standard input");
  user_add_cmd->add_option("--data", user_add.data_dir, "Data folder")->required();
  user_add_cmd->add_option("--email", user_add.email, "Email address (the sign-in name)")->required();
  user_add_cmd->add_option("--name", user_add.name, "Name shown in the newsroom")->required();
  user_add_cmd->add_option("--role", user_add.role, "admin, editor or author")->required();

  chancery::app::AnalyzeOptions analyze;
  auto* analyze_cmd = app.add_subcommand("analyze", "Insight: actors, relations and dated events of one text (--text FILE), or read a site's whole archive again (--data DIR --all)");
  analyze_cmd->add_option("--text", analyze.text_file, "The text to read (Markdown or plain text), or - for standard input");
  analyze_cmd->add_option("--format", analyze.format, "json (default) or text");
  analyze_cmd->add_option("--input", analyze.input, "markdown (default: an article body) or text");
  analyze_cmd->add_option("--year", analyze.year, "The article's year, to tell which office a person held");
  analyze_cmd->add_option("--gazetteer", analyze.gazetteer_dir, "Read the gazetteer from this folder (as data/insight) instead of the built-in one");
  analyze_cmd->add_option("--data", analyze.data_dir, "With --all: the site folder");
  analyze_cmd->add_flag("--all", analyze.all, "Read every article of the site in --data again and store the analyses");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (*init_cmd) return chancery::app::RunInit(init);
  if (*serve_cmd) return chancery::app::RunServe(serve);
  if (*md_cmd) return chancery::app::RunImportMarkdown(import_md);
  if (*list_cmd) return chancery::app::RunCommentsList(comments_list);
  if (*user_add_cmd) return chancery::app::RunUserAdd(user_add);
  if (*analyze_cmd) return chancery::app::RunAnalyze(analyze);
  if (*export_cmd || *erase_cmd) {
    data_request.erase = erase_cmd->parsed();
    return chancery::app::RunCommentsDataRequest(data_request);
  }
  for (auto* cmd : action_cmds) {
    if (*cmd) {
      comments_action.action = cmd->get_name();
      return chancery::app::RunCommentsAction(comments_action);
    }
  }
  std::cerr << app.help();
  return 2;
}
