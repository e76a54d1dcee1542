// The Fileman module (UAPI and API 2), run as the real programs: files in
// the account's home, written as the account, never through a symlink.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "file_checks.hpp"
#include "harness.hpp"

using test::api2_data;
using test::cpanel_error;
using test::create_account;
using test::expect_cpanel_refused;
using test::lstat_of;
using test::run;
using test::run_cpanel;
using test::run_ok;
using test::snapshot;
using test::TempRoot;
using test::uapi_ok;
using test::uid_of;

namespace {

// The entry called `name` in a list of records, or null.
nlohmann::json named(const nlohmann::json& list, const std::string& name) {
  for (const auto& e : list)
    if (e["file"] == name) return e;
  return nullptr;
}

}  // namespace

TEST_CASE("save_file_content writes a file as the account, get_file_content reads it back", "[fileman]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto saved = uapi_ok(root, "bob",
                       {"Fileman", "save_file_content", "dir=public_html", "file=index.html",
                        "content=<html><head><meta charset=\"iso-8859-1\"></head>hi</html>"});
  CHECK(saved["result"]["data"] ==
        nlohmann::json(
            {{"from_charset", "UTF-8"}, {"path", "/home/bob/public_html/index.html"}, {"to_charset", "UTF-8"}}));
  CHECK(root.file("home/bob/public_html/index.html") == "<html><head><meta charset=\"iso-8859-1\"></head>hi</html>");
  auto st = lstat_of(root, "home/bob/public_html/index.html");
  CHECK(st.st_uid == uid_of(root, "bob"));
  CHECK((st.st_mode & 07777) == 0644);

  auto got = uapi_ok(root, "bob", {"Fileman", "get_file_content", "dir=/home/bob/public_html", "file=index.html"});
  const auto& data = got["result"]["data"];
  CHECK(data["path"] == "/home/bob/public_html/index.html");
  CHECK(data["dir"] == "/home/bob/public_html");
  CHECK(data["filename"] == "index.html");
  CHECK(data["from_char"] == "UTF-8");
  CHECK(data["to_char"] == "UTF-8");
  // update_html_document_encoding (on by default) names the answer's charset.
  CHECK(data["content"] == "<html><head><meta charset=\"UTF-8\"></head>hi</html>");
  auto raw =
      uapi_ok(root, "bob",
              {"Fileman", "get_file_content", "dir=public_html", "file=index.html", "update_html_document_encoding=0"});
  CHECK(raw["result"]["data"]["content"] == root.file("home/bob/public_html/index.html"));

  // Saving again keeps the file's permissions.
  REQUIRE(::chmod((root.path + "/home/bob/public_html/index.html").c_str(), 0600) == 0);
  uapi_ok(root, "bob", {"Fileman", "save_file_content", "dir=public_html", "file=index.html", "content=two"});
  CHECK(root.file("home/bob/public_html/index.html") == "two");
  CHECK((lstat_of(root, "home/bob/public_html/index.html").st_mode & 07777) == 0600);

  // API 2 savefile.
  auto api2 =
      api2_data(root, "bob", {"Fileman", "savefile", "path=/home/bob", "filename=notes.txt", "content=line%0Atwo"});
  CHECK(api2 == nlohmann::json::array({{{"path", "/home/bob/notes.txt"}}}));
  CHECK(root.file("home/bob/notes.txt") == "line\ntwo");
}

