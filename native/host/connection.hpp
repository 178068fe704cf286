#pragma once
// truce-host's connections. cpp-httplib still parses, routes and writes each
// answer; this server only owns the socket between requests.
//
// Debian's cpp-httplib 0.11.4 sends an answer in two send() calls (status
// line and headers, then the body), so with TCP_NODELAY every answer is two
// segments and two wake-ups of the client; and it calls poll() before every
// read and twice before every write, and getpeername/getsockname for every
// request: six polls, two sends and two address look-ups per request, half
// of the host's time under a write load (bench/results/host.md). Here the
// answer is gathered and sent once, a poll happens only when the socket has
// nothing to give (or cannot take more), and the addresses are looked up
// once per connection.
#include <httplib.h>

namespace truce::host {

class Server : public httplib::Server {
 public:
  // Called while a request is answered (from a handler): the connection
  // closes once the answer is sent. For requests whose framing is lost (a
  // request line or header that could not be read), where the bytes after
  // them are no request either.
  static void close_after_answer();

 private:
  bool process_and_close_socket(socket_t sock) override;
};

}  // namespace truce::host
