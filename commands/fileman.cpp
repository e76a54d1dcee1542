// The Fileman module: UAPI (list_files, get_file_information,
// get_file_content, save_file_content, upload_files, empty_trash,
// autocompletedir, transcode) and API 2 (listfiles, mkdir, fileop,
// savefile). Every path is inside the account's home, and the work runs as
// the account (lib/store/fileman.hpp); docs/fileman.md has the details.
#include <sys/stat.h>

#include <cctype>
#include <cstdio>
#include <map>
#include <set>

#include "errors.hpp"
#include "fileman.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

// "c" for "a/b/c".
std::string last_component(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Home home_of(const Context& ctx) { return account_home(ctx.root, ctx.account); }

void refuse_if_suspended(const Context& ctx) {
  if (ctx.account.suspended)
    throw ApiError("The cPanel account “" + ctx.account.user + "” is suspended; its files cannot be changed.");
}

// The words of a list given in one value ("dir|file", "a.txt,b.txt"), trimmed, without empty ones.
std::vector<std::string> words_of(const std::string& value, char sep) {
  std::vector<std::string> out;
  for (const auto& w : split(value, sep))
    if (!trim(w).empty()) out.push_back(trim(w));
  return out;
}

// Permissions as octal digits ("0755", "644"); the special bits (setuid,
// setgid, sticky) are not set through the file manager.
mode_t octal_mode(const std::string& value, const std::string& param) {
  bool ok = !value.empty() && value.size() <= 4;
  for (char c : value) ok = ok && c >= '0' && c <= '7';
  const unsigned long mode = ok ? std::stoul(value, nullptr, 8) : 0;
  if (!ok || mode > 0777)
    throw invalid_param(param, "“" + value + "” is not a permission mode from 0000 to 0777 in octal digits.");
  return static_cast<mode_t>(mode);
}

std::string octal_text(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode));
  return buf;
}

// The file `file` in the directory `dir` (both as the caller gives them),
// relative to the home; the file must be named.
std::string file_in(const Home& home, const std::string& dir, const std::string& file) {
  const std::string dir_rel = home_relative(home, dir, "dir");
  if (file.empty()) throw missing_param("file");
  if (file[0] == '/') throw invalid_param("file", "give the file's name inside “dir”, not an absolute path.");
  const std::string rel = home_relative(home, shown_path(home, dir_rel) + "/" + file, "file");
  if (rel == dir_rel) throw invalid_param("file", "“" + file + "” does not name a file.");
  return rel;
}

// The names a listing is limited to: the values of filepath-* arguments.
std::set<std::string> filepath_names(const Request& req) {
  std::set<std::string> names;
  for (const auto& [key, values] : req.args)
    if (key == "filepath" || starts_with(key, "filepath-"))
      for (const auto& v : values) names.insert(last_component(v));
  return names;
}

const std::set<std::string> kTypes = {"file", "dir", "char", "block", "fifo", "link", "socket"};

std::set<std::string> types_arg(const Request& req) {
  std::set<std::string> types;
  for (const auto& t : words_of(req.get_or("types", ""), '|')) {
    if (!kTypes.count(t))
      throw invalid_param("types", "“" + t + "” is not a file type (file, dir, char, block, fifo, link or socket).");
    types.insert(t);
  }
  return types;
}

// ------------------------------------------------------------ UAPI

ListOptions uapi_list_options(const Request& req) {
  ListOptions o;
  o.show_hidden = req.flag("show_hidden");
  o.check_leaf = req.flag("check_for_leaf_directories");
  o.include_mime = req.flag("include_mime");
  o.include_hash = req.flag("include_hash");
  o.include_permissions = req.flag("include_permissions");
  return o;
}

