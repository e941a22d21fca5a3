#include "app/ledger_verify.h"

#include <fmt/core.h>

#include <fstream>
#include <map>
#include <set>

#include "app/checkpoint.h"
#include "app/crypto.h"
#include "app/merkle.h"
#include "app/record_json.h"

namespace gongkai {

namespace {

using json = nlohmann::json;

std::optional<json> ParseJson(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

template <typename T>
std::optional<T> Field(const json& j, const char* name) {
  if (!j.is_object() || !j.contains(name)) return std::nullopt;
  const json& v = j.at(name);
  if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) return std::nullopt;
  } else {
    if (!v.is_number_integer()) return std::nullopt;
  }
  return v.get<T>();
}

std::optional<std::string> ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  // Straight into the string, sized from the file when known: a dump's
  // files run to hundreds of megabytes (a stringstream copies them twice).
  std::string out;
  std::error_code ec;
  if (const auto size = std::filesystem::file_size(p, ec); !ec) out.reserve(size);
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) out.append(buf, static_cast<std::size_t>(in.gcount()));
  return out;
}

// The lines of `text` without their "\n", as views into it.
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// A parsed ledger leaf.
struct Leaf {
  std::uint64_t index = 0;
  std::string kind;
  std::int64_t record_id = 0;
  std::int64_t version = 0;
  std::string record_sha256;
  std::set<std::string> attachments;
};

std::optional<Leaf> ParseLeaf(const json& j) {
  Leaf l;
  auto index = Field<std::int64_t>(j, "leaf_index");
  auto kind = Field<std::string>(j, "kind");
  auto record = Field<std::int64_t>(j, "record_id");
  auto version = Field<std::int64_t>(j, "version");
  auto sha = Field<std::string>(j, "record_sha256");
  if (!index || *index < 0 || !kind || !record || !version || !sha || !j.contains("attachments") ||
      !j.at("attachments").is_array())
    return std::nullopt;
  l.index = static_cast<std::uint64_t>(*index);
  l.kind = *kind;
  l.record_id = *record;
  l.version = *version;
  l.record_sha256 = *sha;
  for (const auto& a : j.at("attachments"))
    if (a.is_string()) l.attachments.insert(a.get<std::string>());
  return l;
}

std::string KeysHint(std::span<const std::string> keys) {
  return keys.empty() ? "（未提供公钥）" : fmt::format("（使用{}个公钥）", keys.size());
}

}  // namespace

