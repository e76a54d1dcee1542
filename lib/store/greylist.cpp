#include "greylist.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "common_mail_providers_data.hpp"
#include "damage.hpp"
#include "errors.hpp"
#include "kvfile.hpp"
#include "notices.hpp"
#include "sqlite_image.hpp"
#include "util.hpp"

namespace whm {

namespace {

using json = nlohmann::json;

// cPanel's schema (Cpanel::GreyList::DB), so a database either side made reads the same.
const char* const kSchema =
    "CREATE TABLE IF NOT EXISTS triplets_seen (id INTEGER PRIMARY KEY, sender_ip VARBINARY(16),"
    " from_addr VARCHAR(254), to_addr VARCHAR(254), deferred_count BIGINT DEFAULT 1,"
    " accepted_count BIGINT DEFAULT 0, create_time DATETIME DEFAULT (DATETIME('now', 'localtime')),"
    " block_exp_time DATETIME, must_retry_by DATETIME, record_exp_time DATETIME);"
    "CREATE INDEX IF NOT EXISTS triplet_index ON triplets_seen(sender_ip, from_addr, to_addr);"
    "CREATE TABLE IF NOT EXISTS trusted_hosts (id INTEGER PRIMARY KEY, host_ip_start VARBINARY(16),"
    " host_ip_end VARBINARY(16), comment VARCHAR(254) DEFAULT NULL,"
    " create_time DATETIME DEFAULT (DATETIME('now', 'localtime')),"
    " UNIQUE (host_ip_start, host_ip_end) ON CONFLICT REPLACE);"
    "CREATE TABLE IF NOT EXISTS common_mail_providers (id INTEGER PRIMARY KEY, provider_tag TEXT,"
    " display_name TEXT, last_updated INTEGER DEFAULT (strftime('%s', 'now')), is_trusted INTEGER DEFAULT 0,"
    " UNIQUE (provider_tag) ON CONFLICT REPLACE);"
    "CREATE TABLE IF NOT EXISTS common_mail_provider_ips (host_ip_start VARBINARY(16), host_ip_end VARBINARY(16),"
    " provider_id INTEGER, create_time DATETIME DEFAULT (DATETIME('now', 'localtime')), is_trusted INTEGER DEFAULT 0,"
    " UNIQUE (host_ip_start, host_ip_end, provider_id) ON CONFLICT REPLACE,"
    " FOREIGN KEY(provider_id) REFERENCES common_mail_providers(id));"
    "CREATE TABLE IF NOT EXISTS opt_out_domains (id INTEGER PRIMARY KEY, domain_name VARCHAR(255),"
    " create_time DATETIME DEFAULT (DATETIME('now', 'localtime')), UNIQUE (domain_name) ON CONFLICT REPLACE);"
    "CREATE TABLE IF NOT EXISTS stats (id INTEGER PRIMARY KEY, triplets_deferred_count BIGINT DEFAULT 0,"
    " possible_spam_count BIGINT DEFAULT 0);"
    "INSERT OR IGNORE INTO stats VALUES (1, 0, 0);"
    "CREATE TRIGGER IF NOT EXISTS update_stats AFTER DELETE ON triplets_seen FOR EACH ROW BEGIN"
    " UPDATE stats SET triplets_deferred_count = triplets_deferred_count + ((old.deferred_count >"
    " old.accepted_count) + 0), possible_spam_count = possible_spam_count + old.deferred_count WHERE id = 1; END;";

// Each setting: its default, cPanel's name for it in errors, its maximum (0: none).
struct Setting {
  const char* key;
  long long fallback;
  const char* desc;
  long long max;
  bool boolean;
};
const Setting kSettings[] = {
    {"initial_block_time_mins", 5, "Initial Deferral Period", 4 * 60, false},
    {"must_try_time_mins", 4 * 60, "Resend Acceptance Period", 24 * 60, false},
    {"record_exp_time_mins", 3 * 24 * 60, "Record Expiration Time", 30 * 24 * 60, false},
    {"spf_bypass", 0, "Bypass Greylisting for Hosts with Valid SPF Records", 0, true},
    {"purge_interval_mins", 60, "Record Purge Interval", 0, false},
    {"child_timeout_secs", 5, "Child process time-out.", 0, false},
    {"max_child_procs", 5, "Maximum number of processes the GreyListing daemon can create.", 0, false},
};

const Setting& setting(const std::string& key) {
  for (const auto& s : kSettings)
    if (key == s.key) return s;
  throw std::logic_error("no greylisting setting " + key);
}

constexpr const char* kAutotrust = "autotrust_new_common_mail_providers";

std::string local_time(std::time_t t) { return format_time(t, "%Y-%m-%d %H:%M:%S"); }

KeyValues read_kv(const Transaction& view, const char* rel, FileProblems& problems) {
  auto text = view.read(rel);
  return text ? parse_key_values(*text, '=', &problems) : KeyValues{};
}

// A damaged file read for an answer: what parsed is used, and the call says so.
void note_damage(const char* rel, const FileProblems& problems) {
  if (!problems.empty()) add_notice(damage_summary(rel, problems));
}

using U128 = unsigned __int128;
U128 to_u128(const std::string& bin) {
  U128 v = 0;
  for (unsigned char c : bin) v = (v << 8) | c;
  return v;
}
std::string from_u128(U128 v) {
  std::string out(16, '\0');
  for (int i = 15; i >= 0; --i, v >>= 8) out[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
  return out;
}

constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
bool is_mapped(const std::string& bin) { return bin.size() == 16 && std::memcmp(bin.data(), kMapped, 12) == 0; }

// One address as 16 bytes, and whether it was IPv4.
std::optional<std::string> address_bin(const std::string& text, bool* v4 = nullptr) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) {
    if (v4) *v4 = true;
    return std::string(reinterpret_cast<const char*>(kMapped), 12) + std::string(reinterpret_cast<char*>(buf), 4);
  }
  if (text.find(':') != std::string::npos && inet_pton(AF_INET6, text.c_str(), buf) == 1) {
    if (v4) *v4 = false;
    return std::string(reinterpret_cast<char*>(buf), 16);
  }
  return std::nullopt;
}

json host_row(sqlite3_stmt* st) {
  // id, host_ip_start, host_ip_end, comment, create_time
  json comment = sqlite3_column_type(st, 3) == SQLITE_NULL ? json() : json(SqliteImage::text(st, 3));
  return {{"id", SqliteImage::integer(st, 0)},
          {"host_ip", ip_range_text({SqliteImage::blob(st, 1), SqliteImage::blob(st, 2)})},
          {"comment", comment},
          {"create_time", SqliteImage::text(st, 4)}};
}

// The domain and each domain above it ("a.b.example" -> b.example, example).
std::vector<std::string> domain_and_parents(const std::string& domain) {
  std::vector<std::string> out;
  for (size_t at = 0; at != std::string::npos && at < domain.size();) {
    out.push_back(domain.substr(at));
    at = domain.find('.', at);
    if (at != std::string::npos) ++at;
  }
  return out;
}

}  // namespace

