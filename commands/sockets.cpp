// WHM API 1 Server Administration >> Connections: get_tcp4_sockets,
// get_tcp6_sockets, get_udp4_sockets, get_udp6_sockets. The kernel's socket
// tables (/proc/net/*), whatever the state root: they describe the live
// machine, and reading them changes nothing.
#include "lazy_registrations.hpp"
#include "proc_info.hpp"
#include "registry.hpp"

namespace whm {
namespace {

Response sockets_of(SocketTable table) {
  nlohmann::json payload = nlohmann::json::array();
  for (const auto& s : read_socket_table(table)) {
    payload.push_back({{"dport", s.dport},
                       {"dst", s.dst},
                       {"inode", s.inode},
                       {"rqueue", s.rqueue},
                       {"sport", s.sport},
                       {"src", s.src},
                       {"state", s.state},
                       {"uid", s.uid},
                       {"wqueue", s.wqueue}});
  }
  Response r;
  r.data = {{"payload", payload}};
  return r;
}

Response get_tcp4_sockets(Context&, const Request&) { return sockets_of(SocketTable::Tcp4); }
Response get_tcp6_sockets(Context&, const Request&) { return sockets_of(SocketTable::Tcp6); }
Response get_udp4_sockets(Context&, const Request&) { return sockets_of(SocketTable::Udp4); }
Response get_udp6_sockets(Context&, const Request&) { return sockets_of(SocketTable::Udp6); }

WHMKIT_REGISTRATIONS(registrations, Registration({"get_tcp4_sockets", get_tcp4_sockets, Access::Read, root_only()}),
                     Registration({"get_tcp6_sockets", get_tcp6_sockets, Access::Read, root_only()}),
                     Registration({"get_udp4_sockets", get_udp4_sockets, Access::Read, root_only()}),
                     Registration({"get_udp6_sockets", get_udp6_sockets, Access::Read, root_only()}), );

}  // namespace
}  // namespace whm
