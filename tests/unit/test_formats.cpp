#include <unistd.h>
#include <catch2/catch.hpp>
#include <filesystem>

#include "cpuser.hpp"
#include "kvfile.hpp"
#include "lookup.hpp"
#include "state.hpp"
#include "syck_yaml.hpp"
#include "sysusers.hpp"
#include "util.hpp"

using namespace whm;

TEST_CASE("cpuser files: header, byte-wise sorted keys, numbered domains", "[cpuser]") {
  std::string text =
      "# cPanel -- comment\n# second\n\nUSER=exuser\nDNS=Example.com\nDNS2=addon.org\nDNS1=blog.example.com\n"
      "DNS3=BLOG.example.com\n  MAXADDON "
      "=unlimited\nMAX_EMAIL_PER_HOUR=5\nnoequals\nDOMAINS=ignored\nXDNS1=old.example\n";
  CpUser u = parse_cpuser(text);
  CHECK(u.user() == "exuser");
  CHECK(u.get("MAXADDON") == "unlimited");
  CHECK(u.kv.count("DOMAINS") == 0);
  CHECK(u.other_domains() == std::vector<std::string>{"blog.example.com", "addon.org"});
  CHECK(u.get("FEATURELIST") == "default");  // documented default
  auto out = serialize_cpuser(u);
  CHECK(out.rfind("# cPanel -- If you edit this file directly", 0) == 0);
  CHECK(out.find("MAXADDON=") < out.find("MAX_EMAIL_PER_HOUR="));
  CHECK(out.find("noequals") == std::string::npos);
  auto view = u.loaded_view();
  CHECK(view["DOMAIN"] == "example.com");
  CHECK(view["DEADDOMAINS"] == nlohmann::json({"old.example"}));
  CHECK(parse_cpuser(out).kv == u.kv);  // round trip
}

TEST_CASE("key=value files", "[kvfile]") {
  auto kv = parse_key_values("# c\nA=1\nB==2\n\nC\n");
  CHECK(kv.size() == 2);
  CHECK(kv["B"] == "=2");
  auto spaced = parse_key_values("NS ns1.example.com\nADDR   192.0.2.1  \n", ' ');
  CHECK(spaced["ADDR"] == "192.0.2.1");
  CHECK(serialize_key_values({{"b", "2"}, {"a", "1"}}) == "a=1\nb=2\n");
}

TEST_CASE("Syck-style YAML", "[yaml]") {
  nlohmann::json doc = {{"main_domain", "example.com"},
                        {"addon_domains", {{"addon.org", "addon.example.com"}}},
                        {"parked_domains", nlohmann::json::array()},
                        {"sub_domains", {"addon.example.com", "blog.example.com"}},
                        {"flag", "Off"},
                        {"num", 80},
                        {"numstr", "80"},
                        {"list", {{{"format", "combined"}, {"target", "/x"}}}}};
  std::string y = syck_dump(doc);
  CHECK(y ==
        "--- \n"
        "addon_domains: \n  addon.org: addon.example.com\n"
        "flag: 'Off'\n"
        "list: \n  - \n    format: combined\n    target: /x\n"
        "main_domain: example.com\n"
        "num: 80\n"
        "numstr: 80\n"
        "parked_domains: []\n"
        "\n"
        "sub_domains: \n  - addon.example.com\n  - blog.example.com\n");
  // As in Perl, the string "80" and the number 80 are written alike; a plain
  // integer reads back as a number.
  auto back = yaml_to_json(y);
  CHECK(back["numstr"] == 80);
  back["numstr"] = "80";
  CHECK(back == doc);
  nlohmann::json tricky = {{"q", "say \"hi\"\n"}, {"colon", "a: b"}, {"empty", ""}, {"null", nullptr}};
  CHECK(yaml_to_json(syck_dump(tricky)) == tricky);
  CHECK(syck_dump(nlohmann::json::object()) == "--- {}\n\n");
}