bool ProvidersConfig::autoupdates(const std::string& tag) const {
  auto it = autoupdate.find(tag);
  return it == autoupdate.end() || it->second;
}

bool greylist_enabled(const Transaction& view) { return view.exists(greylist_paths::kEnabled); }

void stage_greylist_enabled(Transaction& txn, bool on) {
  if (on == greylist_enabled(txn)) return;
  if (on)
    txn.write(greylist_paths::kEnabled, "", 0644);
  else
    txn.remove(greylist_paths::kEnabled);
}

const std::vector<std::string>& greylist_config_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const auto& s : kSettings) k.push_back(s.key);
    return k;
  }();
  return keys;
}

namespace {
// conf with the defaults filled in; `problems` gets what did not parse,
// also a value that is not a number.
GreylistConfig parse_greylist_config(const Transaction& view, FileProblems& problems) {
  const KeyValues file = read_kv(view, greylist_paths::kConf, problems);
  GreylistConfig config;
  for (const auto& s : kSettings) {
    config[s.key] = s.fallback;
    auto it = file.find(s.key);
    if (it == file.end()) continue;
    auto n = parse_int(trim(it->second));
    if (n && *n >= 0)
      config[s.key] = *n;
    else
      problems.push_back(std::string("the value of ") + s.key + " is not a number");
  }
  return config;
}
}  // namespace

