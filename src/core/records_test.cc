#include "core/records.h"

#include <gtest/gtest.h>

namespace gongkai {
namespace {

RecordContent Valid() {
  RecordContent c;
  c.title = "某村低保对象名单公示";
  c.body = "名单见公示栏。";
  c.channels = {"门户网站"};
  return c;
}

Attachment Photo() { return Attachment{std::string(64, 'a'), "公示栏.jpg", "image/jpeg", 100, true}; }
Attachment Pdf() { return Attachment{std::string(64, 'b'), "名单.pdf", "application/pdf", 100, false}; }

TEST(RecordContent, NoticeBoardChannelNeedsPhotoEvidence) {
  RecordContent c = Valid();
  ASSERT_TRUE(ValidateRecordContent(c).has_value());
  c.channels.push_back(std::string(kNoticeBoardChannel));
  auto refused = ValidateRecordContent(c);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().field, "channels");
  EXPECT_NE(refused.error().message.find("公示栏张贴照片"), std::string::npos) << refused.error().message;
  c.attachments.push_back(Pdf());  // an ordinary attachment is no evidence
  EXPECT_FALSE(ValidateRecordContent(c).has_value());
  c.attachments.push_back(Photo());
  EXPECT_TRUE(ValidateRecordContent(c).has_value());
}

TEST(RecordContent, OverlongShortFieldsAreNamed) {
  struct Case {
    std::string RecordContent::*member;
    const char* field;
    const char* label;
  };
  for (const Case& k : {Case{&RecordContent::doc_number, "doc_number", "文号"},
                        Case{&RecordContent::genre, "genre", "体裁"}, Case{&RecordContent::topic, "topic", "主题分类"}}) {
    RecordContent c = Valid();
    std::string text;
    for (int i = 0; i < 101; ++i) text += "字";
    c.*k.member = text;
    auto refused = ValidateRecordContent(c);
    ASSERT_FALSE(refused.has_value()) << k.field;
    EXPECT_EQ(refused.error().field, k.field);
    EXPECT_EQ(refused.error().message, std::string(k.label) + "过长（最多100个字，收到101个字）");
    text.resize(text.size() - 3);  // 100 characters: accepted
    c.*k.member = text;
    EXPECT_TRUE(ValidateRecordContent(c).has_value()) << k.field;
  }
}

TEST(RecordContent, EvidenceAloneIsNoContent) {
  RecordContent c = Valid();
  c.body.clear();
  c.channels.push_back(std::string(kNoticeBoardChannel));
  c.attachments.push_back(Photo());
  auto refused = ValidateRecordContent(c);
  ASSERT_FALSE(refused.has_value()) << "a record whose only content is a non-public photo was accepted";
  EXPECT_EQ(refused.error().field, "body");
  c.attachments.push_back(Pdf());
  EXPECT_TRUE(ValidateRecordContent(c).has_value());
}

TEST(RecordContent, PublicAttachmentsLeaveEvidenceOut) {
  std::vector<Attachment> all = {Pdf(), Photo(), Pdf()};
  all[2].filename = "附表.pdf";
  auto shown = PublicAttachments(all);
  ASSERT_EQ(shown.size(), 2u);
  EXPECT_EQ(shown[0].filename, "名单.pdf");
  EXPECT_EQ(shown[1].filename, "附表.pdf");
  EXPECT_TRUE(PublicAttachments({Photo()}).empty());
}

}  // namespace
}  // namespace gongkai