Response list_files(Context& ctx, const Request& req) {
  const Home home = home_of(ctx);
  ListOptions o = uapi_list_options(req);
  o.types = types_arg(req);
  if (auto only = req.get("only_these_files"); only && !trim(*only).empty()) {
    auto names = words_of(*only, ',');
    o.only_names = std::set<std::string>(names.begin(), names.end());
  }
  if (req.flag("limit_to_list")) o.only_names = filepath_names(req);
  for (const auto& m : words_of(req.get_or("mime_types", ""), '|')) o.mime_names.insert(m);
  for (const auto& m : words_of(req.get_or("raw_mime_types", ""), '|')) o.raw_mime_types.insert(m);
  // Asking for MIME types turns their reporting on, as the reference says.
  if (!o.mime_names.empty() || !o.raw_mime_types.empty()) o.include_mime = true;
  nlohmann::json dirs = nlohmann::json::array(), files = nlohmann::json::array();
  for (auto& entry : list_directory(home, home_relative(home, req.require("dir"), "dir"), o))
    (entry["type"] == "dir" ? dirs : files).push_back(std::move(entry));
  Response r;
  r.data = {{"dirs", dirs}, {"files", files}};
  return r;
}

Response get_file_information(Context& ctx, const Request& req) {
  const Home home = home_of(ctx);
  Response r;
  r.data = file_information(home, home_relative(home, req.require("path"), "path"), uapi_list_options(req));
  return r;
}

// The charset a request names: _DETECT_ (the file's own), _LOCALE_ (the
// session's: whmkit's locale is UTF-8), or the name given.
std::string charset_arg(const Request& req, const std::string& key, const std::string& fallback,
                        const std::string& content) {
  std::string value = trim(req.get_or(key, fallback));
  if (value.empty()) value = fallback;
  if (value == "_DETECT_") return detect_charset(content);
  if (value == "_LOCALE_") return "UTF-8";
  return value;
}

bool same_charset(const std::string& a, const std::string& b) { return to_lower(a) == to_lower(b); }

// The value of the first <meta ... charset=...> declaration becomes `charset`.
std::string with_html_charset(const std::string& html, const std::string& charset) {
  const std::string lower = to_lower(html);
  for (size_t meta = lower.find("<meta"); meta != std::string::npos; meta = lower.find("<meta", meta + 5)) {
    const size_t end = lower.find('>', meta);
    const size_t at = lower.find("charset=", meta);
    if (at == std::string::npos || at > end) continue;
    size_t start = at + 8;
    if (start < html.size() && (html[start] == '"' || html[start] == '\'')) ++start;
    size_t stop = start;
    while (stop < html.size() && (std::isalnum(static_cast<unsigned char>(html[stop])) || html[stop] == '-' ||
                                  html[stop] == '_' || html[stop] == ':' || html[stop] == '.'))
      ++stop;
    return html.substr(0, start) + charset + html.substr(stop);
  }
  return html;
}

bool is_html(const std::string& name) {
  const std::string lower = to_lower(name);
  return ends_with(lower, ".html") || ends_with(lower, ".htm") || ends_with(lower, ".shtml");
}

Response get_file_content(Context& ctx, const Request& req) {
  const Home home = home_of(ctx);
  const std::string rel = file_in(home, req.require("dir"), req.require("file"));
  const std::string bytes = read_home_file(home, rel);
  const std::string from = charset_arg(req, "from_charset", "_DETECT_", bytes);
  const std::string to = charset_arg(req, "to_charset", "_LOCALE_", bytes);
  std::string content = bytes;
  if (!same_charset(from, to)) {
    auto converted = convert_charset(bytes, from, to, "from_charset", "to_charset");
    if (!converted.ok)
      throw ApiError("The file “" + shown_path(home, rel) + "” is not valid “" + from +
                     "” text; it cannot be shown as “" + to + "”.");
    content = converted.text;
  }
  if (req.flag("update_html_document_encoding", true) && is_html(rel)) content = with_html_charset(content, to);
  const auto slash = rel.rfind('/');
  Response r;
  r.data = {{"content", content},
            {"dir", shown_path(home, slash == std::string::npos ? "" : rel.substr(0, slash))},
            {"filename", slash == std::string::npos ? rel : rel.substr(slash + 1)},
            {"from_char", from},
            {"from_charset", from},
            {"path", shown_path(home, rel)},
            {"to_char", to},
            {"to_charset", to}};
  return r;
}

