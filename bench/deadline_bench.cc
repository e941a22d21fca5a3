// Benchmarks of the working-day calendar and the deadline engine.
// Target: >= 5 million AddWorkingDays per second on one core.
//
// Inputs are drawn once (fixed seed): start dates uniformly in 2018-2026 and
// N uniformly in 1..60, cycled through so the branch predictor and caches
// see a realistic mix rather than one repeated query.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "codec/calendar_codec.h"
#include "codec/rules_codec.h"
#include "core/calendar.h"
#include "core/deadline.h"

namespace gongkai {
namespace {

constexpr std::size_t kInputs = 1 << 14;  // power of two, for masking

const WorkingCalendar& Calendar() {
  static const WorkingCalendar calendar = [] {
    auto loaded = LoadOfficialCalendar();
    if (!loaded) {
      std::fprintf(stderr, "%s\n", loaded.error().Describe().c_str());
      std::abort();
    }
    return std::move(*loaded);
  }();
  return calendar;
}

const std::vector<DeadlineRule>& Rules() {
  static const std::vector<DeadlineRule> rules = [] {
    auto loaded = LoadDeadlineRules();
    if (!loaded) {
      std::fprintf(stderr, "%s\n", loaded.error().Describe().c_str());
      std::abort();
    }
    return std::move(*loaded);
  }();
  return rules;
}

struct Inputs {
  std::vector<Date> dates;
  std::vector<Date> others;
  std::vector<int> counts;
};

const Inputs& RandomInputs() {
  static const Inputs inputs = [] {
    Inputs in;
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> day(Date::Parse("2018-01-01")->serial(), Date::Parse("2026-12-31")->serial());
    std::uniform_int_distribution<int> count(1, 60);
    for (std::size_t i = 0; i < kInputs; ++i) {
      in.dates.push_back(Date::FromSerial(day(rng)));
      in.others.push_back(Date::FromSerial(day(rng)));
      in.counts.push_back(count(rng));
    }
    return in;
  }();
  return inputs;
}

void BM_AddWorkingDays(benchmark::State& state) {
  const WorkingCalendar& calendar = Calendar();
  const Inputs& in = RandomInputs();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ & (kInputs - 1);
    auto due = calendar.AddWorkingDays(in.dates[k], in.counts[k]);
    benchmark::DoNotOptimize(due);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_AddWorkingDays);

// For comparison: the same query answered by walking day by day.
void BM_AddWorkingDaysDayByDay(benchmark::State& state) {
  const WorkingCalendar& calendar = Calendar();
  const Inputs& in = RandomInputs();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ & (kInputs - 1);
    Date d = in.dates[k];
    for (int left = in.counts[k]; left > 0;) {
      d = d.AddDays(1);
      if (calendar.IsWorkingDay(d)) --left;
    }
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_AddWorkingDaysDayByDay);

void BM_WorkingDaysBetween(benchmark::State& state) {
  const WorkingCalendar& calendar = Calendar();
  const Inputs& in = RandomInputs();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ & (kInputs - 1);
    auto count = calendar.WorkingDaysBetween(in.dates[k], in.others[k]);
    benchmark::DoNotOptimize(count);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_WorkingDaysBetween);

void BM_IsWorkingDay(benchmark::State& state) {
  const WorkingCalendar& calendar = Calendar();
  const Inputs& in = RandomInputs();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ & (kInputs - 1);
    bool working = calendar.IsWorkingDay(in.dates[k]);
    benchmark::DoNotOptimize(working);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_IsWorkingDay);

// The full computation including the Chinese explanation, per rule.
void BM_ComputeDeadline(benchmark::State& state) {
  const WorkingCalendar& calendar = Calendar();
  const DeadlineRule& rule = Rules()[static_cast<std::size_t>(state.range(0))];
  state.SetLabel(rule.id);
  const Inputs& in = RandomInputs();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ & (kInputs - 1);
    auto result = ComputeDeadline(rule, calendar, in.dates[k]);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
// 0: default-20-working-days, 3: bid-candidates, 6: land-transfer-notice.
BENCHMARK(BM_ComputeDeadline)->Arg(0)->Arg(3)->Arg(6);

// Building the calendar from the embedded data (done once per process).
void BM_LoadOfficialCalendar(benchmark::State& state) {
  for (auto _ : state) {
    auto calendar = LoadOfficialCalendar();
    benchmark::DoNotOptimize(calendar);
  }
}
BENCHMARK(BM_LoadOfficialCalendar)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace gongkai

BENCHMARK_MAIN();
