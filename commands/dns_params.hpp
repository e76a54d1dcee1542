// The parameters that carry one DNS record, shared by WHM addzonerecord /
// editzonerecord and API 2 ZoneEdit add_zone_record / edit_zone_record.
#pragma once
#include <string>
#include <vector>

#include "registry.hpp"

namespace whm {

// addzonerecord's TTL when none is given, as the reference documents it.
constexpr long kAddedRecordTtl = 86400;

// The record's name, type, class, TTL and every type's data fields
// (rdata_fields). The reference documents the A record's only. Record names
// are relative or absolute host names, not domains; the data fields are
// checked by validate_record. `edit`: all optional, a field left out keeps
// the record's current value.
std::vector<ParamSpec> zone_record_params(bool edit);

// The zone the parameter `key` names (required), refused naming `key` when it cannot be one.
std::string zone_arg(const Request& req, const char* key);

}  // namespace whm
