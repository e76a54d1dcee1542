// WHM API 1 SSH keys of root and resellers (generatesshkeypair, importsshkey,
// listsshkeys, authorizesshkey, deletesshkey, convertopensshtoputty) and
// check_remote_ssh_connection.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "harness.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using test::create_account;
using test::expect_refused;
using test::run;
using test::run_ok;
using test::run_program;
using test::snapshot;
using test::TempRoot;

namespace {

const std::string kRootSsh = "root/.ssh/";

// A state root with root's home, as every server has.
void make_root_home(const TempRoot& root) { std::filesystem::create_directories(root.path + "/root"); }

unsigned mode_of(const TempRoot& root, const std::string& rel) {
  struct stat st {};
  REQUIRE(::lstat((root.path + "/" + rel).c_str(), &st) == 0);
  return st.st_mode & 07777;
}

bool have(const std::string& tool) { return ::access(tool.c_str(), X_OK) == 0; }

// The first two words of a public key line: its type and key data.
std::string key_of(const std::string& line) {
  auto first = line.find(' ');
  auto second = line.find_first_of(" \n", first + 1);
  return line.substr(0, second);
}

test::RunResult as_reseller(const TempRoot& root, const std::string& reseller, std::vector<std::string> args) {
  std::vector<std::string> argv = {WHMAPI1_PATH, "--root=" + root.path, "--output=json", "--user=" + reseller};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

nlohmann::json keys_listed(const TempRoot& root, std::vector<std::string> args = {}) {
  args.insert(args.begin(), "listsshkeys");
  auto out = run_ok(root, args);
  return out["data"]["keys"];
}

// A listener on 127.0.0.1 that sends `greeting` to one client and closes.
struct FakeServer {
  int fd = -1, port = 0;
  std::thread thread;
  explicit FakeServer(std::string greeting) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    REQUIRE(::listen(fd, 1) == 0);
    thread = std::thread([this, greeting] {
      int client = ::accept(fd, nullptr, nullptr);
      if (client < 0) return;
      (void)!::write(client, greeting.data(), greeting.size());
      ::close(client);
    });
  }
  ~FakeServer() {
    ::shutdown(fd, SHUT_RDWR);
    thread.join();
    ::close(fd);
  }
};

// A port nothing listens on: bound, then closed.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

}  // namespace