VerifyReport VerifyRecord(const std::string& record_json, const std::string& proof_json, const std::string& checkpoint,
                          std::span<const std::string> keys) {
  VerifyReport r;
  auto head = ledger::VerifyTreeHead(checkpoint, keys);
  if (!head) {
    r.failed.push_back(fmt::format("签名树头未通过验证{}：{}", KeysHint(keys), head.error().message));
    return r;
  }
  r.passed.push_back(fmt::format("签名树头有效：{}，大小{}，根哈希{}", head->origin, head->size, merkle::ToHex(head->root)));

  auto proof = ParseJson(proof_json);
  if (!proof || !proof->is_object() || !proof->contains("leaf") || !proof->contains("audit_path")) {
    r.failed.push_back("包含证明不是有效的JSON（应为 /api/v1/ledger/proof/inclusion 的返回内容）");
    return r;
  }
  auto leaf_data = Field<std::string>(proof->at("leaf"), "data");
  auto index = Field<std::int64_t>(*proof, "leaf_index");
  auto size = Field<std::int64_t>(*proof, "tree_size");
  std::optional<json> leaf_json = leaf_data ? ParseJson(*leaf_data) : std::nullopt;
  std::optional<Leaf> leaf = leaf_json ? ParseLeaf(*leaf_json) : std::nullopt;
  if (!leaf || !index || !size || *index < 0 || *size < 1) {
    r.failed.push_back("包含证明缺少叶子内容、叶子序号或树大小");
    return r;
  }
  std::vector<merkle::Hash> path;
  for (const auto& h : proof->at("audit_path")) {
    auto parsed = h.is_string() ? merkle::FromHex(h.get<std::string>()) : std::nullopt;
    if (!parsed) {
      r.failed.push_back("包含证明中的哈希值格式不正确");
      return r;
    }
    path.push_back(*parsed);
  }

  auto doc = ParseJson(record_json);
  if (!doc || !doc->is_object()) {
    r.failed.push_back("公开信息文件不是有效的JSON");
    return r;
  }
  json content = *doc;
  if (doc->contains("versions") && doc->at("versions").is_array()) {
    content = json();
    for (const auto& v : doc->at("versions"))
      if (Field<std::int64_t>(v, "version") == leaf->version && v.contains("content")) content = v.at("content");
    if (content.is_null()) {
      r.failed.push_back(fmt::format("公开信息文件中没有第{}版（证明所指的版本）", leaf->version));
      return r;
    }
  }
  const auto record_id = Field<std::int64_t>(content, "record_id");
  const auto version = Field<std::int64_t>(content, "version");
  if (record_id != leaf->record_id || version != leaf->version) {
    r.failed.push_back(fmt::format("证明针对公开信息{}第{}版，与文件中的公开信息{}第{}版不是同一条", leaf->record_id,
                                   leaf->version, record_id.value_or(0), version.value_or(0)));
    return r;
  }
  const std::string sha = Sha256Hex(CanonicalJson(content));
  if (sha == leaf->record_sha256)
    r.passed.push_back(fmt::format("公开信息{}第{}版的内容与账本第{}条记录一致（SHA-256 {}）", leaf->record_id,
                                   leaf->version, leaf->index, sha));
  else
    r.failed.push_back(fmt::format("公开信息{}第{}版的内容与账本第{}条记录不符：文件的哈希为{}，账本记录的是{}。内容已被改动",
                                   leaf->record_id, leaf->version, leaf->index, sha, leaf->record_sha256));

  if (static_cast<std::uint64_t>(*size) != head->size) {
    r.failed.push_back(fmt::format("证明针对大小为{}的树，而签名树头的大小为{}：请用 tree_size={} 重新获取证明", *size,
                                   head->size, head->size));
    return r;
  }
  const merkle::Hash leaf_hash = merkle::LeafHash(*leaf_data);
  if (merkle::VerifyInclusion(leaf_hash, static_cast<std::uint64_t>(*index), head->size, path, head->root))
    r.passed.push_back(fmt::format("包含证明有效：该记录是签名账本（大小{}）的第{}条", head->size, *index));
  else
    r.failed.push_back(fmt::format("包含证明无效：第{}条记录不在签名树头所承诺的账本中，或证明已被改动", *index));
  return r;
}

