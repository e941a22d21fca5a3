#include "app/checkpoint.h"

#include "core/utf8.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>

namespace gongkai::ledger {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";
constexpr std::uint8_t kEd25519 = 0x01;
constexpr std::string_view kKeyFileHeader = "gongkai-ledger-key v1";
constexpr std::size_t kMaxKeyFileBytes = 4096;

void RequireSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();
}

Error Invalid(std::string message, std::string field = {}, int line = 0) {
  return Error::Invalid(std::move(message), std::move(field), line);
}

// Unicode White_Space, as Go's unicode.IsSpace (which the reference
// signed-note implementation uses for key names).
bool IsUnicodeSpace(char32_t cp) {
  switch (cp) {
    case U'\t':
    case U'\n':
    case U'\v':
    case U'\f':
    case U'\r':
    case U' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

// Where `text` breaks the note rules (valid UTF-8, no control character
// but "\n"): the byte offset and what is wrong, or nullopt if it is fine.
struct TextFault {
  std::size_t offset;
  const char* what;
};
std::optional<TextFault> FindTextFault(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t len = DecodeUtf8(text, i, cp);
    if (len == 0) return TextFault{i, "不是有效的UTF-8编码"};
    if (cp < 0x20 && cp != U'\n') return TextFault{i, "含有不允许的控制字符"};
    i += len;
  }
  return std::nullopt;
}

int LineAt(std::string_view text, std::size_t offset) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// Outside input quoted in a message: at most 40 code points of valid UTF-8.
std::string Quote(std::string_view s) {
  std::string out = "“";
  std::size_t i = 0;
  int points = 0;
  while (i < s.size() && points < 40) {
    char32_t cp = 0;
    const std::size_t len = DecodeUtf8(s, i, cp);
    if (len == 0 || cp < 0x20) {
      out += "?";
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
    ++points;
  }
  if (i < s.size()) out += "…";
  return out + "”";
}

// Splits `text` at "\n"; a final "\n" ends the last line rather than
// starting an empty one.
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Decimal without sign or leading zeros ("0" alone allowed), at most `max`.
std::optional<std::uint64_t> ParseDecimal(std::string_view s, std::uint64_t max) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value > max) return std::nullopt;
  return value;
}

std::string HexKeyId(std::uint32_t id) { return fmt::format("{:08x}", id); }

std::array<std::uint8_t, 4> BigEndian(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
          static_cast<std::uint8_t>(v)};
}

// Error::Invalid unless `key` is usable for signing.
Status CheckSigningKey(const SigningKey& key) {
  GK_CHECK(CheckKeyName(key.name));
  RequireSodium();
  std::array<std::uint8_t, 32> derived{};
  crypto_sign_ed25519_sk_to_pk(derived.data(), key.secret.data());
  if (derived != key.public_key) return Unexpected(Invalid("签名密钥的公钥与私钥不匹配", "public_key"));
  return Ok();
}

// The signature line for `text` (already checked) by `key` (already checked).
std::string SignatureLine(std::string_view text, const SigningKey& key) {
  RequireSodium();
  std::array<std::uint8_t, 4 + crypto_sign_BYTES> blob{};
  const auto id = BigEndian(KeyId(key.name, key.public_key));
  std::copy(id.begin(), id.end(), blob.begin());
  crypto_sign_detached(blob.data() + 4, nullptr, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                       key.secret.data());
  return fmt::format("{}{} {}\n", kSignaturePrefix, key.name, merkle::Base64Encode(blob));
}

// ---- notes ------------------------------------------------------------------

struct SignatureLineInfo {
  int line = 0;
  std::string_view name;
  std::uint32_t key_id = 0;
  std::vector<std::uint8_t> signature;  // without the key ID
};

struct SplitNote {
  std::string_view text;  // including its final "\n"
  std::vector<SignatureLineInfo> signatures;
};

