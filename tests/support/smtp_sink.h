// A tiny SMTP server for tests (header-only, POSIX sockets).
//
// SmtpSink listens on 127.0.0.1 on a free port and serves one connection at
// a time on a background thread, speaking just enough SMTP for libcurl:
// 220 greeting, EHLO/HELO, optional AUTH PLAIN/LOGIN, MAIL FROM, RCPT TO,
// DATA (dot-stuffing undone), RSET, NOOP, QUIT. It never advertises
// STARTTLS. Every accepted message is recorded with its envelope.
//
//   gongkai::test_support::SmtpSink sink;            // or SmtpSink({.reject_rcpt = true})
//   SmtpConfig config{.url = sink.url()};
//   ... send ...
//   ASSERT_TRUE(sink.WaitForMessages(1, std::chrono::seconds(5)));
//   auto got = sink.messages();
//
// A client that disconnects at any point is simply forgotten; a message is
// recorded only after its final "." line. The destructor stops the thread
// (even while a client is connected) and closes the port.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace gongkai::test_support {

struct SmtpSinkOptions {
  bool reject_rcpt = false;  // answer every RCPT TO with 550
  // When `username` is non-empty, EHLO advertises "AUTH <auth_mechanisms>",
  // MAIL FROM needs a successful AUTH first (530 otherwise), and AUTH checks
  // these credentials (235 on success, 535 otherwise).
  std::string username;
  std::string password;
  std::string auth_mechanisms = "PLAIN LOGIN";  // any of PLAIN, LOGIN
};

struct SmtpSinkMessage {
  std::string mail_from;             // MAIL FROM address, without < >
  std::vector<std::string> rcpt_to;  // RCPT TO addresses, without < >, in order
  std::string data;                  // text after DATA, dot-stuffing undone, CRLF line ends, without "."
  std::string auth_user;             // who authenticated on this connection, empty if nobody
};

