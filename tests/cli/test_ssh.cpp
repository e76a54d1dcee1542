// The SSH module: API 2 key functions on ~/.ssh and UAPI get_port.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "harness.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using test::cpanel_error;
using test::create_account;
using test::expect_cpanel_refused;
using test::run;
using test::run_cpanel;
using test::run_ok;
using test::run_program;
using test::snapshot;
using test::TempRoot;
using test::uapi_ok;

namespace {

const std::map<std::string, std::string> kEnv = {{"WHMKIT_NOW", "1795343400"}};
const std::string kSsh = "home/bob/.ssh/";

// A cpapi2 SSH call as bob that must succeed; its data list.
nlohmann::json ssh_ok(const TempRoot& root, std::vector<std::string> args) {
  args.insert(args.begin(), "SSH");
  auto r = run_cpanel(root, "cpapi2", "bob", args, kEnv);
  INFO("cpapi2 SSH " << args.at(1) << " -> " << r.out << r.err);
  REQUIRE(r.status == 0);
  auto j = r.json();
  REQUIRE(j["cpanelresult"]["event"]["result"] == 1);
  return j["cpanelresult"]["data"];
}

void expect_ssh_refused(const TempRoot& root, std::vector<std::string> args, const std::string& reason) {
  args.insert(args.begin(), "SSH");
  expect_cpanel_refused(root, "cpapi2", "bob", args, reason);
}

struct stat stat_of(const TempRoot& root, const std::string& rel) {
  struct stat st {};
  REQUIRE(::lstat((root.path + "/" + rel).c_str(), &st) == 0);
  return st;
}

unsigned mode_of(const TempRoot& root, const std::string& rel) { return stat_of(root, rel).st_mode & 07777; }

// The first two words of a public key line: its type and key data.
std::string key_of(const std::string& line) {
  auto second_blank = line.find(' ', line.find(' ') + 1);
  return line.substr(0, second_blank == std::string::npos ? line.find('\n') : second_blank);
}

bool have_ssh_keygen() { return ::access("/usr/bin/ssh-keygen", X_OK) == 0; }

// A public key for import tests, made by genkey in another account's home.
std::string spare_public_key(const TempRoot& root) {
  create_account(root, "carl", "carl.example");
  auto r = run_cpanel(root, "cpapi2", "carl", {"SSH", "genkey", "bits=1024", "name=spare"});
  REQUIRE(r.status == 0);
  return root.file("home/carl/.ssh/spare.pub");
}

}  // namespace

