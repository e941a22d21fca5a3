#include "net/smtp_mailer.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../../tests/support/smtp_sink.h"

namespace gongkai {
namespace {

using test_support::SmtpSink;
using test_support::SmtpSinkOptions;

// ---- helpers: an independent decoder (libsodium) ------------------------------

std::optional<std::string> Unbase64(std::string_view in, const char* ignore = nullptr) {
  std::string out(in.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), in.data(), in.size(), ignore, &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

std::vector<std::string> SplitCrlf(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t end = text.find("\r\n", pos);
    if (end == std::string_view::npos) {
      lines.emplace_back(text.substr(pos));
      return lines;
    }
    lines.emplace_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
}

struct ParsedMail {
  std::vector<std::string> header_lines;                      // physical lines
  std::vector<std::pair<std::string, std::string>> headers;  // unfolded: name, value
  std::string body;                                          // raw text after the blank line

  // Value of the one header `name`; fails the test if absent or repeated.
  std::string Get(std::string_view name) const {
    std::optional<std::string> found;
    for (const auto& [n, v] : headers) {
      if (n == name) {
        EXPECT_FALSE(found.has_value()) << "header repeated: " << name;
        found = v;
      }
    }
    EXPECT_TRUE(found.has_value()) << "header missing: " << name;
    return found.value_or("");
  }
};

ParsedMail Parse(std::string_view text) {
  ParsedMail mail;
  const std::size_t split = text.find("\r\n\r\n");
  EXPECT_NE(split, std::string_view::npos) << "no blank line after headers";
  if (split == std::string_view::npos) return mail;
  mail.header_lines = SplitCrlf(text.substr(0, split));
  mail.body = std::string(text.substr(split + 4));
  for (const std::string& line : mail.header_lines) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      EXPECT_FALSE(mail.headers.empty()) << "continuation line first";
      if (!mail.headers.empty()) mail.headers.back().second += line;  // unfold: drop the CRLF only
      continue;
    }
    const std::size_t colon = line.find(':');
    EXPECT_NE(colon, std::string::npos) << "not a header line: " << line;
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    mail.headers.emplace_back(line.substr(0, colon), value);
  }
  return mail;
}

// Every whitespace-separated token must be an encoded-word (checked); returns
// the decoded concatenation and fills `words` with the raw tokens.
std::string DecodeEncodedWords(std::string_view value, std::vector<std::string>* words = nullptr) {
  std::string out;
  std::size_t pos = 0;
  while (pos < value.size()) {
    if (value[pos] == ' ' || value[pos] == '\t') {
      ++pos;
      continue;
    }
    std::size_t end = value.find_first_of(" \t", pos);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view token = value.substr(pos, end - pos);
    pos = end;
    if (words) words->emplace_back(token);
    if (token.size() < 12 || token.substr(0, 10) != "=?UTF-8?B?" || token.substr(token.size() - 2) != "?=") {
      ADD_FAILURE() << "not an encoded-word: " << token;
      continue;
    }
    const auto decoded = Unbase64(token.substr(10, token.size() - 12));
    if (!decoded) {
      ADD_FAILURE() << "bad base64 in " << token;
      continue;
    }
    EXPECT_TRUE(IsValidUtf8(*decoded)) << "encoded-word splits a UTF-8 character: " << token;
    out += *decoded;
  }
  return out;
}

// The decoded text body of `text`, checking the line length limit.
std::string DecodeBody(const ParsedMail& mail) {
  for (const std::string& line : SplitCrlf(mail.body)) EXPECT_LE(line.size(), 76u) << line;
  const auto decoded = Unbase64(mail.body, "\r\n");
  EXPECT_TRUE(decoded.has_value()) << "body is not base64";
  return decoded.value_or("");
}

void ExpectCrlfOnly(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ASSERT_TRUE(i > 0 && text[i - 1] == '\r') << "bare LF at " << i;
    } else if (text[i] == '\r') {
      ASSERT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "bare CR at " << i;
    }
  }
}

