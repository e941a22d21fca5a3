#include "http/annual_view.h"

#include <fmt/core.h>
#include <kainjow/mustache.hpp>

#include "http/views.h"

namespace gongkai {
namespace {

using Data = kainjow::mustache::data;

Data FigureRow(const std::string& label, const ComplianceFigures& f) {
  Data d;
  d.set("label", label);
  d.set("due", fmt::format("{}", f.due()));
  d.set("on_time", fmt::format("{}", f.on_time()));
  d.set("late", fmt::format("{}", f.late()));
  d.set("overdue", fmt::format("{}", f.overdue_now()));
  d.set("withheld", fmt::format("{}", f.withheld()));
  d.set("published", fmt::format("{}", f.published_in_period()));
  d.set("rate", FormatOnTimeRate(f.on_time_rate));
  return d;
}

}  // namespace

std::string AnnualReportFragment(const AnnualReportView& view, const Catalog& catalog, bool links) {
  Data d;
  d.set("year", fmt::format("{}", view.year));
  d.set("mapping_source", view.default_mapping ? "系统默认统计口径" : "本站设置的统计口径");
  Data groups{Data::type::list};
  std::string clause;
  Data group, rows{Data::type::list};
  auto flush = [&] {
    if (clause.empty()) return;
    group.set("rows", rows);
    groups.push_back(group);
    rows = Data{Data::type::list};
  };
  Data notes{Data::type::list};
  bool has_notes = false;
  for (const auto& row : view.table.rows) {
    const std::string c = AnnualRowClause(row.kind);
    if (c != clause) {
      flush();
      clause = c;
      group = Data();
      group.set("clause", clause);
      Data heads{Data::type::list};
      for (const auto& cell : row.cells) {
        Data h;
        h.set("label", cell.label);
        if (row.cells.size() == 1) h.set("colspan", "3");
        heads.push_back(h);
      }
      group.set("heads", heads);
    }
    Data r;
    r.set("label", row.label);
    Data cells{Data::type::list};
    for (const auto& cell : row.cells) {
      Data cd;
      if (!cell.mapped) {
        cd.set("text", "—");
        cd.set("manual", true);
      } else {
        cd.set("text", fmt::format("{}", cell.value.value_or(0)));
        if (links)
          cd.set("url", fmt::format("/admin/annual/records?year={}&row={}&measure={}", view.year,
                                    AnnualRowKindId(row.kind), AnnualMeasureId(cell.measure)));
      }
      cd.set("what", fmt::format("{}{}", row.label, cell.label));
      if (row.cells.size() == 1) cd.set("colspan", "3");
      cells.push_back(cd);
    }
    r.set("cells", cells);
    rows.push_back(r);
    if (!row.note.empty()) {
      Data n;
      n.set("label", row.label);
      n.set("text", row.note);
      notes.push_back(n);
      has_notes = true;
    }
  }
  flush();
  d.set("groups", groups);
  d.set("has_notes", has_notes);
  d.set("notes", notes);
  Data defs{Data::type::list};
  for (const auto& def : AnnualDefinitions()) {
    Data dd;
    dd.set("term", def.term);
    dd.set("text", def.text);
    defs.push_back(dd);
  }
  d.set("definitions", defs);
  const ComplianceReport& r = view.timeliness.report;
  d.set("annex_period", fmt::format("{}至{}", r.period.from.ToString(), r.period.to.ToString()));
  d.set("calendar", view.timeliness.calendar_version);
  Data annex{Data::type::list};
  annex.push_back(FigureRow("全区", r.site.figures));
  for (const auto& g : r.areas) annex.push_back(FigureRow(g.label, g.figures));
  d.set("annex_areas", annex);
  Data items{Data::type::list};
  for (const auto& g : r.items) items.push_back(FigureRow(fmt::format("{}. {}", g.key.number, g.label), g.figures));
  d.set("annex_items", items);
  (void)catalog;
  return views::RenderTemplate("annual_report", d);
}

std::string AnnualReportDocument(const AnnualReportView& view, const Catalog& catalog, const std::string& site_name) {
  Data d;
  d.set("site", site_name);
  d.set("year", fmt::format("{}", view.year));
  d.set("fragment", AnnualReportFragment(view, catalog, false));
  return views::RenderTemplate("annual_report_doc", d);
}

}  // namespace gongkai