TEST_CASE("genkey writes the key pair into ~/.ssh with cPanel's names, modes and owner", "[cpanel][ssh]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto data = ssh_ok(root, {"genkey", "bits=2048"});
  REQUIRE(data.size() == 1);
  CHECK(data[0]["result"] == 1);
  CHECK_THAT(data[0]["warnings"].get<std::string>(), StartsWith("SECURITY RISK: The passphrase is empty."));
  const std::string reason = data[0]["reason"];
  CHECK_THAT(reason, StartsWith("Generating public/private rsa key pair.\n"
                                "Your identification has been saved in /home/bob/.ssh/id_rsa\n"
                                "Your public key has been saved in /home/bob/.ssh/id_rsa.pub\n"
                                "The key fingerprint is:\nSHA256:"));
  CHECK_THAT(reason, Contains("The key's randomart image is:\n+---[RSA 2048]----+\n"));
  CHECK_THAT(reason, Contains("|\n+----[SHA256]-----+"));

  CHECK(mode_of(root, "home/bob/.ssh") == 0700);
  CHECK(mode_of(root, kSsh + "id_rsa") == 0600);
  CHECK(mode_of(root, kSsh + "id_rsa.pub") == 0644);
  for (const std::string& rel : std::vector<std::string>{"home/bob/.ssh", kSsh + "id_rsa", kSsh + "id_rsa.pub"}) {
    CHECK(stat_of(root, rel).st_uid == 1000);
    CHECK(stat_of(root, rel).st_gid == 1000);
  }
  const std::string pub = root.file(kSsh + "id_rsa.pub");
  CHECK_THAT(pub, StartsWith("ssh-rsa AAAAB3NzaC1yc2E"));
  CHECK(pub.back() == '\n');
  CHECK_THAT(root.file(kSsh + "id_rsa"), StartsWith("-----BEGIN RSA PRIVATE KEY-----\n"));

  if (have_ssh_keygen()) {
    // OpenSSH reads the private key, derives the same public key, and draws the same fingerprint.
    auto derived = run_program({"/usr/bin/ssh-keygen", "-y", "-f", root.path + "/" + kSsh + "id_rsa"});
    CHECK(derived.status == 0);
    CHECK(key_of(derived.out) == key_of(pub));
    auto shown = run_program({"/usr/bin/ssh-keygen", "-l", "-v", "-f", root.path + "/" + kSsh + "id_rsa.pub"});
    REQUIRE(shown.status == 0);
    const std::string art = reason.substr(reason.find("+---[RSA"));
    CHECK_THAT(shown.out, Contains(art));
    const std::string fingerprint =
        reason.substr(reason.find("SHA256:"), reason.find(' ', reason.find("SHA256:")) - reason.find("SHA256:"));
    CHECK_THAT(shown.out, StartsWith("2048 " + fingerprint + " "));
  }

  SECTION("a second genkey of the same name keeps the old pair under the time") {
    const std::string old_pub = pub;
    auto again = ssh_ok(root, {"genkey", "bits=1024"});
    CHECK_THAT(again[0]["reason"].get<std::string>(),
               StartsWith("Backed up /home/bob/.ssh/id_rsa to /home/bob/.ssh/id_rsa.1795343400\n"
                          "Backed up /home/bob/.ssh/id_rsa.pub to /home/bob/.ssh/id_rsa.1795343400.pub\n"
                          "Generating public/private rsa key pair.\n"));
    CHECK(root.file(kSsh + "id_rsa.1795343400.pub") == old_pub);
    CHECK(mode_of(root, kSsh + "id_rsa.1795343400") == 0600);
    CHECK(root.file(kSsh + "id_rsa.pub") != old_pub);
  }
}

TEST_CASE("genkey: DSA, a passphrase, and what it refuses", "[cpanel][ssh]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");

  SECTION("DSA keys are id_dsa, 1024 bits") {
    ssh_ok(root, {"genkey", "type=dsa"});
    CHECK_THAT(root.file(kSsh + "id_dsa"), StartsWith("-----BEGIN DSA PRIVATE KEY-----\n"));
    CHECK_THAT(root.file(kSsh + "id_dsa.pub"), StartsWith("ssh-dss AAAAB3NzaC1kc3M"));
    expect_ssh_refused(root, {"genkey", "type=dsa", "bits=2048", "name=big"}, "a DSA key has 1024 bits.");
  }
  SECTION("a passphrase encrypts the private key") {
    auto data = ssh_ok(root, {"genkey", "bits=1024", "name=locked", "pass=Tr0ub4dor%26Zebra!9"});
    CHECK_FALSE(data[0].contains("warnings"));
    const std::string pem = root.file(kSsh + "locked");
    CHECK_THAT(pem, Contains("Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"));
    if (have_ssh_keygen()) {
      const std::string file = root.path + "/" + kSsh + "locked";
      auto opened = run_program({"/usr/bin/ssh-keygen", "-y", "-P", "Tr0ub4dor&Zebra!9", "-f", file});
      CHECK(opened.status == 0);
      CHECK(key_of(opened.out) == key_of(root.file(kSsh + "locked.pub")));
      CHECK(run_program({"/usr/bin/ssh-keygen", "-y", "-P", "wrong passphrase", "-f", file}).status != 0);
    }
  }
  SECTION("bad input changes nothing") {
    expect_ssh_refused(root, {"genkey", "pass=abcd"}, "The passphrase must be at least 5 characters long.");
    expect_ssh_refused(root, {"genkey", "pass=aaaaaa"}, "The passphrase must have a strength rating of at least");
    expect_ssh_refused(root, {"genkey", "bits=512"}, "“bits”");
    expect_ssh_refused(root, {"genkey", "type=ed448"}, "“type”");
    expect_ssh_refused(root, {"genkey", "name=../../../etc/cron.d/x"}, "a key name cannot contain a slash.");
    expect_ssh_refused(root, {"genkey", "name=.bashrc"}, "starts with a period");
    expect_ssh_refused(root, {"genkey", "name=a..b"}, "a key name cannot contain “..”.");
    expect_ssh_refused(root, {"genkey", "name=authorized_keys"}, "authorized_keys is a reserved key name.");
    expect_ssh_refused(root, {"genkey", "name=a%0Ab"}, "“name”");
    expect_ssh_refused(root, {"genkey", "name=a%2Bb"}, "Invalid Key Name");
    CHECK_FALSE(root.exists("home/bob/.ssh"));
  }
}

