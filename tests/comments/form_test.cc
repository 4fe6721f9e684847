#include "comments/form.h"

#include <gtest/gtest.h>

#include <string>

namespace chancery::comments {
namespace {

CommentForm GoodForm() {
  CommentForm form;
  form.comment = "A fair point about the 2003 summit.";
  form.author = "Ayesha Khan";
  form.email = "ayesha@example.org";
  return form;
}

std::string ErrorFor(const CommentForm& form, const std::string& field) {
  const FieldErrors errors = Validate(form);
  auto it = errors.by_field.find(field);
  return it == errors.by_field.end() ? "" : it->second;
}

std::string Repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// ---- ParseCommentForm -------------------------------------------------------

TEST(ParseCommentFormTest, ReadsWordPressFieldNames) {
  const CommentForm form = ParseCommentForm({{"comment", "Hello"},
                                             {"author", "Ann"},
                                             {"email", "ann@example.org"},
                                             {"url", "https://ann.example"},
                                             {"comment_parent", "42"},
                                             {"website_confirm", "bot"},
                                             {"form_token", "abc"}});
  EXPECT_EQ(form.comment, "Hello");
  EXPECT_EQ(form.author, "Ann");
  EXPECT_EQ(form.email, "ann@example.org");
  EXPECT_EQ(form.url, "https://ann.example");
  EXPECT_EQ(form.parent, 42);
  EXPECT_EQ(form.honeypot, "bot");
  EXPECT_EQ(form.token, "abc");
}

TEST(ParseCommentFormTest, FieldNameConstantsMatchTheForm) {
  EXPECT_STREQ(kFieldHoneypot, "website_confirm");
  EXPECT_STREQ(kFieldToken, "form_token");
  EXPECT_STREQ(kFieldParent, "comment_parent");
}

TEST(ParseCommentFormTest, AcceptsParentAsWellAsCommentParent) {
  EXPECT_EQ(ParseCommentForm({{"parent", "7"}}).parent, 7);
  EXPECT_EQ(ParseCommentForm({{"comment_parent", "8"}, {"parent", "7"}}).parent, 8);
  EXPECT_EQ(ParseCommentForm({{"comment_parent", ""}, {"parent", "7"}}).parent, 7);
}

TEST(ParseCommentFormTest, MissingOrEmptyParentIsTopLevel) {
  EXPECT_EQ(ParseCommentForm({}).parent, 0);
  EXPECT_EQ(ParseCommentForm({{"comment_parent", ""}}).parent, 0);
  EXPECT_EQ(ParseCommentForm({{"comment_parent", "0"}}).parent, 0);
  EXPECT_EQ(ParseCommentForm({{"comment_parent", " 12 "}}).parent, 12);
}

TEST(ParseCommentFormTest, UnparseableParentIsMinusOneAndValidateReportsIt) {
  for (const char* bad : {"x", "-3", "1e3", "12abc", "99999999999999999999999"}) {
    CommentForm form = GoodForm();
    form.parent = ParseCommentForm({{"comment_parent", bad}}).parent;
    EXPECT_EQ(form.parent, -1) << bad;
    EXPECT_NE(ErrorFor(form, "parent"), "") << bad;
  }
}

TEST(ParseCommentFormTest, TrimsNameEmailAndUrlButNotTheComment) {
  const CommentForm form = ParseCommentForm({{"comment", "  indented\n"},
                                             {"author", " \tAnn \n"},
                                             {"email", "  ann@example.org "},
                                             {"url", " https://ann.example\t"}});
  EXPECT_EQ(form.author, "Ann");
  EXPECT_EQ(form.email, "ann@example.org");
  EXPECT_EQ(form.url, "https://ann.example");
  EXPECT_EQ(form.comment, "  indented\n");
}

TEST(ParseCommentFormTest, NormalisesCrLfAndLoneCrInTheComment) {
  EXPECT_EQ(ParseCommentForm({{"comment", "a\r\nb\rc\n\r\nd"}}).comment, "a\nb\nc\n\nd");
}

TEST(ParseCommentFormTest, FirstOfARepeatedFieldWins) {
  EXPECT_EQ(ParseCommentForm({{"author", "First"}, {"author", "Second"}}).author, "First");
}

TEST(ParseCommentFormTest, IgnoresUnknownFields) {
  const CommentForm form = ParseCommentForm({{"submit", "Post Comment"}, {"author", "Ann"}});
  EXPECT_EQ(form.author, "Ann");
  EXPECT_TRUE(form.comment.empty());
}

// ---- Validate: required fields ----------------------------------------------

TEST(ValidateTest, AGoodFormHasNoErrors) { EXPECT_TRUE(Validate(GoodForm()).empty()); }

TEST(ValidateTest, WebsiteIsOptional) {
  CommentForm form = GoodForm();
  form.url = "";
  EXPECT_TRUE(Validate(form).empty());
}

TEST(ValidateTest, ReportsEveryMissingRequiredFieldAtOnce) {
  const FieldErrors errors = Validate(CommentForm{});
  ASSERT_EQ(errors.by_field.size(), 3u);
  EXPECT_EQ(errors.by_field.at("comment"), "Please type your comment.");
  EXPECT_EQ(errors.by_field.at("author"), "Please enter your name.");
  EXPECT_EQ(errors.by_field.at("email"), "Please enter your email address.");
}

TEST(ValidateTest, WhitespaceOnlyCountsAsMissing) {
  CommentForm form = GoodForm();
  form.comment = " \n\t\n ";
  form.author = "   ";
  EXPECT_EQ(ErrorFor(form, "comment"), "Please type your comment.");
  EXPECT_EQ(ErrorFor(form, "author"), "Please enter your name.");
}

// ---- Validate: email ------------------------------------------------------------

TEST(ValidateTest, AcceptsOrdinaryEmails) {
  for (const char* email : {"a@b.co", "first.last+tag@mail.example.org", "o'brien@example.ie",
                            "\xC3\xA9lise@exemple.fr", "user@sub-domain.example.com"}) {
    CommentForm form = GoodForm();
    form.email = email;
    EXPECT_EQ(ErrorFor(form, "email"), "") << email;
  }
}

TEST(ValidateTest, RejectsMalformedEmails) {
  for (const char* email :
       {"plainaddress", "@example.org", "ann@", "ann@localhost", "ann@@example.org", "ann@b@example.org",
        "ann smith@example.org", "ann@example .org", "ann@.example.org", "ann@example.org.",
        "ann@example..org", "<ann@example.org>", "\"ann\"@example.org", "ann@example.org,bob@example.org"}) {
    CommentForm form = GoodForm();
    form.email = email;
    EXPECT_EQ(ErrorFor(form, "email"), "That email address doesn't look right.") << email;
  }
}

TEST(ValidateTest, EmailAtMost254Characters) {
  CommentForm form = GoodForm();
  const std::string domain = "@example.org";  // 12
  form.email = std::string(254 - domain.size(), 'a') + domain;
  EXPECT_EQ(ErrorFor(form, "email"), "");
  form.email = std::string(255 - domain.size(), 'a') + domain;
  EXPECT_EQ(ErrorFor(form, "email"), "That email address is too long: it can be at most 254 characters.");
}

// ---- Validate: website --------------------------------------------------------

TEST(ValidateTest, AcceptsHttpAndHttpsWebsites) {
  for (const char* url : {"http://example.org", "https://example.org/", "HTTPS://Example.org/path?q=1#top",
                          "https://example.org:8443/a", "http://192.0.2.1/", "https://[2001:db8::1]:443/",
                          "https://b\xC3\xBC"
                          "cher.example/",
                          "https://a-b.example/x_(y)"}) {
    CommentForm form = GoodForm();
    form.url = url;
    EXPECT_EQ(ErrorFor(form, "url"), "") << url;
  }
}

TEST(ValidateTest, WebsiteMustBeHttpOrHttps) {
  for (const char* url : {"javascript:alert(1)", "JavaScript:alert(1)", "ftp://example.org", "example.org",
                          "www.example.org", "data:text/html,<script>alert(1)</script>", "//example.org",
                          "mailto:ann@example.org", "httpx://example.org"}) {
    CommentForm form = GoodForm();
    form.url = url;
    EXPECT_EQ(ErrorFor(form, "url"), "The website must start with http:// or https://.") << url;
  }
}

TEST(ValidateTest, RejectsWebsitesThatDoNotParse) {
  for (const char* url :
       {"http://", "https://", "https:///path", "https://exa mple.org", "https://example.org/\"><script>",
        "https://trusted.example@evil.example/", "https://example.org:/", "https://example.org:abc/",
        "https://.example.org", "https://-example.org", "https://exa..mple.org", "https://[::1",
        "https://[]/", "https://[::1]x/", "https://ex_ample.org/", "https://example.org/<b>"}) {
    CommentForm form = GoodForm();
    form.url = url;
    EXPECT_EQ(ErrorFor(form, "url"), "That website address doesn't look right.") << url;
  }
}

TEST(ValidateTest, WebsiteAtMost200Characters) {
  CommentForm form = GoodForm();
  const std::string prefix = "https://example.org/";  // 20
  form.url = prefix + std::string(200 - prefix.size(), 'a');
  EXPECT_EQ(ErrorFor(form, "url"), "");
  form.url += "a";
  EXPECT_EQ(ErrorFor(form, "url"), "The website address is too long: it can be at most 200 characters.");
}

// ---- Validate: lengths in characters ------------------------------------------------

TEST(ValidateTest, NameAtMost100CodePointsNotBytes) {
  CommentForm form = GoodForm();
  form.author = Repeat("\xD0\x96", 100);  // "Ж" is two bytes
  EXPECT_EQ(ErrorFor(form, "author"), "");
  form.author = Repeat("\xF0\x9F\x98\x80", 100);  // an emoji is four
  EXPECT_EQ(ErrorFor(form, "author"), "");
  form.author += "x";
  EXPECT_EQ(ErrorFor(form, "author"), "Your name is too long: it can be at most 100 characters.");
}

TEST(ValidateTest, CommentAtMost10000CodePoints) {
  CommentForm form = GoodForm();
  form.comment = Repeat("\xE2\x82\xAC", 10000);  // "€" is three bytes
  EXPECT_EQ(ErrorFor(form, "comment"), "");
  form.comment += "!";
  EXPECT_EQ(ErrorFor(form, "comment"),
            "Your comment is too long: it can be at most 10,000 characters, and it has 10001.");
}

TEST(ValidateTest, AMegabyteCommentIsRejectedNotCrashed) {
  CommentForm form = GoodForm();
  form.comment = std::string(1 << 20, 'x');
  EXPECT_NE(ErrorFor(form, "comment").find("too long"), std::string::npos);
}

// ---- Validate: UTF-8, controls, bidi -------------------------------------------------

TEST(ValidateTest, RejectsBrokenUtf8InEveryField) {
  for (const std::string& bad :
       {std::string("\xFF"), std::string("\xC3"), std::string("\xC0\xAF"), std::string("\xED\xA0\x80"),
        std::string("\xF4\x90\x80\x80"), std::string("\xE2\x82")}) {
    CommentForm form = GoodForm();
    form.comment += bad;
    form.author += bad;
    form.email = "ann" + bad + "@example.org";
    form.url = "https://example.org/" + bad;
    const FieldErrors errors = Validate(form);
    ASSERT_EQ(errors.by_field.size(), 4u);
    for (const auto& [field, message] : errors.by_field) {
      EXPECT_NE(message.find("not valid text (UTF-8)"), std::string::npos) << field;
    }
  }
}

TEST(ValidateTest, RejectsNulAndOtherControlCharacters) {
  for (const std::string& bad : {std::string(1, '\0'), std::string("\x07"), std::string("\x1B"),
                                 std::string("\x7F"), std::string("\xC2\x85")}) {
    CommentForm form = GoodForm();
    form.comment += bad;
    form.author += bad;
    form.email = "ann" + bad + "@example.org";
    form.url = "https://example.org/" + bad;
    const FieldErrors errors = Validate(form);
    ASSERT_EQ(errors.by_field.size(), 4u);
    for (const auto& [field, message] : errors.by_field) {
      EXPECT_NE(message.find("control characters"), std::string::npos) << field;
    }
  }
}

TEST(ValidateTest, CommentMayHoldNewlinesAndTabsButNameMayNot) {
  CommentForm form = GoodForm();
  form.comment = "Line one\r\n\tLine two\n\nNew paragraph";
  EXPECT_EQ(ErrorFor(form, "comment"), "");
  form.author = "Ann\tSmith";
  EXPECT_NE(ErrorFor(form, "author").find("control characters"), std::string::npos);
  form.author = "Ann\nSmith";
  EXPECT_NE(ErrorFor(form, "author").find("control characters"), std::string::npos);
}

TEST(ValidateTest, RejectsBidiControlsInNameEmailAndUrl) {
  for (const char* bidi : {"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE",
                           "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9"}) {
    CommentForm form = GoodForm();
    form.author = std::string("Ann") + bidi + "nimda";
    form.email = std::string("ann") + bidi + "@example.org";
    form.url = std::string("https://example.org/") + bidi;
    for (const char* field : {"author", "email", "url"}) {
      EXPECT_NE(ErrorFor(form, field).find("text-direction"), std::string::npos) << field;
    }
  }
}

TEST(ValidateTest, AllowsBidiControlsInTheComment) {
  CommentForm form = GoodForm();
  form.comment = "\xE2\x80\xAB\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85\xE2\x80\xAC and \xE2\x80\xAEreversed";
  EXPECT_EQ(ErrorFor(form, "comment"), "");
}

TEST(ValidateTest, NeighboursOfTheBidiRangesAreFine) {
  CommentForm form = GoodForm();
  form.author = "Ann\xE2\x80\xA9\xE2\x80\xAF\xE2\x81\xA5";  // U+2029, U+202F, U+2065
  EXPECT_EQ(ErrorFor(form, "author"), "");
}

TEST(ValidateTest, HostileMarkupIsValidTextAndIsLeftToTheRenderer) {
  CommentForm form = GoodForm();
  form.comment = "<script>alert(1)</script> \" onmouseover=\"x";
  form.author = "<img src=x onerror=alert(1)>";
  EXPECT_TRUE(Validate(form).empty());
}

TEST(ValidateTest, HoneypotAndTokenAreNotValidated) {
  CommentForm form = GoodForm();
  form.honeypot = "filled";
  form.token = "garbage";
  EXPECT_TRUE(Validate(form).empty());
}

}  // namespace
}  // namespace chancery::comments
