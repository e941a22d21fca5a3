// libFuzzer target: offline verification reads three files a user
// downloaded (a record, an inclusion proof, a checkpoint) that may be
// anything. It must never crash, and must never say "verified" for input
// not signed by the key: the fuzzer cannot forge an Ed25519 signature.
// The input is split into the three files at the first two 0x00 bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "app/checkpoint.h"
#include "app/ledger_verify.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<std::string> keys = [] {
    std::array<std::uint8_t, 32> seed{};
    for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(i * 7 + 1);
    auto key = gongkai::ledger::KeyFromSeed("gongkai/demo", seed);
    if (!key) std::abort();
    return std::vector<std::string>{gongkai::ledger::VerifierKey(*key)};
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string parts[3];
  for (int i = 0; i < 2; ++i) {
    auto zero = text.find('\0');
    parts[i] = std::string(text.substr(0, zero));
    text = zero == std::string_view::npos ? std::string_view() : text.substr(zero + 1);
  }
  parts[2] = std::string(text);
  auto report = gongkai::VerifyRecord(parts[0], parts[1], parts[2], keys);
  if (report.ok()) std::abort();  // nothing here carries a valid signature by that key
  if (report.failed.empty()) std::abort();  // a refusal always says why
  return 0;
}