MailMessage ChineseMessage() {
  MailMessage m;
  m.from = "gkb@example.gov.cn";
  m.from_name = "示例区政务公开办";
  m.to = {"zhangsan@example.com", "lisi@example.org"};
  m.subject = "关于您的政府信息公开申请（2026）第15号的答复通知";
  m.body = "张三：\n\n您于2026年11月1日提交的政府信息公开申请已受理。\n.以点开头的行\n\n示例区人民政府办公室\n";
  return m;
}

std::string WithCrlf(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

SmtpConfig ConfigFor(const SmtpSink& sink) {
  SmtpConfig config;
  config.url = sink.url();
  config.timeout_seconds = 10;
  return config;
}

// ---- FormatMailMessage ----------------------------------------------------------

TEST(SmtpFormatTest, WritesAllHeadersWithCrlf) {
  const MailMessage m = ChineseMessage();
  const std::string text = FormatMailMessage(m, "Sat, 28 Nov 2026 09:00:00 +0800", "<abc123@gongkai>");
  ExpectCrlfOnly(text);
  const ParsedMail mail = Parse(text);
  EXPECT_EQ(mail.Get("Date"), "Sat, 28 Nov 2026 09:00:00 +0800");
  EXPECT_EQ(mail.Get("To"), "zhangsan@example.com, lisi@example.org");
  EXPECT_EQ(mail.Get("Message-ID"), "<abc123@gongkai>");
  EXPECT_EQ(mail.Get("MIME-Version"), "1.0");
  EXPECT_EQ(mail.Get("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(mail.Get("Content-Transfer-Encoding"), "base64");

  const std::string from = mail.Get("From");
  const std::string suffix = " <gkb@example.gov.cn>";
  ASSERT_GT(from.size(), suffix.size());
  ASSERT_EQ(from.substr(from.size() - suffix.size()), suffix) << from;
  EXPECT_EQ(DecodeEncodedWords(from.substr(0, from.size() - suffix.size())), m.from_name);
  EXPECT_EQ(DecodeEncodedWords(mail.Get("Subject")), m.subject);
  EXPECT_EQ(DecodeBody(mail), WithCrlf(m.body));
  for (const std::string& line : mail.header_lines) EXPECT_LE(line.size(), 78u) << line;
  for (const char c : text) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << "message is not 7-bit";
}

TEST(SmtpFormatTest, WrapsMessageIdInAngleBrackets) {
  const std::string text = FormatMailMessage(ChineseMessage(), "d", "xyz@gongkai");
  EXPECT_EQ(Parse(text).Get("Message-ID"), "<xyz@gongkai>");
}

TEST(SmtpFormatTest, LongChineseSubjectSplitsIntoShortWordsAtCharacterBoundaries) {
  MailMessage m = ChineseMessage();
  m.subject.clear();
  // 3-byte CJK, 4-byte emoji, 2-byte and ASCII characters in a mix, so split
  // points fall at every offset within a character.
  for (int i = 0; i < 12; ++i) m.subject += "政府信息公开申请答复😀é书a";
  const ParsedMail mail = Parse(FormatMailMessage(m, "d", "<id@gongkai>"));
  std::vector<std::string> words;
  EXPECT_EQ(DecodeEncodedWords(mail.Get("Subject"), &words), m.subject);
  EXPECT_GT(words.size(), 5u);
  for (const std::string& word : words) EXPECT_LE(word.size(), 75u) << word;
  for (const std::string& line : mail.header_lines) EXPECT_LE(line.size(), 78u) << line;

  // A long display name is folded the same way.
  m.from_name = m.subject;
  const ParsedMail with_name = Parse(FormatMailMessage(m, "d", "<id@gongkai>"));
  const std::string from = with_name.Get("From");
  EXPECT_EQ(DecodeEncodedWords(from.substr(0, from.find(" <gkb@"))), m.from_name);
  for (const std::string& line : with_name.header_lines) EXPECT_LE(line.size(), 78u) << line;
}

TEST(SmtpFormatTest, BodyIsBase64OfCrlfTextInShortLines) {
  MailMessage m = ChineseMessage();
  m.body.clear();
  for (int i = 0; i < 40; ++i) m.body += "第" + std::to_string(i) + "行：依申请公开的政府信息\n";
  m.body += "已有CRLF的行\r\n末行无换行";
  const ParsedMail mail = Parse(FormatMailMessage(m, "d", "<id@gongkai>"));
  const std::string body = DecodeBody(mail);
  std::string expected;
  for (int i = 0; i < 40; ++i) expected += "第" + std::to_string(i) + "行：依申请公开的政府信息\r\n";
  expected += "已有CRLF的行\r\n末行无换行";
  EXPECT_EQ(body, expected);
  const auto lines = SplitCrlf(mail.body);
  ASSERT_GT(lines.size(), 3u);
  EXPECT_EQ(lines[0].size(), 76u);
}

TEST(SmtpFormatTest, EmptyBodyAndShortAsciiHeadersStayReadable) {
  MailMessage m;
  m.from = "noreply@example.gov.cn";
  m.from_name = "Gongkai \"Office\"";
  m.to = {"a@example.com"};
  m.subject = "Reply 15";
  const std::string text = FormatMailMessage(m, "d", "<id@gongkai>");
  ExpectCrlfOnly(text);
  const ParsedMail mail = Parse(text);
  EXPECT_EQ(mail.Get("Subject"), "Reply 15");
  EXPECT_EQ(mail.Get("From"), "\"Gongkai \\\"Office\\\"\" <noreply@example.gov.cn>");
  EXPECT_EQ(mail.body, "");

  m.from_name.clear();
  EXPECT_EQ(Parse(FormatMailMessage(m, "d", "<id@gongkai>")).Get("From"), "noreply@example.gov.cn");
  // "=?" in an ASCII subject must not be taken for an encoded-word.
  m.subject = "=?UTF-8?B?5Lit?=";
  EXPECT_EQ(DecodeEncodedWords(Parse(FormatMailMessage(m, "d", "<id@gongkai>")).Get("Subject")), m.subject);
}

TEST(SmtpFormatTest, LineBreaksInSubjectOrNameCannotInjectHeaders) {
  for (const std::string subject : {"a\r\nBcc: x@y", "申请\r\nBcc: x@y", "a\nBcc: x@y", "a\rBcc: x@y"}) {
    MailMessage m = ChineseMessage();
    m.subject = subject;
    m.from_name = "公开办\r\nBcc: z@w\r\n\r\nbody";
    const std::string text = FormatMailMessage(m, "d", "<id@gongkai>");
    ExpectCrlfOnly(text);
    const ParsedMail mail = Parse(text);
    for (const std::string& line : mail.header_lines) {
      EXPECT_NE(line.substr(0, 4), "Bcc:") << line;
      EXPECT_NE(line.substr(0, 4), "bcc:") << line;
    }
    for (const auto& [name, value] : mail.headers) EXPECT_NE(name, "Bcc");
    std::string expected = subject;
    for (char& c : expected) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    const std::string got = mail.Get("Subject");
    EXPECT_EQ(got.rfind("=?", 0) == 0 ? DecodeEncodedWords(got) : got, expected);
  }
}

TEST(SmtpFormatTest, InvalidUtf8InSubjectBecomesReplacementCharacter) {
  MailMessage m = ChineseMessage();
  m.subject = "申请\xE7\x94答复\xFF";
  const ParsedMail mail = Parse(FormatMailMessage(m, "d", "<id@gongkai>"));
  // Each stray byte becomes one U+FFFD.
  EXPECT_EQ(DecodeEncodedWords(mail.Get("Subject")), "申请\xEF\xBF\xBD\xEF\xBF\xBD答复\xEF\xBF\xBD");
}

TEST(SmtpFormatTest, FormatsDateInBeijingTime) {
  using namespace std::chrono;
  EXPECT_EQ(FormatMailDate(sys_days{year{2026} / November / 28} + hours{1}), "Sat, 28 Nov 2026 09:00:00 +0800");
  EXPECT_EQ(FormatMailDate(sys_days{year{2026} / December / 31} + hours{16} + minutes{30} + seconds{5} +
                           milliseconds{999}),
            "Fri, 01 Jan 2027 00:30:05 +0800");
}

// ---- validation -------------------------------------------------------------------

TEST(SmtpValidateTest, AcceptsPlausibleAddressesOnly) {
  for (const char* ok : {"gkb@example.gov.cn", "a.b+tag@sub.example.com", "x@localhost", "x_y-z@1.2.3.4"}) {
    EXPECT_TRUE(ValidateMailAddress(ok, "to").has_value()) << ok;
  }
  for (const char* bad : {"", "no-at.example.com", "a@b@c", "@example.com", "a@", "a b@example.com",
                          "a@example.com\r\nBcc: x@y", "<a@example.com>", "a@example.com>", "张三@example.com",
                          "a@exa mple.com", "a,b@example.com", "a@.example.com", "a@example..com", ".a@example.com",
                          "a\t@example.com"}) {
    auto status = ValidateMailAddress(bad, "from");
    ASSERT_FALSE(status.has_value()) << bad;
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(status.error().field, "from");
    EXPECT_EQ(status.error().message.find('\n'), std::string::npos);
  }
  EXPECT_FALSE(ValidateMailAddress(std::string(250, 'a') + "@b.cn", "to").has_value());
}

TEST(SmtpValidateTest, ChecksSmtpUrlWithoutQuotingPasswords) {
  auto valid = [](std::string url) {
    SmtpConfig c;
    c.url = std::move(url);
    return ValidateSmtpConfig(c);
  };
  for (const char* ok : {"smtp://mail.example.gov.cn", "smtp://mail.example.gov.cn:587", "smtps://127.0.0.1:465",
                         "SMTPS://[::1]:465", "smtp://mail.example.gov.cn:25/gongkai.example.gov.cn"}) {
    EXPECT_TRUE(valid(ok).has_value()) << ok;
  }
  for (const char* bad : {"", "mail.example.gov.cn", "http://mail.example.gov.cn", "smtp://", "smtp://:25",
                          "smtp://mail.example.gov.cn:0", "smtp://mail.example.gov.cn:70000", "smtp://mail:abc",
                          "smtp://mail .example.gov.cn", "smtp://[::1", "smtp://邮件.cn"}) {
    auto status = valid(bad);
    ASSERT_FALSE(status.has_value()) << bad;
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(status.error().field, "smtp_url") << bad;
  }
  auto userinfo = valid("smtp://user:S3cret-Pass@mail.example.gov.cn");
  ASSERT_FALSE(userinfo.has_value());
  EXPECT_EQ(userinfo.error().message.find("S3cret-Pass"), std::string::npos);
  auto scheme = valid("ftp://user:S3cret-Pass@mail.example.gov.cn");
  ASSERT_FALSE(scheme.has_value());
  EXPECT_EQ(scheme.error().message.find("S3cret-Pass"), std::string::npos);

  SmtpConfig c;
  c.url = "smtp://mail.example.gov.cn";
  c.timeout_seconds = 0;
  auto timeout = ValidateSmtpConfig(c);
  ASSERT_FALSE(timeout.has_value());
  EXPECT_EQ(timeout.error().field, "smtp_timeout_seconds");
}

// ---- SmtpMailer against SmtpSink ----------------------------------------------------

TEST(SmtpMailerTest, DeliversChineseMessageToTwoRecipients) {
  SmtpSink sink;
  SmtpMailer mailer(ConfigFor(sink));
  const MailMessage m = ChineseMessage();
  auto sent = mailer.Send(m);
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  ASSERT_TRUE(sink.WaitForMessages(1, std::chrono::seconds(5)));
  const auto got = sink.messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].mail_from, "gkb@example.gov.cn");
  EXPECT_EQ(got[0].rcpt_to, (std::vector<std::string>{"zhangsan@example.com", "lisi@example.org"}));
  EXPECT_EQ(got[0].auth_user, "");

  ExpectCrlfOnly(got[0].data);
  const ParsedMail mail = Parse(got[0].data);
  EXPECT_EQ(DecodeEncodedWords(mail.Get("Subject")), m.subject);
  EXPECT_EQ(DecodeBody(mail), WithCrlf(m.body));
  EXPECT_EQ(mail.Get("To"), "zhangsan@example.com, lisi@example.org");
  const std::string date = mail.Get("Date");
  EXPECT_EQ(date.size(), std::string_view("Sat, 28 Nov 2026 09:00:00 +0800").size()) << date;
  EXPECT_EQ(date.substr(date.size() - 6), " +0800") << date;
  const std::string id = mail.Get("Message-ID");
  EXPECT_EQ(id.size(), std::string_view("<@gongkai>").size() + 32) << id;
  EXPECT_EQ(id.substr(id.size() - 9), "@gongkai>") << id;

  for (const std::string& command : sink.commands()) EXPECT_NE(command.rfind("AUTH", 0), 0u) << command;

  // A second message gets a fresh Message-ID.
  ASSERT_TRUE(mailer.Send(m).has_value());
  ASSERT_TRUE(sink.WaitForMessages(2, std::chrono::seconds(5)));
  EXPECT_NE(Parse(sink.messages()[1].data).Get("Message-ID"), id);
}

TEST(SmtpMailerTest, LogsInWhenConfiguredAndReportsWrongPassword) {
  for (const std::string mechanisms : {"PLAIN LOGIN", "LOGIN"}) {
    SCOPED_TRACE(mechanisms);
    SmtpSinkOptions options;
    options.username = "gkb@example.gov.cn";
    options.password = "Zhengque-Mima-2026";
    options.auth_mechanisms = mechanisms;
    SmtpSink sink(options);

    SmtpConfig wrong = ConfigFor(sink);
    wrong.username = "gkb@example.gov.cn";
    wrong.password = "Cuowu-Mima-2026";
    auto refused = SmtpMailer(wrong).Send(ChineseMessage());
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, ErrorCode::kInternal);
    EXPECT_NE(refused.error().message.find("535"), std::string::npos) << refused.error().message;
    EXPECT_NE(refused.error().message.find("密码"), std::string::npos) << refused.error().message;
    EXPECT_EQ(refused.error().message.find("Cuowu-Mima-2026"), std::string::npos) << refused.error().message;
    EXPECT_TRUE(sink.messages().empty());

    // Without credentials the sink refuses MAIL FROM.
    auto anonymous = SmtpMailer(ConfigFor(sink)).Send(ChineseMessage());
    ASSERT_FALSE(anonymous.has_value());
    EXPECT_NE(anonymous.error().message.find("530"), std::string::npos) << anonymous.error().message;

    SmtpConfig right = wrong;
    right.password = "Zhengque-Mima-2026";
    auto sent = SmtpMailer(right).Send(ChineseMessage());
    ASSERT_TRUE(sent.has_value()) << sent.error().message;
    ASSERT_TRUE(sink.WaitForMessages(1, std::chrono::seconds(5)));
    EXPECT_EQ(sink.messages().at(0).auth_user, "gkb@example.gov.cn");
  }
}