TEST_CASE("generatesshkeypair writes root's key pair into /root/.ssh", "[whm][rootssh][generatesshkeypair]") {
  TempRoot root;
  make_root_home(root);
  auto out = run_ok(root, {"generatesshkeypair", "name=deploy", "bits=2048", "comment=build server"});
  CHECK(out["metadata"]["result"] == 1);
  CHECK(out["data"]["name"] == "deploy");
  const std::string fingerprint = out["data"]["fingerprint"];
  CHECK_THAT(fingerprint, StartsWith("SHA256:"));
  CHECK_THAT(root.file(kRootSsh + "deploy"), StartsWith("-----BEGIN RSA PRIVATE KEY-----\n"));
  const std::string pub = root.file(kRootSsh + "deploy.pub");
  CHECK_THAT(pub, StartsWith("ssh-rsa AAAA"));
  CHECK_THAT(pub, Contains(" build server\n"));
  CHECK(mode_of(root, "root/.ssh") == 0700);
  CHECK(mode_of(root, kRootSsh + "deploy") == 0600);
  CHECK(mode_of(root, kRootSsh + "deploy.pub") == 0644);
  if (have("/usr/bin/ssh-keygen")) {
    auto lf = run_program({"/usr/bin/ssh-keygen", "-lf", root.path + "/" + kRootSsh + "deploy.pub"});
    CHECK_THAT(lf.out, StartsWith("2048 " + fingerprint + " build server (RSA)"));
    auto y = run_program({"/usr/bin/ssh-keygen", "-y", "-f", root.path + "/" + kRootSsh + "deploy"});
    CHECK(key_of(y.out) == key_of(pub));
  }

  SECTION("defaults: id_rsa, 4096 bits, no comment") {
    auto d = run_ok(root, {"generatesshkeypair"});
    CHECK(d["data"]["name"] == "id_rsa");
    if (have("/usr/bin/ssh-keygen")) {
      auto lf = run_program({"/usr/bin/ssh-keygen", "-lf", root.path + "/" + kRootSsh + "id_rsa.pub"});
      CHECK_THAT(lf.out, StartsWith("4096 SHA256:"));
    }
  }
  SECTION("an existing key is kept unless abort_on_existing_key=0") {
    expect_refused(root, {"generatesshkeypair", "name=deploy"}, "The key “deploy” already exists in /root/.ssh.");
    run_ok(root, {"generatesshkeypair", "name=deploy", "bits=2048", "abort_on_existing_key=0"});
    CHECK(root.file(kRootSsh + "deploy.pub") != pub);
  }
  SECTION("DSA: id_dsa, 1024 bits only") {
    CHECK(run_ok(root, {"generatesshkeypair", "algorithm=dsa"})["data"]["name"] == "id_dsa");
    CHECK_THAT(root.file(kRootSsh + "id_dsa.pub"), StartsWith("ssh-dss "));
    expect_refused(root, {"generatesshkeypair", "algorithm=dsa", "bits=2048", "name=big"}, "a DSA key has 1024 bits");
  }
  SECTION("a passphrase encrypts the key; a short one is refused") {
    run_ok(root, {"generatesshkeypair", "name=locked", "bits=2048", "passphrase=Tr0ub4dor&Zebra!9"});
    CHECK_THAT(root.file(kRootSsh + "locked"), Contains("ENCRYPTED"));
    expect_refused(root, {"generatesshkeypair", "name=weak", "passphrase=abc"},
                   "The passphrase must be at least 5 characters long.");
  }
  SECTION("bad names and values change nothing") {
    expect_refused(root, {"generatesshkeypair", "name=../evil"}, "name");
    expect_refused(root, {"generatesshkeypair", "name=authorized_keys"}, "reserved key name");
    expect_refused(root, {"generatesshkeypair", "name=x.pub"}, "does not end in “.pub”");
    expect_refused(root, {"generatesshkeypair", "bits=512"}, "bits");
    expect_refused(root, {"generatesshkeypair", "algorithm=ed448"}, "algorithm");
  }
}

TEST_CASE("a reseller's keys are in its own home; a reseller without all is refused",
          "[whm][rootssh][generatesshkeypair][listsshkeys]") {
  TempRoot root;
  make_root_home(root);
  create_account(root, "res", "res.example");
  REQUIRE(run(root, {"setupreseller", "user=res"}).status == 0);
  auto before = snapshot(root);
  auto refused = as_reseller(root, "res", {"generatesshkeypair", "bits=2048"});
  CHECK(refused.json()["metadata"]["result"] == 0);
  CHECK(snapshot(root) == before);

  REQUIRE(run(root, {"setacls", "reseller=res", "acl-all=1"}).status == 0);
  auto made = as_reseller(root, "res", {"generatesshkeypair", "bits=2048", "name=mine"});
  INFO(made.out);
  CHECK(made.json()["metadata"]["result"] == 1);
  CHECK(root.exists("home/res/.ssh/mine"));
  CHECK_FALSE(root.exists("root/.ssh/mine"));
  struct stat st {};
  REQUIRE(::stat((root.path + "/home/res/.ssh/mine").c_str(), &st) == 0);
  struct stat home {};
  REQUIRE(::stat((root.path + "/home/res").c_str(), &home) == 0);
  CHECK(st.st_uid == home.st_uid);
  auto listed = as_reseller(root, "res", {"listsshkeys"}).json();
  REQUIRE(listed["data"]["keys"].size() == 1);
  CHECK(listed["data"]["keys"][0]["file"] == "mine");
  CHECK(keys_listed(root).empty());  // root's own keys: none
}

