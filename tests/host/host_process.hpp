#pragma once
// A real truce-host process on a free loopback port, for tests that talk to
// it over HTTP: started with the given flags, its address read from its
// first log line, stopped with SIGTERM (or killed) when done.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace truce::testing {

class HostProcess {
 public:
  HostProcess(const std::string& binary, std::vector<std::string> flags, const std::string& log_path)
      : log_path_(log_path) {
    flags.insert(flags.begin(), {binary, "--listen", "127.0.0.1:0"});
    pid_ = fork();
    if (pid_ == 0) {
      const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(log, STDERR_FILENO);
      std::vector<char*> argv;
      for (auto& flag : flags) argv.push_back(flag.data());
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    for (int attempt = 0; attempt < 200 && port_ == 0; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      const std::string log = read_log();
      const auto at = log.find("\"url\":\"http://127.0.0.1:");
      if (at != std::string::npos) port_ = std::stoi(log.substr(at + 24));
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("truce-host exited at start: " + log);
      }
    }
    if (port_ == 0) throw std::runtime_error("truce-host did not report its address: " + read_log());
  }
  ~HostProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  int port() const { return port_; }
  std::string read_log() const {
    std::ifstream in(log_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // SIGTERM, then the exit status (or -1 when it did not exit normally).
  int stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  void kill_hard() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace truce::testing
