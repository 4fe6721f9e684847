// The submission pipeline over a real in-memory SQLite store: the order of
// Submit's checks and each outcome, the signed own-comments cookie value,
// the edit window and modify tokens, and the poster's edits and deletions.
#include "comments/pipeline.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/store.h"

namespace chancery::comments {
namespace {

using store::CommentStatus;
using Mode = ModerationSettings::Mode;

constexpr int64_t kNow = 1'790'000'000;  // 2026-09-21
constexpr int64_t kDay = 86400;
constexpr char kIp[] = "192.0.2.10";

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::Store::Open({.url = "sqlite::memory:"});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    article_ = SaveArticle("gwadar-port", kNow - 3600);
    other_ = SaveArticle("caspian-pipeline", kNow - 3600);
    key_ = GenerateKey();
    Use(PipelineSettings{});
  }

  store::Article SaveArticle(const std::string& slug, int64_t published_at, bool open = true) {
    store::Article a;
    a.slug = slug;
    a.title = "On " + slug;
    a.body_markdown = "Body.";
    a.body_html = "<p>Body.</p>";
    a.status = store::ArticleStatus::kPublished;
    a.published_at = published_at;
    a.created_at = published_at;
    a.updated_at = published_at;
    a.comments_open = open;
    auto saved = store_->SaveArticle(a);
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return a;
  }

  void Use(PipelineSettings settings) { pipeline_ = std::make_unique<Pipeline>(*store_, key_, std::move(settings)); }

  // A form that passes validation, with a genuine token served ten seconds
  // before `now` for `article`.
  CommentForm Form(const std::string& text, const store::Article& article, int64_t now = kNow,
                   const std::string& email = "ayesha@example.org") {
    CommentForm form;
    form.comment = text;
    form.author = "Ayesha Khan";
    form.email = email;
    form.url = "https://ayesha.example";
    form.token = pipeline_->IssueFormToken(article.id, now - 10);
    return form;
  }

  Poster From(const std::string& ip = kIp, std::vector<int64_t> own = {}) {
    Poster poster;
    poster.ip = ip;
    poster.user_agent = "TestBrowser/1.0";
    poster.own_comment_ids = std::move(own);
    return poster;
  }

  SubmitResult Submit(const store::Article& article, const CommentForm& form, const Poster& poster,
                      int64_t now = kNow) {
    auto result = pipeline_->Submit(article, form, poster, now);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? std::move(result).value() : SubmitResult{};
  }

  // Stores a comment directly, as a moderator's earlier decisions left it.
  store::Comment AddDirect(const store::Article& article, const std::string& body, CommentStatus status,
                           int64_t created_at, int64_t parent = 0, const std::string& email = "earlier@example.org") {
    store::Comment c;
    c.article_id = article.id;
    c.parent_id = parent;
    c.author_name = "Earlier Reader";
    c.author_email = email;
    c.body = body;
    c.status = status;
    c.status_reason = "set by the test";
    c.ip = "198.51.100.7";
    c.created_at = created_at;
    auto added = store_->AddComment(c);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? *added : store::Comment{};
  }

  store::Comment Stored(int64_t id) {
    auto found = store_->FindComment(id);
    EXPECT_TRUE(found.ok() && found->has_value()) << "comment " << id;
    return found.ok() && found->has_value() ? **found : store::Comment{};
  }

  size_t CommentCount() {
    auto all = store_->ListComments(store::CommentQuery{});
    EXPECT_TRUE(all.ok());
    return all.ok() ? all->size() : 0;
  }

  std::unique_ptr<store::Store> store_;
  store::Article article_;
  store::Article other_;
  Key key_;
  std::unique_ptr<Pipeline> pipeline_;
};

// ---- Closed ------------------------------------------------------------------------

TEST_F(PipelineTest, ArticleFlagClosesComments) {
  const store::Article closed = SaveArticle("closed-one", kNow - 3600, /*open=*/false);
  EXPECT_FALSE(pipeline_->CommentsOpen(closed, kNow));
  const SubmitResult r = Submit(closed, Form("A thought.", closed), From());
  EXPECT_EQ(r.outcome, Outcome::kClosed);
  EXPECT_EQ(r.form.comment, "A thought.");  // handed back so the reader keeps it
  EXPECT_EQ(CommentCount(), 0u);
}

