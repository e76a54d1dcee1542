#include "registry.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

// Never destroyed: a call's exit does not take the table apart.
Registry& Registry::instance() {
  static Registry* r = new Registry;
  return *r;
}

// ---- blocks built on first need (lazy_registrations.hpp)

// The linker gathers the WHMKIT_REGISTRATIONS blocks in one section and
// names its bounds (absent when no command file is linked).
extern "C" {
extern const LazyRegistrations __start_whmkit_registrations[] __attribute__((weak));
extern const LazyRegistrations __stop_whmkit_registrations[] __attribute__((weak));
}

// Without the generated index (the tests, the index's generator).
__attribute__((weak)) const RegistryIndex* registry_index() { return nullptr; }

namespace {

// whmkitd's workers look functions up at once: the blocks are built, and the
// declarations merged, under this lock (a block's add() takes it again).
// (A function's static: the earlier form registers during static initialisation.)
std::recursive_mutex& registry_mutex() {
  static std::recursive_mutex m;
  return m;
}
std::vector<char> g_built;  // per block
bool g_all_built = false;
const char* g_building = nullptr;  // the block running
size_t g_building_index = 0;
std::vector<RegisteredName>* g_recording = nullptr;  // build_all_registrations_recording

size_t block_count() {
  if (!__start_whmkit_registrations || !__stop_whmkit_registrations) return 0;
  return static_cast<size_t>(__stop_whmkit_registrations - __start_whmkit_registrations);
}

// True when the block was not built before.
bool run_block(size_t i) {
  if (g_built.size() < block_count()) g_built.resize(block_count(), 0);
  if (g_built[i]) return false;
  g_built[i] = 1;
  const char* outer = g_building;
  const size_t outer_index = g_building_index;
  g_building = __start_whmkit_registrations[i].id;
  g_building_index = i;
  __start_whmkit_registrations[i].build();
  g_building = outer;
  g_building_index = outer_index;
  return true;
}

void load_all() {
  std::lock_guard<std::recursive_mutex> hold(registry_mutex());
  if (g_all_built) return;
  for (size_t i = 0; i < block_count(); ++i) run_block(i);
  g_all_built = true;
}

// Builds the block that registers the function (the index names it), or
// every block without an index. False when nothing new was registered.
bool load_for(Api api, const std::string& module, const std::string& name) {
  if (g_all_built) return false;
  const RegistryIndex* index = registry_index();
  if (!index) {
    load_all();
    return true;
  }
  const int a = static_cast<int>(api);
  const RegistryIndexEntry* end = index->entries + index->count;
  auto it = std::lower_bound(index->entries, end, 0, [&](const RegistryIndexEntry& e, int) {
    if (e.api != a) return e.api < a;
    if (int c = std::strcmp(e.module, module.c_str())) return c < 0;
    return std::strcmp(e.name, name.c_str()) < 0;
  });
  if (it == end || it->api != a || module != it->module || name != it->name) return false;
  for (size_t i = 0; i < block_count(); ++i)
    if (std::strcmp(__start_whmkit_registrations[i].id, it->block) == 0) return run_block(i);
  // An index naming a block this program does not have: build them all.
  load_all();
  return true;
}

// Which registration of a function stands when two name it: as when every
// file registered at start-up in link order, the later block's; one made at
// static initialisation (the earlier form) is never replaced. Blocks are
// built in any order, and a block built while a call runs (names() from a
// handler) must not replace the running function's declaration. False: keep
// the registration there is.
bool take(Api api, const std::string& module, const std::string& name) {
  static std::map<std::string, size_t>* origin = new std::map<std::string, size_t>;
  const std::string key = std::to_string(static_cast<int>(api)) + ":" + module + "::" + name;
  if (!g_building) {  // static initialisation: the last one stands, as before
    (*origin)[key] = SIZE_MAX;
    return true;
  }
  const size_t by = g_building_index;
  if (g_recording) g_recording->push_back({api, module, name, g_building});
  auto [it, fresh] = origin->emplace(key, by);
  if (fresh) return true;
  if (it->second == SIZE_MAX || it->second > by) return false;
  it->second = by;
  return true;
}

}  // namespace

