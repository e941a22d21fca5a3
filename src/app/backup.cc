#include "app/backup.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/checkpoint.h"
#include "app/crypto.h"
#include "app/ledger_actions.h"
#include "app/merkle.h"
#include "core/timestamp.h"

namespace gongkai {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr int kSnapshotAttempts = 3;

std::string SystemText(int err) { return std::strerror(err); }

// fsync of a file or directory.
Status SyncPath(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Unexpected(Error::Storage(fmt::format("无法打开“{}”：{}", path.string(), SystemText(errno))));
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) return Unexpected(Error::Storage(fmt::format("无法写入“{}”：{}", path.string(), SystemText(saved))));
  return Ok();
}

Status WriteAllFd(int fd, std::string_view data, const fs::path& shown) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Unexpected(Error::Storage(fmt::format("无法写入“{}”：{}", shown.string(), SystemText(errno))));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Ok();
}

// A new temporary file (mode 0600) beside `target`; its path.
Result<std::pair<int, fs::path>> TempBeside(const fs::path& target) {
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string name = (dir / ("." + target.filename().string() + ".restore-XXXXXX")).string();
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0)
    return Unexpected(Error::Storage(fmt::format("无法在“{}”创建文件：{}", dir.string(), SystemText(errno))));
  return std::make_pair(fd, fs::path(name));
}

// Copies `from` to the open file `fd` while hashing what was copied.
Result<BackupFile> CopyHashing(const fs::path& from, int fd, const fs::path& shown) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Unexpected(Error::Storage(fmt::format("无法读取“{}”：{}", from.string(), SystemText(errno))));
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<unsigned char> buf(1 << 20);
  BackupFile out;
  for (;;) {
    const ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(in);
      return Unexpected(Error::Storage(fmt::format("无法读取“{}”：{}", from.string(), SystemText(saved))));
    }
    if (n == 0) break;
    crypto_hash_sha256_update(&state, buf.data(), static_cast<unsigned long long>(n));
    out.size += n;
    if (fd >= 0) {
      if (auto w = WriteAllFd(fd, std::string_view(reinterpret_cast<const char*>(buf.data()), n), shown); !w) {
        ::close(in);
        return Unexpected(w.error());
      }
    }
  }
  ::close(in);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  static const char* hex = "0123456789abcdef";
  for (unsigned char c : digest) {
    out.sha256 += hex[c >> 4];
    out.sha256 += hex[c & 15];
  }
  return out;
}

// Whether anything exists at `p` (a dangling symlink counts).
bool Exists(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() != fs::file_type::not_found;
}