Response save_file_content(Context& ctx, const Request& req) {
  refuse_if_suspended(ctx);
  const Home home = home_of(ctx);
  const std::string rel = file_in(home, req.get_or("dir", home.shown), req.require("file"));
  const std::string content = req.get_or("content", "");
  const std::string from = charset_arg(req, "from_charset", "UTF-8", content);
  std::string to = charset_arg(req, "to_charset", "UTF-8", content);
  std::string bytes = content;
  Response r;
  if (!same_charset(from, to)) {
    auto converted = convert_charset(content, from, to, "from_charset", "to_charset");
    if (converted.ok) {
      bytes = converted.text;
    } else if (req.flag("fallback", true)) {
      r.warnings.push_back("The content cannot be encoded as “" + to + "”; it was saved as “" + from + "”.");
      to = from;
    } else {
      throw ApiError("The content cannot be encoded as “" + to + "”.");
    }
  }
  write_home_file(home, rel, bytes, 0644);
  r.data = {{"from_charset", from}, {"path", shown_path(home, rel)}, {"to_charset", to}};
  return r;
}

// The command line's stand-in for a form's file fields: file-1=@/path/to/file.
Response upload_files(Context& ctx, const Request& req) {
  refuse_if_suspended(ctx);
  const Home home = home_of(ctx);
  const std::string dir = home_relative(home, req.get_or("dir", home.shown), "dir");
  std::vector<Upload> uploads;
  for (const auto& value : req.list("file")) {
    if (value.size() < 2 || value[0] != '@')
      throw invalid_param("file", "give each file to upload as @ and its path (file-1=@/path/to/file).");
    const std::string source = value.substr(1);
    uploads.push_back({last_component(source), source});
  }
  if (uploads.empty()) throw ApiError("You must specify at least one file to upload.");
  const mode_t mode = octal_mode(req.get_or("permissions", "0644"), "permissions");
  const auto sizes = upload_home_files(home, dir, uploads, req.flag("overwrite"), mode);
  nlohmann::json items = nlohmann::json::array();
  for (size_t i = 0; i < uploads.size(); ++i)
    items.push_back({{"file", uploads[i].name},
                     {"reason", "Uploaded “" + uploads[i].name + "” to “" + shown_path(home, dir) + "”."},
                     {"size", sizes[i]},
                     {"status", 1},
                     {"warnings", nlohmann::json::array()}});
  Response r;
  r.data = {{"failed", 0}, {"succeeded", uploads.size()}, {"uploads", items}, {"warned", 0}};
  return r;
}

Response empty_trash(Context& ctx, const Request& req) {
  refuse_if_suspended(ctx);
  empty_home_trash(home_of(ctx), req.integer("older_than", 0, 1000000).value_or(0));
  return {};
}

Response autocompletedir(Context& ctx, const Request& req) {
  const Home home = home_of(ctx);
  const std::string given = req.require("path");
  const std::string rel = home_relative(home, given, "path");
  const bool dirs_only = req.flag("dirsonly");
  // "public_html/" or, with list_all, an existing directory: everything in it.
  std::vector<std::string> names;
  std::string dir = rel, prefix;
  if (req.flag("list_all", true) || given.back() == '/') names = complete_names(home, rel, "", dirs_only);
  if (names.empty() && given.back() != '/') {
    const auto slash = rel.rfind('/');
    dir = slash == std::string::npos ? "" : rel.substr(0, slash);
    prefix = slash == std::string::npos ? rel : rel.substr(slash + 1);
    names = complete_names(home, dir, prefix, dirs_only);
  }
  const bool html = req.flag("html", true);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& name : names) {
    const std::string file = dir.empty() ? name : dir + "/" + name;
    r.data.push_back({{"file", html ? html_escape(file) : file}});
  }
  return r;
}

Response transcode(Context&, const Request& req) {
  const std::string content = req.require("content");
  const std::string from = charset_arg(req, "from_charset", "UTF-8", content);
  const std::string to = charset_arg(req, "to_charset", "UTF-8", content);
  const Illegal illegal = req.flag("discard_illegal") ? Illegal::Discard
                          : req.flag("transliterate") ? Illegal::Transliterate
                                                      : Illegal::Fail;
  auto converted = convert_charset(content, from, to, "from_charset", "to_charset", illegal);
  if (!converted.ok) throw ApiError("The content cannot be converted from “" + from + "” to “" + to + "”.");
  Response r;
  r.data = {{"charset", to}, {"content", converted.text}};
  return r;
}

