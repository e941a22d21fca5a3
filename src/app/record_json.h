// The public JSON of records: what API v1, the open-data dump and the
// publication ledger say about a record. Only published content appears
// here (a revision in progress and evidence photos never do).
//
// Canonical form (what the ledger hashes): the JSON text with no
// whitespace, object members sorted by key (keys are ASCII, so byte order =
// code-point order), strings in UTF-8 with only the escapes JSON requires
// (\" \\ \b \f \n \r \t and \u00XX in lower case for other controls), and
// integers only (no floats). For these value types this is the JSON
// Canonicalization Scheme of RFC 8785, so other languages can reproduce it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/records.h"
#include "core/store.h"

namespace gongkai {

// "published" or "withdrawn": a record being revised is still published.
const char* PublicStatusName(const Record& r);

// One published version as the public sees it. `site_slug` names the site.
// This is the object whose canonical text the ledger hashes.
nlohmann::json RecordVersionDoc(const std::string& site_slug, const Record& r, const RecordVersion& v);

// RFC 8785-style canonical text of `doc` (see above).
std::string CanonicalJson(const nlohmann::json& doc);

// SHA-256 (hex) of the canonical text of RecordVersionDoc.
std::string RecordVersionSha256(const std::string& site_slug, const Record& r, const RecordVersion& v);

// A record in a list (published fields only).
nlohmann::ordered_json RecordSummaryDoc(const Record& r);

// A record with every published version, each with its canonical SHA-256.
nlohmann::ordered_json RecordDetailDoc(const std::string& site_slug, const Record& r,
                                       const std::vector<RecordVersion>& versions);

// A publication event (feeds, sync, webhooks).
nlohmann::ordered_json EventDoc(const PublicationEvent& e);

}  // namespace gongkai