// The structure of a signed note, without checking any signature.
Result<SplitNote> ParseNote(std::string_view note) {
  if (note.size() > kMaxNoteBytes) {
    return Unexpected(Invalid(fmt::format("签名树头过大：{}字节，上限为{}字节", note.size(), kMaxNoteBytes), "note"));
  }
  if (auto fault = FindTextFault(note)) {
    const int line = LineAt(note, fault->offset);
    return Unexpected(Invalid(fmt::format("签名树头第{}行{}", line, fault->what), "note", line));
  }
  const std::size_t blank = note.rfind("\n\n");
  if (blank == std::string_view::npos) {
    return Unexpected(Invalid("签名树头缺少签名：正文与签名行之间应有一个空行", "signature"));
  }
  SplitNote out;
  out.text = note.substr(0, blank + 1);
  const std::string_view signatures = note.substr(blank + 2);
  int line = LineAt(note, blank + 2);
  if (signatures.empty()) {
    return Unexpected(
        Invalid(fmt::format("签名树头缺少签名：第{}行的空行之后应有签名行", line - 1), "signature", line));
  }
  if (signatures.back() != '\n') {
    const int last = line + static_cast<int>(std::count(signatures.begin(), signatures.end(), '\n'));
    return Unexpected(Invalid(fmt::format("签名树头第{}行（签名行）没有以换行符结尾", last), "signature", last));
  }
  for (std::string_view text : SplitLines(signatures)) {
    if (out.signatures.size() == kMaxSignatures) {
      return Unexpected(Invalid(fmt::format("签名树头的签名行过多：最多{}行", kMaxSignatures), "signature", line));
    }
    const auto malformed = [&](std::string_view why) {
      return Unexpected(Invalid(fmt::format("签名树头第{}行不是有效的签名行：{}", line, why), "signature", line));
    };
    if (!text.starts_with(kSignaturePrefix)) return malformed("应以“— ”（破折号U+2014和空格）开头");
    const std::string_view rest = text.substr(kSignaturePrefix.size());
    const std::size_t space = rest.find(' ');
    if (space == std::string_view::npos) return malformed("应为“— 密钥名 签名”");
    SignatureLineInfo sig;
    sig.line = line;
    sig.name = rest.substr(0, space);
    if (!CheckKeyName(sig.name)) return malformed(fmt::format("密钥名{}无效", Quote(sig.name)));
    auto blob = merkle::Base64Decode(rest.substr(space + 1));
    if (!blob) return malformed("签名不是有效的base64编码");
    if (blob->size() <= 4) return malformed("签名过短");
    sig.key_id = static_cast<std::uint32_t>((*blob)[0]) << 24 | static_cast<std::uint32_t>((*blob)[1]) << 16 |
                 static_cast<std::uint32_t>((*blob)[2]) << 8 | static_cast<std::uint32_t>((*blob)[3]);
    sig.signature.assign(blob->begin() + 4, blob->end());
    out.signatures.push_back(std::move(sig));
    ++line;
  }
  return out;
}

Result<std::vector<Verifier>> ParseVerifierKeys(std::span<const std::string> keys) {
  if (keys.empty()) return Unexpected(Invalid("未配置验证公钥，无法验证签名树头", "verifier_keys"));
  std::vector<Verifier> out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto verifier = ParseVerifierKey(keys[i]);
    if (!verifier) {
      return Unexpected(
          Invalid(fmt::format("第{}个验证公钥无效：{}", i + 1, verifier.error().message), "verifier_keys"));
    }
    out.push_back(std::move(*verifier));
  }
  return out;
}

// The verified text of `note`.
Result<std::string_view> Open(std::string_view note, std::span<const std::string> verifier_keys) {
  GK_TRY(verifiers, ParseVerifierKeys(verifier_keys));
  GK_TRY(split, ParseNote(note));
  RequireSodium();
  bool verified = false;
  for (const SignatureLineInfo& sig : split.signatures) {
    const auto known = std::find_if(verifiers.begin(), verifiers.end(),
                                    [&](const Verifier& v) { return v.name == sig.name && v.key_id == sig.key_id; });
    if (known == verifiers.end()) continue;  // someone else's signature (a witness, a retired key...)
    if (sig.signature.size() != crypto_sign_BYTES ||
        crypto_sign_verify_detached(sig.signature.data(), reinterpret_cast<const unsigned char*>(split.text.data()),
                                    split.text.size(), known->public_key.data()) != 0) {
      return Unexpected(Invalid(fmt::format("签名树头第{}行的签名（密钥{}，ID {}）验证失败：内容或签名已被改动",
                                            sig.line, sig.name, HexKeyId(sig.key_id)),
                                "signature", sig.line));
    }
    verified = true;
  }
  if (!verified) {
    std::string found;
    for (const SignatureLineInfo& sig : split.signatures) {
      if (!found.empty()) found += "、";
      found += fmt::format("{}（ID {}，第{}行）", sig.name, HexKeyId(sig.key_id), sig.line);
    }
    return Unexpected(Invalid(
        fmt::format("签名树头没有来自已知密钥的签名：签名者为{}，与配置的验证公钥都不匹配", found), "signature"));
  }
  return split.text;
}

