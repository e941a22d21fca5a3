// libFuzzer target: NormalizeEmail (an address typed into the account and
// notices forms) must never crash; an accepted address is a fixed point,
// contains no white space or control character (it goes into SMTP commands
// and headers), and is accepted by the SMTP layer's own address check.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/contact.h"
#include "net/smtp_mailer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto email = gongkai::NormalizeEmail(text, "email");
  if (!email) {
    if (email.error().message.empty() || email.error().field != "email") std::abort();
    return 0;
  }
  if (email->empty()) return 0;
  auto again = gongkai::NormalizeEmail(*email, "email");
  if (!again || *again != *email) std::abort();
  for (unsigned char c : *email)
    if (c <= 0x20 || c >= 0x7F) std::abort();
  if (!gongkai::ValidateMailAddress(*email, "to")) std::abort();
  return 0;
}
