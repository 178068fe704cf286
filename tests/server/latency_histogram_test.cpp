#include "truce/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

namespace truce {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// The bucket a lone observation landed in.
std::size_t only_bucket(const LatencySnapshot& s) {
  for (std::size_t i = 0; i < LatencySnapshot::kBuckets; ++i) {
    if (s.cumulative[i] != 0) return i;
  }
  return LatencySnapshot::kBuckets;
}

std::size_t bucket_for(nanoseconds d) {
  LatencyHistogram h;
  h.record(d);
  return only_bucket(h.snapshot());
}

TEST(LatencyHistogram, BoundsArePowersOfTwoMicrosecondsThenInfinity) {
  EXPECT_EQ(LatencySnapshot::kBuckets, 26u);
  EXPECT_DOUBLE_EQ(LatencySnapshot::upper_bound(0), 1e-6);
  EXPECT_DOUBLE_EQ(LatencySnapshot::upper_bound(1), 2e-6);
  EXPECT_DOUBLE_EQ(LatencySnapshot::upper_bound(10), 1.024e-3);
  EXPECT_DOUBLE_EQ(LatencySnapshot::upper_bound(24), 16.777216);
  EXPECT_TRUE(std::isinf(LatencySnapshot::upper_bound(25)));
  for (std::size_t i = 1; i < LatencySnapshot::kFiniteBuckets; ++i) {
    EXPECT_DOUBLE_EQ(LatencySnapshot::upper_bound(i), 2 * LatencySnapshot::upper_bound(i - 1));
  }
}

TEST(LatencyHistogram, BucketsAreInclusiveUpperBounds) {
  EXPECT_EQ(bucket_for(nanoseconds(0)), 0u);
  EXPECT_EQ(bucket_for(nanoseconds(-5)), 0u);  // a clock going backwards is not a huge wait
  EXPECT_EQ(bucket_for(nanoseconds(1000)), 0u);
  EXPECT_EQ(bucket_for(nanoseconds(1001)), 1u);
  EXPECT_EQ(bucket_for(nanoseconds(2000)), 1u);
  EXPECT_EQ(bucket_for(nanoseconds(2001)), 2u);
  EXPECT_EQ(bucket_for(milliseconds(50)), 16u);  // (32.768 ms, 65.536 ms]
  EXPECT_EQ(bucket_for(microseconds(16777216)), 24u);
  EXPECT_EQ(bucket_for(microseconds(16777217)), 25u);
  EXPECT_EQ(bucket_for(seconds(3600)), 25u);
}

TEST(LatencyHistogram, EmptySnapshotIsAllZero) {
  const LatencyHistogram h;
  const LatencySnapshot s = h.snapshot();
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.sum, 0.0);
  EXPECT_EQ(s.max, 0.0);
  EXPECT_EQ(s.p50, 0.0);
  EXPECT_EQ(s.p99, 0.0);
  EXPECT_EQ(s.cumulative.back(), 0u);
}

TEST(LatencyHistogram, SnapshotIsCumulativeWithExactCountSumAndMax) {
  LatencyHistogram h;
  for (int i = 0; i < 99; ++i) h.record(microseconds(10));  // bucket (8 µs, 16 µs]
  h.record(milliseconds(50));
  h.record(seconds(20));  // beyond the last finite bound
  const LatencySnapshot s = h.snapshot();
  EXPECT_EQ(s.count, 101u);
  EXPECT_EQ(s.cumulative.back(), s.count);
  EXPECT_EQ(s.cumulative[3], 0u);
  EXPECT_EQ(s.cumulative[4], 99u);
  EXPECT_EQ(s.cumulative[15], 99u);
  EXPECT_EQ(s.cumulative[16], 100u);
  EXPECT_EQ(s.cumulative[24], 100u);
  for (std::size_t i = 1; i < LatencySnapshot::kBuckets; ++i) EXPECT_GE(s.cumulative[i], s.cumulative[i - 1]);
  EXPECT_NEAR(s.sum, 99 * 10e-6 + 0.05 + 20.0, 1e-9);
  EXPECT_DOUBLE_EQ(s.max, 20.0);
}

TEST(LatencyHistogram, QuantilesAreBucketUpperBoundsCappedAtMax) {
  LatencyHistogram h;
  for (int i = 0; i < 97; ++i) h.record(microseconds(10));
  h.record(milliseconds(40));
  h.record(milliseconds(50));
  h.record(seconds(1));
  const LatencySnapshot s = h.snapshot();
  EXPECT_DOUBLE_EQ(s.p50, 16e-6);          // the 50th of 100 is 10 µs, reported as its bucket's 16 µs
  EXPECT_DOUBLE_EQ(s.p99, 0.065536);       // the 99th is 50 ms, in (32.768 ms, 65.536 ms]
  EXPECT_DOUBLE_EQ(s.quantile(1.0), 1.0);  // 1 s is in (0.524288 s, 1.048576 s], capped at the exact max
  EXPECT_DOUBLE_EQ(s.quantile(0.0), s.quantile(0.01));
  EXPECT_DOUBLE_EQ(s.quantile(-1.0), 16e-6);  // out-of-range q is clamped
  EXPECT_DOUBLE_EQ(s.quantile(2.0), 1.0);

  LatencyHistogram one;
  one.record(milliseconds(50));
  EXPECT_DOUBLE_EQ(one.snapshot().p99, 0.05);  // never above the max
  EXPECT_DOUBLE_EQ(one.snapshot().p50, 0.05);

  LatencyHistogram slow;
  slow.record(seconds(20));
  EXPECT_DOUBLE_EQ(slow.snapshot().p99, 20.0);  // the +Inf bucket reports the max
}

TEST(LatencyHistogram, ConcurrentRecordingLosesNothing) {
  LatencyHistogram h;
  constexpr int kThreads = 4;
  constexpr int kEach = 50000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&h, t] {
      for (int i = 0; i < kEach; ++i) h.record(microseconds(1 + (i + t) % 3000));
    });
  }
  for (auto& thread : threads) thread.join();
  const LatencySnapshot s = h.snapshot();
  EXPECT_EQ(s.count, static_cast<std::uint64_t>(kThreads) * kEach);
  EXPECT_DOUBLE_EQ(s.max, 3000e-6);
}

}  // namespace
}  // namespace truce