class SmtpSink {
 public:
  explicit SmtpSink(SmtpSinkOptions options = {}) : options_(std::move(options)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error(std::string("SmtpSink: socket: ") + std::strerror(errno));
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      const std::string why = std::strerror(errno);
      ::close(listen_fd_);
      throw std::runtime_error("SmtpSink: bind/listen: " + why);
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { AcceptLoop(); });
  }

  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  ~SmtpSink() { Stop(); }

  // Stops serving and closes the port; idempotent. Afterwards nothing
  // listens on port().
  void Stop() {
    if (stop_.exchange(true)) return;
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes a blocked accept/poll at once
    if (thread_.joinable()) thread_.join();
    ::close(listen_fd_);
  }

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  std::vector<SmtpSinkMessage> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }

  // Every command line received, in order, across connections (AUTH
  // responses included, message text excluded).
  std::vector<std::string> commands() const {
    std::lock_guard lock(mutex_);
    return commands_;
  }

  // Number of connections accepted so far.
  int connections() const {
    std::lock_guard lock(mutex_);
    return connections_;
  }

  // True once at least `n` messages have arrived, false after `timeout`.
  bool WaitForMessages(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
  }

 private:
  // One client connection: buffered line reading that gives up when the
  // sink stops or the client goes away.
  class Connection {
   public:
    Connection(int fd, const std::atomic<bool>& stop) : fd_(fd), stop_(stop) {}

    bool Write(std::string_view text) {
      while (!text.empty()) {
        const ssize_t n = ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        text.remove_prefix(static_cast<std::size_t>(n));
      }
      return true;
    }

    // Next line without its CRLF (or bare LF). False on disconnect, stop,
    // or an absurdly long line.
    bool ReadLine(std::string& line) {
      for (;;) {
        const std::size_t nl = buffer_.find('\n');
        if (nl != std::string::npos) {
          line.assign(buffer_, 0, nl);
          if (!line.empty() && line.back() == '\r') line.pop_back();
          buffer_.erase(0, nl + 1);
          return true;
        }
        if (buffer_.size() > (1u << 20)) return false;
        pollfd pfd{fd_, POLLIN, 0};
        const int ready = ::poll(&pfd, 1, 50);
        if (stop_.load()) return false;
        if (ready < 0 && errno != EINTR) return false;
        if (ready <= 0) continue;
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        buffer_.append(chunk, static_cast<std::size_t>(n));
      }
    }

   private:
    int fd_;
    const std::atomic<bool>& stop_;
    std::string buffer_;
  };

  static bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      char c = s[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c != prefix[i]) return false;
    }
    return true;
  }

  // "<addr> SIZE=12" -> "addr".
  static std::string ParsePath(std::string_view arg) {
    while (!arg.empty() && arg.front() == ' ') arg.remove_prefix(1);
    if (!arg.empty() && arg.front() == '<') {
      const std::size_t gt = arg.find('>');
      return std::string(arg.substr(1, gt == std::string_view::npos ? std::string_view::npos : gt - 1));
    }
    return std::string(arg.substr(0, arg.find(' ')));
  }

  static std::string DecodeBase64(std::string_view in) {
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : in) {
      int v;
      if (c >= 'A' && c <= 'Z') {
        v = c - 'A';
      } else if (c >= 'a' && c <= 'z') {
        v = c - 'a' + 26;
      } else if (c >= '0' && c <= '9') {
        v = c - '0' + 52;
      } else if (c == '+') {
        v = 62;
      } else if (c == '/') {
        v = 63;
      } else {
        continue;  // '=', whitespace
      }
      buffer = (buffer << 6) | static_cast<unsigned>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += static_cast<char>((buffer >> bits) & 0xFF);
      }
    }
    return out;
  }

  void Record(std::string line) {
    std::lock_guard lock(mutex_);
    commands_.push_back(std::move(line));
  }

  void AcceptLoop() {
    while (!stop_.load()) {
      pollfd pfd{listen_fd_, POLLIN, 0};
      const int ready = ::poll(&pfd, 1, 50);
      if (stop_.load()) break;
      if (ready <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      {
        std::lock_guard lock(mutex_);
        ++connections_;
      }
      Serve(fd);
      ::close(fd);
    }
  }

  // Reads one AUTH response line; false if the client went away or cancelled.
  bool ReadAuthLine(Connection& c, std::string& line) {
    if (!c.ReadLine(line)) return false;
    Record(line);
    if (line == "*") {
      c.Write("501 5.0.0 Authentication cancelled\r\n");
      return false;
    }
    return true;
  }

  bool MechanismOffered(std::string_view mech) const {
    std::string_view list = options_.auth_mechanisms;
    while (!list.empty()) {
      const std::size_t sp = list.find(' ');
      if (list.substr(0, sp) == mech) return true;
      if (sp == std::string_view::npos) break;
      list.remove_prefix(sp + 1);
    }
    return false;
  }

  // Handles "AUTH ..."; returns false if the connection should end.
  bool HandleAuth(Connection& c, std::string_view args, bool& authed, std::string& auth_user) {
    if (options_.username.empty()) return c.Write("502 5.5.1 AUTH not available\r\n");
    if (authed) return c.Write("503 5.5.1 Already authenticated\r\n");
    const std::size_t sp = args.find(' ');
    std::string mech(args.substr(0, sp));
    for (char& ch : mech) {
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    }
    const std::string initial = sp == std::string_view::npos ? std::string() : std::string(args.substr(sp + 1));
    if (!MechanismOffered(mech)) return c.Write("504 5.5.4 Unrecognized authentication type\r\n");
    std::string user;
    std::string pass;
    std::string line;
    if (mech == "PLAIN") {
      std::string response = initial;
      if (response.empty()) {
        if (!c.Write("334 \r\n")) return false;
        if (!ReadAuthLine(c, line)) return true;
        response = line;
      }
      // authzid NUL authcid NUL passwd
      const std::string decoded = DecodeBase64(response);
      const std::size_t first = decoded.find('\0');
      const std::size_t second = first == std::string::npos ? std::string::npos : decoded.find('\0', first + 1);
      if (second != std::string::npos) {
        user = decoded.substr(first + 1, second - first - 1);
        pass = decoded.substr(second + 1);
      }
    } else {  // LOGIN
      if (initial.empty()) {
        if (!c.Write("334 VXNlcm5hbWU6\r\n")) return false;  // "Username:"
        if (!ReadAuthLine(c, line)) return true;
        user = DecodeBase64(line);
      } else {
        user = DecodeBase64(initial);
      }
      if (!c.Write("334 UGFzc3dvcmQ6\r\n")) return false;  // "Password:"
      if (!ReadAuthLine(c, line)) return true;
      pass = DecodeBase64(line);
    }
    if (!user.empty() && user == options_.username && pass == options_.password) {
      authed = true;
      auth_user = user;
      return c.Write("235 2.7.0 Authentication successful\r\n");
    }
    return c.Write("535 5.7.8 Authentication credentials invalid\r\n");
  }

  void Serve(int fd) {
    Connection c(fd, stop_);
    if (!c.Write("220 127.0.0.1 SmtpSink ESMTP ready\r\n")) return;
    bool authed = options_.username.empty();
    std::string auth_user;
    SmtpSinkMessage current;
    bool have_from = false;
    std::string line;
    while (c.ReadLine(line)) {
      Record(line);
      bool ok = true;
      if (StartsWithNoCase(line, "EHLO")) {
        std::string reply = "250-127.0.0.1 greets you\r\n";
        if (!options_.username.empty()) reply += "250-AUTH " + options_.auth_mechanisms + "\r\n";
        reply += "250 8BITMIME\r\n";
        ok = c.Write(reply);
      } else if (StartsWithNoCase(line, "HELO")) {
        ok = c.Write("250 127.0.0.1\r\n");
      } else if (StartsWithNoCase(line, "AUTH ")) {
        ok = HandleAuth(c, std::string_view(line).substr(5), authed, auth_user);
      } else if (StartsWithNoCase(line, "MAIL FROM:")) {
        if (!authed) {
          ok = c.Write("530 5.7.0 Authentication required\r\n");
        } else {
          current = SmtpSinkMessage{};
          current.mail_from = ParsePath(std::string_view(line).substr(10));
          current.auth_user = auth_user;
          have_from = true;
          ok = c.Write("250 2.1.0 Ok\r\n");
        }
      } else if (StartsWithNoCase(line, "RCPT TO:")) {
        if (!have_from) {
          ok = c.Write("503 5.5.1 Need MAIL first\r\n");
        } else if (options_.reject_rcpt) {
          ok = c.Write("550 5.1.1 Recipient address rejected: User unknown\r\n");
        } else {
          current.rcpt_to.push_back(ParsePath(std::string_view(line).substr(8)));
          ok = c.Write("250 2.1.5 Ok\r\n");
        }
      } else if (StartsWithNoCase(line, "DATA")) {
        if (!have_from || current.rcpt_to.empty()) {
          ok = c.Write("503 5.5.1 Need RCPT first\r\n");
        } else {
          if (!c.Write("354 End data with <CR><LF>.<CR><LF>\r\n")) return;
          std::string data;
          for (;;) {
            if (!c.ReadLine(line)) return;  // client went away mid-message: nothing recorded
            if (line == ".") break;
            if (!line.empty() && line.front() == '.') line.erase(0, 1);
            data += line;
            data += "\r\n";
          }
          current.data = std::move(data);
          {
            std::lock_guard lock(mutex_);
            messages_.push_back(std::move(current));
          }
          cv_.notify_all();
          current = SmtpSinkMessage{};
          have_from = false;
          ok = c.Write("250 2.0.0 Ok: queued\r\n");
        }
      } else if (StartsWithNoCase(line, "RSET")) {
        current = SmtpSinkMessage{};
        have_from = false;
        ok = c.Write("250 2.0.0 Ok\r\n");
      } else if (StartsWithNoCase(line, "NOOP")) {
        ok = c.Write("250 2.0.0 Ok\r\n");
      } else if (StartsWithNoCase(line, "QUIT")) {
        c.Write("221 2.0.0 Bye\r\n");
        return;
      } else {
        ok = c.Write("502 5.5.2 Command not recognized\r\n");
      }
      if (!ok) return;
    }
  }

  SmtpSinkOptions options_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  std::vector<SmtpSinkMessage> messages_;
  std::vector<std::string> commands_;
  int connections_ = 0;
};

}  // namespace gongkai::test_support
