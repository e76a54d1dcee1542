// What the WHM API Development Tools read or fetch:
//
//  * cPanel API 1 usage, as cPanel's analytics daemon summarises it per
//    day: var/cpanel/analytics/data/api1.YYYY-MM-DD.log.summary, one JSON
//    object {"api1_calls": {"Module::function": count, ...},
//    "api1_pages": {"/path/of/the/page": count, ...}}.
//  * A web page fetched on behalf of WHM's interface (cors_proxy_get),
//    through libcurl (curl_api.hpp: only loopback unless the state root is "/").
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

namespace api_analytics {
inline constexpr const char* kDataDir = "var/cpanel/analytics/data";
}

// Every day's entries of one kind ("api1_calls" or "api1_pages"): a list of
// {"count", "entry", "timestamp"} (the day's local midnight), by day. A
// summary that does not parse adds a warning naming it.
nlohmann::json api1_usage(const StateRoot& root, const std::string& kind);

// GETs `url` (http or https) with an Origin header as a browser on WHM's
// page would send it, following up to five redirects. Returns the response
// as cPanel's HTTP client gives it: url, status (text), reason, protocol,
// success (1 or 0), headers (lower-case names), content, and
// "_cp_redirects" (the responses that redirected, without content) when
// there were any. Throws ApiError when the URL is not http(s) or nothing answered.
nlohmann::json cors_proxy_fetch(const std::string& url, const std::string& origin);

}  // namespace whm
