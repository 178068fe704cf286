// Leaks on purpose. The sanitizer stage counts on LeakSanitizer to fail any
// test that leaks; LSan stays silent where it cannot run (under ptrace, in
// some containers), and a silent LSan would make every leak check pass. This
// program must be reported, or the stage is not checking leaks at all.
#include <cstdio>
#include <cstdlib>

int main() {
  void* volatile leaked = std::malloc(4242);
  std::printf("allocated %p and dropped it\n", leaked);
  leaked = nullptr;
  return 0;
}
