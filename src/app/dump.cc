#include "app/dump.h"

#include <fmt/core.h>

#include <fstream>
#include <limits>
#include <set>

#include "app/record_json.h"

namespace gongkai {

namespace {

class Lines {
 public:
  Result<int> Open(const std::filesystem::path& path) {
    path_ = path;
    out_.open(path, std::ios::binary | std::ios::trunc);
    if (!out_) return Unexpected(Error::Storage(fmt::format("无法写入{}", path.string())));
    return 0;
  }
  void Add(std::string_view line) {
    out_ << line << '\n';
    ++count_;
  }
  Status Close() {
    out_.close();
    if (!out_) return Unexpected(Error::Storage(fmt::format("写入{}失败（磁盘已满？）", path_.string())));
    return Ok();
  }
  int count() const { return count_; }

 private:
  std::filesystem::path path_;
  std::ofstream out_;
  int count_ = 0;
};

}  // namespace

Result<DumpSummary> WriteDump(Store& store, const Site& site, const std::filesystem::path& dir, bool with_files) {
  GK_TRY(heads, store.ListTreeHeads(site.id, 1));
  if (heads.empty()) return Unexpected(Error::NotFound("账本尚未签署树头，请先运行 gongkai ledger sync"));
  const SignedTreeHead head = heads[0];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Unexpected(Error::Storage(fmt::format("无法创建目录{}：{}", dir.string(), ec.message())));
  if (with_files) {
    std::filesystem::create_directories(dir / "files", ec);
    if (ec) return Unexpected(Error::Storage(fmt::format("无法创建目录{}：{}", (dir / "files").string(), ec.message())));
  }
  DumpSummary sum;

  Lines records, attachments, ledger, keys;
  // The ledger up to the signed head first: only versions it covers go into
  // records.jsonl, so a publication racing with the dump cannot make it fail
  // verification.
  std::set<std::pair<std::int64_t, int>> signed_versions;
  GK_CHECK(ledger.Open(dir / "ledger.jsonl"));
  for (std::uint64_t start = 0; start < head.size;) {
    const int want = static_cast<int>(std::min<std::uint64_t>(1000, head.size - start));
    GK_TRY(leaves, store.ListLedgerLeaves(site.id, start, want));
    if (leaves.empty()) break;
    for (const auto& l : leaves) {
      ledger.Add(l.data);
      signed_versions.insert({l.record_id, l.version});
    }
    start += leaves.size();
  }
  sum.leaves = static_cast<std::uint64_t>(ledger.count());
  GK_CHECK(ledger.Close());

  GK_CHECK(records.Open(dir / "records.jsonl"));
  GK_CHECK(attachments.Open(dir / "attachments.jsonl"));
  std::set<std::string> written;
  // Every record the signed ledger names, in id order, each read by its id.
  // (Paging through ListRecords by id cursor was quadratic: without table
  // statistics SQLite serves that query from the records_public index and
  // sorts, reading every later record for each page of 500.)
  for (auto it = signed_versions.begin(); it != signed_versions.end();) {
    const std::int64_t id = it->first;
    it = signed_versions.lower_bound({id + 1, std::numeric_limits<int>::min()});
    auto found = store.GetRecord(id);
    if (!found) {
      if (found.error().code == ErrorCode::kNotFound) continue;
      return Unexpected(found.error());
    }
    const Record& r = *found;
    if (r.site_id != site.id || r.published_version == 0 || r.status == RecordStatus::kWithdrawn) continue;
    GK_TRY(versions, store.ListVersions(r.id));
    for (const auto& v : versions) {
      if (v.version > r.published_version || !signed_versions.contains({r.id, v.version})) continue;
      records.Add(CanonicalJson(RecordVersionDoc(site.slug, r, v)));
      for (const auto& a : PublicAttachments(v.content.attachments)) {
        nlohmann::json j{{"filename", a.filename}, {"mime", a.mime},     {"record_id", r.id},
                         {"sha256", a.sha256},     {"size", a.size},     {"version", v.version}};
        attachments.Add(CanonicalJson(j));
        if (with_files && written.insert(a.sha256).second) {
          GK_TRY(file, store.GetFile(a.sha256));
          std::ofstream out(dir / "files" / a.sha256, std::ios::binary | std::ios::trunc);
          out << file.content;
          out.close();
          if (!out) return Unexpected(Error::Storage(fmt::format("无法写入附件{}", a.sha256)));
          ++sum.files;
        }
      }
    }
  }
  // Every published record not withdrawn, including those with no version
  // under the signed head yet (published after it was signed).
  RecordFilter live;
  live.statuses = {RecordStatus::kDraft, RecordStatus::kSubmitted, RecordStatus::kApproved, RecordStatus::kPublished};
  GK_TRY(live_records, store.CountRecords(site.id, live));
  sum.records = live_records;
  sum.versions = records.count();
  sum.attachments = attachments.count();
  GK_CHECK(records.Close());
  GK_CHECK(attachments.Close());

  GK_CHECK(keys.Open(dir / "keys.txt"));
  GK_TRY(key_list, store.ListLedgerKeys(site.id));
  for (const auto& k : key_list) keys.Add(k.verifier_key);
  GK_CHECK(keys.Close());
  std::ofstream cp(dir / "checkpoint.txt", std::ios::binary | std::ios::trunc);
  cp << head.note;
  cp.close();
  if (!cp) return Unexpected(Error::Storage("无法写入checkpoint.txt"));
  return sum;
}

}  // namespace gongkai