TEST_CASE("authkey, listkeys, fetchkey and delkey work on authorized_keys and the key files", "[cpanel][ssh]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  ssh_ok(root, {"genkey", "bits=1024", "name=laptop"});
  const std::string pub = root.file(kSsh + "laptop.pub");

  auto privates = ssh_ok(root, {"listkeys"});
  REQUIRE(privates.size() == 1);
  CHECK(privates[0]["name"] == "laptop");
  CHECK(privates[0]["key"] == "laptop");
  CHECK(privates[0]["file"] == "/home/bob/.ssh/laptop");
  CHECK(privates[0]["haspub"] == 1);
  CHECK(privates[0]["auth"].is_null());
  CHECK(privates[0]["authaction"] == 0);
  CHECK(privates[0]["authstatus"] == 0);
  CHECK(privates[0]["mtime"].is_number_integer());
  CHECK(privates[0]["ctime"].is_number_integer());

  auto publics = ssh_ok(root, {"listkeys", "pub=1"});
  REQUIRE(publics.size() == 1);
  CHECK(publics[0]["name"] == "laptop");
  CHECK(publics[0]["key"] == "laptop.pub");
  CHECK(publics[0]["auth"] == 0);
  CHECK(publics[0]["authstatus"] == "not authorized");
  CHECK(publics[0]["authaction"] == "Authorize");

  root.write(kSsh + "authorized_keys", "# keep me\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHzz other@host\n");
  auto authorized = ssh_ok(root, {"authkey", "key=laptop", "action=authorize"});
  CHECK(authorized == nlohmann::json::array({{{"name", "laptop.pub"}, {"status", "authorized"}}}));
  CHECK(root.file(kSsh + "authorized_keys") ==
        "# keep me\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHzz other@host\n" + pub);
  CHECK(mode_of(root, kSsh + "authorized_keys") == 0600);
  ssh_ok(root, {"authkey", "key=laptop.pub"});  // again: still one line
  CHECK(root.file(kSsh + "authorized_keys") ==
        "# keep me\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHzz other@host\n" + pub);
  auto listed = ssh_ok(root, {"listkeys", "types=pub"});
  CHECK(listed[0]["auth"] == 1);
  CHECK(listed[0]["authstatus"] == "authorized");
  CHECK(listed[0]["authaction"] == "Deauthorize");

  auto fetched = ssh_ok(root, {"fetchkey", "name=laptop", "pub=1"});
  CHECK(fetched == nlohmann::json::array({{{"name", "laptop.pub"}, {"key", pub.substr(0, pub.size() - 1)}}}));
  CHECK_THAT(ssh_ok(root, {"fetchkey", "name=laptop"})[0]["key"].get<std::string>(),
             StartsWith("-----BEGIN RSA PRIVATE KEY-----"));
  CHECK(ssh_ok(root, {"fetchkey", "name=nothere"})[0]["key"].is_null());

  SECTION("deauthorize removes the key's line, whatever its options and comment") {
    root.write(kSsh + "authorized_keys", "from=\"127.0.0.1\",command=\"echo a b\" " + key_of(pub) + " renamed\n");
    CHECK(ssh_ok(root, {"listkeys", "pub=1"})[0]["auth"] == "from=\"127.0.0.1\",command=\"echo a b\"");
    auto deauthorized = ssh_ok(root, {"authkey", "key=laptop", "action=deauthorize"});
    CHECK(deauthorized[0]["status"] == "deauthorized");
    CHECK(root.file(kSsh + "authorized_keys") == "");
  }
  SECTION("delkey of the public key deauthorizes it first, unless leave_authorized=1") {
    SECTION("deauthorized") {
      auto deleted = ssh_ok(root, {"delkey", "name=laptop", "pub=1"});
      CHECK(deleted ==
            nlohmann::json::array(
                {{{"keyfile", "/home/bob/.ssh/laptop.pub"}, {"leave_authorized", nullptr}, {"name", "laptop.pub"}}}));
      CHECK(root.file(kSsh + "authorized_keys") == "# keep me\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHzz other@host\n");
    }
    SECTION("left authorized") {
      auto deleted = ssh_ok(root, {"delkey", "name=laptop.pub", "leave_authorized=1"});
      CHECK(deleted[0]["leave_authorized"] == "1");
      CHECK_THAT(root.file(kSsh + "authorized_keys"), Contains(pub));
    }
    CHECK_FALSE(root.exists(kSsh + "laptop.pub"));
    CHECK(root.exists(kSsh + "laptop"));
    CHECK(ssh_ok(root, {"listkeys"})[0]["haspub"] == 0);
    ssh_ok(root, {"delkey", "name=laptop"});
    CHECK_FALSE(root.exists(kSsh + "laptop"));
    CHECK(ssh_ok(root, {"listkeys"}).empty());
  }
  SECTION("bad input changes nothing") {
    expect_ssh_refused(root, {"authkey", "key=nothere"}, "The request key is empty");
    expect_ssh_refused(root, {"authkey", "key=laptop", "action=maybe"}, "“action”");
    expect_ssh_refused(root, {"authkey", "key=../../.ssh/laptop"}, "a key name cannot contain a slash.");
    expect_ssh_refused(root, {"delkey", "name=nothere"}, "Could not delete /home/bob/.ssh/nothere.");
    expect_ssh_refused(root, {"delkey", "name=authorized_keys"}, "reserved key name");
    expect_ssh_refused(root, {"fetchkey", "name=../../etc/shadow"}, "a key name cannot contain a slash.");
    root.write(kSsh + "broken.pub", "ssh-rsa not-base64 x\n");
    expect_ssh_refused(root, {"authkey", "key=broken"}, "does not hold an SSH public key");
  }
}

