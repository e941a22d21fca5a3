#include "app/checkpoint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace gongkai::ledger {
namespace {

std::array<std::uint8_t, 32> Seed(std::uint8_t fill) {
  std::array<std::uint8_t, 32> seed{};
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(fill + i);
  return seed;
}

SigningKey Key(std::string_view name, std::uint8_t fill) {
  auto key = KeyFromSeed(name, Seed(fill));
  EXPECT_TRUE(key.has_value());
  return key.value_or(SigningKey{});
}

TreeHead Head() {
  TreeHead head;
  head.origin = "gongkai.example.gov.cn/ledger";
  head.size = 1234;
  head.root = merkle::LeafHash("根");
  head.time = 1735689600;
  return head;
}

void ExpectInvalid(const Result<TreeHead>& r, int line, std::string_view words) {
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(r.error().line, line) << r.error().message;
  EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
}

// ---- interoperability -----------------------------------------------------------
//
// The example key and note of Go's reference implementation of signed notes,
// golang.org/x/mod/sumdb/note (note_test.go and the package documentation).
// Ed25519 is deterministic, so signing the same text with the same key must
// give the very same signature line.
constexpr std::string_view kGoVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kGoSignerSeed = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";  // base64(0x01 || seed)
constexpr std::string_view kGoText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view kGoSignature =
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

TEST(CheckpointTest, MatchesTheGoReferenceImplementation) {
  auto typed_seed = merkle::Base64Decode(kGoSignerSeed);
  ASSERT_TRUE(typed_seed.has_value());
  ASSERT_EQ(typed_seed->size(), 33u);
  ASSERT_EQ((*typed_seed)[0], 0x01);
  auto key = KeyFromSeed("PeterNeumann", std::span<const std::uint8_t, 32>(typed_seed->data() + 1, 32));
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(VerifierKey(*key), kGoVerifierKey);
  EXPECT_EQ(KeyId("PeterNeumann", key->public_key), 0xc74f20a3u);

  const std::string note = std::string(kGoText) + "\n" + std::string(kGoSignature);
  auto signed_note = SignNote(kGoText, *key);
  ASSERT_TRUE(signed_note.has_value()) << signed_note.error().message;
  EXPECT_EQ(*signed_note, note);

  const std::vector<std::string> keys = {std::string(kGoVerifierKey)};
  auto text = OpenNote(note, keys);
  ASSERT_TRUE(text.has_value()) << text.error().message;
  EXPECT_EQ(*text, kGoText);
  // Not a checkpoint, so no tree head in it.
  EXPECT_FALSE(VerifyTreeHead(note, keys).has_value());
}

TEST(CheckpointTest, ParsesVerifierKeysLikeTheGoReference) {
  auto v = ParseVerifierKey(kGoVerifierKey);
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_EQ(v->name, "PeterNeumann");
  EXPECT_EQ(v->key_id, 0xc74f20a3u);
  EXPECT_EQ(VerifierKey(*v), kGoVerifierKey);

  // Bad keys, most from the Go tests' table.
  const char* bad[] = {
      "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",  // wrong length
      "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",          // key ID mismatch
      "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",          // upper-case key ID
      "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",           // 7 hex digits
      "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",         // space in the name
      "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",                      // no name
      "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",          // not Ed25519
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW ",         // trailing space
      "PeterNeumann+c74f20a3",
      "PeterNeumann+c74f20a3+!!!!",
      "PeterNeumann",
      "",
  };
  for (const char* text : bad) {
    auto parsed = ParseVerifierKey(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(parsed.error().message.rfind("验证公钥", 0), 0u) << parsed.error().message;
  }
  EXPECT_NE(ParseVerifierKey(bad[1]).error().message.find("密钥ID与名称和公钥不符"), std::string::npos);
  EXPECT_NE(ParseVerifierKey(bad[6]).error().message.find("不是Ed25519公钥"), std::string::npos);
}

// ---- signing and verifying ------------------------------------------------------

TEST(CheckpointTest, RoundTrip) {
  auto key = GenerateKey("gongkai.example.gov.cn/ledger");
  ASSERT_TRUE(key.has_value()) << key.error().message;
  const TreeHead head = Head();
  const std::string note = SignTreeHead(head, *key);
  const std::string body =
      "gongkai.example.gov.cn/ledger\n1234\n" + merkle::ToBase64(head.root) + "\ntime 1735689600\n";
  EXPECT_EQ(FormatTreeHead(head), body);
  ASSERT_EQ(note.rfind(body + "\n— gongkai.example.gov.cn/ledger ", 0), 0u) << note;
  EXPECT_EQ(note.back(), '\n');

  const std::vector<std::string> keys = {VerifierKey(*key)};
  auto verified = VerifyTreeHead(note, keys);
  ASSERT_TRUE(verified.has_value()) << verified.error().message;
  EXPECT_EQ(*verified, head);
  auto parsed = ParseTreeHead(note);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(*parsed, head);
  parsed = ParseTreeHead(body);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(*parsed, head);

  // Extreme values.
  TreeHead edge = head;
  edge.size = std::numeric_limits<std::uint64_t>::max();
  edge.time = std::numeric_limits<std::int64_t>::max();
  edge.origin = "信息公开 账本";  // an origin may contain spaces
  verified = VerifyTreeHead(SignTreeHead(edge, *key), keys);
  ASSERT_TRUE(verified.has_value()) << verified.error().message;
  EXPECT_EQ(*verified, edge);
  edge.size = 0;
  edge.time = 0;
  edge.root = merkle::EmptyRoot();
  verified = VerifyTreeHead(SignTreeHead(edge, *key), keys);
  ASSERT_TRUE(verified.has_value()) << verified.error().message;
  EXPECT_EQ(*verified, edge);
}

TEST(CheckpointTest, AnyChangedByteIsRejected) {
  const SigningKey key = Key("gongkai.example.gov.cn/ledger", 1);
  const std::vector<std::string> keys = {VerifierKey(key)};
  const std::string note = SignTreeHead(Head(), key);
  ASSERT_TRUE(VerifyTreeHead(note, keys).has_value());
  for (std::size_t i = 0; i < note.size(); ++i) {
    for (std::uint8_t mask : {0x01, 0x20, 0x80}) {
      std::string bad = note;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      ASSERT_FALSE(VerifyTreeHead(bad, keys).has_value()) << "byte " << i << " mask " << int(mask);
    }
  }
  // A plausible forgery: one more entry claimed, everything else intact.
  std::string bigger = note;
  bigger.replace(bigger.find("\n1234\n"), 6, "\n1235\n");
  ExpectInvalid(VerifyTreeHead(bigger, keys), 6, "第6行的签名");
  EXPECT_NE(VerifyTreeHead(bigger, keys).error().message.find("验证失败"), std::string::npos);
  // The signature itself changed (a valid base64 character swapped).
  std::string resigned = note;
  const std::size_t at = resigned.size() - 10;
  resigned[at] = resigned[at] == 'A' ? 'B' : 'A';
  ExpectInvalid(VerifyTreeHead(resigned, keys), 6, "验证失败");
  // Truncated anywhere.
  for (std::size_t len = 0; len < note.size(); ++len) {
    ASSERT_FALSE(VerifyTreeHead(std::string_view(note).substr(0, len), keys).has_value()) << len;
  }
}

TEST(CheckpointTest, WrongKeyIsRejected) {
  const SigningKey key = Key("gongkai.example.gov.cn/ledger", 1);
  const SigningKey other = Key("gongkai.example.gov.cn/ledger", 2);  // same name, other key
  const SigningKey stranger = Key("other.example/ledger", 3);
  const std::string note = SignTreeHead(Head(), key);
  for (const SigningKey* wrong : {&other, &stranger}) {
    const std::vector<std::string> keys = {VerifierKey(*wrong)};
    auto r = VerifyTreeHead(note, keys);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("没有来自已知密钥的签名"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("gongkai.example.gov.cn/ledger（ID "), std::string::npos) << r.error().message;
  }
  // Another key's signature under the known key's name and ID: the line
  // claims a known key, so it must verify, and it does not.
  const std::string forged = SignTreeHead(Head(), other);
  auto blob = merkle::Base64Decode(forged.substr(forged.rfind(' ') + 1, forged.size() - forged.rfind(' ') - 2));
  ASSERT_TRUE(blob.has_value());
  const std::uint32_t id = KeyId(key.name, key.public_key);
  for (int i = 0; i < 4; ++i) (*blob)[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(id >> (24 - 8 * i));
  const std::string claimed = FormatTreeHead(Head()) + "\n— " + key.name + " " + merkle::Base64Encode(*blob) + "\n";
  ExpectInvalid(VerifyTreeHead(claimed, std::vector<std::string>{VerifierKey(key)}), 6, "验证失败");
}

TEST(CheckpointTest, KeyRotationKeepsOldCheckpointsVerifiable) {
  const SigningKey old_key = Key("gongkai.example.gov.cn/ledger", 10);
  const SigningKey new_key = Key("gongkai.example.gov.cn/ledger", 20);
  ASSERT_NE(KeyId(old_key.name, old_key.public_key), KeyId(new_key.name, new_key.public_key));
  TreeHead before = Head();
  TreeHead after = Head();
  after.size = 2000;
  after.time += 86400;
  const std::string old_note = SignTreeHead(before, old_key);
  const std::string new_note = SignTreeHead(after, new_key);
  const std::vector<std::string> both = {VerifierKey(old_key), VerifierKey(new_key)};
  auto r = VerifyTreeHead(old_note, both);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(*r, before);
  r = VerifyTreeHead(new_note, both);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(*r, after);
  // Only the new key configured: old checkpoints no longer verify.
  EXPECT_FALSE(VerifyTreeHead(old_note, std::vector<std::string>{VerifierKey(new_key)}).has_value());
  // During the change-over a head signed by both keys verifies with either.
  const std::string doubly = new_note + SignTreeHead(after, old_key).substr(FormatTreeHead(after).size() + 1);
  EXPECT_TRUE(VerifyTreeHead(doubly, std::vector<std::string>{VerifierKey(old_key)}).has_value());
  EXPECT_TRUE(VerifyTreeHead(doubly, std::vector<std::string>{VerifierKey(new_key)}).has_value());
  EXPECT_TRUE(VerifyTreeHead(doubly, both).has_value());
}

TEST(CheckpointTest, UnknownSignaturesAreIgnoredButBadKnownOnesReject) {
  const SigningKey log = Key("gongkai.example.gov.cn/ledger", 1);
  const SigningKey witness = Key("witness.example/w1", 2);
  const std::string note = SignTreeHead(Head(), log);
  const std::string witness_line = SignTreeHead(Head(), witness).substr(FormatTreeHead(Head()).size() + 1);
  // An unknown witness cosignature, and an unknown signature type.
  const std::string cosigned = note + witness_line + "— someone.example/x AAAAAAE=\n";
  EXPECT_TRUE(VerifyTreeHead(cosigned, std::vector<std::string>{VerifierKey(log)}).has_value());
  EXPECT_TRUE(VerifyTreeHead(cosigned, std::vector<std::string>{VerifierKey(witness)}).has_value());
  // A broken signature by a known key rejects the note even if another good one is there.
  std::string broken_witness = witness_line;
  broken_witness[broken_witness.size() - 5] = broken_witness[broken_witness.size() - 5] == 'A' ? 'B' : 'A';
  const std::string mixed = note + broken_witness;
  auto r = VerifyTreeHead(mixed, std::vector<std::string>{VerifierKey(log), VerifierKey(witness)});
  ExpectInvalid(r, 7, "验证失败");
  EXPECT_TRUE(VerifyTreeHead(mixed, std::vector<std::string>{VerifierKey(log)}).has_value());
}

TEST(CheckpointTest, MalformedNotesNameTheLine) {
  const SigningKey key = Key("gongkai.example.gov.cn/ledger", 1);
  const std::vector<std::string> keys = {VerifierKey(key)};
  const std::string root = merkle::ToBase64(merkle::EmptyRoot());
  struct Case {
    std::string body;
    int line;
    const char* words;
  };
  const Case bodies[] = {
      {"\n5\n" + root + "\ntime 1\n", 1, "第1行缺失"},
      {"o\n\n" + root + "\ntime 1\n", 2, "第2行缺失"},
      {"o\n05\n" + root + "\ntime 1\n", 2, "第2行（树大小）无效"},
      {"o\n-5\n" + root + "\ntime 1\n", 2, "第2行（树大小）无效"},
      {"o\n+5\n" + root + "\ntime 1\n", 2, "第2行（树大小）无效"},
      {"o\n5 \n" + root + "\ntime 1\n", 2, "第2行（树大小）无效"},
      {"o\n18446744073709551616\n" + root + "\ntime 1\n", 2, "第2行（树大小）无效"},
      {"o\n5\n" + root.substr(1) + "\ntime 1\n", 3, "第3行（根哈希）无效"},
      {"o\n5\n" + merkle::ToHex(merkle::EmptyRoot()) + "\ntime 1\n", 3, "第3行（根哈希）无效"},
      {"o\n5\n" + root + "\n", 4, "第4行缺失"},
      {"o\n5\n" + root + "\ntime\n", 4, "第4行（时间）无效"},
      {"o\n5\n" + root + "\ntime -1\n", 4, "第4行（时间）无效"},
      {"o\n5\n" + root + "\ntime 01\n", 4, "第4行（时间）无效"},
      {"o\n5\n" + root + "\ntime 9223372036854775808\n", 4, "第4行（时间）无效"},
      {"o\n5\n" + root + "\nTime 1\n", 4, "第4行（时间）无效"},
      {"o\n5\n" + root + "\ntime 1\nextra\n", 5, "第5行多余"},
      {"o\n5\n" + root + "\ntime 1\x01\n", 4, "控制字符"},
      {"o\xff\n5\n" + root + "\ntime 1\n", 1, "UTF-8"},
  };
  for (const Case& c : bodies) {
    SCOPED_TRACE(c.body);
    // Signed (a valid signature over a bad body) and unsigned.
    auto note = SignNote(c.body, key);
    if (note) ExpectInvalid(VerifyTreeHead(*note, keys), c.line, c.words);
    ExpectInvalid(ParseTreeHead(c.body), c.line, c.words);
  }

  const std::string good = SignTreeHead(Head(), key);
  const std::string body = FormatTreeHead(Head());
  const std::string sig = good.substr(body.size() + 1);
  const Case notes[] = {
      {body, 0, "缺少签名"},
      {body + "\n", 6, "缺少签名"},
      {body + "\n" + sig.substr(0, sig.size() - 1), 6, "没有以换行符结尾"},
      {body + "\n" + "-- " + sig.substr(4), 6, "应以“— ”"},
      {body + "\n" + sig + "junk\n", 7, "第7行不是有效的签名行"},
      {body + "\n" + "— gongkai.example.gov.cn/ledger\n", 6, "应为“— 密钥名 签名”"},
      {body + "\n" + "— gongkai.example.gov.cn/ledger !!!!\n", 6, "base64"},
      {body + "\n" + "— gongkai.example.gov.cn/ledger AAAA\n", 6, "签名过短"},
      {body + "\n" + "— a+b AAAAAAE=\n", 6, "密钥名“a+b”无效"},
      {body + "\n" + sig + "\n", 8, "缺少签名"},
      {body + "\n" + "— gongkai.example.gov.cn/ledger " + sig.substr(sig.rfind(' ') + 1, 21) + "\n", 6, "base64"},
      {body + "\r\n" + sig, 5, "控制字符"},
  };
  for (const Case& c : notes) {
    SCOPED_TRACE(c.body);
    ExpectInvalid(VerifyTreeHead(c.body, keys), c.line, c.words);
  }

  // Limits.
  std::string many = good;
  for (int i = 0; i < 100; ++i) many += "— w" + std::to_string(i) + ".example AAAAAAE=\n";
  ExpectInvalid(VerifyTreeHead(many, keys), 106, "签名行过多");
  ExpectInvalid(VerifyTreeHead(std::string(kMaxNoteBytes + 1, 'a'), keys), 0, "过大");
  ExpectInvalid(ParseTreeHead(std::string(kMaxNoteBytes + 1, 'a')), 0, "过大");

  // Verifier keys are checked too.
  ExpectInvalid(VerifyTreeHead(good, {}), 0, "未配置验证公钥");
  ExpectInvalid(VerifyTreeHead(good, std::vector<std::string>{keys[0], "x+y"}), 0, "第2个验证公钥无效");
}

TEST(CheckpointTest, InvalidHeadsAndKeysAreNotSigned) {
  const SigningKey key = Key("gongkai.example.gov.cn/ledger", 1);
  TreeHead head = Head();
  head.origin = "";
  EXPECT_FALSE(CheckTreeHead(head).has_value());
  EXPECT_EQ(SignTreeHead(head, key), "");
  head.origin = "a\nb";
  EXPECT_EQ(SignTreeHead(head, key), "");
  head.origin = "a\tb";
  EXPECT_EQ(SignTreeHead(head, key), "");
  head.origin = "a\xff";
  EXPECT_EQ(SignTreeHead(head, key), "");
  head = Head();
  head.time = -1;
  EXPECT_EQ(CheckTreeHead(head).error().field, "time");
  EXPECT_EQ(SignTreeHead(head, key), "");

  SigningKey broken = key;
  broken.public_key[0] ^= 1;
  EXPECT_EQ(SignTreeHead(Head(), broken), "");
  broken = key;
  broken.name = "a b";
  EXPECT_EQ(SignTreeHead(Head(), broken), "");

  EXPECT_FALSE(SignNote("no newline", key).has_value());
  EXPECT_FALSE(SignNote("", key).has_value());
  EXPECT_FALSE(SignNote("a\n\nb\n", key).has_value());
  EXPECT_FALSE(SignNote("\n", key).has_value());
  EXPECT_FALSE(SignNote("a\rb\n", key).has_value());
}

TEST(CheckpointTest, KeyNames) {
  for (const char* good : {"gongkai.example.gov.cn/ledger", "信息公开/账本", "a", "x-y_z.1"}) {
    auto key = GenerateKey(good);
    ASSERT_TRUE(key.has_value()) << good;
    EXPECT_EQ(key->name, good);
    auto v = ParseVerifierKey(VerifierKey(*key));
    ASSERT_TRUE(v.has_value()) << v.error().message;
    EXPECT_EQ(v->public_key, key->public_key);
  }
  for (const char* bad : {"", "a b", "a+b", "a\nb", "a\tb", "全角\u3000空格", "nbsp\u00a0", "a\x01", "\xff"}) {
    auto key = GenerateKey(bad);
    ASSERT_FALSE(key.has_value()) << bad;
    EXPECT_EQ(key.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(key.error().field, "name");
  }
  // Two fresh keys differ.
  auto a = GenerateKey("k");
  auto b = GenerateKey("k");
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->public_key, b->public_key);
}

// ---- key files -----------------------------------------------------------------

class CheckpointKeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("gongkai-ledger-key-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::filesystem::path& path, const std::string& text, mode_t mode = 0600) {
    std::ofstream(path, std::ios::binary) << text;
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
  }

  std::filesystem::path dir_;
};

TEST_F(CheckpointKeyFileTest, SaveAndLoad) {
  auto key = GenerateKey("gongkai.example.gov.cn/ledger");
  ASSERT_TRUE(key.has_value());
  const auto path = dir_ / "ledger.key";
  auto saved = SaveKey(path, *key);
  ASSERT_TRUE(saved.has_value()) << saved.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  // Nothing else left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), std::filesystem::directory_iterator()), 1);

  auto loaded = LoadKey(path);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ(loaded->name, key->name);
  EXPECT_EQ(loaded->secret, key->secret);
  EXPECT_EQ(loaded->public_key, key->public_key);

  std::ifstream in(path);
  std::string header, name_line, seed_line, verifier_line;
  std::getline(in, header);
  std::getline(in, name_line);
  std::getline(in, seed_line);
  std::getline(in, verifier_line);
  EXPECT_EQ(header, "gongkai-ledger-key v1");
  EXPECT_EQ(name_line, "name gongkai.example.gov.cn/ledger");
  EXPECT_EQ(seed_line.rfind("seed ", 0), 0u);
  EXPECT_EQ(verifier_line, "verifier " + VerifierKey(*key));

  // A loaded key signs what the saved one verifies.
  const std::vector<std::string> keys = {VerifierKey(*key)};
  EXPECT_TRUE(VerifyTreeHead(SignTreeHead(Head(), *loaded), keys).has_value());
}

TEST_F(CheckpointKeyFileTest, NeverOverwrites) {
  const auto path = dir_ / "ledger.key";
  const SigningKey first = Key("k", 1);
  ASSERT_TRUE(SaveKey(path, first).has_value());
  auto again = SaveKey(path, Key("k", 2));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_NE(again.error().message.find("已存在"), std::string::npos);
  EXPECT_EQ(LoadKey(path)->public_key, first.public_key);
  // Not even over a dangling symlink or a directory.
  std::filesystem::create_symlink(dir_ / "nowhere", dir_ / "link.key");
  EXPECT_EQ(SaveKey(dir_ / "link.key", first).error().code, ErrorCode::kConflict);
  EXPECT_EQ(SaveKey(dir_, first).error().code, ErrorCode::kConflict);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), std::filesystem::directory_iterator()), 2);
}