std::vector<RegisteredName> build_all_registrations_recording() {
  std::lock_guard<std::recursive_mutex> hold(registry_mutex());
  std::vector<RegisteredName> out;
  g_recording = &out;
  load_all();
  g_recording = nullptr;
  return out;
}

Transaction& Context::txn() const {
  if (!writer) throw std::logic_error("a state change in a function not declared Access::Write");
  return writer->txn();
}

const char* api_program(Api api) {
  switch (api) {
    case Api::Whm1: return "whmapi1";
    case Api::Api2: return "cpapi2";
    case Api::Uapi: return "uapi";
  }
  return "whmapi1";
}

static std::string module_key(Api api, const std::string& module, const std::string& name) {
  return std::to_string(static_cast<int>(api)) + ":" + module + "::" + name;
}

void Registry::add(ModuleFunction f) {
  std::lock_guard<std::recursive_mutex> hold(registry_mutex());
  if (!take(f.api, f.module, f.name)) return;
  FunctionSpec spec;
  spec.api = f.api;
  spec.module = std::move(f.module);
  spec.name = std::move(f.name);
  spec.category = spec.module;
  spec.summary = std::move(f.summary);
  spec.params = std::move(f.params);
  spec.handler = std::move(f.handler);
  spec.access = f.access;
  spec.auth = std::move(f.auth);
  std::string key = module_key(spec.api, spec.module, spec.name);
  module_functions_[key] = std::move(spec);
}

std::vector<const FunctionSpec*> Registry::module_functions(Api api) const {
  load_all();
  std::lock_guard<std::recursive_mutex> hold(registry_mutex());
  std::vector<const FunctionSpec*> out;
  for (const auto& [key, f] : module_functions_)
    if (f.api == api) out.push_back(&f);
  return out;
}

std::vector<std::string> Registry::modules(Api api) const {
  std::vector<std::string> out;
  for (const auto* f : module_functions(api))
    if (out.empty() || out.back() != f->module) out.push_back(f->module);
  return out;
}

void Registry::add(Implementation impl) {
  std::lock_guard<std::recursive_mutex> hold(registry_mutex());
  if (!take(Api::Whm1, "", impl.name)) return;
  auto name = impl.name;
  impls_[name] = std::move(impl);
  merged_.erase(name);
}

ParamSpec optional_param(std::string name, ParamType type, const char* default_value) {
  ParamSpec p = make_param(std::move(name), type, false);
  if (default_value) p.default_value = default_value;
  return p;
}

ParamSpec required_param(std::string name, ParamType type) { return make_param(std::move(name), type, true); }

ParamSpec described(ParamSpec p, std::string description) {
  p.description = std::move(description);
  return p;
}

ParamSpec make_param(std::string name, ParamType type, bool required) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = type;
  p.required = required;
  return p;
}

ParamSpec list_param(std::string name, ParamType type, bool required) {
  ParamSpec p = make_param(std::move(name), type, required);
  p.list = true;
  return p;
}

ParamSpec param_from_spec(const SpecParam& sp) {
  ParamSpec p;
  p.name = sp.name;
  switch (sp.kind) {
    case SpecKind::String: p.type = ParamType::String; break;
    case SpecKind::Integer: p.type = ParamType::Integer; break;
    case SpecKind::Boolean: p.type = ParamType::Boolean; break;
    case SpecKind::Email: p.type = ParamType::Email; break;
    case SpecKind::IPv4: p.type = ParamType::IPv4; break;
    case SpecKind::Domain: p.type = ParamType::Domain; break;
  }
  p.required = sp.required;
  if (sp.default_value) p.default_value = sp.default_value;
  if (sp.allowed) p.allowed = split(sp.allowed, '\x1f');
  if (sp.has_min) p.min = sp.min;
  if (sp.has_max) p.max = sp.max;
  p.description = sp.description ? sp.description : "";
  p.list = std::strstr(sp.type_text, "Array") != nullptr;
  // A default is not always one of the listed values in the reference (e.g. "null"); keep it out of validation.
  return p;
}