TEST(SmtpMailerTest, RejectedRecipientFailsWith550) {
  SmtpSinkOptions options;
  options.reject_rcpt = true;
  SmtpSink sink(options);
  auto sent = SmtpMailer(ConfigFor(sink)).Send(ChineseMessage());
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().code, ErrorCode::kInternal);
  EXPECT_NE(sent.error().message.find("550"), std::string::npos) << sent.error().message;
  EXPECT_NE(sent.error().message.find("zhangsan@example.com"), std::string::npos) << sent.error().message;
  EXPECT_TRUE(sink.messages().empty());
}

TEST(SmtpMailerTest, ClosedPortFailsQuickly) {
  SmtpConfig config;
  int port = 0;
  {
    SmtpSink sink;
    config = ConfigFor(sink);
    port = sink.port();
  }  // nothing listens any more
  // Hold the port without listening, so no other test can start a server on
  // it meanwhile: a connection attempt is refused all the same.
  const int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(holder, 0);
  const int one = 1;
  ::setsockopt(holder, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  EXPECT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
  config.timeout_seconds = 5;
  const auto start = std::chrono::steady_clock::now();
  auto sent = SmtpMailer(config).Send(ChineseMessage());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().code, ErrorCode::kInternal);
  EXPECT_NE(sent.error().message.find("无法连接"), std::string::npos) << sent.error().message;
  EXPECT_LT(elapsed, std::chrono::seconds(6));
  ::close(holder);
}