GreylistConfig load_greylist_config(const Transaction& view) {
  FileProblems problems;
  GreylistConfig config = parse_greylist_config(view, problems);
  note_damage(greylist_paths::kConf, problems);
  return config;
}

void stage_greylist_config(Transaction& txn, const GreylistConfig& changes) {
  FileProblems problems;
  GreylistConfig config = parse_greylist_config(txn, problems);
  refuse_if_damaged(greylist_paths::kConf, problems);
  KeyValues file = read_kv(txn, greylist_paths::kConf, problems);
  for (const auto& [key, value] : changes) {
    const Setting& s = setting(key);
    const bool ok = s.boolean ? (value == 0 || value == 1) : (value > 0 && (s.max == 0 || value <= s.max));
    if (!ok)
      throw ApiError("Invalid configuration value, “" + std::to_string(value) + "” for “" + s.desc +
                     "” (max: " + (s.max ? std::to_string(s.max) : "n/a") + ").");
    config[key] = value;
  }
  // The periods follow each other: the deferral, the time to retry, the record's life.
  const char* order[] = {"initial_block_time_mins", "must_try_time_mins", "record_exp_time_mins"};
  for (int i = 0; i < 3; ++i)
    for (int j = i + 1; j < 3; ++j)
      if (config[order[i]] >= config[order[j]])
        throw ApiError(std::string("Invalid configuration value, “") + setting(order[i]).desc +
                       "” cannot be greater than or equal to the “" + setting(order[j]).desc +
                       "” value: " + std::to_string(config[order[j]]));
  for (const auto& [key, value] : config) file[key] = std::to_string(value);
  txn.write(greylist_paths::kConf, serialize_key_values(file), 0600);
}

ProvidersConfig load_providers_config(const Transaction& view) {
  FileProblems problems;
  ProvidersConfig config;
  for (const auto& [key, value] : read_kv(view, greylist_paths::kProvidersConf, problems)) {
    const std::string v = trim(value);
    if (v != "0" && v != "1") {
      problems.push_back("the value of " + key + " is not 0 or 1");
      continue;
    }
    if (key == kAutotrust)
      config.autotrust_new = v == "1";
    else
      config.autoupdate[key] = v == "1";
  }
  note_damage(greylist_paths::kProvidersConf, problems);
  return config;
}

void stage_providers_config(Transaction& txn, const ProvidersConfig& config) {
  FileProblems problems;
  read_kv(txn, greylist_paths::kProvidersConf, problems);
  refuse_if_damaged(greylist_paths::kProvidersConf, problems);
  KeyValues file{{kAutotrust, config.autotrust_new ? "1" : "0"}};
  for (const auto& [tag, on] : config.autoupdate) file[tag] = on ? "1" : "0";
  txn.write(greylist_paths::kProvidersConf, serialize_key_values(file), 0600);
}

std::optional<IpRange> parse_ip_range(const std::string& raw) {
  const std::string text = trim(raw);
  if (text.empty() || text.size() > 100) return std::nullopt;
  if (auto dash = text.find('-'); dash != std::string::npos) {
    bool v4a = false, v4b = false;
    auto a = address_bin(trim(text.substr(0, dash)), &v4a), b = address_bin(trim(text.substr(dash + 1)), &v4b);
    if (!a || !b || v4a != v4b || *b < *a) return std::nullopt;
    return IpRange{*a, *b};
  }
  std::string addr = text;
  std::optional<long long> bits;
  if (auto slash = text.find('/'); slash != std::string::npos) {
    addr = text.substr(0, slash);
    const std::string len = text.substr(slash + 1);
    bits = is_digits(len) && len.size() <= 3 ? parse_int(len) : std::nullopt;
    if (!bits) return std::nullopt;
  }
  bool v4 = false;
  auto bin = address_bin(addr, &v4);
  if (!bin) return std::nullopt;
  if (!bits) return IpRange{*bin, *bin};
  const long long prefix = v4 ? *bits + 96 : *bits;
  if (*bits > (v4 ? 32 : 128)) return std::nullopt;
  const U128 host_mask = prefix >= 128 ? 0 : (~U128(0) >> prefix);
  const U128 v = to_u128(*bin);
  return IpRange{from_u128(v & ~host_mask), from_u128(v | host_mask)};
}