// ------------------------------------------------------------ API 2

Response listfiles(Context& ctx, const Request& req) {
  const Home home = home_of(ctx);
  ListOptions o;
  o.show_hidden = req.flag("showdotfiles");
  o.check_leaf = req.flag("checkleaf");
  o.include_mime = req.flag("needmime");
  o.types = types_arg(req);
  if (req.flag("filelist")) o.only_names = filepath_names(req);
  Response r;
  r.data = nlohmann::json::array();
  for (auto& entry : list_directory(home, home_relative(home, req.get_or("dir", home.shown), "dir"), o))
    r.data.push_back(std::move(entry));
  return r;
}

Response api2_mkdir(Context& ctx, const Request& req) {
  refuse_if_suspended(ctx);
  const Home home = home_of(ctx);
  const std::string parent = home_relative(home, req.require("path"), "path");
  const std::string name = req.require("name");
  if (name.find('/') != std::string::npos || name == "." || name == "..")
    throw invalid_param("name", "“" + name + "” is not a directory name (one name, without “/”).");
  const mode_t mode = octal_mode(req.get_or("permissions", "0755"), "permissions");
  make_home_directory(home, parent.empty() ? name : parent + "/" + name, mode);
  Response r;
  r.data =
      nlohmann::json::array({{{"name", name}, {"path", shown_path(home, parent)}, {"permissions", octal_text(mode)}}});
  return r;
}

Response savefile(Context& ctx, const Request& req) {
  refuse_if_suspended(ctx);
  const Home home = home_of(ctx);
  const std::string dir = req.get_or("path", req.get_or("dir", home.shown));
  const std::string rel = file_in(home, dir, req.require("filename"));
  write_home_file(home, rel, req.get_or("content", ""), 0644);
  Response r;
  r.data = nlohmann::json::array({{{"path", shown_path(home, rel)}}});
  return r;
}

FileOp file_op(const std::string& op) {
  static const std::map<std::string, FileOp> ops = {{"copy", FileOp::Copy},     {"move", FileOp::Move},
                                                    {"rename", FileOp::Rename}, {"chmod", FileOp::Chmod},
                                                    {"link", FileOp::Link},     {"unlink", FileOp::Unlink},
                                                    {"trash", FileOp::Trash},   {"restorefiles", FileOp::RestoreFiles}};
  auto it = ops.find(op);
  if (it != ops.end()) return it->second;
  if (op == "extract" || op == "compress")
    throw invalid_param("op",
                        "whmkit does not extract or compress archives; it performs copy, move, rename, chmod, "
                        "link, unlink, trash and restorefiles.");
  throw invalid_param("op", "“" + op +
                                "” is not an operation (copy, move, rename, chmod, link, unlink, trash or "
                                "restorefiles).");
}

// sourcefiles and destfiles: comma-separated, and URI-encoded once more with doubledecode=1.
std::vector<std::string> file_list(const Request& req, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& value : req.list(key))
    for (auto& name : words_of(value, ',')) out.push_back(req.flag("doubledecode") ? uri_decode(name) : name);
  return out;
}

Response fileop(Context& ctx, const Request& req) {
  refuse_if_suspended(ctx);
  const Home home = home_of(ctx);
  const FileOp op = file_op(req.require("op"));
  // Every path is checked before anything is done: a bad one refuses the call.
  std::vector<std::string> sources, dests;
  for (const auto& s : file_list(req, "sourcefiles"))
    sources.push_back(op == FileOp::RestoreFiles ? s : home_relative(home, s, "sourcefiles"));
  for (const auto& d : file_list(req, "destfiles")) dests.push_back(home_relative(home, d, "destfiles"));
  if (sources.empty()) throw missing_param("sourcefiles");
  const bool needs_dest = op == FileOp::Copy || op == FileOp::Move || op == FileOp::Rename || op == FileOp::Link;
  if (needs_dest && file_list(req, "destfiles").empty())
    throw missing_param("destfiles", "for “" + req.require("op") + "”");
  if (dests.size() > 1 && dests.size() != sources.size())
    throw invalid_param("destfiles", "give one destination, or one for each source file.");
  if (op == FileOp::RestoreFiles)
    for (const auto& s : sources)
      for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) throw invalid_param("sourcefiles", "the name contains a control character.");
  mode_t mode = 0;
  if (op == FileOp::Chmod) {
    if (!req.has("metadata")) throw missing_param("metadata", "for “chmod” (the permissions, e.g. 0644)");
    mode = octal_mode(req.get_or("metadata", ""), "metadata");
  }
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& o : file_operation(home, op, sources, needs_dest ? dests : std::vector<std::string>{}, mode)) {
    nlohmann::json item = {{"dest", o.dest}, {"result", o.error.empty() ? 1 : 0}, {"src", o.src}};
    if (!o.error.empty()) item["err"] = o.error;
    r.data.push_back(item);
  }
  return r;
}