TEST(SmtpMailerTest, RequiredStarttlsFailsWhenServerLacksIt) {
  SmtpSink sink;
  SmtpConfig config = ConfigFor(sink);
  config.starttls = true;
  auto sent = SmtpMailer(config).Send(ChineseMessage());
  ASSERT_FALSE(sent.has_value());
  EXPECT_NE(sent.error().message.find("STARTTLS"), std::string::npos) << sent.error().message;
  EXPECT_TRUE(sink.messages().empty());
}

TEST(SmtpMailerTest, InvalidAddressesAreRejectedBeforeConnecting) {
  SmtpSink sink;
  SmtpMailer mailer(ConfigFor(sink));
  struct Case {
    MailMessage message;
    std::string field;
  };
  std::vector<Case> cases;
  {
    MailMessage m = ChineseMessage();
    m.from = "gkb@example.gov.cn\r\nRCPT TO:<evil@x>";
    cases.push_back({m, "from"});
    m = ChineseMessage();
    m.from = "示例区政务公开办";
    cases.push_back({m, "from"});
    m = ChineseMessage();
    m.to = {"ok@example.com", "bad address@example.com"};
    cases.push_back({m, "to"});
    m = ChineseMessage();
    m.to = {"<ok@example.com>"};
    cases.push_back({m, "to"});
    m = ChineseMessage();
    m.to.clear();
    cases.push_back({m, "to"});
  }
  for (const Case& c : cases) {
    auto sent = mailer.Send(c.message);
    ASSERT_FALSE(sent.has_value());
    EXPECT_EQ(sent.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(sent.error().field, c.field) << sent.error().message;
  }
  SmtpConfig bad_config = ConfigFor(sink);
  bad_config.url = "http://127.0.0.1:" + std::to_string(sink.port());
  auto sent = SmtpMailer(bad_config).Send(ChineseMessage());
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().field, "smtp_url");
  EXPECT_EQ(sink.connections(), 0);
  EXPECT_TRUE(sink.messages().empty());
}