std::string ip_text(const std::string& bin) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (is_mapped(bin)) return inet_ntop(AF_INET, bin.data() + 12, buf, sizeof buf) ? buf : "";
  if (bin.size() != 16) return "";
  return inet_ntop(AF_INET6, bin.data(), buf, sizeof buf) ? buf : "";
}

std::string ip_range_text(const IpRange& r) {
  return r.start == r.end ? ip_text(r.start) : ip_text(r.start) + "-" + ip_text(r.end);
}

std::vector<std::string> range_cidrs(const IpRange& r) {
  std::vector<std::string> out;
  const bool v4 = is_mapped(r.start) && is_mapped(r.end);
  const int max_bits = v4 ? 32 : 128;
  // A mask of the low `bits` bits (bits <= 128).
  auto low_mask = [](int bits) { return bits >= 128 ? ~U128(0) : (U128(1) << bits) - 1; };
  U128 cur = to_u128(r.start);
  const U128 end = to_u128(r.end);
  while (true) {
    // The largest block that starts at cur (aligned to its size) and stays within end.
    int host_bits = 0;
    while (host_bits < max_bits && (cur & low_mask(host_bits + 1)) == 0 && end - cur >= low_mask(host_bits + 1))
      ++host_bits;
    out.push_back(ip_text(from_u128(cur)) + "/" + std::to_string(max_bits - host_bits));
    const U128 last = cur + low_mask(host_bits);
    if (last >= end) break;
    cur = last + 1;
  }
  return out;
}

GreylistDb::GreylistDb(const Transaction& view)
    : db_(std::make_unique<SqliteImage>(view.read(greylist_paths::kDatabase),
                                        "The Greylisting database “/" + std::string(greylist_paths::kDatabase) + "”")) {
  db_->exec(kSchema);
  netblocks_missing_ =
      !view.exists(greylist_paths::kTrustedNetblocks) || !view.exists(greylist_paths::kProviderNetblocks);
  sync_shipped_providers(load_providers_config(view));
}

GreylistDb::~GreylistDb() = default;

void GreylistDb::sync_shipped_providers(const ProvidersConfig& config) {
  const json shipped = json::parse(kCommonMailProvidersJson);
  const std::string now_text = local_time(now());
  for (const auto& [tag, p] : shipped.at("providers").items()) {
    const long long updated = p.at("last_updated").get<long long>();
    long long id = 0, have_updated = 0, trusted = config.autotrust_new ? 1 : 0;
    db_->run("SELECT id, last_updated, is_trusted FROM common_mail_providers WHERE provider_tag = ?", {tag},
             [&](sqlite3_stmt* st) {
               id = SqliteImage::integer(st, 0);
               have_updated = SqliteImage::integer(st, 1);
               trusted = SqliteImage::integer(st, 2);
             });
    if (id && (have_updated >= updated || !config.autoupdates(tag))) continue;
    db_->exec("BEGIN");
    if (!id) {
      db_->run(
          "INSERT INTO common_mail_providers (provider_tag, display_name, last_updated, is_trusted)"
          " VALUES (?, ?, ?, ?)",
          {tag, p.at("display_name").get<std::string>(), updated, trusted});
      id = db_->last_insert_rowid();
    } else {
      db_->run("DELETE FROM common_mail_provider_ips WHERE provider_id = ?", {id});
      db_->run("UPDATE common_mail_providers SET last_updated = ?, display_name = ? WHERE id = ?",
               {updated, p.at("display_name").get<std::string>(), id});
    }
    for (const auto& block : p.at("ips")) {
      auto range = parse_ip_range(block.get<std::string>());
      if (!range) throw std::logic_error("bad block in the shipped providers: " + block.get<std::string>());
      db_->run(
          "INSERT INTO common_mail_provider_ips (host_ip_start, host_ip_end, provider_id, create_time, is_trusted)"
          " VALUES (?, ?, ?, ?, ?)",
          {SqlBlob{range->start}, SqlBlob{range->end}, id, now_text, trusted});
    }
    db_->exec("COMMIT");
    netblocks_changed_ = true;
  }
}