TEST_CASE("a symlinked .ssh in a reseller's home is refused", "[whm][rootssh][security]") {
  TempRoot root;
  create_account(root, "res", "res.example");
  REQUIRE(run(root, {"setupreseller", "user=res"}).status == 0);
  REQUIRE(run(root, {"setacls", "reseller=res", "acl-all=1"}).status == 0);
  std::filesystem::create_directories(root.path + "/etc/target");
  std::filesystem::create_directory_symlink(root.path + "/etc/target", root.path + "/home/res/.ssh");
  auto before = snapshot(root);
  auto r = as_reseller(root, "res", {"generatesshkeypair", "bits=2048"});
  CHECK(r.json()["metadata"]["result"] == 0);
  CHECK_THAT(r.json()["metadata"]["reason"].get<std::string>(), Contains("symbolic link"));
  CHECK(snapshot(root) == before);
}

TEST_CASE("importsshkey stores public and private keys, and extracts a private key's public half",
          "[whm][rootssh][importsshkey]") {
  TempRoot root;
  make_root_home(root);
  create_account(root, "bob", "bob.example");
  REQUIRE(test::run_cpanel(root, "cpapi2", "bob", {"SSH", "genkey", "bits=2048", "name=spare"}).status == 0);
  const std::string pub = root.file("home/bob/.ssh/spare.pub");
  const std::string priv = root.file("home/bob/.ssh/spare");

  auto out = run_ok(root, {"importsshkey", "name=laptop", "key=" + pub});
  CHECK(out["metadata"]["result"] == 1);
  CHECK_FALSE(out.contains("data"));
  CHECK(root.file(kRootSsh + "laptop.pub") == pub);
  CHECK(mode_of(root, kRootSsh + "laptop.pub") == 0644);

  SECTION("a private key") {
    run_ok(root, {"importsshkey", "name=backup", "key=" + priv});
    CHECK(root.file(kRootSsh + "backup") == priv);
    CHECK(mode_of(root, kRootSsh + "backup") == 0600);
    CHECK_FALSE(root.exists(kRootSsh + "backup.pub"));
  }
  SECTION("extract_public=1 writes only the public half; with extract_private=1 both") {
    std::filesystem::remove(root.path + "/" + kRootSsh + "laptop.pub");  // the same key may be stored once
    run_ok(root, {"importsshkey", "name=derived", "extract_public=1", "key=" + priv});
    CHECK(key_of(root.file(kRootSsh + "derived.pub")) == key_of(pub));
    CHECK_FALSE(root.exists(kRootSsh + "derived"));
  }
  SECTION("bad input changes nothing") {
    expect_refused(root, {"importsshkey", "name=again", "key=" + pub}, "submitted key already exists as laptop.pub");
    expect_refused(root, {"importsshkey", "name=junk", "key=not a key"}, "Invalid key.");
    expect_refused(root, {"importsshkey", "name=a/b", "key=" + pub}, "slash");
    expect_refused(root, {"importsshkey", "name=x", "key=PuTTY-User-Key-File-2: ssh-rsa"}, "PuTTY");
    expect_refused(root, {"importsshkey", "name=x", "extract_private=1", "key=" + pub}, "no private key");
    expect_refused(root, {"importsshkey", "key=" + pub}, "name");
  }
}

