#include "net/smtp_mailer.h"

#include <curl/curl.h>
#include <fmt/core.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>
#include <utility>

#include "core/date.h"
#include "core/utf8.h"

namespace gongkai {
namespace {

constexpr std::size_t kMaxHeaderLine = 78;  // RFC 5322 2.1.1 "SHOULD"
constexpr std::size_t kMaxEncodedWord = 75;  // RFC 2047 section 2
constexpr std::string_view kWordPrefix = "=?UTF-8?B?";
constexpr std::string_view kWordSuffix = "?=";
constexpr std::size_t kBodyLine = 76;  // RFC 2045 6.8

// ---- text helpers -----------------------------------------------------------

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16) |
                   (static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8) |
                   static_cast<unsigned>(static_cast<unsigned char>(in[i + 2]));
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    auto n = static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16;
    if (rest == 2) n |= static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Length of the valid UTF-8 sequence at the start of `s`, or 0 if it is not
// one (bad lead byte, truncated, overlong, surrogate, beyond U+10FFFF).
std::size_t ValidUtf8Length(std::string_view s) {
  char32_t cp = 0;
  return DecodeUtf8(s, 0, cp);
}

// Header text made harmless: CR, LF and other control characters except TAB
// become spaces, invalid UTF-8 becomes U+FFFD. The result is valid UTF-8
// with no line breaks.
std::string SanitizeHeaderText(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      out += (c < 0x20 && c != '\t') || c == 0x7f ? ' ' : static_cast<char>(c);
      ++i;
      continue;
    }
    const std::size_t len = ValidUtf8Length(in.substr(i));
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(in.substr(i, len));
      i += len;
    }
  }
  return out;
}

// `in` with CR and LF replaced by spaces: for values that are validated
// elsewhere (addresses, date, message id) but must never break a header.
std::string OneLine(std::string_view in) {
  std::string out(in);
  std::replace(out.begin(), out.end(), '\r', ' ');
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

bool IsPrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

// Length of the UTF-8 character starting at lead byte `c` of valid UTF-8.
std::size_t Utf8CharLength(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x80) return 1;
  if ((u & 0xE0) == 0xC0) return 2;
  if ((u & 0xF0) == 0xE0) return 3;
  return 4;
}

// Appends `text` (valid UTF-8, no line breaks) to `out` as RFC 2047 "B"
// encoded-words, one per line, folded with CRLF SP. The current line already
// holds `line_len` characters. Each word holds whole UTF-8 characters, is at
// most 75 characters long, and no line exceeds 78. Returns the length of the
// last line.
std::size_t AppendEncodedWords(std::string& out, std::string_view text, std::size_t line_len) {
  constexpr std::size_t kOverhead = kWordPrefix.size() + kWordSuffix.size();
  std::size_t i = 0;
  bool first = true;
  while (i < text.size()) {
    const std::size_t line_room = first ? kMaxHeaderLine - std::min(line_len, kMaxHeaderLine - 24) : kMaxHeaderLine - 1;
    const std::size_t word_room = std::min(kMaxEncodedWord, line_room);
    const std::size_t max_bytes = (word_room - kOverhead) / 4 * 3;  // >= 9: any character fits
    std::size_t j = i;
    while (j < text.size()) {
      const std::size_t len = std::min(Utf8CharLength(text[j]), text.size() - j);
      if (j + len - i > max_bytes) break;
      j += len;
    }
    if (!first) {
      out += "\r\n ";
      line_len = 1;
    }
    const std::string word = std::string(kWordPrefix) + Base64(text.substr(i, j - i)) + std::string(kWordSuffix);
    out += word;
    line_len += word.size();
    first = false;
    i = j;
  }
  return line_len;
}

// "\"Name\" <addr>" with backslash escapes for '"' and '\'.
std::string QuotedString(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

// Body with every line end (LF, CRLF or a lone CR) as CRLF.
std::string ToCrlf(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 32);
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r') {
      out += "\r\n";
      if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
    } else if (in[i] == '\n') {
      out += "\r\n";
    } else {
      out += in[i];
    }
  }
  return out;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char a = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (a != prefix[i]) return false;
  }
  return true;
}

// ---- libcurl plumbing --------------------------------------------------------