TEST_F(PipelineTest, CloseAfterDaysClosesOlderArticlesOnly) {
  PipelineSettings settings;
  settings.close_after_days = 7;
  Use(settings);
  const store::Article edge = SaveArticle("edge", kNow - 7 * kDay);
  const store::Article old = SaveArticle("old", kNow - 7 * kDay - 1);
  EXPECT_TRUE(pipeline_->CommentsOpen(edge, kNow));
  EXPECT_FALSE(pipeline_->CommentsOpen(old, kNow));
  EXPECT_EQ(Submit(old, Form("Late.", old), From()).outcome, Outcome::kClosed);
  EXPECT_EQ(Submit(edge, Form("Just in time.", edge), From()).outcome, Outcome::kAccepted);

  Use(PipelineSettings{});  // 0: never closes by age
  const store::Article ancient = SaveArticle("ancient", kNow - 3650 * kDay);
  EXPECT_TRUE(pipeline_->CommentsOpen(ancient, kNow));
}

TEST_F(PipelineTest, ClosedIsCheckedBeforeValidation) {
  const store::Article closed = SaveArticle("closed-two", kNow - 3600, /*open=*/false);
  CommentForm empty;
  const SubmitResult r = Submit(closed, empty, From());
  EXPECT_EQ(r.outcome, Outcome::kClosed);
  EXPECT_TRUE(r.errors.empty());
}

// ---- Invalid -------------------------------------------------------------------------

TEST_F(PipelineTest, InvalidFormReportsEveryFieldAndStoresNothing) {
  CommentForm form = Form("   ", article_);
  form.email = "not-an-address";
  form.url = "javascript:alert(1)";
  const SubmitResult r = Submit(article_, form, From());
  EXPECT_EQ(r.outcome, Outcome::kInvalid);
  EXPECT_TRUE(r.errors.by_field.count("comment"));
  EXPECT_TRUE(r.errors.by_field.count("email"));
  EXPECT_TRUE(r.errors.by_field.count("url"));
  EXPECT_FALSE(r.errors.by_field.count("author"));
  EXPECT_EQ(r.form.email, "not-an-address");  // shown back as typed
  EXPECT_EQ(CommentCount(), 0u);
}

TEST_F(PipelineTest, ParentMustBeAnApprovedCommentOnThisArticle) {
  const store::Comment here = AddDirect(article_, "Approved here.", CommentStatus::kApproved, kNow - 100);
  const store::Comment elsewhere = AddDirect(other_, "Approved elsewhere.", CommentStatus::kApproved, kNow - 100);
  const store::Comment held = AddDirect(article_, "Someone else's held.", CommentStatus::kPending, kNow - 100);
  const store::Comment spam = AddDirect(article_, "Spam.", CommentStatus::kSpam, kNow - 100);

  for (int64_t bad : {elsewhere.id, held.id, spam.id, int64_t{999999}}) {
    CommentForm form = Form("A reply.", article_);
    form.parent = bad;
    const SubmitResult r = Submit(article_, form, From());
    EXPECT_EQ(r.outcome, Outcome::kInvalid) << "parent " << bad;
    EXPECT_TRUE(r.errors.by_field.count("parent")) << "parent " << bad;
    EXPECT_EQ(r.form.parent, 0) << "resubmitting must post at the top level";
    EXPECT_EQ(r.form.comment, "A reply.");
  }
  EXPECT_EQ(CommentCount(), 4u);

  CommentForm form = Form("A reply.", article_);
  form.parent = here.id;
  const SubmitResult r = Submit(article_, form, From());
  ASSERT_EQ(r.outcome, Outcome::kAccepted);
  EXPECT_EQ(Stored(r.comment.id).parent_id, here.id);
}

TEST_F(PipelineTest, UnparseableParentIsResetToTopLevel) {
  CommentForm form = Form("A reply.", article_);
  form.parent = -1;  // what ParseCommentForm makes of "abc"
  const SubmitResult r = Submit(article_, form, From());
  EXPECT_EQ(r.outcome, Outcome::kInvalid);
  EXPECT_TRUE(r.errors.by_field.count("parent"));
  EXPECT_EQ(r.form.parent, 0);
}