const FunctionSpec* Registry::find(Api api, const std::string& module, const std::string& name) const {
  // whmkitd's workers look functions up at once; map nodes never move, so
  // the pointer stays good after the lock is released.
  std::lock_guard<std::recursive_mutex> hold(registry_mutex());
  auto find_module_function = [&]() -> const FunctionSpec* {
    auto it = module_functions_.find(module_key(api, module, name));
    return it == module_functions_.end() ? nullptr : &it->second;
  };
  if (api != Api::Whm1) {
    const FunctionSpec* f = find_module_function();
    if (!f && load_for(api, module, name)) f = find_module_function();
    return f;
  }
  auto cached = merged_.find(name);
  if (cached != merged_.end()) return &cached->second;
  if (!impls_.count(name)) load_for(api, module, name);
  const SpecFunction* doc = find_spec_function(name.c_str());
  auto impl = impls_.find(name);
  if (!doc && impl == impls_.end()) return nullptr;
  FunctionSpec f;
  f.name = name;
  f.doc = doc;
  if (doc) {
    f.category = doc->category;
    f.summary = doc->title;
    for (int i = 0; i < doc->param_count; ++i) f.params.push_back(param_from_spec(doc->params[i]));
  }
  if (impl != impls_.end()) {
    f.handler = impl->second.handler;
    f.access = impl->second.access;
    f.auth = impl->second.auth;
    f.null_data_on_failure = impl->second.null_data_on_failure;
    for (const auto& p : impl->second.params) {
      auto same = std::find_if(f.params.begin(), f.params.end(), [&](const ParamSpec& q) { return q.name == p.name; });
      if (same != f.params.end()) {
        ParamSpec refined = p;
        if (refined.description.empty()) refined.description = same->description;
        *same = refined;
      } else {
        f.params.push_back(p);
      }
    }
  }
  return &merged_.emplace(name, std::move(f)).first->second;
}

std::vector<std::string> Registry::names() const {
  load_all();
  std::lock_guard<std::recursive_mutex> hold(registry_mutex());
  std::vector<std::string> out;
  for (size_t i = 0; i < kSpecFunctionCount; ++i) out.push_back(kSpecFunctions[i].name);
  for (const auto& [n, _] : impls_)
    if (!find_spec_function(n.c_str())) out.push_back(n);
  std::sort(out.begin(), out.end());
  return out;
}

const SpecFunction* find_spec_function(const char* name) {
  const SpecFunction* end = kSpecFunctions + kSpecFunctionCount;
  auto it = std::lower_bound(kSpecFunctions, end, name,
                             [](const SpecFunction& f, const char* n) { return std::strcmp(f.name, n) < 0; });
  return (it != end && std::strcmp(it->name, name) == 0) ? it : nullptr;
}

static size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<std::string> Registry::suggestions(const std::string& name, size_t max) const {
  std::vector<std::pair<size_t, std::string>> scored;
  std::string lower = to_lower(name);
  for (const auto& n : names()) {
    size_t d = edit_distance(lower, n);
    if (n.find(lower) != std::string::npos || lower.find(n) != std::string::npos) d = std::min<size_t>(d, 2);
    if (d <= std::max<size_t>(3, name.size() / 3)) scored.emplace_back(d, n);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < max; ++i) out.push_back(scored[i].second);
  return out;
}

