#include "storage/sqlite/search_cache.h"

#include <algorithm>

namespace gongkai::sqlite {

namespace {

// More changed records than this since the snapshot: reload everything.
constexpr std::size_t kIncrementalLimit = 20000;

void Fill(SearchColumns& s, std::int64_t id, std::int64_t site, std::int64_t item, std::string_view unit,
          std::int64_t year, std::string_view genre, std::string_view published) {
  if (id <= 0) return;
  const auto at = static_cast<std::size_t>(id);
  if (at >= s.rows.size()) s.rows.resize(std::max(at + 1, s.rows.size() + s.rows.size() / 4));
  SearchRow& r = s.rows[at];
  r.site = static_cast<std::int32_t>(site);
  r.item = static_cast<std::int32_t>(item);
  r.unit = s.UnitId(unit);
  r.year = static_cast<std::int16_t>(std::clamp<std::int64_t>(year, 0, 9999));
  r.genre = s.GenreId(genre);
  r.published = PublishedKey(published);
  s.max_item = std::max(s.max_item, r.item);
  s.max_year = std::max(s.max_year, static_cast<int>(r.year));
}

Status LoadAll(Connection& c, SearchColumns& s) {
  GK_TRY(seq, c.Prepare("SELECT coalesce(max(seq), 0) FROM search_changes"));
  GK_TRY(srow, seq.Step());
  s.seq = srow ? seq.Int(0) : 0;
  GK_TRY(meta, c.Prepare(
                   "SELECT record_id, site_id, item_number, unit_name, year, genre, published_at FROM search_meta"));
  while (true) {
    GK_TRY(row, meta.Step());
    if (!row) break;
    Fill(s, meta.Int(0), meta.Int(1), meta.Int(2), meta.TextView(3), meta.Int(4), meta.TextView(5),
         meta.TextView(6));
  }
  GK_TRY(sizes, c.Prepare("SELECT id, sz FROM search_index_docsize"));
  while (true) {
    GK_TRY(row, sizes.Step());
    if (!row) break;
    const std::int64_t id = sizes.Int(0);
    if (id > 0 && static_cast<std::uint64_t>(id) < s.rows.size())
      s.rows[static_cast<std::size_t>(id)].length = DocsizeTotal(sizes.Blob(1));
  }
  return Ok();
}

Status Reload(Connection& c, SearchColumns& s, std::int64_t id) {
  GK_TRY(meta, c.PrepareCached(
                   "SELECT site_id, item_number, unit_name, year, genre, published_at FROM search_meta "
                   "WHERE record_id = ?"));
  meta.Bind(1, id);
  GK_TRY(row, meta.Step());
  if (!row) {
    if (id > 0 && static_cast<std::uint64_t>(id) < s.rows.size()) s.rows[static_cast<std::size_t>(id)] = SearchRow{};
    return Ok();
  }
  Fill(s, id, meta.Int(0), meta.Int(1), meta.TextView(2), meta.Int(3), meta.TextView(4), meta.TextView(5));
  meta.Reset();
  GK_TRY(size, c.PrepareCached("SELECT sz FROM search_index_docsize WHERE id = ?"));
  size.Bind(1, id);
  GK_TRY(srow, size.Step());
  s.rows[static_cast<std::size_t>(id)].length = srow ? DocsizeTotal(size.Blob(0)) : 0;
  return Ok();
}

}  // namespace

std::uint32_t SearchColumns::UnitId(std::string_view name) {
  auto it = unit_ids.find(std::string(name));
  if (it != unit_ids.end()) return it->second;
  auto id = static_cast<std::uint32_t>(units.size());
  units.emplace_back(name);
  unit_ids.emplace(std::string(name), id);
  return id;
}

std::uint16_t SearchColumns::GenreId(std::string_view name) {
  auto it = genre_ids.find(std::string(name));
  if (it != genre_ids.end()) return static_cast<std::uint16_t>(it->second);
  auto id = static_cast<std::uint32_t>(genres.size());
  genres.emplace_back(name);
  genre_ids.emplace(std::string(name), id);
  return static_cast<std::uint16_t>(id);
}

std::int64_t PublishedKey(std::string_view iso) {
  std::int64_t v = 0;
  int digits = 0;
  for (char ch : iso)
    if (ch >= '0' && ch <= '9' && digits < 17) {
      v = v * 10 + (ch - '0');
      ++digits;
    }
  for (; digits < 17; ++digits) v *= 10;  // "2024-03-05" orders before "2024-03-05T00:00:01Z"
  return v;
}

std::uint32_t DocsizeTotal(std::string_view blob) {
  std::uint64_t total = 0, v = 0;
  int bytes = 0;
  for (char ch : blob) {
    const auto b = static_cast<unsigned char>(ch);
    if (bytes == 8) {  // a ninth byte carries 8 bits
      total += (v << 8) | b;
      v = 0;
      bytes = 0;
      continue;
    }
    v = (v << 7) | (b & 0x7f);
    ++bytes;
    if (!(b & 0x80)) {
      total += v;
      v = 0;
      bytes = 0;
    }
  }
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(total, UINT32_MAX));
}

Result<std::shared_ptr<const SearchColumns>> SearchCache::Current(Connection& c) {
  std::lock_guard lock(mu_);
  if (!snap_) {
    auto fresh = std::make_shared<SearchColumns>();
    GK_CHECK(LoadAll(c, *fresh));
    snap_ = std::move(fresh);
    return snap_;
  }
  GK_TRY(changes, c.PrepareCached("SELECT seq, record_id FROM search_changes WHERE seq > ? ORDER BY seq"));
  changes.Bind(1, snap_->seq);
  std::vector<std::int64_t> ids;
  std::int64_t last = snap_->seq;
  bool reset = false;
  while (true) {
    GK_TRY(row, changes.Step());
    if (!row) break;
    last = changes.Int(0);
    const std::int64_t id = changes.Int(1);
    if (id == 0) reset = true;
    ids.push_back(id);
  }
  changes.Reset();
  if (ids.empty()) return snap_;
  auto fresh = std::make_shared<SearchColumns>();
  if (reset || ids.size() > kIncrementalLimit) {
    GK_CHECK(LoadAll(c, *fresh));
  } else {
    *fresh = *snap_;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (auto id : ids) GK_CHECK(Reload(c, *fresh, id));
    fresh->seq = last;
  }
  snap_ = std::move(fresh);
  return snap_;
}

}  // namespace gongkai::sqlite
