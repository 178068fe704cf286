#include "connection.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace truce::host {
namespace {

// A connection is served by one thread from its first request to its last,
// and handlers run on that thread.
thread_local bool closing_after_answer = false;

int to_ms(time_t sec, time_t usec) { return static_cast<int>(sec * 1000 + usec / 1000); }

// One connection's bytes both ways. Reads come from a buffer filled by one
// recv() at a time; what cpp-httplib writes is kept until flush(), which the
// connection loop calls after each request, so an answer leaves in one send.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(socket_t sock, int read_timeout_ms, int write_timeout_ms)
      : sock_(sock), read_timeout_ms_(read_timeout_ms), write_timeout_ms_(write_timeout_ms) {}

  // True when a request's first bytes are here or arrive within `timeout_ms`.
  // Empty lines before a request are skipped (RFC 9112 §2.2: some clients
  // send a CRLF after a body): those already here, and those of one more
  // read, so a client cannot keep the connection with empty lines alone.
  bool wait_for_request(int timeout_ms) {
    for (int reads = 0;; ++reads) {
      while (begin_ < end_ && (in_[begin_] == '\r' || in_[begin_] == '\n')) ++begin_;
      if (begin_ < end_) return true;
      if (reads == 2 || !wait(POLLIN, timeout_ms) || fill() <= 0) return false;
    }
  }

  // Sends what was written; false when the client is gone or stopped reading
  // for longer than the write timeout.
  bool flush() {
    std::size_t sent = 0;
    while (sent < out_.size()) {
      const ssize_t n = ::send(sock_, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) {
        sent += static_cast<std::size_t>(n);
      } else if (errno != EINTR && !(would_block() && wait(POLLOUT, write_timeout_ms_))) {
        out_.clear();
        return false;
      }
    }
    out_.clear();
    return true;
  }

  bool is_readable() const override { return begin_ < end_ || wait(POLLIN, read_timeout_ms_); }
  // Writes only fill the buffer; flush() finds out whether the client takes them.
  bool is_writable() const override { return true; }

  ssize_t read(char* ptr, size_t size) override {
    if (begin_ == end_) {
      const ssize_t filled = fill();
      if (filled <= 0) return filled;
    }
    const std::size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, in_.data() + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    // A large body (a static file) goes out as it comes rather than whole.
    if (out_.size() >= kFlushBytes && !flush()) return -1;
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    if (remote_port_ < 0) address_of(::getpeername, remote_ip_, remote_port_);
    ip = remote_ip_;
    port = remote_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    if (local_port_ < 0) address_of(::getsockname, local_ip_, local_port_);
    ip = local_ip_;
    port = local_port_;
  }
  socket_t socket() const override { return sock_; }

 private:
  static constexpr std::size_t kFlushBytes = std::size_t{64} << 10;

  static bool would_block() { return errno == EAGAIN || errno == EWOULDBLOCK; }

  bool wait(short events, int timeout_ms) const {
    pollfd watched{sock_, events, 0};
    for (;;) {
      const int ready = ::poll(&watched, 1, timeout_ms);
      if (ready >= 0 || errno != EINTR) return ready > 0;
    }
  }

  // Refills the empty read buffer: the bytes read, 0 when the client
  // closed, -1 on an error or after the read timeout. Anything written so
  // far goes out first: the client may be waiting for it (a 100 Continue)
  // before it sends more.
  ssize_t fill() {
    if (!flush()) return -1;
    begin_ = end_ = 0;
    for (;;) {
      const ssize_t n = ::recv(sock_, in_.data(), in_.size(), MSG_DONTWAIT);
      if (n >= 0) {
        end_ = static_cast<std::size_t>(n);
        return n;
      }
      if (errno != EINTR && !(would_block() && wait(POLLIN, read_timeout_ms_))) return -1;
    }
  }

  template <class Lookup>
  void address_of(Lookup lookup, std::string& ip, int& port) const {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    std::array<char, NI_MAXHOST> host{};
    std::array<char, NI_MAXSERV> service{};
    port = 0;
    if (lookup(sock_, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
        ::getnameinfo(reinterpret_cast<sockaddr*>(&address), length, host.data(), host.size(), service.data(),
                      service.size(), NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
      ip = host.data();
      port = std::atoi(service.data());
    }
  }

  socket_t sock_;
  int read_timeout_ms_, write_timeout_ms_;
  std::array<char, std::size_t{16} << 10> in_{};
  std::size_t begin_ = 0, end_ = 0;
  std::string out_;
  mutable std::string remote_ip_, local_ip_;
  mutable int remote_port_ = -1, local_port_ = -1;
};

}  // namespace

void Server::close_after_answer() { closing_after_answer = true; }

// cpp-httplib's own loop, over the stream above: up to keep_alive_max_count_
// requests, each awaited for at most keep_alive_timeout_sec_, until the
// server stops.
bool Server::process_and_close_socket(socket_t sock) {
  bool ok = false;
  {
    ConnectionStream stream(sock, to_ms(read_timeout_sec_, read_timeout_usec_),
                            to_ms(write_timeout_sec_, write_timeout_usec_));
    const int keep_alive_ms = to_ms(keep_alive_timeout_sec_, 0);
    for (std::size_t left = keep_alive_max_count_;
         left > 0 && svr_sock_ != INVALID_SOCKET && stream.wait_for_request(keep_alive_ms); --left) {
      bool closed = false;
      closing_after_answer = false;
      ok = process_request(stream, left == 1, closed, nullptr);
      ok = stream.flush() && ok;
      if (!ok || closed || closing_after_answer) break;
    }
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace truce::host