static void check_value(const ParamSpec& p, const std::string& v) {
  auto bad = [&](const std::string& why) { throw invalid_param(p.name, why); };
  if (!p.allowed.empty() && std::find(p.allowed.begin(), p.allowed.end(), v) == p.allowed.end())
    bad("“" + v + "” is not one of: " + join(p.allowed, ", ") + ".");
  switch (p.type) {
    case ParamType::String: break;
    case ParamType::Integer: {
      auto n = parse_int(v);
      if (!n) bad("“" + v + "” is not an integer.");
      if (p.min && *n < *p.min) bad("must be at least " + std::to_string(*p.min) + ".");
      if (p.max && *n > *p.max) bad("must be at most " + std::to_string(*p.max) + ".");
      break;
    }
    case ParamType::Boolean:
      if (v != "0" && v != "1") bad("“" + v + "” is not 0 or 1.");
      break;
    case ParamType::IntOrUnlimited: {
      if (to_lower(v) == "unlimited") break;
      auto n = parse_int(v);
      if (!n || *n < 0) bad("“" + v + "” is neither a non-negative integer nor “unlimited”.");
      if (p.max && *n > *p.max) bad("must be at most " + std::to_string(*p.max) + ".");
      break;
    }
    case ParamType::Username:
      if (auto why = username_syntax_error(v)) bad(*why);
      break;
    case ParamType::Domain:
      if (auto why = domain_syntax_error(v)) bad(*why);
      break;
    case ParamType::Email:
      if (!is_valid_email(v)) bad("“" + v + "” is not a valid email address.");
      break;
    case ParamType::IPv4:
      if (!is_valid_ipv4(v)) bad("“" + v + "” is not a valid IPv4 address.");
      break;
  }
}

namespace {

// A control byte would end a line (or a C string) in the files values reach.
std::optional<unsigned char> control_byte(const std::string& v) {
  for (unsigned char c : v)
    if (c < 0x20 || c == 0x7f) return c;
  return std::nullopt;
}

std::string code_point(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "U+%04X", c);
  return buf;
}

bool matches_declared(const ParamSpec& p, const std::string& key) {
  auto star = p.name.find('*');
  if (star == std::string::npos) return p.name == key;
  return starts_with(key, p.name.substr(0, star)) && key.size() >= p.name.size() - 1;
}

const ParamSpec* declared(const FunctionSpec& spec, const std::string& key) {
  for (const auto& p : spec.params)
    if (matches_declared(p, key)) return &p;
  return nullptr;
}

}  // namespace

void validate_request(const FunctionSpec& spec, Request& req) {
  for (const auto& [key, values] : req.args) {
    const ParamSpec* p = declared(spec, key);
    if (p && p->multiline) continue;
    for (const auto& v : values)
      if (auto c = control_byte(v))
        throw invalid_param(key, "the value contains the control character " + code_point(*c) +
                                     "; line breaks and other control characters are not allowed.");
  }
  for (const auto& p : spec.params) {
    // api.* arguments belong to the core (api.version=1 is implied on the command line).
    if (starts_with(p.name, "api.")) continue;
    auto it = req.args.find(p.name);
    // "key=" on an optional typed parameter means "not given".
    if (it != req.args.end() && !p.required && p.type != ParamType::String &&
        std::all_of(it->second.begin(), it->second.end(), [](const std::string& v) { return v.empty(); })) {
      req.args.erase(it);
      it = req.args.end();
    }
    if (it == req.args.end()) {
      // Defaults are not filled in: an absent parameter can mean "take it from
      // the plan", so each handler applies its own fallback.
      if (p.required) throw missing_param(p.name);
      continue;
    }
    // user=bob user=alice must not quietly become "alice".
    if (it->second.size() > 1 && !p.list)
      throw ValidationError("The parameter “" + p.name + "” was given " + std::to_string(it->second.size()) +
                            " times; “" + spec.name + "” takes one value for it.");
    for (const auto& v : it->second) {
      if (v.empty() && p.required) throw missing_param(p.name);
      check_value(p, v);
    }
  }
}

std::vector<std::pair<std::string, std::string>> unknown_params(const FunctionSpec& spec, const Request& req) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, values] : req.args) {
    if (declared(spec, key)) continue;
    std::string closest;
    size_t best = std::max<size_t>(2, key.size() / 3) + 1;
    for (const auto& p : spec.params) {
      if (p.name.find('*') != std::string::npos) continue;
      size_t d = edit_distance(to_lower(key), to_lower(p.name));
      if (d < best) best = d, closest = p.name;
    }
    out.emplace_back(key, closest);
  }
  return out;
}

}  // namespace whm
