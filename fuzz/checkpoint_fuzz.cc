// libFuzzer target: the signed tree head parsers (ParseTreeHead,
// VerifyTreeHead, OpenNote) and ParseVerifierKey must never crash and must
// explain every refusal. What they accept is canonical: a parsed body
// formats back to the very same bytes, a verified note parses to the same
// head, re-signing it verifies again, and a parsed verifier key prints back
// as the input. The seed corpus holds notes signed by the fixed key below,
// so mutations reach the signature checks.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "app/checkpoint.h"

namespace {

using namespace gongkai;

const ledger::SigningKey& FuzzKey() {
  static const ledger::SigningKey key = [] {
    std::array<std::uint8_t, 32> seed{};
    for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(i + 1);
    auto k = ledger::KeyFromSeed("gongkai.example.gov.cn/ledger", seed);
    if (!k) std::abort();
    return *k;
  }();
  return key;
}

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ledger::SigningKey& key = FuzzKey();
  static const std::vector<std::string> keys = {
      ledger::VerifierKey(key),
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
  };

  auto parsed = ledger::ParseTreeHead(text);
  if (parsed) {
    Check(ledger::CheckTreeHead(*parsed).has_value());
    const std::size_t blank = text.rfind("\n\n");
    const std::string_view body = blank == std::string_view::npos ? text : text.substr(0, blank + 1);
    Check(ledger::FormatTreeHead(*parsed) == body);
  } else {
    Check(!parsed.error().message.empty());
  }

  auto opened = ledger::OpenNote(text, keys);
  auto verified = ledger::VerifyTreeHead(text, keys);
  if (verified) {
    Check(opened.has_value());
    Check(parsed.has_value() && *parsed == *verified);
    auto again = ledger::VerifyTreeHead(ledger::SignTreeHead(*verified, key), keys);
    Check(again.has_value() && *again == *verified);
  } else {
    Check(!verified.error().message.empty());
  }
  if (!opened) Check(!verified.has_value() && !opened.error().message.empty());

  auto verifier = ledger::ParseVerifierKey(text);
  if (verifier) {
    Check(ledger::VerifierKey(*verifier) == text);
    Check(ledger::KeyId(verifier->name, verifier->public_key) == verifier->key_id);
  } else {
    Check(!verifier.error().message.empty());
  }
  return 0;
}
