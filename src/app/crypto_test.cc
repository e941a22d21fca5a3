#include "app/crypto.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace gongkai {
namespace {

TEST(CryptoTest, HashesAndVerifiesPasswords) {
  const std::string password = "Xinxi-Gongkai-2018";
  auto hash = HashPassword(password);
  ASSERT_TRUE(hash.has_value()) << hash.error().message;
  EXPECT_EQ(hash->find(password), std::string::npos);
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, password));
  EXPECT_FALSE(VerifyPassword(*hash, "Xinxi-Gongkai-2019"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
  EXPECT_FALSE(VerifyPassword(*hash, password + '\0'));

  // A fresh salt each time.
  auto again = HashPassword(password);
  ASSERT_TRUE(again.has_value());
  EXPECT_NE(*again, *hash);
  EXPECT_TRUE(VerifyPassword(*again, password));
}

TEST(CryptoTest, VerifyRefusesMalformedHashes) {
  auto hash = HashPassword("联络员密码很安全的");
  ASSERT_TRUE(hash.has_value());
  EXPECT_TRUE(VerifyPassword(*hash, "联络员密码很安全的"));
  EXPECT_FALSE(VerifyPassword(hash->substr(0, hash->size() - 1), "联络员密码很安全的"));
  EXPECT_FALSE(VerifyPassword(*hash + "x", "联络员密码很安全的"));
  EXPECT_FALSE(VerifyPassword(std::string(*hash).insert(5, 1, '\0'), "联络员密码很安全的"));
  EXPECT_FALSE(VerifyPassword("", ""));
  EXPECT_FALSE(VerifyPassword("联络员密码很安全的", "联络员密码很安全的"));
  EXPECT_FALSE(VerifyPassword(std::string(500, '$'), "x"));
}

TEST(CryptoTest, HashesAnyBytes) {
  const std::string odd("\0\xff\n", 3);
  auto hash = HashPassword(odd);
  ASSERT_TRUE(hash.has_value());
  EXPECT_TRUE(VerifyPassword(*hash, odd));
  EXPECT_FALSE(VerifyPassword(*hash, std::string("\0\xff", 2)));
}

TEST(CryptoTest, PasswordStrength) {
  const char* good[] = {
      "Gongkai2018!",    "abcdefghij", "1234567890a", "信息公开联络员登记表格",
      "信息公开ab12345", "aaaaaaaaab", "          x",
  };
  for (const char* p : good) {
    SCOPED_TRACE(p);
    auto s = CheckPasswordStrength(p, "新密码");
    EXPECT_TRUE(s.has_value()) << s.error().message;
  }
  struct Bad {
    const char* password;
    const char* message;
  };
  const Bad bad[] = {
      {"", "新密码至少需要10个字符，当前只有0个"},
      {"short", "新密码至少需要10个字符，当前只有5个"},
      {"信息公开联络员登记表", nullptr},                              // 10 characters: fine (checked below)
      {"信息公开联络员登记", "新密码至少需要10个字符，当前只有9个"},  // 27 bytes, 9 characters
      {"aaaaaaaaaa", "新密码不能由同一个字符重复组成"},
      {"公公公公公公公公公公公", "新密码不能由同一个字符重复组成"},
      {"1111111111", "新密码不能由同一个字符重复组成"},
      {"1234567890", "新密码不能全部是数字"},
      {"13812345678", "新密码不能全部是数字"},
      {"abcdefghi\xff", "新密码含有无效的字符（不是有效的UTF-8编码）"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.password);
    auto s = CheckPasswordStrength(b.password, "新密码");
    if (b.message == nullptr) {
      EXPECT_TRUE(s.has_value());
      continue;
    }
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(s.error().field, "新密码");
    EXPECT_EQ(s.error().message, b.message);
  }
  auto identifier = CheckPasswordStrength("1234567890", "new_password");
  ASSERT_FALSE(identifier.has_value());
  EXPECT_EQ(identifier.error().message, "密码（new_password）不能全部是数字");
  EXPECT_EQ(identifier.error().field, "new_password");

  auto unnamed = CheckPasswordStrength("x", "");
  ASSERT_FALSE(unnamed.has_value());
  EXPECT_EQ(unnamed.error().message, "密码至少需要10个字符，当前只有1个");
}

TEST(CryptoTest, RandomTokens) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string t = RandomToken();
    ASSERT_EQ(t.size(), 43u);  // ceil(32 * 4 / 3), no padding
    EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << t;
    EXPECT_TRUE(seen.insert(t).second) << t;
  }
  EXPECT_EQ(RandomToken(0), "");
  EXPECT_EQ(RandomToken(1).size(), 2u);
  EXPECT_EQ(RandomToken(2).size(), 3u);
  EXPECT_EQ(RandomToken(3).size(), 4u);
  EXPECT_EQ(RandomToken(16).size(), 22u);
  EXPECT_EQ(RandomToken(48).size(), 64u);
}

TEST(CryptoTest, FirstUseFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<std::string> tokens(8);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    threads.emplace_back([&tokens, i] { tokens[i] = RandomToken(); });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(tokens.begin(), tokens.end()).size(), tokens.size());
}

TEST(CryptoTest, Sha256MatchesFips180Vectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string("\0", 1)), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("token", "token"));
  EXPECT_FALSE(ConstantTimeEquals("token", "tokem"));
  EXPECT_FALSE(ConstantTimeEquals("token", "token "));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace gongkai