TEST_CASE("character sets: saved and read through iconv, transcode", "[fileman]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob",
          {"Fileman", "save_file_content", "file=latin.txt", "content=caf%C3%A9", "to_charset=ISO-8859-1"});
  CHECK(root.file("home/bob/latin.txt") == "caf\xe9");
  auto got = uapi_ok(root, "bob", {"Fileman", "get_file_content", "dir=/home/bob", "file=latin.txt"});
  CHECK(got["result"]["data"]["from_char"] == "ISO-8859-1");
  CHECK(got["result"]["data"]["to_char"] == "UTF-8");
  CHECK(got["result"]["data"]["content"] == "caf\xc3\xa9");

  // Not encodable: fallback (the default) saves as given, with a warning; fallback=0 refuses.
  auto fell_back =
      uapi_ok(root, "bob", {"Fileman", "save_file_content", "file=snow.txt", "content=%E2%98%83", "to_charset=ASCII"});
  CHECK(fell_back["result"]["data"]["to_charset"] == "UTF-8");
  CHECK(fell_back["result"]["warnings"].size() == 1);
  CHECK(root.file("home/bob/snow.txt") == "\xe2\x98\x83");
  expect_cpanel_refused(
      root, "uapi", "bob",
      {"Fileman", "save_file_content", "file=snow2.txt", "content=%E2%98%83", "to_charset=ASCII", "fallback=0"},
      "cannot be encoded as “ASCII”");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Fileman", "get_file_content", "dir=/home/bob", "file=latin.txt", "from_charset=NO-SUCH"},
                        "Invalid value for parameter “from_charset”");

  auto t = uapi_ok(
      root, "bob",
      {"Fileman", "transcode", "content=caf%C3%A9", "from_charset=UTF-8", "to_charset=ASCII", "transliterate=1"});
  CHECK(t["result"]["data"] == nlohmann::json({{"charset", "ASCII"}, {"content", "cafe"}}));
  auto d = uapi_ok(
      root, "bob",
      {"Fileman", "transcode", "content=caf%C3%A9", "from_charset=UTF-8", "to_charset=ASCII", "discard_illegal=1"});
  CHECK(d["result"]["data"]["content"] == "caf");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Fileman", "transcode", "content=caf%C3%A9", "from_charset=UTF-8", "to_charset=ASCII"},
                        "cannot be converted");
}

TEST_CASE("list_files, listfiles and get_file_information describe the home", "[fileman]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto made = api2_data(root, "bob", {"Fileman", "mkdir", "path=public_html", "name=img", "permissions=0750"});
  CHECK(made == nlohmann::json::array({{{"name", "img"}, {"path", "/home/bob/public_html"}, {"permissions", "0750"}}}));
  CHECK((lstat_of(root, "home/bob/public_html/img").st_mode & 07777) == 0750);
  uapi_ok(root, "bob", {"Fileman", "save_file_content", "dir=public_html", "file=a.txt", "content=12345"});
  uapi_ok(root, "bob", {"Fileman", "save_file_content", "dir=public_html", "file=.htaccess", "content=x"});

  auto listed = uapi_ok(root, "bob",
                        {"Fileman", "list_files", "dir=public_html", "include_mime=1", "include_permissions=1",
                         "include_hash=1", "check_for_leaf_directories=1"});
  const nlohmann::json data = listed["result"]["data"];
  const auto img = named(data["dirs"], "img");
  REQUIRE(img.is_object());
  CHECK(img["file"] == "img");
  CHECK(img["type"] == "dir");
  CHECK(img["fullpath"] == "/home/bob/public_html/img");
  CHECK(img["absdir"] == "/home/bob/public_html");
  CHECK(img["nicemode"] == 750);
  CHECK(img["mode"] == std::to_string(S_IFDIR | 0750));
  CHECK(img["isleaf"] == 0);
  CHECK(img["mimetype"] == "httpd/unix-directory");
  REQUIRE(data["files"].size() == 1);  // .htaccess is hidden
  const auto a = data["files"][0];
  CHECK(a["file"] == "a.txt");
  CHECK(a["size"] == 5);
  CHECK(a["humansize"] == "0.01 KB");
  CHECK(a["mimetype"] == "text/plain");
  CHECK(a["mimename"] == "text-plain");
  CHECK(a["read"] == 1);
  CHECK(a["write"] == 1);
  CHECK(a["uid"] == uid_of(root, "bob"));
  CHECK(a["hash"] == "L2hvbWUvYm9iL3B1YmxpY19odG1sL2EudHh0");
  CHECK(a["phash"] == "L2hvbWUvYm9iL3B1YmxpY19odG1s");

  auto hidden = uapi_ok(root, "bob", {"Fileman", "list_files", "dir=public_html", "show_hidden=1", "types=file"});
  CHECK(hidden["result"]["data"]["dirs"].empty());
  CHECK(named(hidden["result"]["data"]["files"], ".htaccess").is_object());
  auto only = uapi_ok(root, "bob", {"Fileman", "list_files", "dir=public_html", "limit_to_list=1", "filepath-0=a.txt"});
  CHECK(only["result"]["data"]["files"].size() == 1);
  CHECK(only["result"]["data"]["dirs"].empty());

  auto api2 =
      api2_data(root, "bob", {"Fileman", "listfiles", "dir=/home/bob", "types=dir", "needmime=1", "checkleaf=1"});
  auto pub = named(api2, "public_html");
  REQUIRE(pub.is_object());
  CHECK(pub["mimename"] == "publichtml");
  CHECK(pub["isleaf"] == 1);  // it holds img

  auto info = uapi_ok(root, "bob", {"Fileman", "get_file_information", "path=public_html/a.txt"});
  CHECK(info["result"]["data"]["file"] == "a.txt");
  CHECK(info["result"]["data"]["type"] == "file");
  CHECK_FALSE(info["result"]["data"].contains("hash"));

  auto completed = uapi_ok(root, "bob", {"Fileman", "autocompletedir", "path=public"});
  CHECK(completed["result"]["data"] == nlohmann::json::array({{{"file", "public_ftp"}}, {{"file", "public_html"}}}));
  auto inside = uapi_ok(root, "bob", {"Fileman", "autocompletedir", "path=public_html", "dirsonly=1"});
  CHECK(inside["result"]["data"] ==
        nlohmann::json::array({{{"file", "public_html/cgi-bin"}}, {{"file", "public_html/img"}}}));

  expect_cpanel_refused(root, "uapi", "bob", {"Fileman", "list_files", "dir=public_html", "types=bogus"},
                        "Invalid value for parameter “types”");
  expect_cpanel_refused(root, "uapi", "bob", {"Fileman", "list_files", "dir=nowhere"},
                        "The directory “/home/bob/nowhere” does not exist.");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Fileman", "mkdir", "path=public_html", "name=img"},
                        "“/home/bob/public_html/img” already exists.");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Fileman", "mkdir", "path=public_html", "name=x", "permissions=4755"},
                        "Invalid value for parameter “permissions”");
}

