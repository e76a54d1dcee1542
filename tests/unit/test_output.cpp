#include <catch2/catch.hpp>

#include "output.hpp"

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