TEST_F(PipelineTest, PosterMayReplyToTheirOwnHeldComment) {
  const SubmitResult first = Submit(article_, Form("My first point.", article_), From());
  ASSERT_EQ(first.outcome, Outcome::kAccepted);
  ASSERT_EQ(first.comment.status, CommentStatus::kPending);

  CommentForm reply = Form("And a second point.", article_);
  reply.parent = first.comment.id;
  // A stranger may not.
  EXPECT_EQ(Submit(article_, reply, From("203.0.113.5")).outcome, Outcome::kInvalid);
  // The poster, carrying the id in their cookie, may.
  const SubmitResult r = Submit(article_, reply, From(kIp, {first.comment.id}));
  ASSERT_EQ(r.outcome, Outcome::kAccepted) << r.errors.by_field.size();
  EXPECT_EQ(Stored(r.comment.id).parent_id, first.comment.id);

  // Their own comment once it is spam or trash is no longer a parent.
  ASSERT_TRUE(store_->UpdateCommentStatus(first.comment.id, CommentStatus::kSpam, "test", "", kNow).ok());
  CommentForm third = Form("A third point.", article_);
  third.parent = first.comment.id;
  EXPECT_EQ(Submit(article_, third, From(kIp, {first.comment.id}), kNow + 120).outcome, Outcome::kInvalid);
}

// ---- Rate limit ------------------------------------------------------------------------

TEST_F(PipelineTest, RateLimitCountsOnlyTheLastMinute) {
  PipelineSettings settings;
  settings.rate_limit_per_minute = 2;
  Use(settings);
  ASSERT_EQ(Submit(article_, Form("One.", article_, kNow - 61), From(), kNow - 61).outcome, Outcome::kAccepted);
  ASSERT_EQ(Submit(article_, Form("Two.", article_, kNow - 30), From(), kNow - 30).outcome, Outcome::kAccepted);
  // At kNow only "Two." is within the minute.
  ASSERT_EQ(Submit(article_, Form("Three.", article_), From()).outcome, Outcome::kAccepted);
  // Now "Two." and "Three." are.
  const SubmitResult limited = Submit(article_, Form("Four.", article_), From(), kNow);
  EXPECT_EQ(limited.outcome, Outcome::kRateLimited);
  EXPECT_EQ(limited.form.comment, "Four.");
  EXPECT_EQ(CommentCount(), 3u);
  // A comment exactly 60 seconds old still counts.
  EXPECT_EQ(Submit(article_, Form("Four.", article_, kNow + 30), From(), kNow + 30).outcome, Outcome::kRateLimited);
  // Once "Two." is more than a minute old there is room again.
  EXPECT_EQ(Submit(article_, Form("Four.", article_, kNow + 31), From(), kNow + 31).outcome, Outcome::kAccepted);
  // Another address is not limited by this one.
  EXPECT_EQ(Submit(article_, Form("Five.", article_), From("203.0.113.9"), kNow + 31).outcome, Outcome::kAccepted);
}

TEST_F(PipelineTest, RateLimitZeroTurnsItOff) {
  PipelineSettings settings;
  settings.rate_limit_per_minute = 0;
  Use(settings);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(Submit(article_, Form("Point " + std::to_string(i), article_), From()).outcome, Outcome::kAccepted)
        << i;
  }
}

TEST_F(PipelineTest, ValidationComesBeforeTheRateLimitAndTheLimitBeforeDuplicates) {
  PipelineSettings settings;
  settings.rate_limit_per_minute = 1;
  Use(settings);
  ASSERT_EQ(Submit(article_, Form("Once.", article_), From()).outcome, Outcome::kAccepted);
  CommentForm invalid = Form("Again.", article_);
  invalid.email = "";
  EXPECT_EQ(Submit(article_, invalid, From()).outcome, Outcome::kInvalid);
  // The same text again: limited, not a duplicate (the limit is checked first).
  EXPECT_EQ(Submit(article_, Form("Once.", article_), From()).outcome, Outcome::kRateLimited);
}

// ---- Duplicates --------------------------------------------------------------------------