TEST_F(CheckpointKeyFileTest, SaveRefusesInconsistentKeysAndMissingDirectories) {
  SigningKey key = Key("k", 1);
  key.public_key[3] ^= 0x10;
  auto saved = SaveKey(dir_ / "a.key", key);
  ASSERT_FALSE(saved.has_value());
  EXPECT_EQ(saved.error().code, ErrorCode::kInvalidInput);
  saved = SaveKey(dir_ / "no" / "such" / "dir.key", Key("k", 1));
  ASSERT_FALSE(saved.has_value());
  EXPECT_EQ(saved.error().code, ErrorCode::kStorage);
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST_F(CheckpointKeyFileTest, RefusesFilesOthersCanRead) {
  const auto path = dir_ / "ledger.key";
  ASSERT_TRUE(SaveKey(path, Key("k", 1)).has_value());
  for (mode_t mode : {0640, 0604, 0660, 0644, 0610, 0602}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    auto loaded = LoadKey(path);
    ASSERT_FALSE(loaded.has_value()) << std::oct << mode;
    EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(loaded.error().message.find("chmod 600"), std::string::npos) << loaded.error().message;
  }
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  EXPECT_TRUE(LoadKey(path).has_value());
}

TEST_F(CheckpointKeyFileTest, MissingAndOddFiles) {
  auto missing = LoadKey(dir_ / "none.key");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto directory = LoadKey(dir_);
  ASSERT_FALSE(directory.has_value());
  EXPECT_EQ(directory.error().code, ErrorCode::kInvalidInput);
  Write(dir_ / "big.key", std::string(10000, 'a'));
  EXPECT_NE(LoadKey(dir_ / "big.key").error().message.find("过大"), std::string::npos);
}

TEST_F(CheckpointKeyFileTest, MalformedFilesNameTheLine) {
  const SigningKey key = Key("gongkai.example.gov.cn/ledger", 1);
  const auto good_path = dir_ / "good.key";
  ASSERT_TRUE(SaveKey(good_path, key).has_value());
  std::string good;
  {
    std::ifstream in(good_path);
    good.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto lines = [&] {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < good.size()) {
      const std::size_t end = good.find('\n', start);
      out.push_back(good.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }();
  ASSERT_EQ(lines.size(), 4u);
  const auto join = [](std::vector<std::string> v) {
    std::string s;
    for (const auto& l : v) s += l + "\n";
    return s;
  };
  const SigningKey other = Key("gongkai.example.gov.cn/ledger", 2);
  struct Case {
    std::string text;
    int line;
    const char* words;
  };
  const Case cases[] = {
      {"", 1, "gongkai-ledger-key v1"},
      {"gongkai-ledger-key v2\n" + lines[1] + "\n", 1, "版本不受支持"},
      {join({lines[0]}), 2, "name"},
      {join({lines[0], "name a b", lines[2], lines[3]}), 2, "密钥名不能含有空格"},
      {join({lines[0], "Name x", lines[2], lines[3]}), 2, "name"},
      {join({lines[0], lines[1]}), 3, "seed"},
      {join({lines[0], lines[1], "seed AAAA", lines[3]}), 3, "私钥种子无效"},
      {join({lines[0], lines[1], lines[2].substr(0, 20), lines[3]}), 3, "私钥种子无效"},
      {join({lines[0], lines[1], lines[2]}), 4, "verifier"},
      {join({lines[0], lines[1], lines[2], "verifier " + VerifierKey(other)}), 4, "不符"},
      {join({lines[0], "name other", lines[2], lines[3]}), 4, "不符"},
      {join({lines[0], lines[1], lines[2], lines[3], ""}), 5, "多余"},
      {join({lines[0], lines[1], lines[2], lines[3], "x"}), 5, "多余"},
      {join({lines[0], lines[1] + "\r", lines[2], lines[3]}), 2, "控制字符"},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const auto path = dir_ / ("bad" + std::to_string(++n) + ".key");
    Write(path, c.text);
    auto loaded = LoadKey(path);
    ASSERT_FALSE(loaded.has_value());
    EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(loaded.error().line, c.line) << loaded.error().message;
    EXPECT_NE(loaded.error().message.find(c.words), std::string::npos) << loaded.error().message;
    EXPECT_NE(loaded.error().message.find("第" + std::to_string(c.line) + "行"), std::string::npos)
        << loaded.error().message;
  }
  // Without the final newline the file is still fine.
  Write(dir_ / "no-newline.key", good.substr(0, good.size() - 1));
  EXPECT_TRUE(LoadKey(dir_ / "no-newline.key").has_value());
}

}  // namespace
}  // namespace gongkai::ledger
