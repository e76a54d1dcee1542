#include <catch2/catch.hpp>

#include "errors.hpp"
#include "registry.hpp"
#include "request.hpp"

using namespace whm;

TEST_CASE("key=value words, URI decoding and lists", "[args]") {
  auto r = parse_call_words(
      "f", {"a=1", "b=hello%20world", "c=x=y", "user=b", "user=c", "d-1=second", "d-0=first", "d=bare"});
  CHECK(r.get("a") == "1");
  CHECK(r.get("b") == "hello world");
  CHECK(r.get("c") == "x=y");
  CHECK(r.list("user") == std::vector<std::string>{"b", "c"});
  CHECK(r.list("d") == std::vector<std::string>{"bare", "first", "second"});
  CHECK_FALSE(r.has("missing"));
  CHECK(r.get_or("missing", "dflt") == "dflt");
}

TEST_CASE("api.* arguments become a tree", "[args]") {
  auto r = parse_call_words("f", {"api.filter.enable=1", "api.filter.a.field=user", "api.chunk.size=10"});
  CHECK(r.api["filter"]["enable"] == "1");
  CHECK(r.api["filter"]["a"]["field"] == "user");
  CHECK(r.api["chunk"]["size"] == "10");
  CHECK(r.args.empty());
}

TEST_CASE("malformed words are refused", "[args]") {
  CHECK_THROWS_AS(parse_call_words("f", {"novalue"}), CommandLineError);
  CHECK_THROWS_AS(parse_call_words("f", {"=x"}), CommandLineError);
  CHECK_THROWS_AS(parse_call_words("f", {"a=b%00c"}), ValidationError);
  CHECK(uri_decode("%41%4a%zz%") == "AJ%zz%");
}

TEST_CASE("validation against declared parameters", "[registry]") {
  FunctionSpec spec;
  spec.name = "f";
  ParamSpec req_user;
  req_user.name = "user";
  req_user.required = true;
  ParamSpec flag;
  flag.name = "flag";
  flag.type = ParamType::Boolean;
  flag.default_value = "0";
  ParamSpec n;
  n.name = "n";
  n.type = ParamType::Integer;
  n.min = 1;
  n.max = 5;
  ParamSpec color;
  color.name = "color";
  color.allowed = {"red", "blue"};
  ParamSpec lim;
  lim.name = "lim";
  lim.type = ParamType::IntOrUnlimited;
  spec.params = {req_user, flag, n, color, lim};

  auto ok = parse_call_words("f", {"user=x", "n=3", "color=red", "lim=UNLIMITED"});
  validate_request(spec, ok);
  CHECK_FALSE(ok.has("flag"));  // defaults are the handler's business

  auto check_error = [&](std::vector<std::string> words, const std::string& part) {
    auto r = parse_call_words("f", words);
    try {
      validate_request(spec, r);
      FAIL("accepted " << words.size() << " words");
    } catch (const ValidationError& e) {
      CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains(part));
    }
  };
  check_error({}, "Missing required parameter “user”");
  check_error({"user=x", "flag=2"}, "“flag”");
  check_error({"user=x", "n=9"}, "at most 5");
  check_error({"user=x", "n=0"}, "at least 1");
  check_error({"user=x", "n=three"}, "not an integer");
  check_error({"user=x", "color=green"}, "not one of: red, blue");
  check_error({"user=x", "lim=-1"}, "“lim”");

  auto empty_typed = parse_call_words("f", {"user=x", "n="});
  validate_request(spec, empty_typed);  // "n=" means not given
  CHECK_FALSE(empty_typed.has("n"));
}
