// PostgreSQL full-text search for PgStore (issue 10, part 2): the
// application's own Chinese tokenizer (search/tokenizer.h) feeds a tsvector
// column with a GIN index, so that no extension absent from Debian is needed
// and both backends find the same records for the same query.
//
// The records code (pg_records.cc) calls IndexRecord / UnindexRecord inside
// the transaction that publishes, revises or withdraws a record, so the
// index never disagrees with what is public. Everything here may throw
// libpqxx exceptions; PgStore's WithConnection turns them into Errors.
#pragma once

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "core/records.h"
#include "core/store.h"

namespace gongkai::pg {

// The text of one published record's current version, and the facts the
// search filters and counts by (as sqlite::IndexedRecord).
struct IndexedDoc {
  std::int64_t record_id = 0;
  std::int64_t site_id = 0;
  int item_number = 0;
  int year = 0;              // Beijing year of first publication
  std::string genre;         // 体裁 of the public version
  std::string published_at;  // first publication, ISO 8601 UTC
  std::string title, doc_number, body, unit, item, attachments;
};

// Builds the document for a record version, reading the item's title and
// the public attachments' extracted text in `tx` (as the SQLite adapter's
// IndexedFor: item = item title + " " + element; attachments = each public
// attachment's file name and text).
IndexedDoc IndexedFor(pqxx::work& tx, std::int64_t site_id, std::int64_t record_id, const std::string& unit,
                      int item_number, const std::string& element, const RecordContent& content,
                      const std::string& first_published_at);

// Replaces the record's row in the index (inside the caller's transaction).
void IndexRecord(pqxx::work& tx, const IndexedDoc& doc);
// Removes the record's row, if any (inside the caller's transaction).
void UnindexRecord(pqxx::work& tx, std::int64_t record_id);

// What PgStore::Search finds before it reads the records shown: the ids of
// the page of hits (best first, `request.offset` and `request.limit`
// applied), the total and the facets (as SearchResult's). Uses
// request.terms, .phrases and .excluded, not request.match. Errors:
// Error::Invalid when the request has no term or phrase.
struct IndexMatches {
  std::vector<std::int64_t> ids;
  int total = 0;
  std::vector<FacetCount> by_item, by_unit, by_year, by_genre;
};
Result<IndexMatches> MatchIndex(pqxx::transaction_base& tx, std::int64_t site_id, const SearchRequest& request);

// The records with these ids, in the order given, read in one query in
// `tx`; ids that do not exist are left out. Defined in pg_records.cc.
std::vector<Record> ReadRecordsByIds(pqxx::transaction_base& tx, const std::vector<std::int64_t>& ids);

}  // namespace gongkai::pg
