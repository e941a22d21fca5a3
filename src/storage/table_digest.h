// The content of one table's rows (a site's part of it), for checking that
// two databases hold the same rows: `gongkai migrate` reads the rows from
// SQLite and from PostgreSQL, each column already in a canonical text form
// (see site_copy.cc), and compares the two digests.
//
// Each row is hashed (BLAKE2b, 128 bits) from its fields, with NULL kept
// apart from "" and the field boundaries part of the hash; the digest is
// the multiset of row hashes, so the order in which a database returns the
// rows does not matter.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gongkai::storage {

class TableDigest {
 public:
  // One row: its fields in column order (nullopt for NULL). `label` names
  // the row in messages ("id = 7"); it is not part of the hash.
  void AddRow(const std::vector<std::optional<std::string>>& fields, std::string label);

  long long rows() const { return static_cast<long long>(rows_.size()); }

  // True when both hold the same rows (as a multiset).
  bool SameAs(TableDigest& other);

  // The rows of this digest that `other` lacks (counted with multiplicity),
  // and the label of the first of them in the order they were added ("" if
  // none).
  struct Missing {
    long long count = 0;
    std::string first_label;
  };
  Missing RowsNotIn(TableDigest& other);

 private:
  using Hash = std::array<unsigned char, 16>;
  struct Row {
    Hash hash;
    std::size_t order;  // position in the order added
    std::string label;
    bool operator<(const Row& o) const { return hash < o.hash; }
  };
  void Sort();

  std::vector<Row> rows_;
  bool sorted_ = true;
};

}  // namespace gongkai::storage