struct GlobalState {
  bool curl_ok = false;
  bool sodium_ok = false;
};

const GlobalState& GlobalInit() {
  static GlobalState state;
  static std::once_flag once;
  std::call_once(once, [] {
    state.curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    state.sodium_ok = sodium_init() >= 0;
  });
  return state;
}

std::string NewMessageId() {
  std::array<unsigned char, 16> random{};
  randombytes_buf(random.data(), random.size());
  std::array<char, 16 * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
  return fmt::format("<{}@gongkai>", hex.data());
}

struct Upload {
  std::string_view data;
  std::size_t pos = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t nitems, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * nitems, upload->data.size() - upload->pos);
  std::memcpy(buffer, upload->data.data() + upload->pos, n);
  upload->pos += n;
  return n;
}

// What the conversation showed, for the error message. Only server replies
// and the verb (and for MAIL/RCPT the address) of our commands are kept:
// never the AUTH exchange.
struct Transcript {
  std::string partial_in;   // incomplete reply line
  std::string pending;      // earlier lines of a multi-line error reply
  std::string error_reply;  // last 4xx/5xx reply
  long error_code = 0;
  std::string last_verb;  // of our latest command: "MAIL", "RCPT", "DATA", ...
  std::string last_address;
  std::string error_verb;  // of the command that got error_reply
  std::string error_address;

  void OnReplyLine(std::string_view line) {
    if (line.size() < 3 || line[0] < '4' || line[0] > '5' || !std::isdigit(static_cast<unsigned char>(line[1])) ||
        !std::isdigit(static_cast<unsigned char>(line[2]))) {
      pending.clear();
      return;
    }
    if (!pending.empty()) pending += ' ';
    pending.append(line);
    if (line.size() > 3 && line[3] == '-') return;  // more lines follow
    error_reply = std::move(pending);
    pending.clear();
    error_code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    error_verb = last_verb;  // curl goes on to send QUIT: remember what failed
    error_address = last_address;
  }

  void OnCommand(std::string_view line) {
    const std::size_t end = line.find_first_of(" :\r\n");
    const std::string_view verb = line.substr(0, end);
    static constexpr std::string_view kVerbs[] = {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL",
                                                  "RCPT", "DATA", "RSET",     "QUIT", "NOOP"};
    if (std::find(std::begin(kVerbs), std::end(kVerbs), verb) == std::end(kVerbs)) return;
    last_verb = verb;
    last_address.clear();
    if (verb == "MAIL" || verb == "RCPT") {
      const std::size_t lt = line.find('<');
      const std::size_t gt = line.find('>', lt == std::string_view::npos ? 0 : lt);
      if (lt != std::string_view::npos && gt != std::string_view::npos) last_address = line.substr(lt + 1, gt - lt - 1);
    }
  }
};

int OnDebug(CURL* /*handle*/, curl_infotype type, char* data, std::size_t size, void* user) {
  auto* t = static_cast<Transcript*>(user);
  if (type == CURLINFO_HEADER_IN) {
    t->partial_in.append(data, size);
    std::size_t nl;
    while ((nl = t->partial_in.find('\n')) != std::string::npos) {
      std::string_view line(t->partial_in.data(), nl);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      t->OnReplyLine(line);
      t->partial_in.erase(0, nl + 1);
    }
    if (t->partial_in.size() > 4096) t->partial_in.clear();
  } else if (type == CURLINFO_HEADER_OUT) {
    t->OnCommand(std::string_view(data, size));
  }
  return 0;
}

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::string ReasonFor(CURLcode rc, const Transcript& t, int timeout_seconds) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST: return "无法解析邮件服务器的域名";
    case CURLE_COULDNT_CONNECT: return "无法连接邮件服务器";
    case CURLE_OPERATION_TIMEDOUT: return fmt::format("邮件服务器在{}秒内未完成应答（超时）", timeout_seconds);
    case CURLE_LOGIN_DENIED: return "邮件服务器拒绝登录，请检查用户名和密码";
    case CURLE_AUTH_ERROR: return "邮件服务器不支持可用的登录方式";
    case CURLE_USE_SSL_FAILED: return "邮件服务器不支持STARTTLS加密";
    case CURLE_SSL_CONNECT_ERROR: return "无法与邮件服务器建立TLS加密连接";
    case CURLE_PEER_FAILED_VERIFICATION: return "邮件服务器的TLS证书验证失败";
    case CURLE_UNSUPPORTED_PROTOCOL: return "本程序使用的libcurl不支持该邮件协议";
    case CURLE_URL_MALFORMAT: return "邮件服务器地址格式不正确";
    default: break;
  }
  if (t.error_code > 0) {
    if (t.error_verb == "RCPT") return fmt::format("邮件服务器拒绝了收件人“{}”", QuoteInput(t.error_address, 80));
    if (t.error_verb == "MAIL") return fmt::format("邮件服务器拒绝了发件人“{}”", QuoteInput(t.error_address, 80));
    if (t.error_verb == "DATA") return "邮件服务器拒绝接收这封邮件";
    return "邮件服务器拒绝了请求";
  }
  switch (rc) {
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING: return "与邮件服务器的连接意外中断";
    case CURLE_WEIRD_SERVER_REPLY: return "邮件服务器的应答无法识别";
    default: return "邮件发送出错";
  }
}

