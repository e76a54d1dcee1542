#include "crontab.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <map>

#include "errors.hpp"
#include "util.hpp"

namespace whm {

namespace {

constexpr const char* kNamePrefix = "# whmkit-name: ";
constexpr const char* kDisabledPrefix = "#whmkit-disabled# ";

const char* const kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
const char* const kDayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

struct FieldRule {
  const char* param;
  int low, high;
  const char* const* names;  // names[i] stands for low + i (months from 1, days from 0)
  int name_count;
};

[[noreturn]] void bad_field(const FieldRule& r, const std::string& value, const std::string& why) {
  throw invalid_param(r.param, "“" + value + "” " + why);
}

int parse_field_number(const FieldRule& r, const std::string& field, const std::string& token) {
  if (!token.empty() && is_digits(token)) {
    auto n = parse_int(token);
    // Day of week 7 is Sunday, as in cron.
    int limit = r.names == kDayNames ? 7 : r.high;
    if (!n || *n < r.low || *n > limit)
      bad_field(r, field, "has " + token + " outside " + std::to_string(r.low) + "-" + std::to_string(limit) + ".");
    return static_cast<int>(*n);
  }
  if (r.names)
    for (int i = 0; i < r.name_count; ++i)
      if (to_lower(token) == r.names[i]) return r.low + i;
  bad_field(r, field, "has “" + token + "”, which is not a number" + (r.names ? std::string(" or a name") : "") + ".");
}

// One field: comma-separated "*", "N", "N-M", each optionally "/step".
template <size_t N>
std::bitset<N> parse_field(const FieldRule& r, const std::string& field) {
  if (field.empty()) bad_field(r, field, "is empty.");
  std::bitset<N> bits;
  for (const auto& item : split(field, ',')) {
    if (item.empty()) bad_field(r, field, "has an empty list item.");
    std::string range = item;
    int step = 1;
    if (auto slash = item.find('/'); slash != std::string::npos) {
      range = item.substr(0, slash);
      auto s = parse_int(item.substr(slash + 1));
      if (!s || *s < 1 || *s > r.high)
        bad_field(r, field, "has a step that is not a number from 1 to " + std::to_string(r.high) + ".");
      step = static_cast<int>(*s);
    }
    int lo, hi;
    if (range == "*") {
      lo = r.low;
      hi = r.high;
    } else if (auto dash = range.find('-'); dash != std::string::npos) {
      lo = parse_field_number(r, field, range.substr(0, dash));
      hi = parse_field_number(r, field, range.substr(dash + 1));
      if (lo > hi) bad_field(r, field, "has a range whose start is after its end.");
    } else {
      if (step != 1) bad_field(r, field, "has a step after a single value (use a range: N-M/step).");
      lo = hi = parse_field_number(r, field, range);
    }
    for (int v = lo; v <= hi; v += step) bits.set(static_cast<size_t>(v == 7 && r.names == kDayNames ? 0 : v));
  }
  return bits;
}

const FieldRule kMinute{"minute", 0, 59, nullptr, 0};
const FieldRule kHour{"hour", 0, 23, nullptr, 0};
const FieldRule kDay{"day", 1, 31, nullptr, 0};
const FieldRule kMonth{"month", 1, 12, kMonthNames, 12};
const FieldRule kWeekday{"weekday", 0, 7, kDayNames, 7};

const std::map<std::string, std::string> kSpecials = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},  {"@midnight", "0 0 * * *"}, {"@hourly", "0 * * * *"},
};

std::vector<std::string> words_of(const std::string& s, size_t max_words, std::string* rest = nullptr) {
  std::vector<std::string> out;
  size_t i = 0;
  while (out.size() < max_words) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size()) break;
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  if (rest) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    *rest = s.substr(i);
  }
  return out;
}

// A job line ("m h dom mon dow command" or "@special command"), or nullopt.
std::optional<CronJob> parse_job_line(const std::string& line) {
  std::string t = trim(line);
  if (t.empty() || t[0] == '#') return std::nullopt;
  std::string rest;
  if (t[0] == '@') {
    auto w = words_of(t, 1, &rest);
    if (w.empty() || (w[0] != "@reboot" && !kSpecials.count(w[0])) || rest.empty()) return std::nullopt;
    return CronJob{w[0], rest, "", true};
  }
  auto w = words_of(t, 5, &rest);
  if (w.size() < 5 || rest.empty()) return std::nullopt;
  // A variable assignment ("MAILTO=x") is not a job.
  if (w[0].find('=') != std::string::npos) return std::nullopt;
  try {
    parse_cron_schedule(w[0], w[1], w[2], w[3], w[4]);
  } catch (const ValidationError&) {
    return std::nullopt;  // kept as an unknown line
  }
  return CronJob{join(w, " "), rest, "", true};
}

