// The feed's profiles (docs/feed.md): the shipped files load, a bad file is refused naming the file and the
// field, and a correction notice becomes the provincial stage 补正告知 and an SMS to the applicant.
#include <functional>

#include "engine/feed_golden.hpp"
#include "engine/feed_profiles.hpp"
#include "support/engine_fixture.hpp"

namespace permitflow::testing {
namespace {

std::string refusal(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    return e.what();
  }
  ADD_FAILURE() << "accepted";
  return "";
}

const char* const kMessage =
    R"({"definitions": ["road_excavation"], "notifications": {"accepted": [
         {"to": {"role": "applicant"}, "channel": "sms", "template": {"zh": "%ZH%", "en": "accepted"}}]}})";

std::string with_template(const std::string& zh) {
  std::string s = kMessage;
  s.replace(s.find("%ZH%"), 4, zh);
  return s;
}

TEST(FeedProfiles, ShippedFilesLoad) {
  EXPECT_NO_THROW(ProvincialProfile::builtin());
  EXPECT_NO_THROW(NotifyProfile::builtin());
  for (const char* subject : {"road_excavation", "outdoor_advertising", "construction_waste", "complaint",
                              "consultation", "exposed_garbage", "help", "report", "suggestion"}) {
    EXPECT_TRUE(NotifyProfile::builtin().covers(subject)) << subject;
  }
}

TEST(FeedProfiles, TemplateNamingAnUnknownFieldIsRefusedNamingFileAndField) {
  NotifyProfile ok;
  EXPECT_NO_THROW(ok.add(with_template("受理 {case} {date}"), "good.json"));
  const std::string message =
      refusal([] { NotifyProfile().add(with_template("{case} {colour}"), "county.json"); });
  EXPECT_NE(message.find("county.json"), std::string::npos) << message;
  EXPECT_NE(message.find("'colour'"), std::string::npos) << message;
  EXPECT_NE(message.find("/notifications/accepted/0/template/zh"), std::string::npos) << message;
  EXPECT_NE(refusal([] { NotifyProfile().add(with_template("{case"), "x.json"); }).find("never closed"),
            std::string::npos);
  std::string fax = with_template("x");
  fax.replace(fax.find("\"sms\""), 5, "\"fax\"");
  EXPECT_NE(refusal([&] { NotifyProfile().add(fax, "x.json"); }).find("unknown channel 'fax'"),
            std::string::npos);
  std::string typo = with_template("x");
  typo.replace(typo.find("\"accepted\""), 10, "\"acepted\"");
  EXPECT_NE(refusal([&] { NotifyProfile().add(typo, "x.json"); }).find("names no event type: 'acepted'"),
            std::string::npos);
}

TEST(FeedProfiles, ProvincialFileIsChecked) {
  const std::string good =
      R"({"profile": "provincial", "fields": {"case": "a", "subject": "b", "stage": "c", "stage_code": "d",
          "step": "e", "result": "f", "result_code": "g", "round": "h", "items": "i", "reason": "j", "at": "k",
          "handler": "l"}, "stages": {"申办": "01"}, "events": {"submitted": {"stage": "%STAGE%"}}})";
  std::string s = good;
  s.replace(s.find("%STAGE%"), 7, "申办");
  EXPECT_NO_THROW(ProvincialProfile::parse(s, "jiangsu.json"));
  s = good;
  s.replace(s.find("%STAGE%"), 7, "收件");
  const std::string message = refusal([&] { ProvincialProfile::parse(s, "jiangsu.json"); });
  EXPECT_NE(message.find("jiangsu.json"), std::string::npos) << message;
  EXPECT_NE(message.find("/events/submitted/stage"), std::string::npos) << message;
  s = good;
  s.replace(s.find("\"handler\": \"l\""), 14, "\"colour\": \"l\"");
  EXPECT_NE(refusal([&] { ProvincialProfile::parse(s, "jiangsu.json"); }).find("colour"), std::string::npos);
  s = good;
  s.replace(s.find("%STAGE%"), 7, "申办");
  s.replace(s.find("\"submitted\""), 11, "\"submited\"");
  const std::string typo = refusal([&] { ProvincialProfile::parse(s, "jiangsu.json"); });
  EXPECT_NE(typo.find("/events/submited"), std::string::npos) << typo;
  EXPECT_NE(typo.find("names no event type"), std::string::npos) << typo;
}

using FeedProfileEngine = EngineTest;

TEST_F(FeedProfileEngine, CorrectionNoticeAndAcceptance) {
  const json c = submit(application("road_excavation", at("2026-06-01")));
  execute(c["id"], command("request_correction", kClerk, at("2026-06-02")));
  const json provincial = whole_feed(engine(), "provincial");
  ASSERT_EQ(provincial.size(), 2u) << provincial.dump();
  EXPECT_EQ(provincial[0]["stage"], "申办");
  EXPECT_EQ(provincial[0]["stage_code"], "01");
  EXPECT_EQ(provincial[0]["case_no"], c["id"]);
  EXPECT_EQ(provincial[1]["stage"], "补正告知");
  EXPECT_EQ(provincial[1]["correction_round"], 1);
  EXPECT_FALSE(provincial[1]["correction_items"].empty());
  EXPECT_EQ(provincial[1]["handler"], "clerk-1");
  const json notify = whole_feed(engine(), "notify");
  ASSERT_EQ(notify.size(), 1u) << notify.dump();
  EXPECT_EQ(notify[0]["seq"], 2);
  EXPECT_EQ(notify[0]["channel"], "sms");
  EXPECT_EQ(notify[0]["to"]["role"], "applicant");
  EXPECT_EQ(notify[0]["to"]["id"], c["applicant"]["id"]);
  const std::string text = notify[0]["text"];
  EXPECT_NE(text.find(c["id"].get<std::string>()), std::string::npos) << text;
  EXPECT_NE(text.find("第1次"), std::string::npos) << text;
  EXPECT_NE(text.find("挖掘城市道路审批"), std::string::npos) << text;
}

}  // namespace
}  // namespace permitflow::testing