// The head in a note text (the four body lines, each ending "\n").
Result<TreeHead> ParseBody(std::string_view text) {
  if (auto fault = FindTextFault(text)) {
    const int line = LineAt(text, fault->offset);
    return Unexpected(Invalid(fmt::format("签名树头第{}行{}", line, fault->what), "note", line));
  }
  const auto lines = SplitLines(text);
  const auto missing = [&](int line, const char* what, const char* field) {
    return Unexpected(Invalid(fmt::format("签名树头第{}行缺失：应为{}", line, what), field, line));
  };
  TreeHead head;
  if (lines.empty() || lines[0].empty()) return missing(1, "日志名称（origin）", "origin");
  head.origin = std::string(lines[0]);
  if (lines.size() < 2 || lines[1].empty()) return missing(2, "树大小（十进制数字）", "size");
  auto size = ParseDecimal(lines[1], std::numeric_limits<std::uint64_t>::max());
  if (!size) {
    return Unexpected(Invalid(
        fmt::format("签名树头第2行（树大小）无效：应为不带前导零的十进制数字，实际为{}", Quote(lines[1])), "size", 2));
  }
  head.size = *size;
  if (lines.size() < 3 || lines[2].empty()) return missing(3, "根哈希（base64）", "root");
  auto root = merkle::FromBase64(lines[2]);
  if (!root) {
    return Unexpected(Invalid(
        fmt::format("签名树头第3行（根哈希）无效：应为32字节哈希值的base64编码（44个字符），实际为{}", Quote(lines[2])),
        "root", 3));
  }
  head.root = *root;
  if (lines.size() < 4 || lines[3].empty()) return missing(4, "“time 时间戳”", "time");
  std::optional<std::uint64_t> time;
  if (lines[3].starts_with("time ")) {
    time = ParseDecimal(lines[3].substr(5), static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
  }
  if (!time) {
    return Unexpected(
        Invalid(fmt::format("签名树头第4行（时间）无效：应为“time ”加不带前导零的Unix秒数，实际为{}", Quote(lines[3])),
                "time", 4));
  }
  head.time = static_cast<std::int64_t>(*time);
  if (lines.size() > 4) {
    return Unexpected(Invalid(fmt::format("签名树头第5行多余：正文只应有4行，实际为{}", Quote(lines[4])), "note", 5));
  }
  if (text.back() != '\n') {
    return Unexpected(Invalid("签名树头第4行没有以换行符结尾", "note", 4));
  }
  return head;
}

// ---- key files ----------------------------------------------------------------

std::string SystemError(int err) { return std::strerror(err); }

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unexpected(Error::Storage(fmt::format("写入密钥文件失败：{}", SystemError(errno))));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Ok();
}

// Wipes a string holding secret material when it goes out of scope.
struct Wiped {
  std::string text;
  ~Wiped() {
    if (!text.empty()) sodium_memzero(text.data(), text.size());
  }
};

}  // namespace

Status CheckKeyName(std::string_view name) {
  if (name.empty()) return Unexpected(Invalid("密钥名不能为空", "name"));
  for (std::size_t i = 0; i < name.size();) {
    char32_t cp = 0;
    const std::size_t len = DecodeUtf8(name, i, cp);
    if (len == 0) return Unexpected(Invalid("密钥名不是有效的UTF-8编码", "name"));
    if (cp == U'+') return Unexpected(Invalid("密钥名不能含有“+”", "name"));
    if (IsUnicodeSpace(cp)) return Unexpected(Invalid("密钥名不能含有空格或换行", "name"));
    if (cp < 0x20) return Unexpected(Invalid("密钥名不能含有控制字符", "name"));
    i += len;
  }
  return Ok();
}

