// The liaison registration round (联络员登记): opening a round, units
// filling the form, the office receiving the signed paper forms, the status
// board and the Excel roll.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "core/catalog.h"
#include "core/registration.h"

namespace gongkai {

// The seed's round: due 2018-07-13 (Friday) before the end of the working
// day, paper form to room 212, building 1, phones 2836212 and 2836275.
RegistrationRound SeedRound();

inline constexpr std::size_t kMaxScanBytes = 10 * 1024 * 1024;

// Opens a round (kManageRounds). `deadline` is ISO 8601; without an offset it
// is Beijing time.
[[nodiscard]] Result<RegistrationRound> OpenRound(const Context& ctx, RegistrationRound round);

// A unit registers (kRegisterUnit: the office, or the unit's own liaison or
// leader). Validates the form; the first submission decides on time / late;
// a resubmission updates the details. Creates or updates the liaison's and
// the leader's accounts (username = their phone number, no password until
// the office sets one).
[[nodiscard]] Result<Registration> SubmitRegistration(const Context& ctx, const Catalog& catalog,
                                                      std::int64_t round_id, const std::string& unit,
                                                      const RegistrationForm& form);

// The office marks the signed and stamped paper form received (with an
// optional scan: PDF, JPEG or PNG by content, at most 10 MB) or sends it back
// with a reason (kReviewPaperForm).
[[nodiscard]] Result<Registration> ReviewPaperForm(const Context& ctx, std::int64_t round_id,
                                                   const std::string& unit, PaperStatus status,
                                                   const std::string& note, const std::string& scan);

struct RollRow {
  UnitInfo unit;
  RegistrationState state = RegistrationState::kMissing;
  std::optional<Registration> registration;
};

struct Roll {
  RegistrationRound round;
  std::vector<RollRow> rows;  // every active unit of the catalogue, catalogue order
  int on_time = 0, late = 0, missing = 0, paper_received = 0;
};

// The status board (kViewRoll).
[[nodiscard]] Result<Roll> LoadRoll(const Context& ctx, const Catalog& catalog, std::int64_t round_id);
// One unit's row (kViewOwnRegistration: own unit for liaisons and leaders).
[[nodiscard]] Result<RollRow> LoadUnitRegistration(const Context& ctx, const Catalog& catalog,
                                                   std::int64_t round_id, const std::string& unit);
// The stored scan of a signed paper form (kViewRoll), by its SHA-256: only
// a scan registered in one of this site's rounds. Files are stored once by
// content for every site, so the hash alone must not reach another site's
// scans or any draft's attachment; anything else is "not found".
[[nodiscard]] Result<StoredFile> LoadPaperFormScan(const Context& ctx, const std::string& sha256);
// The roll as an Excel workbook: one row per unit.
[[nodiscard]] Result<std::string> ExportRollXlsx(const Context& ctx, const Catalog& catalog, std::int64_t round_id);

}  // namespace gongkai
