#include <catch2/catch.hpp>

#include <sstream>

#include "output.hpp"
#include "syck_yaml.hpp"
#include "zone.hpp"

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

TEST_CASE("YAML: byte for byte what YAML::Syck 1.34 prints", "[output][yaml]") {
  // Each expected text is Perl's YAML::Syck::Dump of the same data (SortKeys on).
  // An empty collection is written inline, followed by a blank line.
  CHECK(syck_dump({{"a", nlohmann::json::array()},
                   {"b", nlohmann::json::object()},
                   {"c", {nlohmann::json::array(), nlohmann::json::object()}},
                   {"d", 1}}) ==
        "--- \n"
        "a: []\n"
        "\n"
        "b: {}\n"
        "\n"
        "c: \n"
        "  - []\n"
        "\n"
        "  - {}\n"
        "\n"
        "d: 1\n");
  CHECK(syck_dump(nlohmann::json::array()) == "--- []\n\n");
  CHECK(syck_dump(nlohmann::json::object()) == "--- {}\n\n");
  // A string Perl takes for an integer is plain, like the integer; from 10
  // characters on, both are quoted (Syck's rule, for 32-bit readers).
  CHECK(syck_dump({{"s", "123"},
                   {"long", "1234567890"},
                   {"neg", "-12345678"},
                   {"n", 123},
                   {"big", 1234567890},
                   {"lead", "0123"},
                   {"zero", "0"}}) ==
        "--- \n"
        "big: '1234567890'\n"
        "lead: '0123'\n"
        "long: '1234567890'\n"
        "\"n\": 123\n"
        "neg: -12345678\n"
        "s: 123\n"
        "zero: 0\n");
  // An indicator, ": " or a final ":" means double quotes.
  CHECK(syck_dump({{"u", "*unknown*"},
                   {"star", "*"},
                   {"cron", "*/5"},
                   {"hash", "#x"},
                   {"at", "@x"},
                   {"bt", "`x"},
                   {"bang", "!x"},
                   {"amp", "&x"},
                   {"pct", "%x"},
                   {"brace", "{x"},
                   {"bracket", "[x"},
                   {"pipe", "|x"},
                   {"gt", ">x"},
                   {"dash", "- x"},
                   {"q", "? x"},
                   {"colon", "a: b"},
                   {"end", "a:"}}) ==
        "--- \n"
        "amp: \"&x\"\n"
        "at: \"@x\"\n"
        "bang: \"!x\"\n"
        "brace: \"{x\"\n"
        "bracket: \"[x\"\n"
        "bt: \"`x\"\n"
        "colon: \"a: b\"\n"
        "cron: \"*/5\"\n"
        "dash: \"- x\"\n"
        "end: \"a:\"\n"
        "gt: \">x\"\n"
        "hash: \"#x\"\n"
        "pct: \"%x\"\n"
        "pipe: \"|x\"\n"
        "q: \"? x\"\n"
        "star: \"*\"\n"
        "u: \"*unknown*\"\n");
  // Keys that are not plain are double-quoted.
  CHECK(syck_dump({{"y", 1},
                   {"n", 2},
                   {"yes", 3},
                   {"no", 4},
                   {"~", 5},
                   {"true", 6},
                   {"null", 7},
                   {"1234567890", 8},
                   {"5", 9},
                   {"", 10}}) ==
        "--- \n"
        "\"\": 10\n"
        "\"1234567890\": 8\n"
        "5: 9\n"
        "\"n\": 2\n"
        "\"no\": 4\n"
        "\"null\": 7\n"
        "\"true\": 6\n"
        "\"y\": 1\n"
        "\"yes\": 3\n"
        "\"~\": 5\n");
  CHECK(syck_dump({{"half", ".5"},
                   {"exp", "1e3"},
                   {"float", "1.5"},
                   {"dot", "5."},
                   {"plus", "+5"},
                   {"tab", "a\tb"},
                   {"spaces", " a "},
                   {"word", "Off"}}) ==
        "--- \n"
        "dot: '5.'\n"
        "exp: '1e3'\n"
        "float: '1.5'\n"
        "half: .5\n"
        "plus: +5\n"
        "spaces: \" a \"\n"
        "tab: a\tb\n"
        "word: 'Off'\n");
  // Numbers as Perl holds them after decoding whmkit's JSON: a fraction is a
  // Perl float, printed "%.15g" and quoted; booleans are cPanel's 1 and 0.
  CHECK(syck_dump({1.5, 1000.0, 0.1 + 0.2, 1e20, true, false, nullptr}) ==
        "--- \n- '1.5'\n- '1000'\n- '0.3'\n- '1e+20'\n- 1\n- 0\n- ~\n");
  // A line break inside a single-quoted string (one Perl takes for a number)
  // is written as a blank line.
  CHECK(syck_dump("5\n") == "--- '5\n\n'\n");
}