std::uint32_t KeyId(std::string_view name, const std::array<std::uint8_t, 32>& public_key) {
  RequireSodium();
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(name.data()), name.size());
  const std::uint8_t separator[2] = {'\n', kEd25519};
  crypto_hash_sha256_update(&state, separator, sizeof separator);
  crypto_hash_sha256_update(&state, public_key.data(), public_key.size());
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state, digest.data());
  return static_cast<std::uint32_t>(digest[0]) << 24 | static_cast<std::uint32_t>(digest[1]) << 16 |
         static_cast<std::uint32_t>(digest[2]) << 8 | static_cast<std::uint32_t>(digest[3]);
}

Result<SigningKey> GenerateKey(std::string_view name) {
  GK_CHECK(CheckKeyName(name));
  RequireSodium();
  SigningKey key;
  key.name = std::string(name);
  crypto_sign_keypair(key.public_key.data(), key.secret.data());
  return key;
}

Result<SigningKey> KeyFromSeed(std::string_view name, std::span<const std::uint8_t, 32> seed) {
  GK_CHECK(CheckKeyName(name));
  RequireSodium();
  SigningKey key;
  key.name = std::string(name);
  crypto_sign_seed_keypair(key.public_key.data(), key.secret.data(), seed.data());
  return key;
}

std::string VerifierKey(const Verifier& verifier) {
  std::array<std::uint8_t, 33> typed{};
  typed[0] = kEd25519;
  std::copy(verifier.public_key.begin(), verifier.public_key.end(), typed.begin() + 1);
  return fmt::format("{}+{}+{}", verifier.name, HexKeyId(verifier.key_id), merkle::Base64Encode(typed));
}

std::string VerifierKey(const SigningKey& key) {
  return VerifierKey(Verifier{key.name, KeyId(key.name, key.public_key), key.public_key});
}

Result<Verifier> ParseVerifierKey(std::string_view text) {
  const auto invalid = [](std::string why) { return Unexpected(Invalid("验证公钥" + why, "verifier_key")); };
  const std::size_t first = text.find('+');
  const std::size_t second = first == std::string_view::npos ? first : text.find('+', first + 1);
  if (second == std::string_view::npos) return invalid("格式应为“名称+8位十六进制密钥ID+base64公钥”");
  Verifier v;
  const std::string_view name = text.substr(0, first);
  if (auto status = CheckKeyName(name); !status) return invalid("的" + status.error().message);
  v.name = std::string(name);
  const std::string_view hex = text.substr(first + 1, second - first - 1);
  if (hex.size() != 8 ||
      !std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
    return invalid(fmt::format("的密钥ID{}应为8位小写十六进制数字", Quote(hex)));
  }
  (void)std::from_chars(hex.data(), hex.data() + hex.size(), v.key_id, 16);
  auto typed = merkle::Base64Decode(text.substr(second + 1));
  if (!typed) return invalid("的公钥部分不是有效的base64编码");
  if (typed->empty() || (*typed)[0] != kEd25519) return invalid("不是Ed25519公钥（类型字节应为0x01）");
  if (typed->size() != 33) return invalid(fmt::format("的公钥长度应为32字节，实际为{}字节", typed->size() - 1));
  std::copy(typed->begin() + 1, typed->end(), v.public_key.begin());
  if (KeyId(v.name, v.public_key) != v.key_id) return invalid("的密钥ID与名称和公钥不符（公钥可能被抄错）");
  return v;
}