TEST_CASE("fileop copies, moves, renames, changes permissions and deletes", "[fileman]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", {"Fileman", "save_file_content", "file=a.txt", "content=A"});
  uapi_ok(root, "bob", {"Fileman", "save_file_content", "file=b.txt", "content=B"});
  api2_data(root, "bob", {"Fileman", "mkdir", "path=/home/bob", "name=dir"});

  auto copied = api2_data(root, "bob", {"Fileman", "fileop", "op=copy", "sourcefiles=a.txt,b.txt", "destfiles=dir"});
  CHECK(copied ==
        nlohmann::json::array({{{"dest", "/home/bob/dir/a.txt"}, {"result", 1}, {"src", "/home/bob/a.txt"}},
                               {{"dest", "/home/bob/dir/b.txt"}, {"result", 1}, {"src", "/home/bob/b.txt"}}}));
  CHECK(root.file("home/bob/dir/a.txt") == "A");
  CHECK(root.file("home/bob/a.txt") == "A");
  CHECK(lstat_of(root, "home/bob/dir/a.txt").st_uid == uid_of(root, "bob"));

  // A directory copies whole; the same again is refused for that item only.
  api2_data(root, "bob", {"Fileman", "fileop", "op=copy", "sourcefiles=dir", "destfiles=dir2"});
  CHECK(root.file("home/bob/dir2/b.txt") == "B");
  auto again = api2_data(root, "bob", {"Fileman", "fileop", "op=copy", "sourcefiles=a.txt", "destfiles=dir"});
  CHECK(again[0]["result"] == 0);
  CHECK(again[0]["err"] == "“/home/bob/dir/a.txt” already exists.");
  auto into_itself = api2_data(root, "bob", {"Fileman", "fileop", "op=copy", "sourcefiles=dir", "destfiles=dir/sub"});
  CHECK(into_itself[0]["result"] == 0);

  api2_data(root, "bob", {"Fileman", "fileop", "op=move", "sourcefiles=b.txt", "destfiles=dir2/moved.txt"});
  CHECK_FALSE(root.exists("home/bob/b.txt"));
  CHECK(root.file("home/bob/dir2/moved.txt") == "B");
  api2_data(root, "bob", {"Fileman", "fileop", "op=rename", "sourcefiles=a.txt", "destfiles=renamed.txt"});
  CHECK(root.file("home/bob/renamed.txt") == "A");
  api2_data(root, "bob", {"Fileman", "fileop", "op=chmod", "sourcefiles=renamed.txt", "metadata=0600"});
  CHECK((lstat_of(root, "home/bob/renamed.txt").st_mode & 07777) == 0600);
  api2_data(root, "bob", {"Fileman", "fileop", "op=link", "sourcefiles=renamed.txt", "destfiles=alias.txt"});
  CHECK(std::filesystem::read_symlink(root.path + "/home/bob/alias.txt") == "/home/bob/renamed.txt");
  api2_data(root, "bob", {"Fileman", "fileop", "op=unlink", "sourcefiles=dir2,alias.txt"});
  CHECK_FALSE(root.exists("home/bob/dir2"));
  CHECK_FALSE(std::filesystem::is_symlink(root.path + "/home/bob/alias.txt"));
  // doubledecode: the names are URI-encoded once more.
  uapi_ok(root, "bob", {"Fileman", "save_file_content", "file=with space.txt", "content=S"});
  api2_data(root, "bob",
            {"Fileman", "fileop", "op=move", "sourcefiles=with%2520space.txt", "destfiles=dir", "doubledecode=1"});
  CHECK(root.file("home/bob/dir/with space.txt") == "S");

  // Bad input refuses the whole call and changes nothing.
  expect_cpanel_refused(root, "cpapi2", "bob", {"Fileman", "fileop", "op=shred", "sourcefiles=renamed.txt"},
                        "Invalid value for parameter “op”");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Fileman", "fileop", "op=chmod", "sourcefiles=renamed.txt"},
                        "Missing required parameter “metadata”");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Fileman", "fileop", "op=move", "sourcefiles=renamed.txt"},
                        "Missing required parameter “destfiles”");
  expect_cpanel_refused(root, "cpapi2", "bob",
                        {"Fileman", "fileop", "op=copy", "sourcefiles=renamed.txt,../../etc/passwd", "destfiles=dir"},
                        "has a “..” component");
}

