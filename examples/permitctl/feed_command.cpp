// `permitctl feed`: prints one page of feed records (docs/feed.md) as one JSON object a line, so they pipe
// into other tools; `--follow` reads on, page after page, and keeps polling for new ones. `permitctl feed ack
// NAME SEQ` moves a consumer's cursor.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.hpp"
#include "permitflow/engine.hpp"

namespace permitctl {
namespace {

using nlohmann::json;

struct FeedOptions {
  std::int64_t after = -1;  // -1: not given (the consumer's cursor, or 0)
  int limit = 100;
  bool follow = false;
  std::string consumer;
  std::string profile = "raw";
  std::vector<std::string> kinds;
  std::vector<std::string> types;
  int poll_ms = 500;
  std::string ack_consumer;
  std::int64_t ack_seq = 0;
};

FeedOptions& feed_options() {
  static FeedOptions o;
  return o;
}

void print_feed() {
  const FeedOptions& o = feed_options();
  permitflow::Engine engine(engine_config());
  json request = {{"limit", o.limit}, {"profile", o.profile}};
  if (!o.kinds.empty()) request["kinds"] = o.kinds;
  if (!o.types.empty()) request["types"] = o.types;
  // Both given: the engine refuses the pair, naming it.
  if (!o.consumer.empty()) request["consumer"] = o.consumer;
  if (o.after >= 0 || o.consumer.empty()) request["after"] = o.after < 0 ? 0 : o.after;
  for (;;) {
    const json page = json::parse(engine.feed(request.dump()));
    for (const auto& r : page.at("records")) std::cout << r.dump() << "\n";
    std::cout.flush();
    if (!o.follow) return;  // one page, as pf_feed gives it; --follow goes on from its "next"
    request.erase("consumer");
    request["after"] = page.at("next");
    if (page.at("next").get<std::int64_t>() < page.at("head").get<std::int64_t>()) continue;  // more now
    std::this_thread::sleep_for(std::chrono::milliseconds(o.poll_ms));
  }
}

}  // namespace

void add_feed_commands(CLI::App& app) {
  FeedOptions& o = feed_options();
  auto* feed = app.add_subcommand("feed", "Print feed records after a cursor, one JSON object a line");
  feed->add_option("--after", o.after, "Start after this seq (default 0, or the consumer's cursor)")
      ->check(CLI::NonNegativeNumber);
  feed->add_option("--limit", o.limit, "Records per read (1-1000)")->check(CLI::Range(1, 1000));
  feed->add_flag("--follow", o.follow, "Keep polling for new records until interrupted");
  feed->add_option("--consumer", o.consumer, "Start after this durable consumer's cursor");
  feed->add_option("--profile", o.profile, "raw")->capture_default_str();
  feed->add_option("--kind", o.kinds, "Only records of this kind (permit, complaint); repeatable");
  feed->add_option("--type", o.types, "Only events of this type; repeatable");
  feed->add_option("--poll-ms", o.poll_ms, "With --follow: pause between reads")
      ->check(CLI::Range(10, 60000));
  auto* ack = feed->add_subcommand("ack", "Move a durable consumer's cursor forward to SEQ");
  ack->add_option("consumer", o.ack_consumer, "The consumer's name")->required();
  ack->add_option("seq", o.ack_seq, "The last seq it has handled")->required();
  ack->callback([] {
    guarded([] {
      const FeedOptions& f = feed_options();
      permitflow::Engine engine(engine_config());
      engine.feed_ack(f.ack_consumer, f.ack_seq);
      std::cout << json{{"consumer", f.ack_consumer}, {"cursor", f.ack_seq}}.dump() << "\n";
    });
  });
  feed->callback([ack] {
    if (ack->parsed()) return;
    guarded(print_feed);
  });
}

}  // namespace permitctl
