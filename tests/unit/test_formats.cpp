#include <catch2/catch.hpp>

#include "cpuser.hpp"
#include "kvfile.hpp"
#include "lookup.hpp"
#include "state.hpp"
#include "syck_yaml.hpp"
#include "sysusers.hpp"

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
        "numstr: '80'\n"
        "parked_domains: []\n"
        "sub_domains: \n  - addon.example.com\n  - blog.example.com\n");
  CHECK(yaml_to_json(y) == doc);
  nlohmann::json tricky = {{"q", "say \"hi\"\n"}, {"colon", "a: b"}, {"empty", ""}, {"null", nullptr}};
  CHECK(yaml_to_json(syck_dump(tricky)) == tricky);
  CHECK(syck_dump(nlohmann::json::object()) == "--- {}\n");
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