// A manifest path is relative, "/"-separated, without "." or ".." parts.
bool SafeRelative(const std::string& p) {
  if (p.empty() || p.front() == '/' || p.find('\\') != std::string::npos || p.find('\0') != std::string::npos)
    return false;
  std::size_t start = 0;
  while (start <= p.size()) {
    auto end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    const std::string part = p.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

// The site's figures and attachment check, read from the snapshot.
Result<BackupSite> SiteFigures(Store& snap, const Site& site) {
  BackupSite out;
  out.slug = site.slug;
  out.name = site.name;
  RecordFilter all;
  all.published_only = false;
  all.limit = 0;
  GK_TRY(records, snap.CountRecords(site.id, all));
  out.records = records;
  RecordFilter published;
  published.published_only = true;
  GK_TRY(pub, snap.CountRecords(site.id, published));
  out.published = pub;
  GK_TRY(size, snap.LedgerSize(site.id));
  out.ledger_size = size.first;
  GK_TRY(root, merkle::Root(size.first, LedgerReader(snap, site.id)));
  out.ledger_root = merkle::ToHex(root);
  GK_TRY(heads, snap.ListTreeHeads(site.id, 1));
  out.signed_size = heads.empty() ? 0 : heads.front().size;

  // Every file a record refers to (working copy and every version) must be
  // in the snapshot with the content its name (SHA-256) promises.
  std::set<std::string> files;
  RecordFilter page;
  page.published_only = false;
  page.after_id = 0;
  page.limit = 500;
  for (;;) {
    GK_TRY(batch, snap.ListRecords(site.id, page));
    if (batch.empty()) break;
    for (const auto& r : batch) {
      for (const auto& a : r.draft.attachments) files.insert(a.sha256);
      GK_TRY(versions, snap.ListVersions(r.id));
      for (const auto& v : versions)
        for (const auto& a : v.content.attachments) files.insert(a.sha256);
    }
    page.after_id = batch.back().id;
  }
  for (const auto& sha : files) {
    auto f = snap.GetFile(sha);
    if (!f) {
      if (f.error().code == ErrorCode::kNotFound)
        return Unexpected(Error::Storage(fmt::format("站点“{}”的记录引用的附件{}不在数据库中", site.slug, sha)));
      return Unexpected(f.error());
    }
    if (Sha256Hex(f->content) != sha)
      return Unexpected(Error::Storage(fmt::format("站点“{}”的附件{}内容与其校验和不符", site.slug, sha)));
    ++out.attachments;
    out.attachment_bytes += static_cast<std::int64_t>(f->content.size());
  }
  return out;
}

// The site's current public key in the snapshot ("" if it never had one).
Result<std::string> CurrentVerifier(Store& snap, const Site& site) {
  GK_TRY(keys, snap.ListLedgerKeys(site.id));
  for (auto it = keys.rbegin(); it != keys.rend(); ++it)
    if (it->retired_at.empty()) return it->verifier_key;
  return std::string();
}

struct KeyCopy {
  BackupKey info;
  fs::path source;
  ledger::SigningKey key;
};

// The snapshot's sites, their figures and their keys as the files hold them
// now; `stale` is set when a key file is not the snapshot's current key (a
// rotation between the snapshot and the read).
struct SnapshotReading {
  int schema_version = 0;
  std::vector<BackupSite> sites;
  std::vector<KeyCopy> keys;
  bool stale = false;
};

Result<SnapshotReading> ReadSnapshot(Store& snap, const fs::path& key_base) {
  SnapshotReading out;
  GK_TRY(schema, snap.SchemaVersion());
  out.schema_version = schema;
  GK_TRY(sites, snap.ListSites());
  for (const auto& site : sites) {
    GK_TRY(figures, SiteFigures(snap, site));
    out.sites.push_back(std::move(figures));
    GK_TRY(current, CurrentVerifier(snap, site));
    GK_TRY(path, SiteLedgerKeyPath(snap, site, key_base));
    auto key = ledger::LoadKey(path);
    if (!key) {
      if (key.error().code == ErrorCode::kNotFound && current.empty()) continue;  // never signed: nothing to keep
      if (key.error().code == ErrorCode::kNotFound)
        return Unexpected(Error::NotFound(fmt::format(
            "找不到站点“{}”的公开账本签名密钥文件“{}”；请用 --ledger-key 指定与 gongkai serve 相同的密钥文件",
            site.slug, path.string())));
      return Unexpected(key.error());
    }
    const std::string verifier = ledger::VerifierKey(*key);
    if (verifier != current) out.stale = true;
    const std::string suffix = path.string().substr(key_base.string().size());
    out.keys.push_back(KeyCopy{BackupKey{site.slug, "keys/" + site.slug + ".ledger-key", suffix, verifier, true}, path,
                               std::move(*key)});
    // Retired keys kept beside it ("<path>.retired-<id>").
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const std::string prefix = path.filename().string() + ".retired-";
    std::error_code ec;
    std::vector<fs::path> retired;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with(prefix) && name.find(".tmp-") == std::string::npos) retired.push_back(entry.path());
    }
    std::sort(retired.begin(), retired.end());
    for (const auto& r : retired) {
      GK_TRY(old, ledger::LoadKey(r));
      const std::string tail = r.filename().string().substr(prefix.size());
      out.keys.push_back(KeyCopy{BackupKey{site.slug, "keys/" + site.slug + ".retired-" + tail,
                                           suffix + ".retired-" + tail, ledger::VerifierKey(old), false},
                                 r, std::move(old)});
    }
  }
  return out;
}

// Removes what a failed backup attempt left in `out` (never the directory).
void RemoveAttempt(const fs::path& out) {
  std::error_code ec;
  fs::remove(out / kBackupManifestFile, ec);
  fs::remove(out / kBackupDatabaseFile, ec);
  fs::remove(out / (std::string(kBackupDatabaseFile) + ".partial"), ec);
  fs::remove_all(out / "keys", ec);
}

}  // namespace

Result<BackupFile> HashFile(const fs::path& file) {
  GK_TRY(h, CopyHashing(file, -1, file));
  return h;
}

