#include <catch2/catch.hpp>

#include "output.hpp"
#include "syck_yaml.hpp"

using namespace whm;

TEST_CASE("jsonpretty uses the JSON::XS layout", "[output]") {
  nlohmann::json v = {{"data", {{"list", {1, 2}}, {"empty", nlohmann::json::array()}}}, {"n", 1}};
  CHECK(json_pretty(v) ==
        "{\n   \"data\" : {\n      \"empty\" : [],\n      \"list\" : [\n         1,\n         2\n      ]\n   },\n"
        "   \"n\" : 1\n}\n");
}

TEST_CASE("xml repeats array elements and escapes text", "[output]") {
  nlohmann::json v = {{"data", {{"acct", {{{"user", "a&b"}}, {{"user", "c"}}}}}}, {"metadata", {{"result", 1}}}};
  CHECK(xml_dump(v) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<result><data><acct><user>a&amp;b</user></acct>"
        "<acct><user>c</user></acct></data><metadata><result>1</result></metadata></result>\n");
}

TEST_CASE("output format names", "[output]") {
  OutputFormat f;
  CHECK(parse_output_format("jsonpretty", f));
  CHECK(f == OutputFormat::JsonPretty);
  CHECK_FALSE(parse_output_format("toml", f));
}

// ---------------------------------------------------------------- data with any bytes

namespace {
const std::string kInvalidUtf8 =
    "a\xff"
    "b\xc3(";  // a stray byte, a lead byte without its continuation
}

TEST_CASE("YAML: control bytes are escaped as YAML::Syck escapes them", "[output][yaml]") {
  // Each expected text is what Perl's YAML::Syck 1.34 Dump prints for the string.
  const std::pair<std::string, std::string> syck[] = {
      {std::string("a\0b", 3), "--- \"a\\0b\"\n"},
      {"\x01", "--- \"\\x01\"\n"},
      {"a\a\b\v\f\x1b", "--- \"a\\a\\b\\v\\f\\e\"\n"},
      {"tab\tinside", "--- tab\tinside\n"},  // a tab inside a string is no reason to quote
      {"\ttab first", "--- \"\\ttab first\"\n"},
      {"line\nbreak", "--- \"line\\nbreak\"\n"},
      {"del\x7f", "--- \"del\\x7F\"\n"},
      {"caf\xc3\xa9\x01", "--- \"caf\\xC3\\xA9\\x01\"\n"},  // in double quotes, UTF-8 bytes are escaped one by one
      {"caf\xc3\xa9", "--- café\n"},                        // valid UTF-8 alone is written as it is
      {"q\"\\\x01", "--- \"q\\\"\\\\\\x01\"\n"},
  };
  for (const auto& [value, expected] : syck) {
    INFO(expected);
    CHECK(syck_dump(value) == expected);
  }
}

TEST_CASE("YAML: what Syck would write so that it does not parse is escaped the same way", "[output][yaml]") {
  // Syck writes these bytes raw; whmkit double-quotes and escapes them (syck_yaml.hpp).
  CHECK(syck_dump(kInvalidUtf8) == "--- \"a\\xFFb\\xC3(\"\n");
  CHECK(syck_dump("a\rb") == "--- \"a\\rb\"\n");
  CHECK(syck_dump("nel\xc2\x85") == "--- \"nel\\xC2\\x85\"\n");         // a C1 control
  CHECK(syck_dump("ls\xe2\x80\xa8") == "--- \"ls\\xE2\\x80\\xA8\"\n");  // U+2028
  CHECK(syck_dump("\xef\xbf\xbf") == "--- \"\\xEF\\xBF\\xBF\"\n");      // U+FFFF
  CHECK(syck_dump("\xed\xa0\x80") == "--- \"\\xED\\xA0\\x80\"\n");      // a surrogate is not UTF-8
  CHECK(syck_dump("\xc0\xaf") == "--- \"\\xC0\\xAF\"\n");               // nor an overlong form
  // Keys too.
  CHECK(syck_dump(nlohmann::json{{"k\x01", "v"}}) == "--- \n\"k\\x01\": v\n");
}

TEST_CASE("YAML: escaped bytes read back as the same bytes", "[output][yaml]") {
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte += static_cast<char>(c);
  for (const std::string& value : {every_byte, kInvalidUtf8, std::string("caf\xc3\xa9\x01"), std::string("a\rb")}) {
    nlohmann::json doc = {{"key", value}, {value, {value}}};
    CHECK(yaml_to_json(syck_dump(doc)) == doc);
  }
  // A file written by Syck itself: \xNN in double quotes is a byte, not the character U+00NN.
  CHECK(yaml_to_json("--- \nk: \"caf\\xC3\\xA9\\x01\"\n")["k"] == "caf\xc3\xa9\x01");
  CHECK(yaml_to_json("--- \nk: \"\\u00e9\\N\"\n")["k"] == "\xc3\xa9\xc2\x85");
}

TEST_CASE("XML: what XML 1.0 cannot carry becomes U+FFFD, a CR &#13;", "[output][xml]") {
  const std::string fffd = "\xef\xbf\xbd";
  auto text_of = [](const std::string& value) {
    std::string xml = xml_dump({{"v", value}});
    auto start = xml.find("<v>") + 3;
    return xml.substr(start, xml.find("</v>") - start);
  };
  CHECK(text_of(std::string("a\0b\x01", 4)) == "a" + fffd + "b" + fffd);
  CHECK(text_of("tab\tlf\ncr\r") == "tab\tlf\ncr&#13;");
  CHECK(text_of("del\x7f caf\xc3\xa9 <&>\"") == "del\x7f caf\xc3\xa9 &lt;&amp;&gt;&quot;");
  CHECK(text_of(kInvalidUtf8) == "a" + fffd + "b" + fffd + "(");
  CHECK(text_of("\xef\xbf\xbe\xef\xbf\xbf") == fffd + fffd);
  // Element names keep only name characters.
  CHECK(xml_dump({{"a\x01\xff", 1}}) == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<result><a__>1</a__></result>\n");
}

TEST_CASE("JSON: bytes that are not UTF-8 become U+FFFD and never throw", "[output][json]") {
  nlohmann::json doc = {{kInvalidUtf8, kInvalidUtf8}, {"ctl", std::string("\x01\x7f\r", 3)}};
  const std::string fffd = "\xef\xbf\xbd";
  const std::string clean = "a" + fffd + "b" + fffd + "(";
  std::string compact, pretty;
  REQUIRE_NOTHROW(compact = render(doc, OutputFormat::Json));
  REQUIRE_NOTHROW(pretty = render(doc, OutputFormat::JsonPretty));
  CHECK(compact == "{\"" + clean + "\":\"" + clean + "\",\"ctl\":\"\\u0001\x7f\\r\"}\n");
  CHECK(nlohmann::json::parse(pretty) == nlohmann::json::parse(compact));
}

TEST_CASE("YAML: an alias inside its own anchor is refused, not followed forever", "[output][yaml]") {
  const std::string cyclic = "--- &a \n- x\n- *a\n";
  CHECK_THROWS_AS(yaml_to_json(cyclic), ApiError);
  CHECK(yaml_problems(cyclic) == FileProblems{"it nests deeper than 128 levels, or refers to itself"});
}