VerifyReport VerifyDump(const std::filesystem::path& dir, std::span<const std::string> keys) {
  VerifyReport r;
  auto note = ReadFile(dir / "checkpoint.txt");
  if (!note) {
    r.failed.push_back(fmt::format("找不到{}", (dir / "checkpoint.txt").string()));
    return r;
  }
  auto head = ledger::VerifyTreeHead(*note, keys);
  if (!head) {
    r.failed.push_back(fmt::format("签名树头未通过验证{}：{}", KeysHint(keys), head.error().message));
    return r;
  }
  r.passed.push_back(fmt::format("签名树头有效：{}，大小{}，根哈希{}", head->origin, head->size, merkle::ToHex(head->root)));

  // The ledger.
  auto ledger_text = ReadFile(dir / "ledger.jsonl");
  if (!ledger_text) {
    r.failed.push_back("找不到ledger.jsonl");
    return r;
  }
  const auto lines = SplitLines(*ledger_text);
  std::vector<merkle::Hash> hashes;
  std::map<std::pair<std::int64_t, std::int64_t>, Leaf> published;  // (record, version) -> publishing leaf
  std::set<std::int64_t> withdrawn;
  int bad_lines = 0;
  for (std::size_t i = 0; i < lines.size() && i < head->size; ++i) {
    hashes.push_back(merkle::LeafHash(lines[i]));
    auto j = ParseJson(lines[i]);
    auto leaf = j ? ParseLeaf(*j) : std::nullopt;
    if (!leaf) {
      r.failed.push_back(fmt::format("账本第{}行不是有效的账本记录（已被改动）", i + 1));
      ++bad_lines;
      continue;
    }
    if (CanonicalJson(*j) != lines[i]) {
      r.failed.push_back(fmt::format("账本第{}行不是规范格式（已被改动）", i + 1));
      ++bad_lines;
    }
    if (leaf->index != i) {
      r.failed.push_back(fmt::format("账本第{}行记录的序号是{}，应为{}：有记录被删除、插入或调换了顺序", i + 1,
                                     leaf->index, i));
      ++bad_lines;
    }
    if (leaf->kind == "withdraw") withdrawn.insert(leaf->record_id);
    else published[{leaf->record_id, leaf->version}] = *leaf;
  }
  if (lines.size() < head->size) {
    r.failed.push_back(fmt::format("账本只有{}条记录，签名树头承诺了{}条：有记录缺失", lines.size(), head->size));
  } else {
    const merkle::Hash root = merkle::RootOfLeaves(hashes);
    if (root == head->root)
      r.passed.push_back(fmt::format("账本前{}条记录的根哈希与签名树头一致", head->size));
    else
      r.failed.push_back(fmt::format("账本前{}条记录的根哈希{}与签名树头的{}不符：账本内容被改动", head->size,
                                     merkle::ToHex(root), merkle::ToHex(head->root)));
    if (bad_lines == 0 && lines.size() > head->size)
      r.passed.push_back(fmt::format("另有{}条较新的记录不在该签名树头范围内，未验证", lines.size() - head->size));
  }

  // The records.
  std::set<std::pair<std::int64_t, std::int64_t>> seen;
  if (auto records = ReadFile(dir / "records.jsonl")) {
    int good = 0;
    const auto rec_lines = SplitLines(*records);
    for (std::size_t i = 0; i < rec_lines.size(); ++i) {
      auto doc = ParseJson(rec_lines[i]);
      auto id = doc ? Field<std::int64_t>(*doc, "record_id") : std::nullopt;
      auto version = doc ? Field<std::int64_t>(*doc, "version") : std::nullopt;
      if (!id || !version) {
        r.failed.push_back(fmt::format("records.jsonl第{}行不是有效的公开信息（已被改动）", i + 1));
        continue;
      }
      seen.insert({*id, *version});
      auto it = published.find({*id, *version});
      if (it == published.end()) {
        r.failed.push_back(fmt::format("公开信息{}第{}版（records.jsonl第{}行）不在已签名的账本中", *id, *version, i + 1));
        continue;
      }
      const std::string sha = Sha256Hex(CanonicalJson(*doc));
      if (sha != it->second.record_sha256) {
        r.failed.push_back(fmt::format("公开信息{}第{}版（records.jsonl第{}行）的内容与账本第{}条记录的哈希不符：内容被改动",
                                       *id, *version, i + 1, it->second.index));
        continue;
      }
      ++good;
    }
    r.passed.push_back(fmt::format("{}个公开信息版本与账本一致", good));
    for (const auto& [key, leaf] : published)
      if (!seen.contains(key) && !withdrawn.contains(key.first))
        r.failed.push_back(fmt::format("账本第{}条记录的公开信息{}第{}版不在导出文件中（被删除？）", leaf.index,
                                       key.first, key.second));
  } else {
    r.failed.push_back("找不到records.jsonl");
  }

  // The attachments.
  if (auto list = ReadFile(dir / "attachments.jsonl")) {
    int checked = 0, good = 0;
    const auto att_lines = SplitLines(*list);
    for (std::size_t i = 0; i < att_lines.size(); ++i) {
      auto j = ParseJson(att_lines[i]);
      auto sha = j ? Field<std::string>(*j, "sha256") : std::nullopt;
      auto id = j ? Field<std::int64_t>(*j, "record_id") : std::nullopt;
      auto version = j ? Field<std::int64_t>(*j, "version") : std::nullopt;
      auto name = j ? Field<std::string>(*j, "filename") : std::nullopt;
      if (!sha || !id || !version || !merkle::FromHex(*sha)) {
        r.failed.push_back(fmt::format("attachments.jsonl第{}行无效", i + 1));
        continue;
      }
      auto it = published.find({*id, *version});
      if (it == published.end() || !it->second.attachments.contains(*sha)) {
        r.failed.push_back(fmt::format("附件{}（公开信息{}第{}版）不在账本记录中", name.value_or(*sha), *id, *version));
        continue;
      }
      if (auto bytes = ReadFile(dir / "files" / *sha)) {
        if (Sha256Hex(*bytes) != *sha) {
          r.failed.push_back(fmt::format("附件{}（公开信息{}第{}版）的文件内容与其SHA-256不符：文件被改动",
                                         name.value_or(*sha), *id, *version));
          continue;
        }
        ++checked;
      }
      ++good;
    }
    r.passed.push_back(fmt::format("{}条附件清单与账本一致，其中{}个附件文件已核对内容", good, checked));
  }
  return r;
}

}  // namespace gongkai