TEST_CASE("YAML: what Syck writes raw but would not read back is escaped", "[output][yaml]") {
  // Syck writes these raw: YAML::Syck's or PyYAML's reader then sees a line
  // break, refuses the document, or the text is not UTF-8. whmkit
  // double-quotes and escapes the string instead (syck_yaml.hpp).
  CHECK(syck_dump(kInvalidUtf8) == "--- \"a\\xFFb\\xC3(\"\n");
  CHECK(syck_dump("a\rb") == "--- \"a\\rb\"\n");
  CHECK(syck_dump("5\r") == "--- \"5\\r\"\n");                          // Syck: '5<CR>'
  CHECK(syck_dump("nel\xc2\x85") == "--- \"nel\\xC2\\x85\"\n");         // a C1 control
  CHECK(syck_dump("ls\xe2\x80\xa8") == "--- \"ls\\xE2\\x80\\xA8\"\n");  // U+2028
  CHECK(syck_dump("\xef\xbf\xbf") == "--- \"\\xEF\\xBF\\xBF\"\n");      // U+FFFF
  CHECK(syck_dump("\xed\xa0\x80") == "--- \"\\xED\\xA0\\x80\"\n");      // a surrogate is not UTF-8
  CHECK(syck_dump("\xc0\xaf") == "--- \"\\xC0\\xAF\"\n");               // nor an overlong form
  // Syck writes these plain; YAML readers see an indicator, a mapping, a comment.
  CHECK(syck_dump(",a") == "--- \",a\"\n");
  CHECK(syck_dump("a:\tb") == "--- \"a:\\tb\"\n");
  CHECK(syck_dump("a\t#b") == "--- \"a\\t#b\"\n");
  CHECK(syck_dump("?\tb") == "--- \"?\\tb\"\n");
  // Keys too.
  CHECK(syck_dump(nlohmann::json{{"k\x01", "v"}}) == "--- \n\"k\\x01\": v\n");
  CHECK(syck_dump(nlohmann::json{{"k\r", "v"}}) == "--- \n\"k\\r\": v\n");
  // A key at the start of a line that reads as a document marker (Syck:
  // "--- ns: {}", which Syck itself reads as a second document); nested, it is
  // left as Syck writes it.
  CHECK(syck_dump(nlohmann::json{{"--- ns", nlohmann::json::object()}}) == "--- \n\"--- ns\": {}\n\n");
  CHECK(syck_dump(nlohmann::json{{"...", 1}, {"---x", 2}}) == "--- \n---x: 2\n\"...\": 1\n");
  CHECK(syck_dump(nlohmann::json{{"a", {{"--- ns", 1}}}}) == "--- \na: \n  --- ns: 1\n");
  for (const char* key : {"--- ns", "...", "---", "...\tx"}) {
    const nlohmann::json doc = {{key, "v"}};
    CHECK(yaml_to_json(syck_dump(doc)) == doc);
  }
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

TEST_CASE("YAML: whmkit reads its own YAML back", "[output][yaml]") {
  // Syck's YAML does not tell a string "80" from the number 80 (both are
  // written 80, as Perl holds them alike), so values come back as the same
  // text; yaml_to_json makes plain integers numbers.
  const std::string tricky[] = {
      "80",          "1234567890", "-5",   ".5",        "+5",    "5.",     "1e3",  "0x1F",     "1:20",
      "007",         "y",          "No",   "~",         "null",  "",       " ",    "a\tb",     "\ta",
      "a: b",        "a:",         ":a",   "*unknown*", "- a",   "-  ",    "#x",   "a #b",     "a#b",
      "it's",        "say \"hi\"", "a\nb", "5\n",       "5\n\n", " 5\n",   "\n 5", "a\n\nb\n", "caf\xc3\xa9",
      "yes\xc3\xa9", "\x01",       "a\rb", "---",       "[x]",   "{x: 1}", "@x",   "C:\\dir",  "0 but true",
      "Inf",         "nan",        "- \t", ",a",        "a:\tb", "a\t#b"};
  for (const auto& s : tricky) {
    INFO(s);
    nlohmann::json doc = {
        {"value", s}, {"list", {s, nlohmann::json::array(), nlohmann::json::object()}}, {"map", {{s, s}}}};
    CHECK(as_perl_scalars(yaml_to_json(syck_dump(doc))) == as_perl_scalars(doc));
  }
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

// dumpzone streams its items (for_each_dump_item through render_to's hook):
// the bytes must be those of the whole array rendered at once, in every format.
TEST_CASE("a streamed dumpzone is byte for byte the buffered one, every record type", "[output][dumpzone]") {
  const std::string text =
      "; cPanel first:11.120.0.4 (update_time):1700000000 Cpanel::ZoneFile::VERSION:1.3 hostname:h.example\n"
      "; Zone file for z.example\n"
      "$TTL 14400\n"
      "z.example.\t86400\tIN\tSOA\tns1.z.example.\thostmaster.z.example.\t(\n"
      "\t\t\t2024010100 ;Serial Number\n\t\t\t3600 ;refresh\n\t\t\t1800 ;retry\n"
      "\t\t\t1209600 ;expire\n\t\t\t86400 ;minimum\n\t)\n"
      "\n"
      "z.example.\t86400\tIN\tNS\tns1.z.example.\n"
      "z.example.\t14400\tIN\tA\t192.0.2.1\n"
      "z.example.\t14400\tIN\tAAAA\t2001:db8::1\n"
      "z.example.\t14400\tIN\tMX\t0\tmail.z.example.\n"
      "mail\t14400\tIN\tCNAME\tz.example.\n"
      "_sip._tcp\t14400\tIN\tSRV\t10\t20\t5060\tsip.z.example.\n"
      "z.example.\t14400\tIN\tTYPE257\t\\# 19 00 05 69 73 73 75 65 6c 65 74 73 65 6e 63 72 79 70 74\n"
      "z.example.\t14400\tIN\tTXT\t\"v=spf1 +a +mx ~all\"\n"
      "long\t14400\tIN\tTXT\t\"" +
      std::string(255, 'a') +
      "\" \"tail \\\"quoted\\\" caf\\195\\169\"\n"
      "z.example.\t14400\tIN\tSPF\t\"v=spf1 -all\"\n"
      "1.2\t14400\tIN\tPTR\thost.z.example.\n"
      "$TTL 300\n"
      "sshfp\tIN\tSSHFP\t1 1 123456789abcdef67890123456789abcdef67890\n"
      "\tIN\tA\t192.0.2.9\n"
      "$ORIGIN sub.z.example.\n"
      "www\t60\tIN\tA\t192.0.2.10 ; a comment\n"
      "bad\xff\x01name\t60\tIN\tTXT\t\"\\001\\255<&>\"\n";
  const Zone zone = Zone::parse("z.example", text);
  nlohmann::json buffered = {{"data", {{"zone", dump_zone(zone)}}},
                             {"metadata", {{"command", "dumpzone"}, {"reason", "Zone Serialized"}, {"result", 1}}}};
  REQUIRE(buffered["data"]["zone"].size() > 20);
  for (auto fmt : {OutputFormat::Json, OutputFormat::JsonPretty, OutputFormat::Yaml, OutputFormat::Xml}) {
    nlohmann::json env = buffered;
    env["data"]["zone"] = nullptr;
    std::ostringstream streamed;
    StreamHook hook;
    hook.at = &env["data"]["zone"];
    hook.produce = [&zone](const std::function<void(const nlohmann::json&)>& emit) { for_each_dump_item(zone, emit); };
    hook.sink = &streamed;
    render_to(streamed, env, fmt, &hook);
    std::ostringstream whole;
    render_to(whole, buffered, fmt, nullptr);
    INFO("format " << static_cast<int>(fmt));
    CHECK(streamed.str() == whole.str());
    CHECK(whole.str() == render(buffered, fmt));
  }
}

// Found by fuzz_zone: a CAA flag written "01" came back from its "\# ..." line as "1".
TEST_CASE("a CAA record's flag reads as the number it is, so it writes back as itself", "[zone][caa]") {
  auto records =
      Zone::parse("z.example", "c\t300\tIN\tCAA\t01\tissue\t\"ca.example\"\nd IN TYPE257 01 1 1 )\n").records();
  REQUIRE(records.size() == 2);
  for (const auto& [line, record] : records) {
    CHECK(record.rdata.at(0) == "1");
    auto back = Zone::parse("z.example", render_record("z.example", record) + "\n").records();
    REQUIRE(back.size() == 1);
    CHECK(back[0].second.rdata == record.rdata);
  }
}
