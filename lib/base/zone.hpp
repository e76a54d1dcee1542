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
#include <functional>
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
  // Sets the serial to max(YYYYMMDD00 of `now` in UTC, old + 1), where old is
  // the zone's serial or `after` (a zone being replaced); past 4294967295 it
  // wraps around as RFC 1982 serial arithmetic allows.
  long bump_serial(std::time_t now, std::optional<long> after = std::nullopt);
  long serial() const;
  // Refreshes the "; cPanel first:..." header's (update_time), if there is one.
  void touch_header(std::time_t now);

 private:
  std::string origin_;  // no trailing dot
  std::vector<Entry> entries_;
  Entry* entry_at(int line);
};

// The most data one record can carry. RDLENGTH is 16 bits (RFC 1035
// 3.2.1), but the record must also fit a 65535-byte DNS message with its
// header and fixed fields: BIND 9.18 loads no record with more than 65510
// bytes of data (measured with named-checkzone on TXT and CAA records).
constexpr size_t kMaxRdataBytes = 65510;

// One data field of a record type, in rdata order, under the name
// addzonerecord takes it by and dumpzone prints it with.
struct RdataField {
  enum Kind { IPv4, IPv6, Host, Number, CaaTag, CaaValue, Strings };
  const char* name;
  Kind kind;
  long max = 0;  // Number: the largest value the field holds on the wire
};
// The fields of a type whmkit adds and edits (A, AAAA, CNAME, NS, PTR, MX,
// SRV, CAA, TXT, SPF); empty for any other type. TXT and SPF have one
// Strings field that holds all their character strings.
const std::vector<RdataField>& rdata_fields(const std::string& type);
// Those types, sorted.
std::vector<std::string> writable_record_types();

// What is wrong with a record, under the parameter that carries it: "name",
// "ttl", "class", "type" or a data field ("address", "txtdata"...).
struct RecordProblem {
  std::string field, why;
};
// Checks a record before it is written: name inside the zone, type one
// whmkit edits, data well formed for the type and small enough for DNS.
// Everything accepted renders to a line BIND reads back as the same record.
std::optional<RecordProblem> record_problem(const std::string& origin, const ZoneRecord& r);
// The same, thrown as invalid_param(field, why).
void validate_record(const std::string& origin, const ZoneRecord& r);
// "www" or "www.example.com" or "www.example.com." -> "www.example.com."; "@" -> apex.
std::string absolute_name(const std::string& origin, const std::string& name);
// A record's name as cPanel writes it in the zone file: relative below the
// apex ("www"), absolute for the apex itself ("example.com.").
std::string written_name(const std::string& origin, const std::string& name);
// cPanel's rendering of one record line (tabs; apex absolute, others relative;
// TXT split into character strings of at most 255 bytes).
std::string render_record(const std::string& origin, const ZoneRecord& r);
// A record as dumpzone/getzonerecord print it (TXT: the strings joined; host
// names in the data without their trailing period).
nlohmann::json record_json(int line, const ZoneRecord& r);
// The zone as dumpzone lists it, one item per entry in file order, each with
// the line it starts on ("Line", what editzonerecord and removezonerecord
// take). As real servers send it: a record is record_json plus "Lines" when it
// spans several lines (the SOA); a $TTL line is {"type": "$TTL", "ttl": N};
// any other line (comments, blank lines, other directives) is
// {"type": ":RAW", "raw": the line}. Those two carry "name": "" and a "ttl"
// as every item does: the last TTL the file stated before them (86400 before
// any), as cPanel's parser carries it.
nlohmann::json dump_zone(const Zone& zone);
// The same items one at a time, in the same order (a dumpzone of 100,000
// records is streamed to the output instead of built as one array).
void for_each_dump_item(const Zone& zone, const std::function<void(const nlohmann::json&)>& emit);

// Why a zone file from outside this server (an account archive being
// restored) must not be installed, or nullopt if it may. Refused: control
// bytes, anything that does not parse, $INCLUDE and $GENERATE (they make BIND
// read other files or mint records the zone file does not show), owner names
// outside the zone, classes other than IN, data BIND would reject for the
// types whmkit knows, and a missing or misplaced SOA.
std::optional<std::string> foreign_zone_problem(const std::string& origin, const std::string& text);

// The records that can still be read from a zone that may be damaged: every
// entry that parses on its own, in file order; the rest is skipped.
std::vector<ZoneRecord> salvage_records(const std::string& origin, const std::string& text);

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