std::string ManifestJson(const BackupManifest& m) {
  json files = json::array();
  for (const auto& f : m.files) files.push_back({{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}});
  json keys = json::array();
  for (const auto& k : m.keys)
    keys.push_back({{"site", k.site}, {"path", k.path}, {"suffix", k.suffix}, {"verifier", k.verifier},
                    {"current", k.current}});
  json sites = json::array();
  for (const auto& s : m.sites)
    sites.push_back({{"slug", s.slug},
                     {"name", s.name},
                     {"records", s.records},
                     {"published", s.published},
                     {"ledger_size", s.ledger_size},
                     {"ledger_root", s.ledger_root},
                     {"signed_size", s.signed_size},
                     {"attachments", s.attachments},
                     {"attachment_bytes", s.attachment_bytes}});
  json j = {{"format", m.format},   {"created_at", m.created_at}, {"gongkai_version", m.version},
            {"schema_version", m.schema_version}, {"database", kBackupDatabaseFile},
            {"files", files},       {"keys", keys},                {"sites", sites}};
  return j.dump(2) + "\n";
}

Result<BackupManifest> ParseManifest(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Unexpected(Error::Invalid("备份清单 manifest.json 不是有效的JSON对象", kBackupManifestFile));
  BackupManifest m;
  std::string where;
  try {
    where = "format";
    m.format = j.at("format").get<std::string>();
    if (m.format != kBackupFormat)
      return Unexpected(Error::Invalid(
          fmt::format("备份清单的格式“{}”不受支持（应为“{}”）", m.format, kBackupFormat), "format"));
    where = "created_at";
    m.created_at = j.at("created_at").get<std::string>();
    where = "gongkai_version";
    m.version = j.at("gongkai_version").get<std::string>();
    where = "schema_version";
    m.schema_version = j.at("schema_version").get<int>();
    where = "files";
    for (const auto& f : j.at("files"))
      m.files.push_back(
          BackupFile{f.at("path").get<std::string>(), f.at("sha256").get<std::string>(), f.at("size").get<std::int64_t>()});
    where = "keys";
    for (const auto& k : j.at("keys"))
      m.keys.push_back(BackupKey{k.at("site").get<std::string>(), k.at("path").get<std::string>(),
                                 k.at("suffix").get<std::string>(), k.at("verifier").get<std::string>(),
                                 k.at("current").get<bool>()});
    where = "sites";
    for (const auto& s : j.at("sites")) {
      BackupSite site;
      site.slug = s.at("slug").get<std::string>();
      site.name = s.at("name").get<std::string>();
      site.records = s.at("records").get<std::int64_t>();
      site.published = s.at("published").get<std::int64_t>();
      site.ledger_size = s.at("ledger_size").get<std::uint64_t>();
      site.ledger_root = s.at("ledger_root").get<std::string>();
      site.signed_size = s.at("signed_size").get<std::uint64_t>();
      site.attachments = s.at("attachments").get<std::int64_t>();
      site.attachment_bytes = s.at("attachment_bytes").get<std::int64_t>();
      m.sites.push_back(std::move(site));
    }
  } catch (const json::exception&) {
    return Unexpected(Error::Invalid(fmt::format("备份清单 manifest.json 的“{}”缺失或格式不对", where), where));
  }
  for (const auto& f : m.files)
    if (!SafeRelative(f.path))
      return Unexpected(Error::Invalid(fmt::format("备份清单中的文件名“{}”无效", f.path), "files"));
  for (const auto& k : m.keys) {
    const bool listed = std::any_of(m.files.begin(), m.files.end(), [&](const BackupFile& f) { return f.path == k.path; });
    if (!listed || k.suffix.find('/') != std::string::npos)
      return Unexpected(Error::Invalid(fmt::format("备份清单中站点“{}”的密钥“{}”无效", k.site, k.path), "keys"));
  }
  if (std::none_of(m.files.begin(), m.files.end(), [](const BackupFile& f) { return f.path == kBackupDatabaseFile; }))
    return Unexpected(Error::Invalid(fmt::format("备份清单未列出数据库文件“{}”", kBackupDatabaseFile), "files"));
  return m;
}