TEST_CASE("domain rows round trip", "[lookup]") {
  DomainRow r;
  r.domain = "blog.example.com";
  r.user = "exuser";
  r.owner = "root";
  r.type = "sub";
  r.parent = "example.com";
  r.docroot = "/home/exuser/public_html/blog";
  r.ip = "192.0.2.10";
  r.php_version = "ea-php81";
  CHECK(r.cache_line_value() ==
        "exuser==root==sub==example.com==/home/exuser/public_html/blog==192.0.2.10:80==192.0.2.10:443====0==ea-php81");
  auto back = parse_domain_row(r.domain, r.cache_line_value());
  CHECK(back.cache_line_value() == r.cache_line_value());
}

TEST_CASE("password hashes", "[sysusers]") {
  auto h = hash_password("s3cret");
  CHECK(h.rfind("$6$", 0) == 0);
  CHECK(verify_password("s3cret", h));
  CHECK_FALSE(verify_password("wrong", h));
  CHECK(generate_password().size() == 16);
  CHECK_FALSE(is_safe_colon_field("a:b"));
  CHECK_FALSE(is_safe_colon_field("a\nb"));
  CHECK(is_safe_colon_field("/bin/bash"));
}

// ---------------------------------------------------------------- what keeps a file from being read completely

TEST_CASE("key=value files: the lines that do not parse", "[kvfile][damage]") {
  FileProblems problems;
  auto kv = parse_key_values(std::string("# c\nA=1\n\nno equals\n=x\nA=2\nB=a\0b\nC=cut", 37), '=', &problems);
  CHECK(kv["A"] == "2");  // the last value wins, as cPanel's reader
  CHECK(problems == FileProblems{"line 8 is cut off (the file does not end with a newline)", "line 4 is not KEY=VALUE",
                                 "line 5 has no key", "line 6 repeats the key “A”", "line 7 holds a NUL byte"});
  // A cut line's shape is a symptom: only the cut is named.
  problems.clear();
  parse_key_values("A=1\nB", '=', &problems);
  CHECK(problems == FileProblems{"line 2 is cut off (the file does not end with a newline)"});
  problems.clear();
  parse_key_values("# only a comment\n\nA=\n", '=', &problems);
  CHECK(problems.empty());
}

TEST_CASE("cpuser files: a file without USER or DNS was cut short", "[cpuser][damage]") {
  FileProblems problems;
  parse_cpuser("USER=bob\nDNS=bob.example\n", &problems);
  CHECK(problems.empty());
  parse_cpuser("BWLIMIT=unlimited\nDNS=bob.example\n", &problems);
  CHECK(problems == FileProblems{"it has no USER line"});
  problems.clear();
  parse_cpuser("", &problems);
  CHECK(problems == FileProblems{"it is empty"});
}

TEST_CASE("damage is refused with the file and the first problem", "[damage]") {
  CHECK_NOTHROW(refuse_if_damaged("var/cpanel/users/bob", {}));
  try {
    refuse_if_damaged("var/cpanel/users/bob", {"line 7 is not KEY=VALUE", "line 9 has no key"});
    FAIL("not refused");
  } catch (const DamagedFileError& e) {
    CHECK(std::string(e.what()) == "The file “/var/cpanel/users/bob” cannot be changed: line 7 is not KEY=VALUE.");
  }
  FileProblems many;
  for (int i = 1; i <= 7; ++i) many.push_back(line_problem(i, "is odd"));
  CHECK(damage_summary("etc/passwd", many) ==
        "The file “/etc/passwd” is damaged: line 1 is odd; line 2 is odd; line 3 is odd; line 4 is odd; "
        "line 5 is odd (and 2 more).");
}

