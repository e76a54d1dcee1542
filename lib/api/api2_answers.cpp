#include "api2_answers.hpp"

namespace whm {

Handler api2_ok(Handler h) {
  return [h](Context& ctx, const Request& req) {
    h(ctx, req);
    Response r;
    r.data = nlohmann::json::array({{{"reason", "OK"}, {"result", 1}}});
    return r;
  };
}

}  // namespace whm
