// For the YAML::Syck differential test (run_diff.py): reads JSON documents,
// one per line, and writes for each what whmkit prints for it as JSON, as
// YAML (syck_dump), as YAML streamed (render_to with the first nested list
// produced record by record, the path long listings take), and what
// yaml_to_json reads back from that YAML (as JSON; "error: ..." if it throws).
//
// Output per document: a line with the four texts' byte counts, then the
// texts back to back. A line that is not JSON gives "error".
#include <iostream>
#include <sstream>
#include <string>

#include "output.hpp"
#include "syck_yaml.hpp"

namespace {

// The first list below the top level, depth first: the one to stream.
const nlohmann::json* first_nested_list(const nlohmann::json& node, bool top = true) {
  if (node.is_array() && !top) return &node;
  if (!node.is_structured()) return nullptr;
  for (const auto& child : node)
    if (auto found = first_nested_list(child, false)) return found;
  return nullptr;
}

std::string streamed_yaml(const nlohmann::json& doc) {
  std::ostringstream sink;
  whm::StreamHook hook;
  hook.at = first_nested_list(doc);
  if (!hook.at) return whm::syck_dump(doc);
  hook.produce = [&](const std::function<void(const nlohmann::json&)>& emit) {
    for (const auto& record : *hook.at) emit(record);
  };
  hook.sink = &sink;
  whm::render_to(sink, doc, whm::OutputFormat::Yaml, &hook);
  return sink.str();
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      std::cout << "error\n";
      continue;
    }
    const std::string json = whm::render(doc, whm::OutputFormat::Json);
    const std::string yaml = whm::syck_dump(doc);
    const std::string streamed = streamed_yaml(doc);
    std::string read_back;
    try {
      read_back = whm::render(whm::yaml_to_json(yaml), whm::OutputFormat::Json);
    } catch (const std::exception& e) {
      read_back = std::string("error: ") + e.what();
    }
    std::cout << json.size() << ' ' << yaml.size() << ' ' << streamed.size() << ' ' << read_back.size() << '\n'
              << json << yaml << streamed << read_back;
  }
  return 0;
}