// Replaces every occurrence of `secret` in `text` (defence in depth: neither
// curl's error text nor a server reply should ever hold the password).
void Redact(std::string& text, std::string_view secret) {
  if (secret.size() < 4) return;  // too short to search for without mangling the message
  std::size_t pos = 0;
  while ((pos = text.find(secret, pos)) != std::string::npos) {
    text.replace(pos, secret.size(), "******");
    pos += 6;
  }
}

// Display noun for an address field.
std::string_view AddressNoun(std::string_view field) {
  if (field == "from") return "发件人邮箱地址";
  if (field == "to") return "收件人邮箱地址";
  return "邮箱地址";
}

Error InvalidUrl(std::string message) { return Error::Invalid(std::move(message), "smtp_url"); }

}  // namespace

// ---- validation ---------------------------------------------------------------

Status ValidateSmtpConfig(const SmtpConfig& config) {
  constexpr std::string_view kExample = "应形如smtp://mail.example.gov.cn:587或smtps://mail.example.gov.cn:465";
  const std::string_view url = config.url;
  if (url.empty()) return Unexpected(InvalidUrl(fmt::format("未填写邮件服务器地址，{}", kExample)));
  for (const char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return Unexpected(InvalidUrl("邮件服务器地址不能包含空格或控制字符"));
  }
  std::string_view rest;
  if (StartsWithNoCase(url, "smtp://")) {
    rest = url.substr(7);
  } else if (StartsWithNoCase(url, "smtps://")) {
    rest = url.substr(8);
  } else {
    // Quote the scheme only: the rest might hold a password.
    const std::size_t sep = url.find("://");
    if (sep == std::string_view::npos || sep > 16) {
      return Unexpected(InvalidUrl(fmt::format("邮件服务器地址缺少协议，{}", kExample)));
    }
    return Unexpected(
        InvalidUrl(fmt::format("邮件服务器地址的协议“{}”不受支持，{}", QuoteInput(url.substr(0, sep)), kExample)));
  }
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return Unexpected(InvalidUrl("邮件服务器地址中不应包含用户名或密码，请分别填写"));
  }
  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Unexpected(InvalidUrl("邮件服务器地址中的IPv6地址缺少“]”"));
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Unexpected(InvalidUrl(fmt::format("邮件服务器地址格式不正确，{}", kExample)));
      has_port = true;
      port = after.substr(1);
    }
    const bool ok = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
    });
    if (!ok) return Unexpected(InvalidUrl(fmt::format("邮件服务器的IPv6地址“{}”不正确", QuoteInput(host))));
  } else {
    const std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port = authority.substr(colon + 1);
    }
    if (host.empty()) return Unexpected(InvalidUrl(fmt::format("邮件服务器地址缺少主机名，{}", kExample)));
    const bool ok = std::all_of(host.begin(), host.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
    });
    if (!ok || host.front() == '.' || host.front() == '-') {
      return Unexpected(InvalidUrl(fmt::format("邮件服务器主机名“{}”不正确，只能包含英文字母、数字、“-”和“.”",
                                               QuoteInput(host))));
    }
  }
  if (has_port) {
    long value = 0;
    const bool digits = !port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) {
      return c >= '0' && c <= '9';
    });
    if (digits) {
      for (const char c : port) value = value * 10 + (c - '0');
    }
    if (!digits || value < 1 || value > 65535) {
      return Unexpected(InvalidUrl(fmt::format("邮件服务器端口“{}”不正确，应为1到65535之间的数字", QuoteInput(port))));
    }
  }
  if (config.timeout_seconds < 1 || config.timeout_seconds > 3600) {
    return Unexpected(Error::Invalid("邮件发送超时时间应为1到3600秒", "smtp_timeout_seconds"));
  }
  return Ok();
}

