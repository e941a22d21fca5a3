#include "storage/postgres/pg_pool.h"

#include <gtest/gtest.h>

namespace gongkai::pg {
namespace {

// Nothing listens on port 1 of the loopback interface: the connection is
// refused at once, no server needed.
constexpr const char* kNobody = "postgresql://gongkai@127.0.0.1:1/gongkai?connect_timeout=5";

TEST(PgConnect, AConnectionThatCannotBeMadeSaysSoWithLibpqsReason) {
  auto c = Connect(kNobody);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kStorage);
  EXPECT_EQ(c.error().message.rfind("无法连接 PostgreSQL：", 0), 0u) << c.error().message;
  EXPECT_EQ(c.error().message.find("连接中断"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("127.0.0.1"), std::string::npos) << "libpq's detail is kept: " << c.error().message;
  auto pool = Pool::Open(kNobody, 2);
  ASSERT_FALSE(pool);
  EXPECT_EQ(pool.error().message.rfind("无法连接 PostgreSQL：", 0), 0u) << pool.error().message;
}

// A connection lost after it was made is still reported as interrupted.
TEST(PgConnect, AConnectionLostLaterIsStillAnInterruption) {
  const Error e = ErrorFromException(std::make_exception_ptr(pqxx::broken_connection("server closed the connection")),
                                     "保存信息");
  EXPECT_EQ(e.code, ErrorCode::kStorage);
  EXPECT_NE(e.message.find("与 PostgreSQL 的连接中断（保存信息）"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("server closed the connection"), std::string::npos) << e.message;
}

}  // namespace
}  // namespace gongkai::pg
