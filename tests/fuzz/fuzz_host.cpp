// truce-host's request handling, apart from sockets (the HTTP framing is
// cpp-httplib's, not ours): up to eight requests cut at NUL bytes, each
//
//   METHOD TARGET\nname: value\n...\n\nbody
//
// sent in turn to an Api over real SQLite stores in a fresh database. What
// must hold for any input:
// - every request is answered, never with a 5xx, and every refusal is an
//   RFC 9457 problem document whose status and code agree with the answer;
// - a refused write changes nothing; a write that succeeds moves the version
//   by exactly one and answers with the stored document and its ETag;
// - the same request sent again gets the same status and body, changes
//   nothing, and is marked replayed when the first one wrote under an
//   Idempotency-Key;
// - whatever came before, a plain create and read still succeed.
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>

#include "../../native/host/api.hpp"
#include "fuzz_support.hpp"
#include "truce/etag.hpp"
#include "truce/sqlite_document_store.hpp"
#include "truce/sqlite_idempotency_store.hpp"

namespace {

using namespace truce;
using host::HttpRequest;
using host::HttpResponse;

constexpr std::size_t kMaxRequests = 8;
constexpr std::string_view kDocs = "/api/docs/";

// Small limits, so that inputs of fuzzer size reach them.
host::ApiOptions api_options() {
  host::ApiOptions options;
  options.max_body_bytes = 16u << 10;
  options.max_depth = 64;
  return options;
}

HttpRequest request_from(std::string_view text) {
  HttpRequest request;
  const auto line_end = [&] { return std::min(text.find('\n'), text.size()); };
  std::string_view first = text.substr(0, line_end());
  text.remove_prefix(std::min(first.size() + 1, text.size()));
  const auto space = first.find(' ');
  request.method = std::string(first.substr(0, space));
  request.target = space == std::string_view::npos ? "/" : std::string(first.substr(space + 1));
  while (!text.empty()) {
    const std::string_view line = text.substr(0, line_end());
    text.remove_prefix(std::min(line.size() + 1, text.size()));
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    auto [at, fresh] = request.headers.emplace(name, value);
    if (!fresh) at->second += ", " + std::string(value);  // as HTTP libraries join repeated fields
  }
  request.body = std::string(text);
  return request;
}

// The oracle's own reading of which document a request names (tenant, id),
// written apart from the API's routing; nullopt when it names none.
std::optional<std::pair<std::string, std::string>> named_document(const HttpRequest& request) {
  const std::string_view path = request.path();
  if (path.substr(0, kDocs.size()) != kDocs) return std::nullopt;
  std::string id;
  for (std::size_t i = kDocs.size(); i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() && std::isxdigit(static_cast<unsigned char>(path[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(path[i + 2]))) {
      id += static_cast<char>(std::stoi(std::string(path.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      id += path[i];
    }
  }
  const std::string* tenant = request.header("x-tenant");
  return std::make_pair(tenant ? *tenant : std::string("public"), id);
}

std::string describe(const HttpRequest& request, const HttpResponse& response) {
  return request.method + " " + request.target + " -> " + std::to_string(response.status) + "\n" +
         response.body.substr(0, 2000);
}

struct Stores {
  std::filesystem::path file;
  std::unique_ptr<SqliteDocumentStore> documents;
  std::unique_ptr<SqliteIdempotencyStore> records;
  UnixMs now = 1'700'000'000'000;

  explicit Stores(const std::filesystem::path& folder) : file(folder / "fuzz.db") {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
    DocumentStoreOptions options;
    options.history = 3;  // pruned versions are within a few writes' reach
    options.max_documents_per_tenant = 4;
    documents = std::make_unique<SqliteDocumentStore>(file.string(), options);
    records = std::make_unique<SqliteIdempotencyStore>(file.string());
  }
};

const std::filesystem::path& scratch_folder() {
  static const std::filesystem::path folder = [] {
    // A fresh database per input: on tmpfs, where its syncs cost nothing.
    const std::filesystem::path shm = "/dev/shm";
    const auto parent = std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path();
    std::string pattern = (parent / "truce-fuzz-host-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    std::atexit([] { std::filesystem::remove_all(scratch_folder()); });
    return std::filesystem::path(pattern);
  }();
  return folder;
}

void check_answer(const HttpRequest& request, const HttpResponse& response) {
  const std::string what = describe(request, response);
  fuzz::check(response.status >= 200 && response.status < 500, "every request is answered without a 5xx", what);
  if (response.status < 400) return;
  const std::string* type = response.header("content-type");
  fuzz::check(type && *type == "application/problem+json", "a refusal is problem+json", what);
  const auto problem = fuzz::parsed(response.body);
  fuzz::check(problem && problem->is_object() && problem->contains("code") && (*problem)["code"].is_string(),
              "a problem names its code", what);
  fuzz::check((*problem)["status"] == response.status, "a problem's status is the answer's", what);
}

std::optional<StoredDocument> stored(Stores& stores, const std::optional<std::pair<std::string, std::string>>& name) {
  if (!name) return std::nullopt;
  try {
    return stores.documents->get(name->first, name->second);
  } catch (const Error&) {
    return std::nullopt;  // an id the store cannot hold was refused by the API as well
  }
}

bool same(const std::optional<StoredDocument>& a, const std::optional<StoredDocument>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->version == b->version && to_json_text(a->doc) == to_json_text(b->doc));
}

void check_write(const HttpRequest& request, const HttpResponse& response, const std::optional<StoredDocument>& before,
                 const std::optional<StoredDocument>& after) {
  const std::string what = describe(request, response);
  const bool replayed = response.header("idempotent-replayed") != nullptr;
  const bool wrote = (request.method == "PUT" || request.method == "PATCH") &&
                     (response.status == 200 || response.status == 201) && !replayed;
  if (!wrote) {
    fuzz::check(same(before, after), "a request that did not write changes nothing", what);
    return;
  }
  fuzz::check(after.has_value(), "a write that succeeded is stored", what);
  fuzz::check(after->version == (before ? before->version + 1 : 1), "a write moves the version by exactly one", what);
  fuzz::check(response.status == (after->version == 1 ? 201 : 200), "201 creates, 200 updates", what);
  const std::string* etag = response.header("etag");
  fuzz::check(etag && *etag == make_etag(after->version).to_string(), "a write answers with its ETag", what);
  fuzz::check(response.body == to_json_text(after->doc), "a write answers with the stored document", what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto texts = fuzz::parts(data, size, kMaxRequests);
  Stores stores(scratch_folder());
  host::Api api(*stores.documents, *stores.records, api_options(), [&stores] { return ++stores.now; });
  for (const std::string_view text : texts) {
    const HttpRequest request = request_from(text);
    const auto name = named_document(request);
    const std::optional<StoredDocument> before = stored(stores, name);
    const HttpResponse response = api.handle(request);
    check_answer(request, response);
    const std::optional<StoredDocument> after = stored(stores, name);
    check_write(request, response, before, after);

    const bool keyed = request.header("idempotency-key") != nullptr;
    const bool wrote = after && (!before || after->version != before->version);
    if (wrote && !keyed) continue;  // sent again, it is a second write: nothing to compare
    const HttpResponse again = api.handle(request);
    const std::string what = describe(request, response) + "\nagain: " + describe(request, again);
    fuzz::check(again.status == response.status && again.body == response.body,
                "the same request gets the same answer", what);
    fuzz::check(same(after, stored(stores, name)), "the same request again changes nothing", what);
    if (wrote) fuzz::check(again.header("idempotent-replayed") != nullptr, "a keyed write is replayed", what);
  }
  fuzz::check(!api.metrics_text().empty(), "metrics are served");

  HttpRequest create;
  create.method = "PUT";
  create.target = "/api/docs/after-the-input";
  create.headers = {{"content-type", "application/json"}, {"if-none-match", "*"}, {"x-tenant", "fuzz-check"}};
  create.body = R"({"still":"serving"})";
  fuzz::check(api.handle(create).status == 201, "a plain create succeeds after any input");
  HttpRequest read{"GET", create.target, {{"x-tenant", "fuzz-check"}}, ""};
  const HttpResponse read_back = api.handle(read);
  fuzz::check(read_back.status == 200 && read_back.body == create.body, "a plain read succeeds after any input",
              describe(read, read_back));
  return 0;
}