TEST_CASE("the trash: fileop trash and restorefiles, .trash_restore, empty_trash", "[fileman]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", {"Fileman", "save_file_content", "dir=public_html", "file=old.html", "content=old"});
  uapi_ok(root, "bob", {"Fileman", "save_file_content", "file=old.html", "content=home"});

  auto trashed = api2_data(root, "bob", {"Fileman", "fileop", "op=trash", "sourcefiles=public_html/old.html,old.html"});
  CHECK(trashed[0]["dest"] == "/home/bob/.trash/old.html");
  CHECK(trashed[1]["dest"] == "/home/bob/.trash/old.html.1");
  CHECK(root.file("home/bob/.trash/old.html") == "old");
  CHECK(root.file("home/bob/.trash/old.html.1") == "home");
  CHECK(root.file("home/bob/.trash/.trash_restore") ==
        "old.html=/home/bob/public_html/old.html\nold.html.1=/home/bob/old.html\n");
  CHECK((lstat_of(root, "home/bob/.trash").st_mode & 07777) == 0700);

  auto restored = api2_data(root, "bob", {"Fileman", "fileop", "op=restorefiles", "sourcefiles=old.html"});
  CHECK(restored[0]["dest"] == "/home/bob/public_html/old.html");
  CHECK(root.file("home/bob/public_html/old.html") == "old");
  CHECK(root.file("home/bob/.trash/.trash_restore") == "old.html.1=/home/bob/old.html\n");

  // older_than keeps what was trashed recently.
  uapi_ok(root, "bob", {"Fileman", "empty_trash", "older_than=30"});
  CHECK(root.exists("home/bob/.trash/old.html.1"));
  auto emptied = uapi_ok(root, "bob", {"Fileman", "empty_trash"});
  CHECK(emptied["result"]["data"].is_null());
  CHECK_FALSE(root.exists("home/bob/.trash/old.html.1"));
  CHECK(root.file("home/bob/.trash/.trash_restore").empty());
  expect_cpanel_refused(root, "uapi", "bob", {"Fileman", "empty_trash", "older_than=-1"},
                        "Invalid value for parameter “older_than”");
}