TEST_F(PipelineTest, DuplicateWithinADayNotAfter) {
  ASSERT_EQ(Submit(article_, Form("Same words.", article_), From()).outcome, Outcome::kAccepted);
  const SubmitResult dup =
      Submit(article_, Form("Same words.", article_, kNow + 3600, "AYESHA@Example.org"), From(), kNow + 3600);
  EXPECT_EQ(dup.outcome, Outcome::kDuplicate);
  EXPECT_EQ(dup.form.comment, "Same words.");
  // Exactly a day later still counts as within the day.
  EXPECT_EQ(Submit(article_, Form("Same words.", article_, kNow + kDay), From(), kNow + kDay).outcome,
            Outcome::kDuplicate);
  // The same text from another email is not a duplicate.
  EXPECT_EQ(Submit(article_, Form("Same words.", article_, kNow + 7200, "other@example.org"), From(), kNow + 7200)
                .outcome,
            Outcome::kAccepted);
  // After the day has passed it may be said again.
  EXPECT_EQ(Submit(article_, Form("Same words.", article_, kNow + kDay + 1), From(), kNow + kDay + 1).outcome,
            Outcome::kAccepted);
}

// ---- Each decision reaches the stored comment ------------------------------------------------

struct ReasonCase {
  std::string name;
  std::function<void(PipelineSettings&)> configure;
  std::function<void(CommentForm&)> alter;
  CommentStatus status;
  std::string reason;
};

TEST_F(PipelineTest, EveryDecisionIsStoredWithItsReason) {
  const Key other_key = GenerateKey();
  const int64_t article_id = article_.id;
  const int64_t other_id = other_.id;
  const std::vector<ReasonCase> cases = {
      {"honeypot", [](PipelineSettings&) {}, [](CommentForm& f) { f.honeypot = "x"; },
       CommentStatus::kSpam, "spam: honeypot filled"},
      {"disallowed",
       [](PipelineSettings& s) { s.moderation.disallowed_list = {"casino"}; },
       [](CommentForm& f) { f.comment = "Visit the Casino tonight."; }, CommentStatus::kSpam,
       "spam: matches disallowed word 'casino'"},
      {"token missing", [](PipelineSettings&) {}, [](CommentForm& f) { f.token.clear(); },
       CommentStatus::kPending, "held: form token invalid"},
      {"token malformed", [](PipelineSettings&) {},
       [](CommentForm& f) { f.token = "not a token"; }, CommentStatus::kPending,
       "held: form token invalid"},
      {"token for another article", [](PipelineSettings&) {},
       [&](CommentForm& f) { f.token = pipeline_->IssueFormToken(other_id, kNow - 10); },
       CommentStatus::kPending, "held: form token invalid"},
      {"token forged", [](PipelineSettings&) {},
       [&](CommentForm& f) { f.token = IssueFormToken(other_key, article_id, kNow - 10); },
       CommentStatus::kPending, "held: form token invalid"},
      {"too fast", [](PipelineSettings&) {},
       [&](CommentForm& f) { f.token = pipeline_->IssueFormToken(article_id, kNow - 1); },
       CommentStatus::kPending, "held: form submitted in under 3 seconds"},
      {"too fast, own threshold", [](PipelineSettings& s) { s.moderation.min_seconds_to_submit = 20; },
       [](CommentForm&) {}, CommentStatus::kPending, "held: form submitted in under 20 seconds"},
      {"too old", [](PipelineSettings&) {},
       [&](CommentForm& f) {
         f.token = pipeline_->IssueFormToken(article_id, kNow - kDay - 1);
       },
       CommentStatus::kPending, "held: form older than a day"},
      {"approve all", [](PipelineSettings& s) { s.moderation.mode = Mode::kApproveAll; },
       [](CommentForm&) {}, CommentStatus::kApproved, "approved: all comments approved"},
      {"hold all", [](PipelineSettings& s) { s.moderation.mode = Mode::kHoldAll; },
       [](CommentForm&) {}, CommentStatus::kPending, "held: all comments held for review"},
      {"moderation word", [](PipelineSettings& s) { s.moderation.moderation_list = {"pipeline"}; },
       [](CommentForm& f) { f.comment = "The Pipeline question matters."; },
       CommentStatus::kPending, "held: matches moderation word 'pipeline'"},
      {"two links", [](PipelineSettings&) {},
       [](CommentForm& f) { f.comment = "See https://a.example and www.b.example too."; },
       CommentStatus::kPending, "held: 2 links"},
      {"first comment", [](PipelineSettings&) {}, [](CommentForm&) {}, CommentStatus::kPending,
       "held: first comment from this email"},
      {"earlier comment approved", [](PipelineSettings&) {},
       [](CommentForm& f) { f.email = "earlier@example.org"; }, CommentStatus::kApproved,
       "approved: earlier comment approved"},
      {"no prior approval required", [](PipelineSettings& s) { s.moderation.require_prior_approval = false; },
       [](CommentForm&) {}, CommentStatus::kApproved, "approved: no rule held it"},
  };
  // earlier@example.org has an approved comment on record.
  AddDirect(other_, "An approved earlier remark.", CommentStatus::kApproved, kNow - 5 * kDay);

  int n = 0;
  for (const ReasonCase& c : cases) {
    SCOPED_TRACE(c.name);
    PipelineSettings settings;
    c.configure(settings);
    Use(settings);
    // Each case from its own email, so one case's approval does not count for the next.
    ++n;
    CommentForm form =
        Form("Comment number " + std::to_string(n) + ".", article_, kNow, "case" + std::to_string(n) + "@example.org");
    c.alter(form);
    // Each case from its own address, so the rate limit stays out of it.
    const SubmitResult r = Submit(article_, form, From("192.0.2." + std::to_string(n)));
    ASSERT_EQ(r.outcome, Outcome::kAccepted);
    EXPECT_GT(r.comment.id, 0);
    EXPECT_EQ(r.comment.status, c.status);
    EXPECT_EQ(r.comment.status_reason, c.reason);
    const store::Comment stored = Stored(r.comment.id);
    EXPECT_EQ(stored.status, c.status);
    EXPECT_EQ(stored.status_reason, c.reason);
  }
}