TEST_CASE("importkey stores a public or a private key under its name", "[cpanel][ssh]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const std::string pub = spare_public_key(root);
  const std::string pem = root.file("home/carl/.ssh/spare");

  CHECK(ssh_ok(root, {"importkey", "name=work", "key=" + pub}) == nlohmann::json::array({{{"name", "work.pub"}}}));
  CHECK(root.file(kSsh + "work.pub") == pub);
  CHECK(mode_of(root, kSsh + "work.pub") == 0644);
  CHECK(stat_of(root, kSsh + "work.pub").st_uid == 1000);

  CHECK(ssh_ok(root, {"importkey", "name=work.pub", "key=" + pem}) == nlohmann::json::array({{{"name", "work"}}}));
  CHECK(root.file(kSsh + "work") == pem);
  CHECK(mode_of(root, kSsh + "work") == 0600);
  CHECK(ssh_ok(root, {"listkeys"})[0]["haspub"] == 1);

  SECTION("the default name is id_dsa, as in cPanel") {
    REQUIRE(run_cpanel(root, "cpapi2", "carl", {"SSH", "genkey", "bits=1024", "name=other"}).status == 0);
    CHECK(ssh_ok(root, {"importkey", "key=" + root.file("home/carl/.ssh/other.pub")})[0]["name"] == "id_dsa.pub");
    CHECK(root.exists(kSsh + "id_dsa.pub"));
  }
  SECTION("bad input changes nothing") {
    expect_ssh_refused(root, {"importkey", "name=work", "key=" + pub},
                       "Import failed: key file work.pub already exists.");
    expect_ssh_refused(root, {"importkey", "name=again", "key=" + pub},
                       "Import failed: submitted key already exists as work.pub.");
    expect_ssh_refused(root, {"importkey", "name=junk", "key=not a key"}, "Invalid key.");
    expect_ssh_refused(root, {"importkey", "name=junk", "key=ssh-rsa AAAA%0Acommand"}, "Invalid key.");
    expect_ssh_refused(root, {"importkey", "name=../junk", "key=" + pub}, "a key name cannot contain a slash.");
    expect_ssh_refused(root, {"importkey", "name=junk", "key=PuTTY-User-Key-File-2: ssh-rsa"}, "PuTTY");
  }
}

