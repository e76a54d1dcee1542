// A user's crontab (the spool file, as `crontab -l` shows it) and cron
// schedules: parsing the five fields the way Debian's cron (Vixie cron) does,
// and computing when a schedule next fires.
//
// whmkit's own additions keep the file a valid crontab:
//   # whmkit-name: nightly         a job's name, on the line before the job
//   #whmkit-disabled# 0 3 * * * x   a disabled job: commented out, not lost
// Every other line (comments, variables, jobs written by hand) is kept as it was.
#pragma once
#include <bitset>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace whm {

struct CronSchedule {
  std::bitset<60> minute;
  std::bitset<24> hour;
  std::bitset<32> day;                          // 1..31
  std::bitset<13> month;                        // 1..12
  std::bitset<8> weekday;                       // 0..6, Sunday = 0 (7 is folded into 0)
  bool day_star = false, weekday_star = false;  // the field began with "*"
  bool at_reboot = false;
};

// Parses the five fields, or one "@hourly"-style word in `minute` with the
// others empty. Throws ValidationError naming the bad field
// ("Invalid value for parameter “hour”: ...").
CronSchedule parse_cron_schedule(const std::string& minute, const std::string& hour, const std::string& day,
                                 const std::string& month, const std::string& weekday);
// "m h dom mon dow" or "@daily"; the fields must be separated by blanks.
CronSchedule parse_cron_expression(const std::string& expression);

// The first minute strictly after `after` when the schedule fires, in local
// time; nullopt for @reboot or a schedule that never fires (31 February).
std::optional<std::time_t> next_cron_run(const CronSchedule& s, std::time_t after);
// "2026-05-18T17:44:36+07:00"
std::string iso8601_local(std::time_t t);

struct CronJob {
  std::string schedule;  // "0 3 * * *" or "@daily" (normalised spacing)
  std::string command;
  std::string name;
  bool enabled = true;
};

class Crontab {
 public:
  static Crontab parse(const std::string& text);
  std::string serialize() const;

  size_t job_count() const;
  // Jobs in file order; index is the 0-based job number.
  std::vector<CronJob> jobs() const;
  // A stable key for the job: cPanel's, the MD5 of "SCHEDULE COMMAND" (a
  // repeated line also hashes its number among the equal lines).
  std::string linekey(size_t index) const;
  std::optional<size_t> find_linekey(const std::string& key) const;
  // The first job with this schedule and command (enabled or not).
  std::optional<size_t> find_job(const std::string& schedule, const std::string& command) const;

  size_t add(const CronJob& job);  // appended; returns its index
  void replace(size_t index, const CronJob& job);
  void remove(size_t index);

  std::string mailto() const;  // "" if none
  void set_mailto(const std::string& address);
  // The file's lines, for fetchcron.
  std::vector<std::string> lines() const;

 private:
  struct Line {
    std::string text;  // the line as written (jobs: rebuilt from job)
    bool is_job = false;
    CronJob job;
  };
  std::vector<Line> lines_;
  std::vector<size_t> job_lines() const;
  static std::vector<std::string> render(const CronJob& job);
};

// Refuses a command or name that could break the file (newline, CR, NUL).
void check_cron_text(const std::string& value, const char* param);

}  // namespace whm