TEST_CASE("listsshkeys lists root's key files with their authorization", "[whm][rootssh][listsshkeys]") {
  TempRoot root;
  make_root_home(root);
  run_ok(root, {"generatesshkeypair", "name=alpha", "bits=2048", "comment=first"});
  run_ok(root, {"generatesshkeypair", "name=beta", "bits=2048"});
  run_ok(root, {"authorizesshkey", "authorize=1", "file=alpha.pub"});

  auto keys = keys_listed(root);  // private keys, with their text
  REQUIRE(keys.size() == 2);
  CHECK(keys[0]["file"] == "alpha");
  CHECK(keys[0]["private"] == 1);
  CHECK(keys[0]["authorized"] == 1);
  CHECK(keys[0]["comment"] == "first");
  CHECK_THAT(keys[0]["text"].get<std::string>(), StartsWith("-----BEGIN RSA PRIVATE KEY-----"));
  CHECK(keys[0]["ctime"].is_number());
  CHECK(keys[0]["mtime"].is_number());
  CHECK(keys[1]["file"] == "beta");
  CHECK(keys[1]["authorized"] == 0);

  auto pubs = keys_listed(root, {"public=1", "public_texts=1"});
  REQUIRE(pubs.size() == 2);
  CHECK(pubs[0]["file"] == "alpha.pub");
  CHECK(pubs[0]["private"] == 0);
  CHECK_THAT(pubs[0]["text"].get<std::string>(), StartsWith("ssh-rsa "));
  CHECK(keys_listed(root, {"private=0"}).size() == 4);
  auto no_text = keys_listed(root, {"private_texts=0"});
  CHECK_FALSE(no_text[0].contains("text"));
  auto only = keys_listed(root, {"private=0", "files=beta"});
  REQUIRE(only.size() == 2);
  CHECK(only[1]["file"] == "beta.pub");

  SECTION("sync_authorized=1 also lists keys authorized without a file") {
    auto pub = root.file(kRootSsh + "beta.pub");
    std::filesystem::remove(root.path + "/" + kRootSsh + "beta.pub");
    run_ok(root, {"authorizesshkey", "authorize=1", "text=" + pub});
    auto synced = keys_listed(root, {"public=1", "sync_authorized=1"});
    REQUIRE(synced.size() == 2);
    CHECK(synced[1]["file"] == "authorized_keys");
    CHECK(synced[1]["authorized"] == 1);
    CHECK(keys_listed(root, {"public=1"}).size() == 1);
  }
  SECTION("a fresh server has no keys") {
    TempRoot fresh;
    CHECK(keys_listed(fresh).empty());
  }
  SECTION("bad values are refused") { expect_refused(root, {"listsshkeys", "private=2"}, "private"); }
}

TEST_CASE("authorizesshkey adds and removes a key in root's authorized_keys", "[whm][rootssh][authorizesshkey]") {
  TempRoot root;
  make_root_home(root);
  run_ok(root, {"generatesshkeypair", "name=ops", "bits=2048"});
  const std::string pub = root.file(kRootSsh + "ops.pub");

  auto out = run_ok(root, {"authorizesshkey", "authorize=1", "file=ops.pub", "options=no-pty,from=\"10.0.0.1\""});
  CHECK(out["data"] == nlohmann::json({{"authorized", 1}, {"file", "ops.pub"}}));
  CHECK(root.file(kRootSsh + "authorized_keys") == "no-pty,from=\"10.0.0.1\" " + pub);
  CHECK(mode_of(root, kRootSsh + "authorized_keys") == 0600);

  SECTION("again: the key stays once, with the new options") {
    run_ok(root, {"authorizesshkey", "authorize=1", "file=/root/.ssh/ops.pub"});
    CHECK(root.file(kRootSsh + "authorized_keys") == pub);
  }
  SECTION("authorize=0 removes it; text wins over file") {
    auto off = run_ok(root, {"authorizesshkey", "authorize=0", "file=missing.pub", "text=" + pub});
    CHECK(off["data"]["authorized"] == 0);
    CHECK(root.file(kRootSsh + "authorized_keys").empty());
  }
  SECTION("bad input changes nothing") {
    expect_refused(root, {"authorizesshkey", "authorize=1", "file=ops.pub", "options=no pty"}, "options");
    expect_refused(root, {"authorizesshkey", "authorize=1", "file=ops.pub", "options=command=\"x"}, "closing");
    expect_refused(root, {"authorizesshkey", "authorize=1", "text=ssh-rsa nonsense"}, "text");
    expect_refused(root, {"authorizesshkey", "authorize=1", "text=" + pub + pub}, "text");
    expect_refused(root, {"authorizesshkey", "authorize=1"}, "file");
    expect_refused(root, {"authorizesshkey", "file=ops.pub"}, "authorize");
    expect_refused(root, {"authorizesshkey", "authorize=1", "file=/etc/passwd"}, "/root/.ssh");
    expect_refused(root, {"authorizesshkey", "authorize=1", "file=ops"}, "does not hold an SSH public key");
  }
}

