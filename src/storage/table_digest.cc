#include "storage/table_digest.h"

#include <sodium.h>

#include <algorithm>

namespace gongkai::storage {

namespace {

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

void Absorb(crypto_generichash_state& state, std::string_view bytes) {
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

}  // namespace

void TableDigest::AddRow(const std::vector<std::optional<std::string>>& fields, std::string label) {
  (void)SodiumReady();
  crypto_generichash_state state;
  Row row;
  crypto_generichash_init(&state, nullptr, 0, row.hash.size());
  for (const auto& f : fields) {
    // "N" for NULL, "V<length>:" and the bytes for a value: no two rows
    // with different fields feed the hash the same bytes.
    if (!f) {
      Absorb(state, "N");
      continue;
    }
    Absorb(state, "V" + std::to_string(f->size()) + ":");
    Absorb(state, *f);
  }
  crypto_generichash_final(&state, row.hash.data(), row.hash.size());
  row.order = rows_.size();
  row.label = std::move(label);
  if (!rows_.empty() && row < rows_.back()) sorted_ = false;
  rows_.push_back(std::move(row));
}

void TableDigest::Sort() {
  if (sorted_) return;
  std::sort(rows_.begin(), rows_.end());
  sorted_ = true;
}

bool TableDigest::SameAs(TableDigest& other) {
  if (rows_.size() != other.rows_.size()) return false;
  Sort();
  other.Sort();
  return std::equal(rows_.begin(), rows_.end(), other.rows_.begin(),
                    [](const Row& a, const Row& b) { return a.hash == b.hash; });
}

TableDigest::Missing TableDigest::RowsNotIn(TableDigest& other) {
  Sort();
  other.Sort();
  Missing out;
  std::size_t first = rows_.size();
  auto theirs = other.rows_.begin();
  for (const auto& row : rows_) {
    while (theirs != other.rows_.end() && theirs->hash < row.hash) ++theirs;
    if (theirs != other.rows_.end() && theirs->hash == row.hash) {
      ++theirs;  // matched once: a duplicate row needs its own match
      continue;
    }
    ++out.count;
    if (row.order < first) {
      first = row.order;
      out.first_label = row.label;
    }
  }
  return out;
}

}  // namespace gongkai::storage
