// BIND zone files, read and written the way cPanel lays them out, keeping
// everything an edit does not touch: comments, blank lines, record order,
// $ORIGIN/$TTL, multi-line SOA and odd spacing stay byte for byte.
//
// A file is a list of entries. An entry is one physical line, or several when
// parentheses span lines (the SOA). Entries that are not changed are written
// back from their original text; changed and new records are rendered as
// cPanel does: "name<TAB>ttl<TAB>IN<TAB>TYPE<TAB>rdata".
#pragma once
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace whm {

struct ZoneRecord {
  std::string name;  // absolute, with the trailing dot ("www.example.com.")
  long ttl = 14400;
  std::string klass = "IN";
  std::string type;                // upper case; CAA read from TYPE257 is reported as CAA
  std::vector<std::string> rdata;  // presentation tokens; TXT strings unquoted
};

class Zone {
 public:
  // Parses `text` for zone `origin` (no trailing dot). Throws ApiError on a
  // line it cannot read, naming the line.
  static Zone parse(const std::string& origin, const std::string& text);
  std::string serialize() const;

  const std::string& origin() const { return origin_; }
  struct Entry {
    int line = 0;  // physical line where the entry starts (1-based)
    enum Kind { Blank, Comment, Directive, Record } kind = Blank;
    std::string text;  // original text, newline-joined; empty once re-rendered
    ZoneRecord record;
    bool dirty = false;
    bool removed = false;
    size_t serial_offset = std::string::npos, serial_length = 0;  // SOA serial token in `text`
  };
  const std::vector<Entry>& entries() const { return entries_; }
  // Records in file order with their line numbers.
  std::vector<std::pair<int, ZoneRecord>> records() const;
  std::optional<ZoneRecord> record_at(int line) const;

  void add(const ZoneRecord& r);                // appended at the end
  void replace(int line, const ZoneRecord& r);  // throws ApiError for an unknown line
  void remove(int line);                        // throws ApiError for an unknown line / the SOA
  // Sets the serial to max(YYYYMMDD00 of `now` in UTC, old + 1).
  long bump_serial(std::time_t now);
  long serial() const;
  // Refreshes the "; cPanel first:..." header's (update_time), if there is one.
  void touch_header(std::time_t now);

 private:
  std::string origin_;  // no trailing dot
  std::vector<Entry> entries_;
  Entry* entry_at(int line);
};

// Checks a record's fields: name inside the zone, type known, rdata well
// formed for the type, no line breaks or ';' that could inject lines.
void validate_record(const std::string& origin, const ZoneRecord& r);
// "www" or "www.example.com" or "www.example.com." -> "www.example.com."; "@" -> apex.
std::string absolute_name(const std::string& origin, const std::string& name);
// cPanel's rendering of one record line (tabs; apex absolute, others relative).
std::string render_record(const std::string& origin, const ZoneRecord& r);
// A record as dumpzone/getzonerecord print it.
nlohmann::json record_json(int line, const ZoneRecord& r);

struct ZoneTemplateValues {
  std::string domain, ip, ipv6, rpemail;
  std::vector<std::string> nameservers;  // up to 4
  std::string nameserver_ip;             // the A record of in-zone nameservers
  std::string hostname, version;
  long ttl = 14400, nsttl = 86400;
};
// A new zone from the standard template (or `custom_template`, with cPanel's
// %placeholders%; lines whose optional placeholders are empty are dropped).
std::string zone_from_template(const ZoneTemplateValues& v, std::time_t now,
                               const std::optional<std::string>& custom_template = std::nullopt);

}  // namespace whm