TEST(SmtpMailerTest, OneMailerSendsFromManyThreads) {
  SmtpSink sink;
  SmtpMailer mailer(ConfigFor(sink));
  constexpr int kThreads = 4;
  constexpr int kEach = 3;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        MailMessage m = ChineseMessage();
        m.subject = "第" + std::to_string(t) + "-" + std::to_string(i) + "号答复";
        if (!mailer.Send(m)) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0);
  ASSERT_TRUE(sink.WaitForMessages(kThreads * kEach, std::chrono::seconds(10)));
  EXPECT_EQ(sink.messages().size(), static_cast<std::size_t>(kThreads * kEach));
}

TEST(SmtpSinkTest, SurvivesClientsThatHangUpEarly) {
  SmtpSink sink;
  auto connect_raw = [&]() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(sink.port()));
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    return fd;
  };
  ::close(connect_raw());  // before the greeting
  {
    const int fd = connect_raw();  // in the middle of DATA
    const std::string_view partial = "EHLO x\r\nMAIL FROM:<a@b.cn>\r\nRCPT TO:<c@d.cn>\r\nDATA\r\nSubject: half";
    EXPECT_EQ(::send(fd, partial.data(), partial.size(), MSG_NOSIGNAL), static_cast<ssize_t>(partial.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::close(fd);
  }
  auto sent = SmtpMailer(ConfigFor(sink)).Send(ChineseMessage());
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  ASSERT_TRUE(sink.WaitForMessages(1, std::chrono::seconds(5)));
  EXPECT_EQ(sink.messages().size(), 1u);

  // A client still connected does not keep the destructor waiting.
  const int idle = connect_raw();
  const auto start = std::chrono::steady_clock::now();
  sink.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ::close(idle);
}

}  // namespace
}  // namespace gongkai