Result<BackupManifest> CreateBackup(const BackupStorage& storage, const BackupRequest& request,
                                    std::chrono::sys_seconds now) {
  GK_TRY(file, storage.sqlite_file(request.db, "--db"));
  if (request.out.empty()) return Unexpected(Error::Invalid("请用 --out 指定备份目录", "--out"));
  if (!fs::is_regular_file(file))
    return Unexpected(Error::NotFound(fmt::format("数据库文件“{}”不存在", file)));
  std::error_code ec;
  if (Exists(request.out)) {
    if (!fs::is_directory(request.out, ec))
      return Unexpected(Error::Invalid(fmt::format("备份目录“{}”已存在且不是目录", request.out.string()), "--out"));
    if (!fs::is_empty(request.out, ec))
      return Unexpected(Error::Conflict(
          fmt::format("备份目录“{}”不是空目录；请指定新的目录，不会覆盖已有备份", request.out.string()), "--out"));
  } else {
    fs::create_directories(request.out, ec);
    if (ec)
      return Unexpected(
          Error::Storage(fmt::format("无法创建备份目录“{}”：{}", request.out.string(), ec.message())));
  }
  fs::permissions(request.out, fs::perms::owner_all, fs::perm_options::replace, ec);

  {
    GK_TRY(live, storage.open(file));
    GK_TRY(live_schema, live->SchemaVersion());
    if (live_schema == 0) return Unexpected(Error::NotFound(fmt::format("数据库“{}”尚未初始化", file)));
  }

  const fs::path partial = request.out / (std::string(kBackupDatabaseFile) + ".partial");
  SnapshotReading reading;
  for (int attempt = 1;; ++attempt) {
    RemoveAttempt(request.out);
    if (auto s = storage.snapshot(file, partial.string()); !s) {
      RemoveAttempt(request.out);
      return Unexpected(s.error());
    }
    auto read = [&]() -> Result<SnapshotReading> {
      GK_TRY(snap, storage.open(partial.string()));
      return ReadSnapshot(*snap, request.key);
    }();
    if (!read) {
      RemoveAttempt(request.out);
      return Unexpected(read.error());
    }
    reading = std::move(*read);
    if (!reading.stale) break;
    if (attempt == kSnapshotAttempts) {
      RemoveAttempt(request.out);
      return Unexpected(Error::Conflict(
          "公开账本签名密钥文件与数据库中登记的当前公钥不一致（备份期间更换了密钥，或 --ledger-key 指向了别的密钥）"));
    }
  }

  auto finish = [&]() -> Result<BackupManifest> {
    BackupManifest m;
    m.created_at = FormatUtc(now);
    m.version = request.version;
    m.schema_version = reading.schema_version;
    m.sites = reading.sites;
    fs::create_directories(request.out / "keys", ec);
    if (ec) return Unexpected(Error::Storage(fmt::format("无法创建目录“{}”：{}", (request.out / "keys").string(), ec.message())));
    fs::permissions(request.out / "keys", fs::perms::owner_all, fs::perm_options::replace, ec);
    for (const auto& k : reading.keys) {
      GK_CHECK(ledger::SaveKey(request.out / k.info.path, k.key));
      m.keys.push_back(k.info);
    }
    fs::rename(partial, request.out / kBackupDatabaseFile, ec);
    if (ec) return Unexpected(Error::Storage(fmt::format("无法重命名快照文件：{}", ec.message())));
    // Password hashes and the audit log: for the owner only, like the keys.
    fs::permissions(request.out / kBackupDatabaseFile, fs::perms::owner_read | fs::perms::owner_write,
                    fs::perm_options::replace, ec);
    GK_TRY(db_hash, HashFile(request.out / kBackupDatabaseFile));
    db_hash.path = kBackupDatabaseFile;
    m.files.push_back(db_hash);
    for (const auto& k : m.keys) {
      GK_TRY(h, HashFile(request.out / k.path));
      h.path = k.path;
      m.files.push_back(h);
    }
    // The manifest last, atomically: a directory with one is a complete backup.
    const std::string text = ManifestJson(m);
    const fs::path manifest = request.out / kBackupManifestFile;
    const fs::path temp = request.out / (std::string(kBackupManifestFile) + ".tmp");
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Unexpected(Error::Storage(fmt::format("无法写入“{}”：{}", temp.string(), SystemText(errno))));
    auto written = WriteAllFd(fd, text, temp);
    if (written && ::fsync(fd) != 0)
      written = Unexpected(Error::Storage(fmt::format("无法写入“{}”：{}", temp.string(), SystemText(errno))));
    ::close(fd);
    if (!written) {
      fs::remove(temp, ec);
      return Unexpected(written.error());
    }
    GK_CHECK(SyncPath(request.out / "keys"));
    fs::rename(temp, manifest, ec);
    if (ec) return Unexpected(Error::Storage(fmt::format("无法写入“{}”：{}", manifest.string(), ec.message())));
    GK_CHECK(SyncPath(request.out));
    return m;
  };
  auto m = finish();
  if (!m) RemoveAttempt(request.out);
  return m;
}