Status SaveKey(const std::filesystem::path& path, const SigningKey& key) {
  GK_CHECK(CheckSigningKey(key));
  const std::string shown = path.string();
  std::error_code ec;
  if (std::filesystem::symlink_status(path, ec).type() != std::filesystem::file_type::not_found) {
    return Unexpected(Error::Conflict(fmt::format("密钥文件{}已存在，不会覆盖", shown), "path"));
  }
  Wiped content;
  {
    Wiped seed_b64;
    seed_b64.text = merkle::Base64Encode(std::span(key.secret).first<crypto_sign_SEEDBYTES>());
    content.text =
        fmt::format("{}\nname {}\nseed {}\nverifier {}\n", kKeyFileHeader, key.name, seed_b64.text, VerifierKey(key));
  }
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string temp = (dir / (path.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) {
    return Unexpected(Error::Storage(fmt::format("无法在{}创建密钥文件：{}", dir.string(), SystemError(errno))));
  }
  const auto fail = [&](Error e) {
    ::close(fd);
    ::unlink(temp.c_str());
    return Unexpected(std::move(e));
  };
  if (::fchmod(fd, S_IRUSR | S_IWUSR) != 0) {
    return fail(Error::Storage(fmt::format("无法设置密钥文件权限：{}", SystemError(errno))));
  }
  if (auto written = WriteAll(fd, content.text); !written) return fail(written.error());
  if (::fsync(fd) != 0) return fail(Error::Storage(fmt::format("写入密钥文件失败：{}", SystemError(errno))));
  if (::close(fd) != 0) {
    ::unlink(temp.c_str());
    return Unexpected(Error::Storage(fmt::format("写入密钥文件失败：{}", SystemError(errno))));
  }
  // Put it in place without ever replacing a file that appeared meanwhile.
  int moved = ::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
  if (moved != 0 && (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)) {
    // A filesystem without RENAME_NOREPLACE: link() also fails on an existing name.
    moved = ::link(temp.c_str(), path.c_str());
    const int saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
  }
  if (moved != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    if (err == EEXIST) return Unexpected(Error::Conflict(fmt::format("密钥文件{}已存在，不会覆盖", shown), "path"));
    return Unexpected(Error::Storage(fmt::format("无法保存密钥文件{}：{}", shown, SystemError(err))));
  }
  // Make the new directory entry durable too.
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Ok();
}

Result<SigningKey> LoadKey(const std::filesystem::path& path) {
  const std::string shown = path.string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return Unexpected(Error::NotFound(fmt::format("密钥文件{}不存在", shown)));
    return Unexpected(Error::Storage(fmt::format("无法打开密钥文件{}：{}", shown, SystemError(errno))));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return Unexpected(Error::Storage(fmt::format("无法读取密钥文件{}：{}", shown, SystemError(errno))));
  }
  if (!S_ISREG(st.st_mode)) return Unexpected(Invalid(fmt::format("{}不是普通文件，不能作为密钥文件", shown), "path"));
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Unexpected(
        Invalid(fmt::format("密钥文件{}的权限过宽（{:04o}）：同组或其他用户也能访问私钥。请执行 chmod 600 {}", shown,
                            st.st_mode & 07777, shown),
                "path"));
  }
  if (st.st_size > static_cast<off_t>(kMaxKeyFileBytes)) {
    return Unexpected(Invalid(fmt::format("密钥文件{}过大，不是gongkai账本密钥文件", shown), "path"));
  }
  Wiped content;
  content.text.resize(kMaxKeyFileBytes + 1);
  std::size_t got = 0;
  while (got < content.text.size()) {
    const ssize_t n = ::read(fd, content.text.data() + got, content.text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unexpected(Error::Storage(fmt::format("无法读取密钥文件{}：{}", shown, SystemError(errno))));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > kMaxKeyFileBytes) {
    return Unexpected(Invalid(fmt::format("密钥文件{}过大，不是gongkai账本密钥文件", shown), "path"));
  }
  const std::string_view text(content.text.data(), got);
  const auto bad = [&](int line, std::string why) {
    return Unexpected(Invalid(fmt::format("密钥文件{}第{}行{}", shown, line, why), "path", line));
  };
  if (auto fault = FindTextFault(text)) return bad(LineAt(text, fault->offset), fault->what);
  const auto lines = SplitLines(text);
  if (lines.empty() || lines[0] != kKeyFileHeader) {
    return bad(1, fmt::format("应为“{}”：这不是gongkai账本密钥文件，或版本不受支持", kKeyFileHeader));
  }
  if (lines.size() < 2 || !lines[1].starts_with("name ")) return bad(2, "应为“name 密钥名”");
  const std::string_view name = lines[1].substr(5);
  if (auto status = CheckKeyName(name); !status) return bad(2, "的" + status.error().message);
  if (lines.size() < 3 || !lines[2].starts_with("seed ")) return bad(3, "应为“seed base64私钥种子”");
  auto seed = merkle::Base64Decode(lines[2].substr(5));
  if (!seed || seed->size() != crypto_sign_SEEDBYTES) {
    if (seed) sodium_memzero(seed->data(), seed->size());
    return bad(3, "的私钥种子无效：应为32字节的base64编码");
  }
  auto key = KeyFromSeed(name, std::span<const std::uint8_t, 32>(seed->data(), 32));
  sodium_memzero(seed->data(), seed->size());
  if (!key) return bad(2, "的" + key.error().message);
  if (lines.size() < 4 || !lines[3].starts_with("verifier ")) return bad(4, "应为“verifier 验证公钥”");
  if (lines[3].substr(9) != VerifierKey(*key)) {
    sodium_memzero(key->secret.data(), key->secret.size());
    return bad(4, "的验证公钥与私钥种子不符：文件已损坏或被改动");
  }
  if (lines.size() > 4) {
    sodium_memzero(key->secret.data(), key->secret.size());
    return bad(5, "多余：密钥文件只应有4行");
  }
  return key;
}