// ------------------------------------------------------------ declarations

ParamSpec required(const char* name) { return make_param(name, ParamType::String, true); }
ParamSpec optional(const char* name, ParamType type = ParamType::String, const char* default_value = nullptr,
                   const char* description = "") {
  ParamSpec p = described(make_param(name, type), description);
  if (default_value) p.default_value = default_value;
  return p;
}
ParamSpec flag(const char* name, const char* default_value, const char* description) {
  return optional(name, ParamType::Boolean, default_value, description);
}
ParamSpec multiline(ParamSpec p) {
  p.multiline = true;
  return p;
}
ParamSpec filepaths() {
  ParamSpec p = list_param("filepath");
  p.description = "With limit_to_list (filelist in API 2): the names to list (filepath-1=a.txt filepath-2=b.txt).";
  return p;
}

std::vector<ParamSpec> info_params(std::vector<ParamSpec> first) {
  for (auto p : {flag("check_for_leaf_directories", "0", "Report in isleaf whether each directory holds directories."),
                 flag("include_hash", "0", "Report hash and phash (the paths, base64)."),
                 flag("include_mime", "0", "Report the MIME types."),
                 flag("include_permissions", "0", "Report the owner's read and write permissions."),
                 flag("show_hidden", "0", "Include names that start with a dot.")})
    first.push_back(p);
  return first;
}

const Authorization kFileManager = needs_feature("filemanager");