Status ValidateMailAddress(std::string_view address, std::string_view field) {
  const std::string_view noun = AddressNoun(field);
  auto invalid = [&](std::string message) { return Unexpected(Error::Invalid(std::move(message), std::string(field))); };
  if (address.empty()) return invalid(fmt::format("{}为空", noun));
  const std::string quoted = QuoteInput(address, 60);
  if (address.size() > 254) return invalid(fmt::format("{}“{}”过长，最多254个字符", noun, quoted));
  for (const char c : address) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      return invalid(fmt::format("{}“{}”包含中文或其他非英文字符，请使用英文字母组成的邮箱地址", noun, quoted));
    }
    if (u <= 0x20 || u == 0x7f || std::string_view("<>()[],;:\"\\").find(c) != std::string_view::npos) {
      return invalid(fmt::format("{}“{}”包含空格、换行、尖括号或逗号等不允许的字符", noun, quoted));
    }
  }
  const std::string bad_format = fmt::format("{}“{}”格式不正确，应形如name@example.gov.cn", noun, quoted);
  const std::size_t at = address.find('@');
  if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) return invalid(bad_format);
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);
  if (local.empty() || local.size() > 64 || domain.empty()) return invalid(bad_format);
  for (const std::string_view part : {local, domain}) {
    if (part.front() == '.' || part.back() == '.' || part.find("..") != std::string_view::npos) return invalid(bad_format);
  }
  if (domain.front() == '-') return invalid(bad_format);
  return Ok();
}

Status ValidateMailMessage(const MailMessage& message) {
  GK_CHECK(ValidateMailAddress(message.from, "from"));
  if (message.to.empty()) return Unexpected(Error::Invalid("没有收件人，至少需要一个收件人邮箱地址", "to"));
  for (const std::string& to : message.to) GK_CHECK(ValidateMailAddress(to, "to"));
  return Ok();
}

// ---- formatting ---------------------------------------------------------------