TEST_CASE("upload_files reads local files with the account's rights", "[fileman]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  root.write("upload/one.txt", "first");
  root.write("upload/two.bin", std::string("\x00\x01\x02", 3));
  // The account reads them itself: it must be able to reach them.
  REQUIRE(::chmod(root.path.c_str(), 0711) == 0);
  REQUIRE(::chmod((root.path + "/upload").c_str(), 0755) == 0);
  auto up = uapi_ok(root, "bob",
                    {"Fileman", "upload_files", "dir=public_html", "file-1=@" + root.path + "/upload/one.txt",
                     "file-2=@" + root.path + "/upload/two.bin"});
  const auto& data = up["result"]["data"];
  CHECK(data["succeeded"] == 2);
  CHECK(data["failed"] == 0);
  CHECK(data["uploads"][0]["file"] == "one.txt");
  CHECK(data["uploads"][0]["size"] == 5);
  CHECK(data["uploads"][1]["size"] == 3);
  CHECK(root.file("home/bob/public_html/one.txt") == "first");
  CHECK(root.file("home/bob/public_html/two.bin") == std::string("\x00\x01\x02", 3));
  CHECK(lstat_of(root, "home/bob/public_html/one.txt").st_uid == uid_of(root, "bob"));

  // An existing file is refused without overwrite=1, before anything is written.
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Fileman", "upload_files", "dir=public_html", "file-1=@" + root.path + "/upload/one.txt"},
                        "already exists");
  uapi_ok(root, "bob",
          {"Fileman", "upload_files", "dir=public_html", "overwrite=1", "file-1=@" + root.path + "/upload/one.txt"});
  // A file the account cannot read is not uploaded (it is read as the account, not as root).
  root.write("upload/secret", "root only");
  ::chmod((root.path + "/upload/secret").c_str(), 0600);
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Fileman", "upload_files", "dir=public_html", "file-1=@" + root.path + "/upload/secret"},
                        "Permission denied");
  expect_cpanel_refused(root, "uapi", "bob", {"Fileman", "upload_files", "file-1=one.txt"},
                        "Invalid value for parameter “file”");
}

