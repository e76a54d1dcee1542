#include "dns_params.hpp"

#include "dns_store.hpp"

#include "util.hpp"
#include "zone.hpp"

namespace whm {
namespace {

ParamSpec described(const char* name, ParamType type, const std::string& description) {
  return whm::described(make_param(name, type), description);
}

ParamSpec number_param(const char* name, long long max, const std::string& description) {
  ParamSpec p = described(name, ParamType::Integer, description);
  p.min = 0;
  p.max = max;
  return p;
}

// "A, AAAA: address" ...: which data parameters each record type takes.
std::string fields_per_type() {
  std::string out;
  for (const auto& type : writable_record_types()) {
    std::vector<std::string> names;
    for (const auto& f : rdata_fields(type)) names.push_back(f.name);
    out += "\n  " + type + ": " + join(names, ", ");
  }
  return out;
}

}  // namespace

std::vector<ParamSpec> zone_record_params(bool edit) {
  const std::string keeps = edit ? " Left out: the record keeps its current one." : "";
  auto host = [&](const char* name, const std::string& what) {
    return described(name, ParamType::String,
                     what + " A name without a trailing period gets one (it is not relative to the zone)." + keeps);
  };
  ParamSpec name = described(
      "name", ParamType::String,
      "The record's name: relative to the zone (\"www\"), absolute with a trailing period (\"www.example.com.\"), "
      "or \"@\" for the zone itself. It must lie inside the zone." +
          keeps);
  ParamSpec type =
      described("type", ParamType::String,
                "The record type (any case), and the parameters that carry each type's data:" + fields_per_type() +
                    (edit ? "\nLeft out: the record keeps its type." : ""));
  ParamSpec klass = described("class", ParamType::String, "The record's class; only IN is accepted." + keeps);
  ParamSpec ttl = described("ttl", ParamType::Integer, "The record's Time To Live (TTL), in seconds." + keeps);
  ttl.min = 1;
  ttl.max = 2147483647;
  name.required = type.required = !edit;
  if (!edit) {
    klass.default_value = "IN";
    ttl.default_value = std::to_string(kAddedRecordTtl);
  }
  return {
      name,
      type,
      klass,
      ttl,
      described("address", ParamType::String, "A and AAAA records: the IPv4 (A) or IPv6 (AAAA) address." + keeps),
      host("cname", "CNAME records: the host name the record is an alias of."),
      host("exchange", "MX records: the mail server's host name."),
      number_param("preference", 65535, "MX records: the mail server's priority; lower numbers come first." + keeps),
      host("nsdname", "NS records: the name server's host name."),
      host("ptrdname", "PTR records: the host name the address points to."),
      number_param("priority", 65535, "SRV records: the target's priority; lower numbers come first." + keeps),
      number_param("weight", 65535, "SRV records: the relative weight of targets of the same priority." + keeps),
      number_param("port", 65535, "SRV records: the service's port on the target." + keeps),
      host("target", "SRV records: the host name that offers the service."),
      number_param("flag", 255, "CAA records: the flags (128: issuer critical)." + keeps),
      described("tag", ParamType::String,
                "CAA records: the property, for example issue, issuewild or iodef (letters and digits)." + keeps),
      described("value", ParamType::String, "CAA records: the property's value, for example letsencrypt.org." + keeps),
      described("txtdata", ParamType::String,
                "TXT and SPF records: the text. Text longer than 255 bytes is written as several character strings, "
                "as DNS requires, and read back as one value. A record carries at most " +
                    std::to_string(kMaxRdataBytes) + " bytes of data (a byte per string besides the text)." + keeps),
  };
}

std::string zone_arg(const Request& req, const char* key) { return zone_name_arg(req.require(key), key); }

}  // namespace whm