std::string GreylistDb::exim_hosts_file(const char* sql) {
  std::map<std::string, std::string> lines;  // CIDR -> comment
  db_->run(sql, {}, [&](sqlite3_stmt* st) {
    for (const auto& cidr : range_cidrs({SqliteImage::blob(st, 0), SqliteImage::blob(st, 1)}))
      lines[cidr] = SqliteImage::text(st, 2);
  });
  std::string out;
  for (const auto& [cidr, comment] : lines) {
    // Exim's lookups end a key at its first ":" unless it is quoted.
    out += cidr.find(':') != std::string::npos ? "\"" + cidr + "\"" : cidr;
    // A comment is for a person reading the file: kept on its line.
    std::string flat;
    for (char c : comment) flat += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
    out += (flat.empty() ? "" : " # " + flat) + "\n";
  }
  return out;
}

void GreylistDb::stage(Transaction& txn) {
  // An answer that changed no row leaves the file as it is.
  if (db_->total_changes() > 0) txn.write(greylist_paths::kDatabase, db_->bytes(), 0600);
  if (!netblocks_changed_ && !netblocks_missing_) return;
  txn.write(greylist_paths::kTrustedNetblocks,
            exim_hosts_file("SELECT host_ip_start, host_ip_end, COALESCE(comment, '') FROM trusted_hosts"), 0644);
  txn.write(greylist_paths::kProviderNetblocks,
            exim_hosts_file("SELECT i.host_ip_start, i.host_ip_end, p.display_name FROM common_mail_provider_ips i"
                            " JOIN common_mail_providers p ON p.id = i.provider_id"
                            " WHERE p.is_trusted = 1 AND i.is_trusted = 1"),
            0644);
}

json GreylistDb::trusted_hosts() {
  json out = json::array();
  db_->run("SELECT id, host_ip_start, host_ip_end, comment, create_time FROM trusted_hosts ORDER BY id", {},
           [&](sqlite3_stmt* st) { out.push_back(host_row(st)); });
  return out;
}

json GreylistDb::add_trusted_host(const IpRange& range, const std::string& comment) {
  const SqlValue note = comment.empty() ? SqlValue(nullptr) : SqlValue(comment);
  db_->run("INSERT INTO trusted_hosts (host_ip_start, host_ip_end, comment, create_time) VALUES (?, ?, ?, ?)",
           {SqlBlob{range.start}, SqlBlob{range.end}, note, local_time(now())});
  netblocks_changed_ = true;
  json row;
  db_->run("SELECT id, host_ip_start, host_ip_end, comment, create_time FROM trusted_hosts WHERE id = ?",
           {db_->last_insert_rowid()}, [&](sqlite3_stmt* st) { row = host_row(st); });
  return row;
}

bool GreylistDb::delete_trusted_host(const IpRange& range) {
  db_->run("DELETE FROM trusted_hosts WHERE host_ip_start = ? AND host_ip_end = ?",
           {SqlBlob{range.start}, SqlBlob{range.end}});
  const bool removed = db_->changes() > 0;
  netblocks_changed_ = netblocks_changed_ || removed;
  return removed;
}