Status CheckTreeHead(const TreeHead& head) {
  if (head.origin.empty()) return Unexpected(Invalid("签名树头的日志名称（origin）不能为空", "origin"));
  if (auto fault = FindTextFault(head.origin); fault || head.origin.find('\n') != std::string::npos) {
    return Unexpected(
        Invalid(fmt::format("签名树头的日志名称（origin）{}", fault ? fault->what : "含有换行符"), "origin"));
  }
  if (head.time < 0) return Unexpected(Invalid("签名树头的时间（time）不能早于1970年", "time"));
  return Ok();
}

std::string FormatTreeHead(const TreeHead& head) {
  return fmt::format("{}\n{}\n{}\ntime {}\n", head.origin, head.size, merkle::ToBase64(head.root), head.time);
}

std::string SignTreeHead(const TreeHead& head, const SigningKey& key) {
  if (!CheckTreeHead(head) || !CheckSigningKey(key)) return {};
  const std::string text = FormatTreeHead(head);
  return text + "\n" + SignatureLine(text, key);
}

Result<TreeHead> VerifyTreeHead(std::string_view note, std::span<const std::string> verifier_keys) {
  GK_TRY(text, Open(note, verifier_keys));
  return ParseBody(text);
}

Result<TreeHead> ParseTreeHead(std::string_view note) {
  if (note.size() > kMaxNoteBytes) {
    return Unexpected(Invalid(fmt::format("签名树头过大：{}字节，上限为{}字节", note.size(), kMaxNoteBytes), "note"));
  }
  const std::size_t blank = note.rfind("\n\n");
  return ParseBody(blank == std::string_view::npos ? note : note.substr(0, blank + 1));
}

Result<std::string> SignNote(std::string_view text, const SigningKey& key) {
  GK_CHECK(CheckSigningKey(key));
  if (text.empty() || text.back() != '\n') return Unexpected(Invalid("签名内容必须以换行符结尾", "text"));
  if (text.size() > kMaxNoteBytes / 2) return Unexpected(Invalid("签名内容过长", "text"));
  if (auto fault = FindTextFault(text)) {
    const int line = LineAt(text, fault->offset);
    return Unexpected(Invalid(fmt::format("签名内容第{}行{}", line, fault->what), "text", line));
  }
  if (text.front() == '\n' || text.find("\n\n") != std::string_view::npos) {
    return Unexpected(Invalid("签名内容不能含有空行", "text"));
  }
  return std::string(text) + "\n" + SignatureLine(text, key);
}

Result<std::string> OpenNote(std::string_view note, std::span<const std::string> verifier_keys) {
  GK_TRY(text, Open(note, verifier_keys));
  return std::string(text);
}

}  // namespace gongkai::ledger