TEST_F(PipelineTest, AcceptedCommentKeepsWhatThePosterSent) {
  CommentForm form = Form("Line one.\nLine two.", article_);
  Poster poster = From();
  poster.user_agent = std::string(2000, 'U');
  const SubmitResult r = Submit(article_, form, poster);
  ASSERT_EQ(r.outcome, Outcome::kAccepted);
  EXPECT_EQ(r.comment.article_slug, article_.slug);
  const store::Comment c = Stored(r.comment.id);
  EXPECT_EQ(c.article_id, article_.id);
  EXPECT_EQ(c.parent_id, 0);
  EXPECT_EQ(c.author_name, "Ayesha Khan");
  EXPECT_EQ(c.author_email, "ayesha@example.org");
  EXPECT_EQ(c.author_url, "https://ayesha.example");
  EXPECT_EQ(c.body, "Line one.\nLine two.");
  EXPECT_EQ(c.ip, kIp);
  EXPECT_EQ(c.user_agent.size(), 500u);  // bounded
  EXPECT_EQ(c.created_at, kNow);
}

TEST_F(PipelineTest, MinSecondsZeroTakesAFreshForm) {
  PipelineSettings settings;
  settings.moderation.min_seconds_to_submit = 0;
  settings.moderation.mode = Mode::kApproveAll;
  Use(settings);
  CommentForm form = Form("Straight away.", article_);
  form.token = pipeline_->IssueFormToken(article_.id, kNow);
  const SubmitResult r = Submit(article_, form, From());
  ASSERT_EQ(r.outcome, Outcome::kAccepted);
  EXPECT_EQ(r.comment.status_reason, "approved: all comments approved");
}

// ---- The own-comments cookie value ----------------------------------------------------

TEST_F(PipelineTest, OwnCookieRoundTripsSortedAndUnique) {
  const std::string value = pipeline_->OwnCookieValue({42, 7, 42, 19});
  EXPECT_EQ(pipeline_->OwnIds(value), (std::vector<int64_t>{7, 19, 42}));
  EXPECT_TRUE(pipeline_->OwnIds(pipeline_->OwnCookieValue({})).empty());
  // Another Pipeline with the same key (another process, a restart) reads it.
  Pipeline again(*store_, key_, PipelineSettings{});
  EXPECT_EQ(again.OwnIds(value), (std::vector<int64_t>{7, 19, 42}));
}