std::string hex_md5(const std::string& s) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), digest, &len, EVP_md5(), nullptr);
  std::string out;
  char buf[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", digest[i]);
    out += buf;
  }
  return out;
}

}  // namespace

CronSchedule parse_cron_schedule(const std::string& minute, const std::string& hour, const std::string& day,
                                 const std::string& month, const std::string& weekday) {
  if (!minute.empty() && minute[0] == '@') {
    if (!hour.empty() || !day.empty() || !month.empty() || !weekday.empty())
      throw invalid_param("minute", "“" + minute + "” stands for the whole schedule.");
    if (minute == "@reboot") {
      CronSchedule s;
      s.at_reboot = true;
      return s;
    }
    auto it = kSpecials.find(minute);
    if (it == kSpecials.end())
      throw invalid_param(
          "minute",
          "“" + minute + "” is not one of @reboot, @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly.");
    return parse_cron_expression(it->second);
  }
  CronSchedule s;
  s.minute = parse_field<60>(kMinute, minute);
  s.hour = parse_field<24>(kHour, hour);
  s.day = parse_field<32>(kDay, day);
  s.month = parse_field<13>(kMonth, month);
  s.weekday = parse_field<8>(kWeekday, weekday);
  s.day_star = !day.empty() && day[0] == '*';
  s.weekday_star = !weekday.empty() && weekday[0] == '*';
  return s;
}

CronSchedule parse_cron_expression(const std::string& expression) {
  auto w = words_of(expression, 6);
  if (w.size() == 1 && w[0][0] == '@') return parse_cron_schedule(w[0], "", "", "", "");
  if (w.size() != 5)
    throw ValidationError("Invalid cron expression “" + expression +
                          "”: it needs 5 fields (minute hour day month weekday).");
  return parse_cron_schedule(w[0], w[1], w[2], w[3], w[4]);
}

std::optional<std::time_t> next_cron_run(const CronSchedule& s, std::time_t after) {
  if (s.at_reboot) return std::nullopt;
  std::tm tm{};
  localtime_r(&after, &tm);
  tm.tm_sec = 0;
  tm.tm_min += 1;
  tm.tm_isdst = -1;
  std::time_t t = mktime(&tm);
  // Cron's day rule: when both day fields are restricted, either may match.
  auto day_matches = [&](const std::tm& x) {
    bool d = s.day.test(static_cast<size_t>(x.tm_mday)), w = s.weekday.test(static_cast<size_t>(x.tm_wday));
    if (s.day_star || s.weekday_star) return d && w;
    return d || w;
  };
  // Each step moves to the start of the next candidate month, day, hour or
  // minute; 8 years of days covers every leap-day schedule.
  const std::time_t limit = after + 8LL * 366 * 24 * 3600;
  while (t <= limit) {
    localtime_r(&t, &tm);
    tm.tm_isdst = -1;
    if (!s.month.test(static_cast<size_t>(tm.tm_mon + 1))) {
      tm.tm_mon += 1;
      tm.tm_mday = 1;
      tm.tm_hour = tm.tm_min = 0;
    } else if (!day_matches(tm)) {
      tm.tm_mday += 1;
      tm.tm_hour = tm.tm_min = 0;
    } else if (!s.hour.test(static_cast<size_t>(tm.tm_hour))) {
      tm.tm_hour += 1;
      tm.tm_min = 0;
    } else if (!s.minute.test(static_cast<size_t>(tm.tm_min))) {
      tm.tm_min += 1;
    } else {
      return t;
    }
    std::time_t next = mktime(&tm);
    if (next <= t) next = t + 60;  // a DST gap must not stall the search
    t = next;
  }
  return std::nullopt;
}

std::string iso8601_local(std::time_t t) {
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
  std::string s = buf;
  if (s.size() >= 5) s.insert(s.size() - 2, ":");  // +0700 -> +07:00
  return s;
}

void check_cron_text(const std::string& value, const char* param) {
  for (unsigned char c : value)
    if (c == '\n' || c == '\r' || c == '\0') throw invalid_param(param, "it contains a line break or NUL byte.");
}