WHMKIT_REGISTRATIONS(
    fileman_functions,
    // UAPI
    Registration(
        {Api::Uapi, "Fileman", "list_files", list_files, Access::Read, kFileManager,
         info_params(
             {required("dir"),
              optional("types", ParamType::String, nullptr,
                       "Only these types, separated by |: file, dir, char, block, fifo, link, socket."),
              flag("limit_to_list", nullptr, "Only the names given as filepath-* arguments."), filepaths(),
              optional("only_these_files", ParamType::String, nullptr, "Only these names, separated by commas."),
              optional("mime_types", ParamType::String, nullptr, "Only these MIME names (text-plain), separated by |."),
              optional("raw_mime_types", ParamType::String, nullptr,
                       "Only these MIME types (text/plain), separated by |.")}),
         "Return directory content"}),
    Registration({Api::Uapi, "Fileman", "get_file_information", get_file_information, Access::Read, kFileManager,
                  info_params({required("path")}), "Return file or directory information"}),
    Registration({Api::Uapi,
                  "Fileman",
                  "get_file_content",
                  get_file_content,
                  Access::Read,
                  kFileManager,
                  {required("dir"), required("file"),
                   optional("from_charset", ParamType::String, "_DETECT_", "The file's character set."),
                   optional("to_charset", ParamType::String, "_LOCALE_", "The character set of the answer."),
                   flag("update_html_document_encoding", "1",
                        "In an HTML file, set the <meta> charset to to_charset.")},
                  "Return file content"}),
    Registration({Api::Uapi,
                  "Fileman",
                  "save_file_content",
                  save_file_content,
                  Access::Write,
                  kFileManager,
                  {required("file"),
                   multiline(optional("content", ParamType::String, nullptr, "The file's new contents (none: empty).")),
                   optional("dir", ParamType::String, nullptr, "The directory (default: the home directory)."),
                   flag("fallback", "1", "If the content cannot be encoded as to_charset, save it as from_charset."),
                   optional("from_charset", ParamType::String, "UTF-8", "The character set of content."),
                   optional("to_charset", ParamType::String, "UTF-8", "The character set to save in.")},
                  "Save file"}),
    Registration({Api::Uapi,
                  "Fileman",
                  "upload_files",
                  upload_files,
                  Access::Write,
                  kFileManager,
                  {described(list_param("file", ParamType::String, true),
                             "A local file to upload, as @ and its path (file-1=@/tmp/a.txt file-2=@/tmp/b.txt); "
                             "read with the account's rights."),
                   optional("dir", ParamType::String, nullptr, "The directory (default: the home directory)."),
                   flag("overwrite", "0", "Replace files that exist."),
                   optional("permissions", ParamType::String, "0644", "The new files' permissions.")},
                  "Upload files"}),
    Registration({Api::Uapi,
                  "Fileman",
                  "empty_trash",
                  empty_trash,
                  Access::Write,
                  kFileManager,
                  {described(
                      [] {
                        ParamSpec p = optional("older_than", ParamType::Integer, "0");
                        p.min = 0;
                        return p;
                      }(),
                      "Keep what has been in the trash this many days or less (0: purge everything).")},
                  "Delete .trash folder content"}),
    Registration({Api::Uapi,
                  "Fileman",
                  "autocompletedir",
                  autocompletedir,
                  Access::Read,
                  kFileManager,
                  {required("path"), flag("dirsonly", "0", "Only directories."),
                   flag("html", "1", "HTML-encode the names."),
                   flag("list_all", "1", "When path is a directory, list everything in it.")},
                  "Return autocomplete file and directory names"}),
    Registration({Api::Uapi,
                  "Fileman",
                  "transcode",
                  transcode,
                  Access::Read,
                  kFileManager,
                  {multiline(required("content")), flag("discard_illegal", nullptr, "Drop what does not convert."),
                   optional("from_charset", ParamType::String, nullptr, "The content's character set (UTF-8)."),
                   optional("to_charset", ParamType::String, nullptr, "The character set to convert to (UTF-8)."),
                   flag("transliterate", nullptr, "Replace what does not convert by a look-alike.")},
                  "Update buffer encoding"}),
    // API 2
    Registration({Api::Api2,
                  "Fileman",
                  "listfiles",
                  listfiles,
                  Access::Read,
                  kFileManager,
                  {optional("dir", ParamType::String, nullptr, "The directory (default: the home directory)."),
                   optional("types", ParamType::String, nullptr, "Only these types, separated by |."),
                   flag("showdotfiles", "0", "Include names that start with a dot."),
                   flag("checkleaf", "0", "Report in isleaf whether each directory holds directories."),
                   flag("filelist", "0", "Only the names given as filepath-* arguments."), filepaths(),
                   flag("needmime", "0", "Report the MIME types.")},
                  "List a directory's files and their attributes"}),
    Registration({Api::Api2,
                  "Fileman",
                  "mkdir",
                  api2_mkdir,
                  Access::Write,
                  kFileManager,
                  {required("path"), required("name"),
                   optional("permissions", ParamType::String, "0755", "The new directory's permissions.")},
                  "Create a directory"}),
    Registration({Api::Api2,
                  "Fileman",
                  "fileop",
                  fileop,
                  Access::Write,
                  kFileManager,
                  {described(required("op"), "copy, move, rename, chmod, link, unlink, trash or restorefiles."),
                   described(list_param("sourcefiles", ParamType::String, true),
                             "The files, separated by commas (restorefiles: their names in the trash)."),
                   described(list_param("destfiles"),
                             "The destination, or one for each source, separated by commas (copy, move, rename, "
                             "link)."),
                   flag("doubledecode", nullptr, "The file names are URI-encoded once more."),
                   optional("metadata", ParamType::String, nullptr, "chmod: the permissions (0644).")},
                  "Perform an operation on one or more files"}),
    Registration({Api::Api2,
                  "Fileman",
                  "savefile",
                  savefile,
                  Access::Write,
                  kFileManager,
                  {optional("path", ParamType::String, nullptr, "The directory (default: the home directory)."),
                   optional("dir", ParamType::String, nullptr, "The same as path (older clients)."),
                   required("filename"), multiline(optional("content", ParamType::String, nullptr, "The contents."))},
                  "Save a string to a file"}), );

}  // namespace
}  // namespace whm