TEST_F(PipelineTest, OwnCookieKeepsTheNewestTwenty) {
  std::vector<int64_t> ids;
  for (int64_t id = 25; id >= 1; --id) ids.push_back(id);
  const std::vector<int64_t> kept = pipeline_->OwnIds(pipeline_->OwnCookieValue(ids));
  ASSERT_EQ(kept.size(), Pipeline::kMaxOwnIds);
  EXPECT_EQ(kept.front(), 6);
  EXPECT_EQ(kept.back(), 25);
}

TEST_F(PipelineTest, OwnCookieRejectsAlteredAndForeignValues) {
  const std::string value = pipeline_->OwnCookieValue({3, 4});
  ASSERT_FALSE(pipeline_->OwnIds(value).empty());

  std::string altered = value;
  const size_t digit = altered.find('3');
  ASSERT_NE(digit, std::string::npos);
  altered[digit] = '9';  // claim someone else's comment
  EXPECT_TRUE(pipeline_->OwnIds(altered).empty());

  std::string bad_mac = value;
  const size_t mac = bad_mac.rfind('.') + 1;
  bad_mac[mac] = bad_mac[mac] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(pipeline_->OwnIds(bad_mac).empty());

  EXPECT_TRUE(pipeline_->OwnIds(value.substr(0, value.size() - 3)).empty());
  EXPECT_TRUE(pipeline_->OwnIds("").empty());
  EXPECT_TRUE(pipeline_->OwnIds("own:3-4").empty());
  EXPECT_TRUE(pipeline_->OwnIds("own:3-4.").empty());

  Pipeline foreign(*store_, GenerateKey(), PipelineSettings{});
  EXPECT_TRUE(pipeline_->OwnIds(foreign.OwnCookieValue({3, 4})).empty());
  // A modify token is signed with the same key but is not an own-ids value.
  EXPECT_TRUE(pipeline_->OwnIds(pipeline_->ModifyToken(3)).empty());
}

TEST_F(PipelineTest, OwnIdsReadsAtMostTwentyFromASignedValue) {
  std::string payload = "own:";
  for (int id = 1; id <= 30; ++id) payload += (id > 1 ? "-" : "") + std::to_string(id);
  EXPECT_EQ(pipeline_->OwnIds(Sign(key_, payload)).size(), Pipeline::kMaxOwnIds);
  // Junk parts inside a genuine value are skipped, not trusted.
  EXPECT_EQ(pipeline_->OwnIds(Sign(key_, "own:5-x-0--7")), (std::vector<int64_t>{5, 7}));
}

// ---- CanModify and the modify token ---------------------------------------------------------

TEST_F(PipelineTest, CanModifyOwnCommentWithinTheWindowUnlessTrashed) {
  store::Comment c = AddDirect(article_, "Mine.", CommentStatus::kPending, kNow);
  const std::vector<int64_t> own = {c.id};
  EXPECT_TRUE(pipeline_->CanModify(c, own, kNow));
  EXPECT_TRUE(pipeline_->CanModify(c, own, kNow + 15 * 60 - 1));
  EXPECT_EQ(pipeline_->EditSecondsLeft(c, kNow + 15 * 60 - 1), 1);
  EXPECT_FALSE(pipeline_->CanModify(c, own, kNow + 15 * 60));
  EXPECT_EQ(pipeline_->EditSecondsLeft(c, kNow + 15 * 60), 0);
  EXPECT_EQ(pipeline_->EditSecondsLeft(c, kNow + 3 * kDay), 0);

  EXPECT_FALSE(pipeline_->CanModify(c, {}, kNow));
  EXPECT_FALSE(pipeline_->CanModify(c, {c.id + 1}, kNow));

  c.status = CommentStatus::kApproved;
  EXPECT_TRUE(pipeline_->CanModify(c, own, kNow));
  c.status = CommentStatus::kTrash;
  EXPECT_FALSE(pipeline_->CanModify(c, own, kNow));

  PipelineSettings settings;
  settings.edit_minutes = 1;
  Use(settings);
  c.status = CommentStatus::kPending;
  EXPECT_TRUE(pipeline_->CanModify(c, own, kNow + 59));
  EXPECT_FALSE(pipeline_->CanModify(c, own, kNow + 60));
}