TEST_CASE("~/.ssh is never reached through a symlink", "[cpanel][ssh][security]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  std::filesystem::create_directories(root.path + "/etc/elsewhere");
  std::filesystem::create_directory_symlink(root.path + "/etc/elsewhere", root.path + "/home/bob/.ssh");
  expect_ssh_refused(root, {"genkey", "bits=1024"}, "/home/bob/.ssh");
  expect_ssh_refused(root, {"listkeys"}, "/home/bob/.ssh");
  CHECK(std::filesystem::is_empty(root.path + "/etc/elsewhere"));

  std::filesystem::remove(root.path + "/home/bob/.ssh");
  std::filesystem::create_directory(root.path + "/home/bob/.ssh");
  root.write("etc/secret.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHzz secret\n");
  std::filesystem::create_symlink(root.path + "/etc/secret.pub", root.path + "/" + kSsh + "link.pub");
  expect_ssh_refused(root, {"authkey", "key=link"}, "link.pub");
  CHECK(ssh_ok(root, {"listkeys", "pub=1"}).empty());  // a symlink is no key file
}

TEST_CASE("SSH get_port reads sshd's Port, 22 by default, for every account", "[cpanel][ssh]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto port = uapi_ok(root, "bob", {"SSH", "get_port"});
  CHECK(port["result"]["data"] == nlohmann::json{{"port", 22}});
  root.write("etc/ssh/sshd_config", "# Port 1\nProtocol 2\n  port 2222\nPort 2223\n");
  CHECK(uapi_ok(root, "bob", {"SSH", "get_port"})["result"]["data"]["port"] == 2222);
}

TEST_CASE("the ssh feature gates the key functions, not get_port", "[cpanel][ssh][features]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"ssh":0})"});
  expect_ssh_refused(root, {"listkeys"}, "You do not have the feature “ssh”.");
  expect_ssh_refused(root, {"genkey", "bits=1024"}, "You do not have the feature “ssh”.");
  uapi_ok(root, "bob", {"SSH", "get_port"});

  // Through WHM's passthrough too.
  auto passthrough = run(root, {"cpanel", "cpanel_jsonapi_user=bob", "cpanel_jsonapi_module=SSH",
                                "cpanel_jsonapi_func=listkeys", "cpanel_jsonapi_apiversion=2"});
  REQUIRE(passthrough.status == 0);
  CHECK_THAT(passthrough.out, Contains("You do not have the feature"));

  run_ok(root, {"remove_override_features_for_user", "user=bob", R"(features=["ssh"])"});
  auto allowed = run(root, {"cpanel", "cpanel_jsonapi_user=bob", "cpanel_jsonapi_module=SSH",
                            "cpanel_jsonapi_func=genkey", "cpanel_jsonapi_apiversion=2", "bits=1024"});
  REQUIRE(allowed.status == 0);
  CHECK(root.exists(kSsh + "id_rsa.pub"));
}