Result<RestoreOutcome> RestoreBackup(const BackupStorage& storage, const RestoreRequest& request) {
  GK_TRY(target, storage.sqlite_file(request.db, "--db"));
  if (request.from.empty()) return Unexpected(Error::Invalid("请用 --from 指定备份目录", "--from"));
  if (!fs::is_directory(request.from))
    return Unexpected(Error::NotFound(fmt::format("备份目录“{}”不存在", request.from.string())));
  const fs::path manifest_path = request.from / kBackupManifestFile;
  if (!fs::is_regular_file(manifest_path))
    return Unexpected(Error::NotFound(fmt::format(
        "备份目录“{}”中没有清单文件 manifest.json（不是完整的备份）", request.from.string())));
  std::string text;
  {
    std::FILE* f = std::fopen(manifest_path.c_str(), "rb");
    if (!f) return Unexpected(Error::Storage(fmt::format("无法读取“{}”", manifest_path.string())));
    char buf[65536];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    std::fclose(f);
  }
  GK_TRY(m, ParseManifest(text));

  // 1. Every file as the manifest says, before anything is written.
  std::vector<std::string> problems;
  for (const auto& f : m.files) {
    const fs::path p = request.from / f.path;
    if (!fs::is_regular_file(p)) {
      problems.push_back(fmt::format("缺少备份文件“{}”", f.path));
      continue;
    }
    auto h = HashFile(p);
    if (!h) {
      problems.push_back(fmt::format("无法读取备份文件“{}”", f.path));
    } else if (h->size != f.size) {
      problems.push_back(fmt::format("备份文件“{}”的大小不符（清单记录{}字节，实际{}字节）", f.path, f.size, h->size));
    } else if (h->sha256 != f.sha256) {
      problems.push_back(fmt::format("备份文件“{}”的SHA-256校验和不符（清单记录{}，实际{}）", f.path, f.sha256, h->sha256));
    }
  }
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "；") + p;
    return Unexpected(Error::Invalid(fmt::format("备份未通过校验，未写入任何文件：{}", all), "--from"));
  }

  // 2. Nothing is replaced.
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    if (Exists(target + suffix))
      return Unexpected(Error::Conflict(
          fmt::format("数据库文件“{}”已存在；恢复不会覆盖已有数据库，请用 --db 指定新的文件", target + suffix), "--db"));
  std::vector<std::pair<const BackupKey*, fs::path>> key_targets;
  for (const auto& k : m.keys) {
    fs::path dest = request.key;
    dest += k.suffix;
    if (Exists(dest))
      return Unexpected(Error::Conflict(
          fmt::format("密钥文件“{}”已存在；恢复不会覆盖已有密钥，请用 --ledger-key 指定新的位置", dest.string()),
          "--ledger-key"));
    key_targets.emplace_back(&k, dest);
  }
  const fs::path target_dir = fs::path(target).has_parent_path() ? fs::path(target).parent_path() : fs::path(".");
  if (!fs::is_directory(target_dir))
    return Unexpected(Error::NotFound(fmt::format("目录“{}”不存在", target_dir.string())));

  // 3. Copies under temporary names, each hashed again as it is written.
  std::vector<fs::path> temps;
  auto cleanup = [&] {
    std::error_code ec;
    for (const auto& t : temps) {
      fs::remove(t, ec);
      fs::remove(t.string() + "-wal", ec);
      fs::remove(t.string() + "-shm", ec);
    }
  };
  auto copy = [&](const BackupFile& f, const fs::path& dest) -> Result<fs::path> {
    GK_TRY(temp, TempBeside(dest));
    temps.push_back(temp.second);
    auto h = CopyHashing(request.from / f.path, temp.first, temp.second);
    if (h && ::fsync(temp.first) != 0)
      h = Unexpected(Error::Storage(fmt::format("无法写入“{}”：{}", temp.second.string(), SystemText(errno))));
    ::close(temp.first);
    if (!h) return Unexpected(h.error());
    if (h->sha256 != f.sha256 || h->size != f.size)
      return Unexpected(Error::Invalid(fmt::format("备份文件“{}”在恢复过程中发生了变化", f.path), "--from"));
    return temp.second;
  };
  auto file_of = [&](const std::string& path) -> const BackupFile& {
    return *std::find_if(m.files.begin(), m.files.end(), [&](const BackupFile& f) { return f.path == path; });
  };
  auto staged = [&]() -> Result<std::pair<fs::path, std::vector<fs::path>>> {
    std::vector<fs::path> key_temps;
    for (const auto& [k, dest] : key_targets) {
      GK_TRY(t, copy(file_of(k->path), dest));
      GK_TRY(key, ledger::LoadKey(t));
      if (ledger::VerifierKey(key) != k->verifier)
        return Unexpected(Error::Invalid(fmt::format("备份中的密钥文件“{}”与清单记录的公钥不符", k->path), "--from"));
      key_temps.push_back(t);
    }
    GK_TRY(db_temp, copy(file_of(kBackupDatabaseFile), fs::path(target)));
    // 4. The restored database shows what the manifest recorded.
    {
      GK_TRY(store, storage.open(db_temp.string()));
      GK_TRY(schema, store->SchemaVersion());
      if (schema != m.schema_version)
        return Unexpected(Error::Invalid(
            fmt::format("恢复的数据库版本为{}，与清单记录的{}不符", schema, m.schema_version), "--from"));
      GK_TRY(sites, store->ListSites());
      if (sites.size() != m.sites.size())
        return Unexpected(Error::Invalid(
            fmt::format("恢复的数据库有{}个站点，清单记录{}个", sites.size(), m.sites.size()), "--from"));
      for (const auto& want : m.sites) {
        auto site = std::find_if(sites.begin(), sites.end(), [&](const Site& s) { return s.slug == want.slug; });
        if (site == sites.end())
          return Unexpected(Error::Invalid(fmt::format("恢复的数据库中没有站点“{}”", want.slug), "--from"));
        GK_TRY(got, SiteFigures(*store, *site));
        if (got.records != want.records || got.published != want.published || got.ledger_size != want.ledger_size ||
            got.ledger_root != want.ledger_root || got.attachments != want.attachments)
          return Unexpected(Error::Invalid(
              fmt::format("恢复的站点“{}”与清单不符：记录{}条（清单{}），账本{}条（清单{}）", want.slug, got.records,
                          want.records, got.ledger_size, want.ledger_size),
              "--from"));
        GK_TRY(current, CurrentVerifier(*store, *site));
        const bool has_key = std::any_of(m.keys.begin(), m.keys.end(), [&](const BackupKey& k) {
          return k.site == want.slug && k.current && k.verifier == current;
        });
        if (!current.empty() && !has_key)
          return Unexpected(
              Error::Invalid(fmt::format("备份中没有站点“{}”当前使用的签名密钥", want.slug), "--from"));
      }
    }
    return std::make_pair(db_temp, key_temps);
  }();
  if (!staged) {
    cleanup();
    return Unexpected(staged.error());
  }

  // 5. In place, never replacing anything: the keys, then the database.
  RestoreOutcome out;
  std::vector<fs::path> placed;
  auto place = [&](const fs::path& temp, const fs::path& dest) -> Status {
    if (::link(temp.c_str(), dest.c_str()) != 0)
      return Unexpected(Error::Conflict(fmt::format("无法写入“{}”：{}", dest.string(), SystemText(errno))));
    placed.push_back(dest);
    return Ok();
  };
  Status done = Ok();
  for (std::size_t i = 0; i < key_targets.size() && done; ++i) {
    done = place(staged->second[i], key_targets[i].second);
    if (done) out.key_files.push_back(key_targets[i].second.string());
  }
  if (done) done = place(staged->first, fs::path(target));
  cleanup();
  if (done) {
    for (const auto& p : placed) {
      const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
      if (auto s = SyncPath(dir); !s) done = s;
    }
  }
  if (!done) {
    std::error_code ec;
    for (const auto& p : placed) fs::remove(p, ec);
    return Unexpected(done.error());
  }
  out.manifest = std::move(m);
  out.db_file = target;
  return out;
}

}  // namespace gongkai