TEST_F(PipelineTest, ModifyTokenIsBoundToTheComment) {
  const std::string token = pipeline_->ModifyToken(12);
  EXPECT_TRUE(pipeline_->CheckModifyToken(12, token));
  EXPECT_FALSE(pipeline_->CheckModifyToken(13, token));
  EXPECT_FALSE(pipeline_->CheckModifyToken(1, token));
  EXPECT_FALSE(pipeline_->CheckModifyToken(12, ""));
  EXPECT_FALSE(pipeline_->CheckModifyToken(12, "modify:12"));
  EXPECT_FALSE(pipeline_->CheckModifyToken(12, pipeline_->OwnCookieValue({12})));
  Pipeline foreign(*store_, GenerateKey(), PipelineSettings{});
  EXPECT_FALSE(pipeline_->CheckModifyToken(12, foreign.ModifyToken(12)));
}

// ---- Edit ------------------------------------------------------------------------------------

TEST_F(PipelineTest, EditValidatesTheNewText) {
  const store::Comment c = AddDirect(article_, "Original.", CommentStatus::kPending, kNow);
  for (const std::string& bad : {std::string("  \n "), std::string(kMaxCommentChars + 1, 'x'),
                                 std::string("bad \x01 control"), std::string("broken \xC3\x28 utf-8")}) {
    auto r = pipeline_->Edit(c, bad, kNow + 60);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->outcome, Outcome::kInvalid);
    EXPECT_EQ(r->errors.by_field.size(), 1u);
    EXPECT_TRUE(r->errors.by_field.count("comment"));
  }
  const store::Comment after = Stored(c.id);
  EXPECT_EQ(after.body, "Original.");
  EXPECT_EQ(after.updated_at, 0);
}

TEST_F(PipelineTest, EditReplacesTheTextAndKeepsTheStatus) {
  const store::Comment c = AddDirect(article_, "Original.", CommentStatus::kPending, kNow);
  auto r = pipeline_->Edit(c, "Revised,\r\nwith a second line.", kNow + 60);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->outcome, Outcome::kAccepted);
  EXPECT_EQ(r->comment.body, "Revised,\nwith a second line.");
  const store::Comment after = Stored(c.id);
  EXPECT_EQ(after.body, "Revised,\nwith a second line.");
  EXPECT_EQ(after.updated_at, kNow + 60);
  EXPECT_EQ(after.status, CommentStatus::kPending);
  EXPECT_EQ(after.status_reason, "set by the test");
  auto log = store_->ListModerationLog(c.id, 10);
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(log->empty());  // a poster's edit is not a moderation action
}

TEST_F(PipelineTest, ApprovedCommentEditedIntoLinksGoesBackToTheQueue) {
  const store::Comment c = AddDirect(article_, "Harmless.", CommentStatus::kApproved, kNow);
  // A harmless edit keeps it published.
  auto fine = pipeline_->Edit(c, "Still harmless.", kNow + 30);
  ASSERT_TRUE(fine.ok());
  EXPECT_EQ(Stored(c.id).status, CommentStatus::kApproved);

  auto r = pipeline_->Edit(c, "Now https://a.example https://b.example and www.c.example", kNow + 60);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->outcome, Outcome::kAccepted);
  EXPECT_EQ(r->comment.status, CommentStatus::kPending);
  const store::Comment after = Stored(c.id);
  EXPECT_EQ(after.status, CommentStatus::kPending);
  EXPECT_EQ(after.status_reason, "after an edit, held: 3 links");

  auto log = store_->ListModerationLog(c.id, 10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].actor, "poster");
  EXPECT_EQ((*log)[0].from_status, "approved");
  EXPECT_EQ((*log)[0].to_status, "pending");
  EXPECT_EQ((*log)[0].note, "after an edit, held: 3 links");
  EXPECT_EQ((*log)[0].created_at, kNow + 60);
}

