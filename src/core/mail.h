// Outgoing e-mail as the domain sees it: a message and a port that sends it.
// The SMTP implementation lives in net/smtp_mailer.h; tests may use fakes.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace gongkai {

struct MailMessage {
  std::string from;             // bare address, e.g. "gkb@example.gov.cn"
  std::string from_name;        // display name, UTF-8, may be empty ("示例区政务公开办")
  std::vector<std::string> to;  // bare addresses, at least one
  std::string subject;          // UTF-8
  std::string body;             // UTF-8 plain text, "\n" line ends
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Sends one message. An error says why in Chinese (e.g. the server's reply)
  // and never contains a password.
  [[nodiscard]] virtual Status Send(const MailMessage& message) = 0;
};

}  // namespace gongkai
