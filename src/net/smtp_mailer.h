// The SMTP implementation of the Mailer port (core/mail.h), over libcurl.
//
// Each Send() uses a fresh curl easy handle, so one SmtpMailer may be shared
// by any number of threads. Messages are plain text in UTF-8, sent as
// base64 with RFC 2047 encoded headers, so they are 7-bit clean and need no
// SMTPUTF8 or 8BITMIME support from the server.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/mail.h"

namespace gongkai {

struct SmtpConfig {
  // "smtp://host:port" (plain, or STARTTLS when `starttls`) or
  // "smtps://host:port" (TLS from the start). No user name or password in
  // the URL: use the fields below.
  std::string url;
  std::string username;  // empty: do not log in (no AUTH)
  std::string password;
  bool starttls = false;  // require STARTTLS on smtp:// (CURLUSESSL_ALL)
  int timeout_seconds = 20;  // whole conversation, connect included
};

// Ok if `config` can be used: the URL is smtp:// or smtps://, names a host,
// an optional port in 1..65535, no user info and no spaces or control
// characters; the timeout is positive. Otherwise Error::Invalid naming the
// field "smtp_url" (or "smtp_timeout_seconds"), message in Chinese. The
// password is never quoted.
[[nodiscard]] Status ValidateSmtpConfig(const SmtpConfig& config);

// Ok if `address` is a plausible bare e-mail address ("gkb@example.gov.cn"):
// ASCII, exactly one '@' with a non-empty local part and domain, no spaces,
// control characters, angle brackets or other RFC 5322 specials (so it can
// go into an SMTP command and a header unquoted), at most 254 bytes.
// Otherwise Error::Invalid naming `field`.
[[nodiscard]] Status ValidateMailAddress(std::string_view address, std::string_view field);

// Checks a whole message: `from` and every `to` via ValidateMailAddress
// (fields "from" and "to"), at least one recipient (field "to").
[[nodiscard]] Status ValidateMailMessage(const MailMessage& message);

// The RFC 5322 date of `when` in Beijing time, e.g.
// "Sat, 28 Nov 2026 09:00:00 +0800".
std::string FormatMailDate(std::chrono::system_clock::time_point when);

// The complete message text (headers, blank line, body) with CRLF line ends:
// Date, From, To, Subject, Message-ID, MIME-Version, Content-Type
// (text/plain; charset=UTF-8) and Content-Transfer-Encoding: base64.
//  - From is "addr", "\"Name\" <addr>" for a short ASCII name, or RFC 2047
//    encoded-words "=?UTF-8?B?...?= <addr>" otherwise.
//  - Subject is written as is if it is short printable ASCII, otherwise as
//    UTF-8 base64 encoded-words of at most 75 characters each, split only
//    between UTF-8 characters, folded one per line (lines stay within 78).
//  - Body: line ends normalised to CRLF, then base64 in lines of 76.
// CR, LF and other control characters (except TAB) in the subject and the
// display name become spaces, invalid UTF-8 becomes U+FFFD, so no header can
// be injected. `message_id` is written in angle brackets (added if missing).
// Addresses are written as given: validate them first (ValidateMailMessage).
std::string FormatMailMessage(const MailMessage& m, std::string_view date_rfc5322, std::string_view message_id);

class SmtpMailer final : public Mailer {
 public:
  explicit SmtpMailer(SmtpConfig config);

  // Validates the message (Error::Invalid naming "from" or "to"; nothing is
  // sent) and the configuration, then delivers it in one SMTP session with
  // Date in Beijing time and a random Message-ID "<hex@gongkai>". Any
  // recipient refused fails the whole message. A delivery failure is
  // Error::Internal with a Chinese message holding the SMTP reply code and
  // the server's reply if any, and curl's error text; never the password.
  [[nodiscard]] Status Send(const MailMessage& message) override;

 private:
  SmtpConfig config_;
};

}  // namespace gongkai