bool GreylistDb::range_trusted(const IpRange& range) {
  return db_->scalar("SELECT COUNT(*) FROM trusted_hosts WHERE host_ip_start <= ? AND ? <= host_ip_end",
                     {SqlBlob{range.start}, SqlBlob{range.end}}) > 0;
}

std::map<std::string, json> GreylistDb::providers() {
  std::map<std::string, json> out;
  db_->run("SELECT provider_tag, display_name, is_trusted FROM common_mail_providers", {}, [&](sqlite3_stmt* st) {
    out[SqliteImage::text(st, 0)] = {{"display_name", SqliteImage::text(st, 1)},
                                     {"is_trusted", SqliteImage::integer(st, 2) ? 1 : 0}};
  });
  return out;
}

long long GreylistDb::set_provider_trusted(const std::string& tag, bool trusted) {
  const long long id = db_->scalar("SELECT id FROM common_mail_providers WHERE provider_tag = ?", {tag});
  if (!id) return 0;
  db_->run("UPDATE common_mail_provider_ips SET is_trusted = ? WHERE provider_id = ?", {trusted ? 1LL : 0LL, id});
  const long long blocks = db_->changes();
  db_->run("UPDATE common_mail_providers SET is_trusted = ? WHERE id = ?", {trusted ? 1LL : 0LL, id});
  netblocks_changed_ = true;
  return blocks;
}

json GreylistDb::provider_entries(const std::string& tag) {
  json out = json::array();
  db_->run(
      "SELECT i.host_ip_start, i.host_ip_end, i.create_time, i.is_trusted, i.provider_id"
      " FROM common_mail_provider_ips i JOIN common_mail_providers p ON p.id = i.provider_id"
      " WHERE p.provider_tag = ? ORDER BY i.rowid",
      {tag}, [&](sqlite3_stmt* st) {
        out.push_back({{"host_ip", ip_range_text({SqliteImage::blob(st, 0), SqliteImage::blob(st, 1)})},
                       {"create_time", SqliteImage::text(st, 2)},
                       {"is_trusted", SqliteImage::integer(st, 3) ? 1 : 0},
                       {"provider_id", SqliteImage::integer(st, 4)}});
      });
  return out;
}

json GreylistDb::deferred_entries(const DeferredQuery& q, long long& total) {
  static const char* const kColumns[] = {
      "id",          "sender_ip",      "from_addr",     "to_addr",        "deferred_count", "accepted_count",
      "create_time", "block_exp_time", "must_retry_by", "record_exp_time"};
  const bool known =
      std::any_of(std::begin(kColumns), std::end(kColumns), [&](const char* c) { return q.order_by == c; });
  const std::string order = std::string(" ORDER BY ") + (known ? q.order_by : "id") + (q.descending ? " DESC" : " ASC");
  std::string where;
  std::vector<SqlValue> params;
  if (!q.filter.empty()) {
    if (auto bin = address_bin(q.filter)) {
      where = " WHERE sender_ip = ?";
      params.push_back(SqlBlob{*bin});
    } else {
      std::string like = "%";
      for (char c : q.filter) like += (c == '%' || c == '_' || c == '\\') ? std::string("\\") + c : std::string(1, c);
      like += "%";
      where = " WHERE from_addr LIKE ? ESCAPE '\\' OR to_addr LIKE ? ESCAPE '\\'";
      params = {like, like};
    }
  }
  total = db_->scalar("SELECT COUNT(*) FROM triplets_seen" + where, params);
  params.push_back(q.limit);
  params.push_back(q.offset);
  json out = json::array();
  db_->run(
      "SELECT id, sender_ip, from_addr, to_addr, deferred_count, accepted_count, create_time, block_exp_time,"
      " must_retry_by, record_exp_time FROM triplets_seen" +
          where + order + " LIMIT ? OFFSET ?",
      params, [&](sqlite3_stmt* st) {
        out.push_back({{"id", SqliteImage::integer(st, 0)},
                       {"sender_ip", ip_text(SqliteImage::blob(st, 1))},
                       {"from_addr", SqliteImage::text(st, 2)},
                       {"to_addr", SqliteImage::text(st, 3)},
                       {"deferred_count", SqliteImage::integer(st, 4)},
                       {"accepted_count", SqliteImage::integer(st, 5)},
                       {"create_time", SqliteImage::text(st, 6)},
                       {"block_exp_time", SqliteImage::text(st, 7)},
                       {"must_retry_by", SqliteImage::text(st, 8)},
                       {"record_exp_time", SqliteImage::text(st, 9)}});
      });
  return out;
}