TEST_CASE("no way out of the home: symlinks and “..” are refused", "[fileman][security]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "eve", "eve.example");
  uapi_ok(root, "bob", {"Fileman", "save_file_content", "file=secret.txt", "content=bob's"});
  uapi_ok(root, "eve", {"Fileman", "save_file_content", "file=mine.txt", "content=eve's"});
  root.write("etc/target", "system");
  namespace fs = std::filesystem;
  fs::create_directory_symlink(root.path + "/etc", root.path + "/home/eve/etc-link");
  fs::create_directory_symlink(root.path + "/home/bob", root.path + "/home/eve/bob-link");
  fs::create_symlink(root.path + "/home/bob/secret.txt", root.path + "/home/eve/secret-link.txt");
  const std::string link_msg = "is a symbolic link";

  expect_cpanel_refused(root, "uapi", "eve", {"Fileman", "list_files", "dir=bob-link"}, link_msg);
  expect_cpanel_refused(root, "uapi", "eve", {"Fileman", "list_files", "dir=etc-link"}, link_msg);
  expect_cpanel_refused(root, "uapi", "eve", {"Fileman", "get_file_content", "dir=bob-link", "file=secret.txt"},
                        link_msg);
  expect_cpanel_refused(root, "uapi", "eve", {"Fileman", "get_file_content", "dir=/home/eve", "file=secret-link.txt"},
                        link_msg);
  expect_cpanel_refused(root, "uapi", "eve",
                        {"Fileman", "save_file_content", "dir=etc-link", "file=target", "content=owned"}, link_msg);
  expect_cpanel_refused(root, "uapi", "eve", {"Fileman", "save_file_content", "file=secret-link.txt", "content=owned"},
                        link_msg);
  expect_cpanel_refused(root, "cpapi2", "eve", {"Fileman", "savefile", "path=bob-link", "filename=x", "content=y"},
                        link_msg);
  expect_cpanel_refused(root, "cpapi2", "eve", {"Fileman", "mkdir", "path=bob-link", "name=x"}, link_msg);
  expect_cpanel_refused(root, "uapi", "eve", {"Fileman", "get_file_information", "path=bob-link/secret.txt"}, link_msg);
  expect_cpanel_refused(root, "uapi", "eve", {"Fileman", "get_file_content", "dir=../bob", "file=secret.txt"},
                        "has a “..” component");
  expect_cpanel_refused(root, "uapi", "eve", {"Fileman", "list_files", "dir=/home/bob"},
                        "is outside your home directory");
  expect_cpanel_refused(root, "uapi", "eve",
                        {"Fileman", "upload_files", "dir=bob-link", "file-1=@" + root.path + "/etc/target"}, link_msg);

  // fileop through a symlink: each item fails, nothing changes.
  const auto before = snapshot(root);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"op=move", "sourcefiles=bob-link/secret.txt", "destfiles=stolen.txt"},
        {"op=copy", "sourcefiles=bob-link/secret.txt", "destfiles=stolen.txt"},
        {"op=copy", "sourcefiles=mine.txt", "destfiles=bob-link/planted.txt"},
        {"op=move", "sourcefiles=mine.txt", "destfiles=etc-link"},
        {"op=chmod", "sourcefiles=secret-link.txt", "metadata=0777"},
        {"op=unlink", "sourcefiles=bob-link/secret.txt"},
        {"op=trash", "sourcefiles=etc-link/target"}}) {
    std::vector<std::string> call = {"Fileman", "fileop"};
    call.insert(call.end(), args.begin(), args.end());
    auto items = api2_data(root, "eve", call);
    INFO(args[0] << " " << args[1]);
    REQUIRE(items.size() == 1);
    CHECK(items[0]["result"] == 0);
    CHECK(items[0]["err"].get<std::string>().find("symbolic link") != std::string::npos);
  }
  CHECK(snapshot(root) == before);
  CHECK(root.file("home/bob/secret.txt") == "bob's");
  // A symlink is removed or copied as a link, never followed.
  api2_data(root, "eve", {"Fileman", "fileop", "op=copy", "sourcefiles=etc-link", "destfiles=etc-link2"});
  CHECK(fs::read_symlink(root.path + "/home/eve/etc-link2") == root.path + "/etc");
  api2_data(root, "eve", {"Fileman", "fileop", "op=unlink", "sourcefiles=etc-link,etc-link2"});
  CHECK(root.file("etc/target") == "system");
  CHECK_FALSE(fs::is_symlink(root.path + "/home/eve/etc-link"));
  // A listing reports a symlink as a link.
  auto listed = uapi_ok(root, "eve", {"Fileman", "list_files", "dir=/home/eve", "types=link"});
  CHECK(named(listed["result"]["data"]["files"], "bob-link")["type"] == "link");
}

TEST_CASE("Fileman needs the filemanager feature, also through WHM's passthrough", "[fileman][features]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto through = run_ok(root, {"uapi_cpanel", "cpanel.user=bob", "cpanel.module=Fileman",
                               "cpanel.function=save_file_content", "file=via-whm.txt", "content=hello"});
  CHECK(through["data"]["uapi"]["status"] == 1);
  CHECK(root.file("home/bob/via-whm.txt") == "hello");
  auto api2 = run_ok(root, {"cpanel", "cpanel_jsonapi_user=bob", "cpanel_jsonapi_module=Fileman",
                            "cpanel_jsonapi_func=listfiles", "cpanel_jsonapi_apiversion=2"});
  CHECK(named(api2["data"]["cpanelresult"]["data"], "via-whm.txt")["size"] == 5);

  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"filemanager":0})"});
  expect_cpanel_refused(root, "uapi", "bob", {"Fileman", "list_files", "dir=/home/bob"},
                        "You do not have the feature “filemanager”.");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Fileman", "fileop", "op=unlink", "sourcefiles=via-whm.txt"},
                        "You do not have the feature “filemanager”.");
  CHECK(root.exists("home/bob/via-whm.txt"));
}

TEST_CASE("a suspended account's files are not changed", "[fileman]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"suspendacct", "user=bob", "reason=test"});
  expect_cpanel_refused(root, "uapi", "bob", {"Fileman", "save_file_content", "file=a.txt", "content=x"},
                        "is suspended");
  uapi_ok(root, "bob", {"Fileman", "list_files", "dir=/home/bob"});
}
