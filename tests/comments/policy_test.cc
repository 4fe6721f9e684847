#include "comments/policy.h"

#include <gtest/gtest.h>

namespace chancery::comments {
namespace {

using store::CommentStatus;
using Mode = ModerationSettings::Mode;

CommentForm Form() {
  CommentForm form;
  form.comment = "Islamabad and Moscow drew closer after the 2003 summit.";
  form.author = "Ayesha Khan";
  form.email = "ayesha@example.org";
  form.url = "https://ayesha.example";
  return form;
}

// A submission that passes every spam check from a known commenter.
Signals Clean() {
  Signals signals;
  signals.token = TokenCheck::kValid;
  signals.author_has_approved_comment = true;
  signals.ip = "192.0.2.10";
  return signals;
}

void ExpectDecision(const Decision& decision, CommentStatus status, const std::string& reason) {
  EXPECT_EQ(decision.status, status) << decision.reason;
  EXPECT_EQ(decision.reason, reason);
}

// ---- Each rule and its reason ----------------------------------------------------

TEST(DecideTest, ApprovesAKnownCommenter) {
  ExpectDecision(Decide(Form(), Clean(), {}), CommentStatus::kApproved, "approved: earlier comment approved");
}

TEST(DecideTest, HoneypotIsSpam) {
  Signals signals = Clean();
  signals.honeypot_filled = true;
  ExpectDecision(Decide(Form(), signals, {}), CommentStatus::kSpam, "spam: honeypot filled");
}

TEST(DecideTest, DisallowedWordIsSpamAndNamesTheEntryAsWritten) {
  ModerationSettings settings;
  settings.disallowed_list = {"casino", "Cheap Pills"};
  CommentForm form = Form();
  form.comment = "Buy CHEAP pills here";
  ExpectDecision(Decide(form, Clean(), settings), CommentStatus::kSpam,
                 "spam: matches disallowed word 'Cheap Pills'");
}

TEST(DecideTest, DisallowedListMatchesNameEmailUrlAndIp) {
  ModerationSettings settings;
  {
    settings.disallowed_list = {"spammer"};
    CommentForm form = Form();
    form.author = "Mr SPAMMER";
    ExpectDecision(Decide(form, Clean(), settings), CommentStatus::kSpam,
                   "spam: matches disallowed word 'spammer'");
  }
  {
    settings.disallowed_list = {"@junk.example"};
    CommentForm form = Form();
    form.email = "x@JUNK.example";
    ExpectDecision(Decide(form, Clean(), settings), CommentStatus::kSpam,
                   "spam: matches disallowed word '@junk.example'");
  }
  {
    settings.disallowed_list = {"pills.example"};
    CommentForm form = Form();
    form.url = "https://pills.example/buy";
    ExpectDecision(Decide(form, Clean(), settings), CommentStatus::kSpam,
                   "spam: matches disallowed word 'pills.example'");
  }
  {
    settings.disallowed_list = {"203.0.113."};
    Signals signals = Clean();
    signals.ip = "203.0.113.7";
    ExpectDecision(Decide(Form(), signals, settings), CommentStatus::kSpam,
                   "spam: matches disallowed word '203.0.113.'");
  }
}

TEST(DecideTest, EmptyListEntriesNeverMatch) {
  ModerationSettings settings;
  settings.disallowed_list = {""};
  settings.moderation_list = {""};
  EXPECT_EQ(Decide(Form(), Clean(), settings).status, CommentStatus::kApproved);
}

TEST(DecideTest, EveryInvalidTokenHolds) {
  for (TokenCheck check :
       {TokenCheck::kMissing, TokenCheck::kMalformed, TokenCheck::kWrongArticle, TokenCheck::kBadSignature}) {
    Signals signals = Clean();
    signals.token = check;
    ExpectDecision(Decide(Form(), signals, {}), CommentStatus::kPending, "held: form token invalid");
  }
}

TEST(DecideTest, TooFastHolds) {
  Signals signals = Clean();
  signals.token = TokenCheck::kTooFast;
  ExpectDecision(Decide(Form(), signals, {}), CommentStatus::kPending,
                 "held: form submitted in under 3 seconds");
  ModerationSettings settings;
  settings.min_seconds_to_submit = 5;
  ExpectDecision(Decide(Form(), signals, settings), CommentStatus::kPending,
                 "held: form submitted in under 5 seconds");
  settings.min_seconds_to_submit = 1;
  ExpectDecision(Decide(Form(), signals, settings), CommentStatus::kPending,
                 "held: form submitted in under 1 second");
}

TEST(DecideTest, ExpiredHolds) {
  Signals signals = Clean();
  signals.token = TokenCheck::kExpired;
  ExpectDecision(Decide(Form(), signals, {}), CommentStatus::kPending, "held: form older than a day");
  ModerationSettings settings;
  settings.max_form_age_seconds = 7200;
  ExpectDecision(Decide(Form(), signals, settings), CommentStatus::kPending, "held: form older than 2 hours");
  settings.max_form_age_seconds = 90;
  ExpectDecision(Decide(Form(), signals, settings), CommentStatus::kPending,
                 "held: form older than 90 seconds");
}

TEST(DecideTest, ApproveAllApprovesEvenFirstCommentsWithLinks) {
  ModerationSettings settings;
  settings.mode = Mode::kApproveAll;
  settings.moderation_list = {"summit"};
  Signals signals = Clean();
  signals.author_has_approved_comment = false;
  CommentForm form = Form();
  form.comment += " https://a.example https://b.example";
  ExpectDecision(Decide(form, signals, settings), CommentStatus::kApproved,
                 "approved: all comments approved");
}

TEST(DecideTest, HoldAllHoldsKnownCommenters) {
  ModerationSettings settings;
  settings.mode = Mode::kHoldAll;
  ExpectDecision(Decide(Form(), Clean(), settings), CommentStatus::kPending,
                 "held: all comments held for review");
}

TEST(DecideTest, ModerationWordHolds) {
  ModerationSettings settings;
  settings.moderation_list = {"Summit"};
  ExpectDecision(Decide(Form(), Clean(), settings), CommentStatus::kPending,
                 "held: matches moderation word 'Summit'");
}

TEST(DecideTest, ModerationListMatchesIp) {
  ModerationSettings settings;
  settings.moderation_list = {"192.0.2.10"};
  ExpectDecision(Decide(Form(), Clean(), settings), CommentStatus::kPending,
                 "held: matches moderation word '192.0.2.10'");
}

TEST(DecideTest, LinksAtTheThresholdHold) {
  CommentForm form = Form();
  form.comment = "See https://a.example and http://b.example and www.c.example";
  ExpectDecision(Decide(form, Clean(), {}), CommentStatus::kPending, "held: 3 links");
  form.comment = "See https://a.example and http://b.example";
  ExpectDecision(Decide(form, Clean(), {}), CommentStatus::kPending, "held: 2 links");
  form.comment = "See https://a.example";
  ExpectDecision(Decide(form, Clean(), {}), CommentStatus::kApproved, "approved: earlier comment approved");
}

TEST(DecideTest, OneLinkThresholdSaysLinkInTheSingular) {
  ModerationSettings settings;
  settings.hold_links_at = 1;
  CommentForm form = Form();
  form.comment = "See https://a.example";
  ExpectDecision(Decide(form, Clean(), settings), CommentStatus::kPending, "held: 1 link");
}

TEST(DecideTest, ZeroLinkThresholdTurnsTheRuleOff) {
  ModerationSettings settings;
  settings.hold_links_at = 0;
  CommentForm form = Form();
  form.comment = "https://a.example https://b.example https://c.example";
  EXPECT_EQ(Decide(form, Clean(), settings).status, CommentStatus::kApproved);
}

TEST(DecideTest, TheWebsiteFieldIsNotCountedAsALink) {
  ModerationSettings settings;
  settings.hold_links_at = 1;
  CommentForm form = Form();
  form.url = "https://ayesha.example";
  EXPECT_EQ(Decide(form, Clean(), settings).status, CommentStatus::kApproved);
}

TEST(DecideTest, FirstCommentFromAnEmailHolds) {
  Signals signals = Clean();
  signals.author_has_approved_comment = false;
  ExpectDecision(Decide(Form(), signals, {}), CommentStatus::kPending, "held: first comment from this email");
}

TEST(DecideTest, WithoutPriorApprovalRuleAFirstCommentIsApproved) {
  ModerationSettings settings;
  settings.require_prior_approval = false;
  Signals signals = Clean();
  signals.author_has_approved_comment = false;
  ExpectDecision(Decide(Form(), signals, settings), CommentStatus::kApproved, "approved: no rule held it");
}

// ---- Order: the first rule that applies wins ------------------------------------------

TEST(DecideTest, OrderOfRules) {
  ModerationSettings settings;
  settings.disallowed_list = {"casino"};
  settings.moderation_list = {"summit"};
  CommentForm form = Form();
  form.comment = "casino summit https://a.example https://b.example https://c.example";
  Signals signals;
  signals.honeypot_filled = true;
  signals.token = TokenCheck::kTooFast;
  signals.author_has_approved_comment = false;

  ExpectDecision(Decide(form, signals, settings), CommentStatus::kSpam, "spam: honeypot filled");
  signals.honeypot_filled = false;
  ExpectDecision(Decide(form, signals, settings), CommentStatus::kSpam,
                 "spam: matches disallowed word 'casino'");
  settings.disallowed_list.clear();
  ExpectDecision(Decide(form, signals, settings), CommentStatus::kPending,
                 "held: form submitted in under 3 seconds");
  // Neither approve-all nor hold-all outranks a suspect token.
  settings.mode = Mode::kApproveAll;
  ExpectDecision(Decide(form, signals, settings), CommentStatus::kPending,
                 "held: form submitted in under 3 seconds");
  signals.token = TokenCheck::kValid;
  ExpectDecision(Decide(form, signals, settings), CommentStatus::kApproved,
                 "approved: all comments approved");
  settings.mode = Mode::kHoldAll;
  ExpectDecision(Decide(form, signals, settings), CommentStatus::kPending,
                 "held: all comments held for review");
  settings.mode = Mode::kDefault;
  ExpectDecision(Decide(form, signals, settings), CommentStatus::kPending,
                 "held: matches moderation word 'summit'");
  settings.moderation_list.clear();
  ExpectDecision(Decide(form, signals, settings), CommentStatus::kPending, "held: 3 links");
  form.comment = "summit";
  ExpectDecision(Decide(form, signals, settings), CommentStatus::kPending,
                 "held: first comment from this email");
  signals.author_has_approved_comment = true;
  ExpectDecision(Decide(form, signals, settings), CommentStatus::kApproved,
                 "approved: earlier comment approved");
}

TEST(DecideTest, DisallowedOutranksAllowAll) {
  ModerationSettings settings;
  settings.mode = Mode::kApproveAll;
  settings.disallowed_list = {"casino"};
  CommentForm form = Form();
  form.comment = "casino";
  EXPECT_EQ(Decide(form, Clean(), settings).status, CommentStatus::kSpam);
}

// ---- ParseWordList --------------------------------------------------------------

TEST(ParseWordListTest, OneEntryPerLineTrimmedWithBlanksDropped) {
  EXPECT_EQ(ParseWordList("casino\r\n  cheap pills \n\n\t\n203.0.113.\n"),
            (std::vector<std::string>{"casino", "cheap pills", "203.0.113."}));
  EXPECT_TRUE(ParseWordList("").empty());
  EXPECT_TRUE(ParseWordList("\n \r\n").empty());
  EXPECT_EQ(ParseWordList("last"), (std::vector<std::string>{"last"}));
}

// ---- CountLinks ---------------------------------------------------------------

TEST(CountLinksTest, CountsSchemesAndWww) {
  EXPECT_EQ(CountLinks(""), 0u);
  EXPECT_EQ(CountLinks("no links here"), 0u);
  EXPECT_EQ(CountLinks("http://a.example"), 1u);
  EXPECT_EQ(CountLinks("HTTPS://A.EXAMPLE"), 1u);
  EXPECT_EQ(CountLinks("www.a.example"), 1u);
  EXPECT_EQ(CountLinks("see (www.a.example)"), 1u);
  EXPECT_EQ(CountLinks("http://a.example,http://b.example"), 2u);
  EXPECT_EQ(CountLinks("https://a.example https://b.example https://c.example"), 3u);
}

TEST(CountLinksTest, WwwAfterASchemeIsTheSameLink) {
  EXPECT_EQ(CountLinks("https://www.a.example"), 1u);
  EXPECT_EQ(CountLinks("http://WWW.a.example and www.b.example"), 2u);
}

TEST(CountLinksTest, WwwInsideAWordIsNotALink) {
  EXPECT_EQ(CountLinks("awww. cute"), 0u);
  EXPECT_EQ(CountLinks("ftp://a.example"), 0u);
  EXPECT_EQ(CountLinks("http:/ broken"), 0u);
}

}  // namespace
}  // namespace chancery::comments