bool GreylistDb::ip_trusted(const std::string& bin) {
  const std::vector<SqlValue> ip{SqlBlob{bin}, SqlBlob{bin}};
  return db_->scalar("SELECT COUNT(*) FROM trusted_hosts WHERE host_ip_start <= ? AND ? <= host_ip_end", ip) > 0 ||
         db_->scalar(
             "SELECT COUNT(*) FROM common_mail_provider_ips i JOIN common_mail_providers p"
             " ON p.id = i.provider_id WHERE i.host_ip_start <= ? AND ? <= i.host_ip_end"
             " AND i.is_trusted = 1 AND p.is_trusted = 1",
             ip) > 0;
}

bool GreylistDb::domain_opted_out(const std::string& domain) {
  for (const auto& d : domain_and_parents(to_lower(domain)))
    if (db_->scalar("SELECT COUNT(*) FROM opt_out_domains WHERE domain_name = ?", {d}) > 0) return true;
  return false;
}

std::string GreylistDb::should_defer(const std::string& sender_ip, const std::string& from, const std::string& to,
                                     const GreylistConfig& config) {
  auto bin = address_bin(sender_ip);
  // No address to key on (a local submission): nothing to greylist.
  if (!bin) return "no";
  const auto at = to.rfind('@');
  if (ip_trusted(*bin) || (at != std::string::npos && domain_opted_out(to.substr(at + 1)))) return "no";

  const std::time_t t = now();
  const std::string now_text = local_time(t);
  const std::vector<SqlValue> triplet{SqlBlob{*bin}, from, to};
  long long id = 0;
  std::string block_exp;
  db_->exec("BEGIN");
  // A triplet still on record; one that never came back within its retry
  // time starts over (the purge would have removed it).
  db_->run(
      "SELECT id, block_exp_time FROM triplets_seen WHERE sender_ip = ? AND from_addr = ? AND to_addr = ?"
      " AND record_exp_time > ? AND (accepted_count > 0 OR must_retry_by > ?) ORDER BY id DESC LIMIT 1",
      {SqlBlob{*bin}, from, to, now_text, now_text}, [&](sqlite3_stmt* st) {
        id = SqliteImage::integer(st, 0);
        block_exp = SqliteImage::text(st, 1);
      });
  std::string reply = "yes";
  if (id && block_exp < now_text) {
    db_->run("UPDATE triplets_seen SET accepted_count = accepted_count + 1 WHERE id = ?", {id});
    reply = "no";
  } else if (id) {
    db_->run("UPDATE triplets_seen SET deferred_count = deferred_count + 1 WHERE id = ?", {id});
  } else {
    db_->run("DELETE FROM triplets_seen WHERE sender_ip = ? AND from_addr = ? AND to_addr = ?", triplet);
    auto at_minutes = [&](const char* key) { return local_time(t + config.at(key) * 60); };
    db_->run(
        "INSERT INTO triplets_seen (sender_ip, from_addr, to_addr, create_time, block_exp_time, must_retry_by,"
        " record_exp_time) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {SqlBlob{*bin}, from, to, now_text, at_minutes("initial_block_time_mins"), at_minutes("must_try_time_mins"),
         at_minutes("record_exp_time_mins")});
  }
  db_->exec("COMMIT");
  return reply;
}

long long GreylistDb::purge_old_records() {
  const std::string now_text = local_time(now());
  db_->run("DELETE FROM triplets_seen WHERE record_exp_time < ? OR (must_retry_by < ? AND accepted_count = 0)",
           {now_text, now_text});
  return db_->changes();
}

}  // namespace whm