TEST_CASE("deletesshkey removes a key file, deauthorizing it on request", "[whm][rootssh][deletesshkey]") {
  TempRoot root;
  make_root_home(root);
  run_ok(root, {"generatesshkeypair", "name=test", "bits=2048"});
  run_ok(root, {"authorizesshkey", "authorize=1", "file=test.pub"});

  auto out = run_ok(root, {"deletesshkey", "file=/root/.ssh/test"});
  CHECK(out["data"] == nlohmann::json({{"file", "/root/.ssh/test"}}));
  CHECK_FALSE(root.exists(kRootSsh + "test"));
  CHECK(root.exists(kRootSsh + "test.pub"));

  SECTION("a public key stays authorized by default") {
    run_ok(root, {"deletesshkey", "file=test.pub"});
    CHECK_FALSE(root.exists(kRootSsh + "test.pub"));
    CHECK_FALSE(root.file(kRootSsh + "authorized_keys").empty());
  }
  SECTION("leave_authorized=0 takes it out of authorized_keys") {
    run_ok(root, {"deletesshkey", "file=test.pub", "leave_authorized=0"});
    CHECK(root.file(kRootSsh + "authorized_keys").empty());
  }
  SECTION("bad input changes nothing") {
    expect_refused(root, {"deletesshkey", "file=test"}, "Could not delete /root/.ssh/test.");
    expect_refused(root, {"deletesshkey", "file=/home/bob/.ssh/test.pub"}, "/root/.ssh");
    expect_refused(root, {"deletesshkey", "file=/root/.ssh/../x"}, "file");
    expect_refused(root, {"deletesshkey", "file=authorized_keys"}, "reserved");
  }
}

TEST_CASE("convertopensshtoputty writes a PuTTY key that puttygen reads back",
          "[whm][rootssh][convertopensshtoputty]") {
  TempRoot root;
  make_root_home(root);
  run_ok(root, {"generatesshkeypair", "name=KeyFile", "bits=2048"});
  const std::string pub = root.file(kRootSsh + "KeyFile.pub");

  auto out = run_ok(root, {"convertopensshtoputty", "file=KeyFile"});
  const std::string ppk = out["data"]["key"];
  CHECK_THAT(ppk, StartsWith("PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: imported-openssh-key\n"
                             "Public-Lines: "));
  CHECK_THAT(ppk, Contains("\nPrivate-MAC: "));
  CHECK(root.file(kRootSsh + "KeyFile.ppk") == ppk);
  CHECK(mode_of(root, kRootSsh + "KeyFile.ppk") == 0600);
  CHECK(root.exists(kRootSsh + "KeyFile"));
  const std::string ppk_path = root.path + "/" + kRootSsh + "KeyFile.ppk";
  if (have("/usr/bin/puttygen")) {
    auto back = run_program({"/usr/bin/puttygen", ppk_path, "-O", "public-openssh"});
    INFO(back.err);
    CHECK(key_of(back.out) == key_of(pub));
    // The private part and its MAC: puttygen converts it back to an OpenSSH key ssh-keygen reads.
    const std::string again = root.path + "/again";
    REQUIRE(run_program({"/usr/bin/puttygen", ppk_path, "-O", "private-openssh", "-o", again}).status == 0);
    if (have("/usr/bin/ssh-keygen"))
      CHECK(key_of(run_program({"/usr/bin/ssh-keygen", "-y", "-f", again}).out) == key_of(pub));
  }

  SECTION("an encrypted key: the passphrase opens it and encrypts the PuTTY key") {
    run_ok(root, {"generatesshkeypair", "name=locked", "bits=2048", "passphrase=Tr0ub4dor&Zebra!9"});
    expect_refused(root, {"convertopensshtoputty", "file=locked"}, "give its passphrase");
    expect_refused(root, {"convertopensshtoputty", "file=locked", "passphrase=Wrong-pass-99"},
                   "The passphrase does not decrypt the private key.");
    auto enc = run_ok(root, {"convertopensshtoputty", "file=locked", "passphrase=Tr0ub4dor&Zebra!9", "keep_file=0"});
    CHECK_THAT(enc["data"]["key"].get<std::string>(), Contains("\nEncryption: aes256-cbc\n"));
    CHECK_FALSE(root.exists(kRootSsh + "locked"));
    if (have("/usr/bin/puttygen")) {
      root.write("pass", "Tr0ub4dor&Zebra!9\n");
      const std::string plain = root.path + "/plain";
      auto r =
          run_program({"/usr/bin/puttygen", root.path + "/" + kRootSsh + "locked.ppk", "--old-passphrase",
                       root.path + "/pass", "-O", "private-openssh", "--new-passphrase", "/dev/null", "-o", plain});
      INFO(r.err);
      REQUIRE(r.status == 0);
      if (have("/usr/bin/ssh-keygen"))
        CHECK(key_of(run_program({"/usr/bin/ssh-keygen", "-y", "-f", plain}).out) ==
              key_of(root.file(kRootSsh + "locked.pub")));
    }
  }
  SECTION("an ECDSA key") {
    if (have("/usr/bin/ssh-keygen")) {
      const std::string made = root.path + "/ec";
      REQUIRE(run_program({"/usr/bin/ssh-keygen", "-q", "-t", "ecdsa", "-m", "PEM", "-N", "", "-f", made}).status == 0);
      run_ok(root, {"importsshkey", "name=ec", "key=" + root.file("ec")});
      auto ec = run_ok(root, {"convertopensshtoputty", "file=ec"});
      CHECK_THAT(ec["data"]["key"].get<std::string>(), StartsWith("PuTTY-User-Key-File-2: ecdsa-sha2-nistp256\n"));
      if (have("/usr/bin/puttygen")) {
        auto back = run_program({"/usr/bin/puttygen", root.path + "/" + kRootSsh + "ec.ppk", "-O", "public-openssh"});
        CHECK(key_of(back.out) == key_of(root.file("ec.pub")));
      }
    }
  }
  SECTION("bad input changes nothing") {
    expect_refused(root, {"convertopensshtoputty", "file=KeyFile.pub"}, "is not a private key");
    expect_refused(root, {"convertopensshtoputty", "file=nothing"}, "is not a private key");
    expect_refused(root, {"convertopensshtoputty", "file=/etc/shadow"}, "/root/.ssh");
  }
}

