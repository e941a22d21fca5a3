// Open data: what API v1's record lists, exports and feeds accept and
// serve, shared by the API, the pages and the CLI's dump.
#pragma once

#include <string>
#include <vector>

#include "app/compliance_actions.h"
#include "app/context.h"
#include "core/catalog.h"
#include "core/error.h"
#include "core/store.h"

namespace gongkai {

// Query parameters of a record list, as typed (outside input).
struct RecordQueryInput {
  std::string item;           // item number
  std::string element;        // element name of the item
  std::string unit;           // unit name
  std::string area;           // area number (一、二、三 = 1, 2, 3)
  std::string from;           // first published on or after, YYYY-MM-DD (Beijing)
  std::string to;             // first published on or before, YYYY-MM-DD (Beijing)
  std::string status;         // published | withdrawn | all (default all)
  std::string updated_since;  // a publication event at or after: RFC 3339 time or YYYY-MM-DD (Beijing)
  std::string cursor;         // from the previous page's next_cursor
  std::string limit;          // 1..max (default 50)
};

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// Validates the input against the catalogue. Every error is Error::Invalid
// naming the parameter (field) and quoting the value, in Chinese. The
// filter lists public records only (published at least once).
[[nodiscard]] Result<RecordFilter> ParseRecordQuery(const Catalog& catalog, const RecordQueryInput& in,
                                                    int max_limit = kMaxPageSize);

// The opaque cursor after `last_id` (and back).
std::string EncodeCursor(std::int64_t last_id);

// One page of public records (in id order from the cursor) and the cursor
// of the next page, "" on the last page.
struct RecordPage {
  std::vector<Record> records;
  int total = 0;            // every record the filter matches
  std::string next_cursor;
};
[[nodiscard]] Result<RecordPage> ListPublicRecords(Store& store, std::int64_t site_id, const RecordFilter& filter);

// Every public record the filter matches, in id order, for exports; at
// most `cap` (Error::Invalid naming "limit" if there are more).
[[nodiscard]] Result<std::vector<Record>> AllPublicRecords(Store& store, std::int64_t site_id, RecordFilter filter,
                                                           int cap);

// The table of an export: a header row (Chinese) and one row per record.
std::vector<std::vector<std::string>> RecordTable(const Catalog& catalog, const std::vector<Record>& records);
// UTF-8 with a BOM (so Excel opens it as UTF-8), RFC 4180.
std::string RecordCsv(const Catalog& catalog, const std::vector<Record>& records);
[[nodiscard]] Result<std::string> RecordXlsx(const Catalog& catalog, const std::vector<Record>& records);

// The public statistics as API v1 JSON (/api/v1/statistics): for the site,
// each area, item and unit, and each month of the period: records published
// in the period, and of the published records due in it, how many on time
// and how many late, the on-time share among them and the median working
// days from formation to publication. Nothing about obligations not yet
// published: only what the published records already show.
std::string PublicStatisticsJson(const ComplianceView& view);

}  // namespace gongkai