Crontab Crontab::parse(const std::string& text) {
  Crontab c;
  std::string pending_name;
  auto lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (const auto& raw : lines) {
    if (starts_with(raw, kNamePrefix)) {
      pending_name = raw.substr(std::string(kNamePrefix).size());
      continue;
    }
    Line line{raw, false, {}};
    bool disabled = starts_with(raw, kDisabledPrefix);
    if (auto job = parse_job_line(disabled ? raw.substr(std::string(kDisabledPrefix).size()) : raw)) {
      line.is_job = true;
      line.job = *job;
      line.job.enabled = !disabled;
      line.job.name = pending_name;
    } else if (!pending_name.empty()) {
      c.lines_.push_back({kNamePrefix + pending_name, false, {}});  // a name without its job stays as it was
    }
    pending_name.clear();
    c.lines_.push_back(line);
  }
  if (!pending_name.empty()) c.lines_.push_back({kNamePrefix + pending_name, false, {}});
  return c;
}

std::vector<std::string> Crontab::render(const CronJob& job) {
  std::vector<std::string> out;
  if (!job.name.empty()) out.push_back(kNamePrefix + job.name);
  out.push_back((job.enabled ? "" : kDisabledPrefix) + job.schedule + " " + job.command);
  return out;
}

std::string Crontab::serialize() const {
  std::string out;
  for (const auto& l : lines_) {
    if (!l.is_job) {
      out += l.text + "\n";
      continue;
    }
    for (const auto& r : render(l.job)) out += r + "\n";
  }
  return out;
}

std::vector<std::string> Crontab::lines() const {
  auto text = serialize();
  auto out = split(text, '\n');
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

std::vector<size_t> Crontab::job_lines() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < lines_.size(); ++i)
    if (lines_[i].is_job) out.push_back(i);
  return out;
}

size_t Crontab::job_count() const { return job_lines().size(); }

std::vector<CronJob> Crontab::jobs() const {
  std::vector<CronJob> out;
  for (size_t i : job_lines()) out.push_back(lines_[i].job);
  return out;
}

std::string Crontab::linekey(size_t index) const {
  auto jl = job_lines();
  const CronJob& job = lines_.at(jl.at(index)).job;
  std::string text = job.schedule + " " + job.command;
  size_t occurrence = 0;
  for (size_t k = 0; k < index; ++k) {
    const CronJob& other = lines_[jl[k]].job;
    if (other.schedule + " " + other.command == text) ++occurrence;
  }
  // cPanel's key is the MD5 of the line; a repeat of a line (written by
  // hand) also hashes its number among the equal lines, to keep its own key.
  return hex_md5(occurrence == 0 ? text : text + "\n" + std::to_string(occurrence));
}

std::optional<size_t> Crontab::find_job(const std::string& schedule, const std::string& command) const {
  auto jl = job_lines();
  for (size_t i = 0; i < jl.size(); ++i)
    if (lines_[jl[i]].job.schedule == schedule && lines_[jl[i]].job.command == command) return i;
  return std::nullopt;
}

std::optional<size_t> Crontab::find_linekey(const std::string& key) const {
  for (size_t i = 0; i < job_count(); ++i)
    if (linekey(i) == key) return i;
  return std::nullopt;
}

size_t Crontab::add(const CronJob& job) {
  lines_.push_back({"", true, job});
  return job_count() - 1;
}

void Crontab::replace(size_t index, const CronJob& job) { lines_.at(job_lines().at(index)).job = job; }

void Crontab::remove(size_t index) {
  auto jl = job_lines();
  lines_.erase(lines_.begin() + static_cast<long>(jl.at(index)));
}

std::string Crontab::mailto() const {
  for (const auto& l : lines_) {
    std::string t = trim(l.text);
    if (!l.is_job && starts_with(t, "MAILTO=")) {
      std::string v = trim(t.substr(7));
      if (v.size() >= 2 && (v[0] == '"' || v[0] == '\'') && v.back() == v[0]) v = v.substr(1, v.size() - 2);
      return v;
    }
  }
  return "";
}

void Crontab::set_mailto(const std::string& address) {
  std::string line = "MAILTO=\"" + address + "\"";
  for (auto& l : lines_)
    if (!l.is_job && starts_with(trim(l.text), "MAILTO=")) {
      l.text = line;
      return;
    }
  lines_.insert(lines_.begin(), {line, false, {}});
}

}  // namespace whm
