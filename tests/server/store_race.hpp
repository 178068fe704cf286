#pragma once
// Several processes racing for one idempotency key: each child opens its own
// store (its own connection), waits at a barrier (a pipe the parent closes),
// calls begin once and reports the outcome in its exit status.
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <vector>

#include "truce/idempotency_ledger.hpp"

namespace truce::testing {

struct RaceOutcome {
  int proceeded = 0, in_progress = 0, other = 0;
};

inline RaceOutcome race_processes(int processes, const std::function<std::unique_ptr<IdempotencyStore>()>& open,
                                  const std::string& key, UnixMs now) {
  int barrier[2];
  if (pipe(barrier) != 0) return {0, 0, processes};
  std::vector<pid_t> children;
  for (int i = 0; i < processes; ++i) {
    const pid_t pid = fork();
    if (pid == 0) {
      close(barrier[1]);
      int code = 3;
      try {
        auto store = open();
        IdempotencyLedger ledger(*store);
        char byte;
        (void)!read(barrier[0], &byte, 1);  // returns when the parent closes its end
        const BeginResult result = ledger.begin("tenant-a", key, "fp-race", now);
        code = result.kind == BeginResult::Kind::Proceed ? 0 : result.kind == BeginResult::Kind::InProgress ? 1 : 2;
      } catch (...) {
        code = 4;
      }
      _exit(code);
    }
    children.push_back(pid);
  }
  close(barrier[0]);
  usleep(200000);  // let every child open its connection and reach the barrier
  close(barrier[1]);
  RaceOutcome outcome;
  for (const pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == 0)
      ++outcome.proceeded;
    else if (code == 1)
      ++outcome.in_progress;
    else
      ++outcome.other;
  }
  return outcome;
}

}  // namespace truce::testing