TEST_CASE("lookup files: the lines that do not parse", "[lookup][damage]") {
  CHECK(lookup_file_problems("etc/userdomains", "a.example: bob\n*: nobody\n").empty());
  CHECK(lookup_file_problems("etc/userdomains", "a.example bob\nb.example: amy") ==
        FileProblems{"line 2 is cut off (the file does not end with a newline)", "line 1 is not “KEY: VALUE”"});
  CHECK(lookup_file_problems("etc/userplans", "#userplans v1\nbob: default\n").empty());
  CHECK(lookup_file_problems("etc/nocgiusers", "bob\nnot a user\n") == FileProblems{"line 2 is not a user name"});
  FileProblems problems;
  auto pairs = parse_lookup_pairs("a: 1\nbroken\nb: 2\n", &problems);
  CHECK(pairs.size() == 2);
  CHECK(problems == FileProblems{"line 2 is not “KEY: VALUE”"});
}

TEST_CASE("YAML files: syntax errors, several documents, not a mapping", "[yaml][damage]") {
  CHECK(yaml_problems("--- \nbob: \n  limits: {}\n").empty());
  CHECK(yaml_problems("--- \nbob: [\n").at(0).find("line 3 is not valid YAML") == 0);
  CHECK(yaml_problems("--- \na: 1\n--- \nb: 2\n") == FileProblems{"it holds 2 YAML documents"});
  CHECK(yaml_problems("--- \na: 1") == FileProblems{"line 2 is cut off (the file does not end with a newline)"});
  CHECK(yaml_mapping_problems("--- \n- a\n") == FileProblems{"it does not hold a YAML mapping"});
  CHECK(yaml_mapping_problems("").empty());  // an empty file is an empty store
}

TEST_CASE("passwd-style files: entries with a wrong field count", "[sysusers][damage]") {
  char dir[] = "/tmp/whmkit-unit-XXXXXX";
  REQUIRE(::mkdtemp(dir));
  struct Cleanup {
    std::string path;
    ~Cleanup() { std::filesystem::remove_all(path); }
  } cleanup{dir};
  StateRoot root(dir);
  std::filesystem::create_directories(cleanup.path + "/etc");
  atomic_write_file(root.path("etc/passwd"),
                    "root:x:0:0:root:/root:/bin/bash\n\nbob:x:1000\namy:x:1001:1001::/home/amy:/bin/sh", 0644);
  Transaction txn(root);
  SystemUsers sys;
  sys.load(txn);
  CHECK(sys.passwd.problems() ==
        FileProblems{"line 4 is cut off (the file does not end with a newline)", "line 3 has 3 fields, not 7"});
  CHECK(sys.user("bob")->home.empty());  // read leniently
  CHECK_THROWS_AS(sys.passwd.upsert({"bob", "x", "1000", "1000", "", "/home/bob", "/bin/false"}), DamagedFileError);
  CHECK_NOTHROW(sys.passwd.refuse_if_malformed("root"));
  sys.passwd.upsert({"root", "x", "0", "0", "root", "/root", "/bin/sh"});
  CHECK_THROWS_AS(sys.passwd.save(txn), DamagedFileError);  // the cut line would be written as if whole
}

// The one percent-encoding of the project (URLs, the trash index, the DB
// owner index's names) and its decoder.
TEST_CASE("percent-encoding and decoding", "[util][percent]") {
  CHECK(uri_encode("a b/c~d.e_f-g%") == "a%20b%2Fc~d.e_f-g%25");
  CHECK(uri_encode("a b/c", "/") == "a%20b/c");
  CHECK(uri_encode("caf\xc3\xa9") == "caf%C3%A9");
  CHECK(percent_decode("a%20b%2fc%C3%A9") == std::optional<std::string>("a b/c\xc3\xa9"));
  CHECK(percent_decode("100%") == std::nullopt);
  CHECK(percent_decode("%4") == std::nullopt);
  CHECK(percent_decode("%zz") == std::nullopt);
  CHECK(percent_decode("%00") == std::optional<std::string>(std::string(1, '\0')));
  const std::string every = [] {
    std::string s;
    for (int c = 0; c < 256; ++c) s += static_cast<char>(c);
    return s;
  }();
  CHECK(percent_decode(uri_encode(every)) == every);
}