std::string FormatMailDate(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  static constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto local = floor<seconds>(when) + hours(8);
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const weekday wd{day};
  const hh_mm_ss<seconds> hms{local - day};
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0800", kWeekdays[wd.c_encoding()],
                     static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                     static_cast<int>(ymd.year()), hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string FormatMailMessage(const MailMessage& m, std::string_view date_rfc5322, std::string_view message_id) {
  std::string out;
  out += "Date: " + OneLine(date_rfc5322) + "\r\n";

  // From
  const std::string from = OneLine(m.from);
  const std::string name = SanitizeHeaderText(m.from_name);
  if (name.find_first_not_of(" \t") == std::string::npos) {
    out += "From: " + from + "\r\n";
  } else if (IsPrintableAscii(name) && name.size() <= 60) {
    out += "From: " + QuotedString(name) + " <" + from + ">\r\n";
  } else {
    out += "From: ";
    const std::size_t line_len = AppendEncodedWords(out, name, 6);
    out += line_len + 3 + from.size() > kMaxHeaderLine ? "\r\n <" : " <";
    out += from + ">\r\n";
  }

  // To, folded between addresses.
  out += "To: ";
  std::size_t line_len = 4;
  for (std::size_t i = 0; i < m.to.size(); ++i) {
    const std::string to = OneLine(m.to[i]);
    if (i > 0) {
      if (line_len + 2 + to.size() > kMaxHeaderLine) {
        out += ",\r\n ";
        line_len = 1;
      } else {
        out += ", ";
        line_len += 2;
      }
    }
    out += to;
    line_len += to.size();
  }
  out += "\r\n";

  // Subject
  const std::string subject = SanitizeHeaderText(m.subject);
  out += "Subject: ";
  if (IsPrintableAscii(subject) && subject.size() + 9 <= kMaxHeaderLine && subject.find("=?") == std::string::npos) {
    out += subject;
  } else {
    AppendEncodedWords(out, subject, 9);
  }
  out += "\r\n";

  std::string id = OneLine(message_id);
  if (id.empty() || id.front() != '<') id = "<" + id + ">";
  out += "Message-ID: " + id + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "\r\n";

  const std::string body = Base64(ToCrlf(m.body));
  for (std::size_t i = 0; i < body.size(); i += kBodyLine) {
    out.append(body, i, kBodyLine);
    out += "\r\n";
  }
  return out;
}

// ---- sending --------------------------------------------------------------------

SmtpMailer::SmtpMailer(SmtpConfig config) : config_(std::move(config)) {}

Status SmtpMailer::Send(const MailMessage& message) {
  GK_CHECK(ValidateMailMessage(message));
  GK_CHECK(ValidateSmtpConfig(config_));
  const GlobalState& global = GlobalInit();
  if (!global.curl_ok) return Unexpected(Error::Internal("无法初始化邮件发送组件（libcurl）"));
  if (!global.sodium_ok) return Unexpected(Error::Internal("无法初始化随机数生成器（libsodium）"));

  const std::string text =
      FormatMailMessage(message, FormatMailDate(std::chrono::system_clock::now()), NewMessageId());

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Unexpected(Error::Internal("无法创建邮件发送连接（内存不足？）"));
  CURL* h = curl.get();

  std::unique_ptr<curl_slist, SlistDeleter> recipients;
  for (const std::string& to : message.to) {
    curl_slist* next = curl_slist_append(recipients.get(), ("<" + to + ">").c_str());
    if (next == nullptr) return Unexpected(Error::Internal("无法准备收件人列表（内存不足？）"));
    (void)recipients.release();
    recipients.reset(next);
  }

  const std::string from = "<" + message.from + ">";
  Upload upload{text, 0};
  Transcript transcript;
  char errbuf[CURL_ERROR_SIZE] = {};
  const long timeout = config_.timeout_seconds;

  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, option, value);
  };
  set(CURLOPT_ERRORBUFFER, static_cast<char*>(errbuf));
  set(CURLOPT_URL, config_.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  set(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
  set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_TIMEOUT, timeout);
  set(CURLOPT_CONNECTTIMEOUT, timeout);
  if (config_.starttls) set(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!config_.username.empty()) {
    set(CURLOPT_USERNAME, config_.username.c_str());
    set(CURLOPT_PASSWORD, config_.password.c_str());
  }
  set(CURLOPT_MAIL_FROM, from.c_str());
  set(CURLOPT_MAIL_RCPT, recipients.get());
  set(CURLOPT_UPLOAD, 1L);
  set(CURLOPT_READFUNCTION, &ReadUpload);
  set(CURLOPT_READDATA, static_cast<void*>(&upload));
  set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(text.size()));
  set(CURLOPT_DEBUGFUNCTION, &OnDebug);
  set(CURLOPT_DEBUGDATA, static_cast<void*>(&transcript));
  set(CURLOPT_VERBOSE, 1L);  // needed for OnDebug; nothing goes to stderr
  if (rc != CURLE_OK) {
    return Unexpected(Error::Internal(fmt::format("无法设置邮件发送参数：{}", curl_easy_strerror(rc))));
  }

  rc = curl_easy_perform(h);
  if (rc == CURLE_OK) return Ok();

  long code = transcript.error_code;
  if (code == 0) {
    long info = 0;
    if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &info) == CURLE_OK && info >= 400) code = info;
  }
  const std::string detail = errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
  std::string text_out = "发送邮件失败：" + ReasonFor(rc, transcript, config_.timeout_seconds);
  if (code > 0) text_out += fmt::format("，SMTP应答码{}", code);
  if (!transcript.error_reply.empty()) text_out += fmt::format("，服务器答复：“{}”", QuoteInput(transcript.error_reply, 200));
  text_out += fmt::format("（{}）", QuoteInput(detail, 300));
  Redact(text_out, config_.password);
  return Unexpected(Error::Internal(std::move(text_out)));
}

}  // namespace gongkai
