#include "base/status.h"

#include <gtest/gtest.h>

#include "base/embedded.h"

namespace chancery {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd number");
  return x / 2;
}

Result<int> Quarter(int x) {
  CHANCERY_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

Status CheckEven(int x) {
  CHANCERY_RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(Status, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().ToString(), "ok");
  Status s = Status::NotFound("article 'x'");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.ToString(), "not found: article 'x'");
  EXPECT_EQ(s.WithContext("loading").message(), "loading: article 'x'");
  EXPECT_EQ(s.WithContext("loading").code(), Status::Code::kNotFound);
}

TEST(Result, ValueOrStatusAndMacros) {
  auto r = Half(8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 4);
  EXPECT_TRUE(r.status().ok());
  EXPECT_EQ(Quarter(8).value(), 2);
  EXPECT_EQ(Quarter(6).status().message(), "odd number");
  EXPECT_TRUE(CheckEven(2).ok());
  EXPECT_EQ(CheckEven(3).code(), Status::Code::kInvalidArgument);
}

TEST(Embedded, FindsByPath) {
  const EmbeddedFile files[] = {{"a/b.txt", "hello"}, {"c.css", "x"}};
  EXPECT_EQ(FindEmbedded(files, "a/b.txt").value(), "hello");
  EXPECT_FALSE(FindEmbedded(files, "missing").has_value());
}

}  // namespace
}  // namespace chancery