TEST_CASE("check_remote_ssh_connection reads the server's SSH identification",
          "[whm][rootssh][check_remote_ssh_connection]") {
  TempRoot root;
  SECTION("an OpenSSH server") {
    FakeServer server("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    auto out = run_ok(root, {"check_remote_ssh_connection", "host=127.0.0.1", "port=" + std::to_string(server.port)});
    CHECK(out["data"] == nlohmann::json({{"comment", "Debian-2+deb12u3"},
                                         {"protocol_versions", {"2.0"}},
                                         {"received", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"},
                                         {"server_software", "OpenSSH_9.2p1"}}));
  }
  SECTION("without a comment, after other lines (RFC 4253 allows them)") {
    FakeServer server("Welcome\r\nSSH-2.0-OpenSSH_5.3\r\n");
    auto out = run_ok(root, {"check_remote_ssh_connection", "host=localhost", "port=" + std::to_string(server.port)});
    CHECK(out["data"]["comment"] == "null");
    CHECK(out["data"]["server_software"] == "OpenSSH_5.3");
  }
  SECTION("not an SSH server") {
    FakeServer server("220 ftp.example.com ready\r\n");
    expect_refused(root, {"check_remote_ssh_connection", "host=127.0.0.1", "port=" + std::to_string(server.port)},
                   "closed the connection without an SSH identification");
  }
  SECTION("a closed port") {
    expect_refused(root, {"check_remote_ssh_connection", "host=127.0.0.1", "port=" + std::to_string(closed_port())},
                   "Connection refused");
  }
  SECTION("outside a state root of /, only loopback") {
    expect_refused(root, {"check_remote_ssh_connection", "host=example.com"}, "Could not resolve host: example.com");
    expect_refused(root, {"check_remote_ssh_connection", "host=192.0.2.1"}, "Could not resolve host: 192.0.2.1");
  }
  SECTION("bad values") {
    expect_refused(root, {"check_remote_ssh_connection", "host=bad host"}, "host");
    expect_refused(root, {"check_remote_ssh_connection", "host=127.0.0.1", "port=0"}, "port");
    expect_refused(root, {"check_remote_ssh_connection", "host=127.0.0.1", "port=70000"}, "port");
    expect_refused(root, {"check_remote_ssh_connection"}, "host");
  }
}