TEST_F(PipelineTest, ApprovedCommentEditedIntoADisallowedWordBecomesSpam) {
  PipelineSettings settings;
  settings.moderation.disallowed_list = {"casino"};
  Use(settings);
  const store::Comment c = AddDirect(article_, "Harmless.", CommentStatus::kApproved, kNow);
  auto r = pipeline_->Edit(c, "Best CASINO in town", kNow + 60);
  ASSERT_TRUE(r.ok());
  const store::Comment after = Stored(c.id);
  EXPECT_EQ(after.status, CommentStatus::kSpam);
  EXPECT_EQ(after.status_reason, "after an edit, spam: matches disallowed word 'casino'");
}

// ---- Delete ----------------------------------------------------------------------------------

TEST_F(PipelineTest, DeleteIsLoggedAndRepliesMoveUp) {
  const store::Comment top = AddDirect(article_, "Top.", CommentStatus::kApproved, kNow - 300);
  const store::Comment mid = AddDirect(article_, "Middle.", CommentStatus::kApproved, kNow - 200, top.id);
  const store::Comment low = AddDirect(article_, "Bottom.", CommentStatus::kApproved, kNow - 100, mid.id);

  ASSERT_TRUE(pipeline_->Delete(mid, kNow).ok());
  auto gone = store_->FindComment(mid.id);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_EQ(Stored(low.id).parent_id, top.id);

  auto log = store_->ListModerationLog(mid.id, 10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].actor, "poster");
  EXPECT_EQ((*log)[0].from_status, "approved");
  EXPECT_EQ((*log)[0].to_status, "deleted");

  ASSERT_TRUE(pipeline_->Delete(top, kNow).ok());
  EXPECT_EQ(Stored(low.id).parent_id, 0);
}

}  // namespace
}  // namespace chancery::comments

namespace chancery::comments {
namespace {

// ---- The newsroom's own emails --------------------------------------------------------

TEST_F(PipelineTest, AReaderUsingAStaffEmailIsHeldEvenAfterStaffReplies) {
  store::User staff;
  staff.email = "desk@tidemark.example";
  staff.name = "The Desk";
  staff.role = store::Role::kEditor;
  // The account never signs in here; only its email matters to the pipeline.
  staff.password_hash = "-";
  staff.created_at = kNow - 86400;
  ASSERT_TRUE(store_->AddUser(staff).ok());
  // The newsroom's approved reply from that address...
  store::Comment reply = AddDirect(article_, "From the desk.", CommentStatus::kApproved, kNow - 600, 0,
                                   "desk@tidemark.example");
  reply.status_reason = StaffReplyReason("desk@tidemark.example");
  EXPECT_TRUE(IsStaffReply(reply));
  // ...does not make a stranger's post under it approved, whatever the case.
  const SubmitResult forged = Submit(article_, Form("Official: we retract.", article_, kNow, "Desk@Tidemark.example"), From());
  ASSERT_EQ(forged.outcome, Outcome::kAccepted);
  EXPECT_EQ(forged.comment.status, CommentStatus::kPending);
  EXPECT_EQ(forged.comment.status_reason, "held: uses the email of a newsroom account");
  EXPECT_FALSE(IsStaffReply(forged.comment));
  // Ordinary readers with an approved history are still approved.
  AddDirect(article_, "Earlier.", CommentStatus::kApproved, kNow - 900, 0, "ayesha@example.org");
  const SubmitResult reader = Submit(article_, Form("A fair point.", article_, kNow), From("203.0.113.9"));
  EXPECT_EQ(reader.comment.status, CommentStatus::kApproved);
}

TEST(StaffReplyTest, OnlyApprovedCommentsWithTheStaffReasonAreStaffReplies) {
  store::Comment c;
  c.status = CommentStatus::kApproved;
  c.status_reason = "approved: earlier comment approved";
  EXPECT_FALSE(IsStaffReply(c));
  c.status_reason = StaffReplyReason("ed@example.org");
  EXPECT_EQ(c.status_reason, "approved: reply by staff (ed@example.org)");
  EXPECT_TRUE(IsStaffReply(c));
  c.status = CommentStatus::kTrash;
  EXPECT_FALSE(IsStaffReply(c));
}

}  // namespace
}  // namespace chancery::comments
