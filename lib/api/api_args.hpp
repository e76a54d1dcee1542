// WHM API 1's generic output arguments (api.columns, api.filter, api.sort,
// api.chunk), applied by the core to any function that returns a list: the
// records are the single array value of `data` (e.g. data.acct).
// Order of application, as on a real server: columns, filter, sort, chunk.
#pragma once
#include <nlohmann/json.hpp>

namespace whm {

// `api` is the api.* argument tree (api.filter.a.field -> api["filter"]["a"]["field"]).
// Adds the metadata blocks the real server adds (filter/sort/chunk only with
// their .verbose=1, columns whenever enabled). Throws ValidationError on
// malformed arguments.
void apply_api_args(const nlohmann::json& api, nlohmann::json& data, nlohmann::json& metadata);

}  // namespace whm
