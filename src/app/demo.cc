#include "app/demo.h"

#include <fmt/core.h>

#include <random>

#include "app/calendar_actions.h"
#include "app/context.h"
#include "app/record_actions.h"
#include "core/timestamp.h"

namespace gongkai {

namespace {

class DemoClock final : public Clock {
 public:
  std::chrono::sys_seconds now{};
  std::chrono::sys_seconds Now() const override { return now; }
  void SetDay(Date d, int hour) {
    now = std::chrono::sys_seconds(d.sys_days()) + std::chrono::hours(hour) - std::chrono::hours(8);
  }
};

const char* kPlaces[] = {"金桥村", "河东街道", "城关镇", "新华社区", "北山村", "滨河路", "工业园区", "南湖街道"};
const char* kProjects[] = {"道路改造工程", "污水管网建设项目", "中心小学教学楼", "保障性住房项目", "农田水利工程",
                           "社区服务中心", "垃圾转运站", "文化活动中心"};
const char* kGenres[] = {"公告", "公示", "通知", "公告", "公示"};

// A valid 1×1 PNG standing in for a photo of the notice board (demo only).
std::string DemoPhoto() {
  static const unsigned char kPng[] = {
      0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
      0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00,
      0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D,
      0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};
  return std::string(reinterpret_cast<const char*>(kPng), sizeof kPng);
}

}  // namespace

Result<DemoSummary> FillDemo(Store& store, const Site& site, const Catalog& catalog, std::span<const DeadlineRule> rules,
                             int first_year, Date today, unsigned seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  DemoClock clock;
  GK_TRY(calendar, EnsureCalendar(store));
  DemoSummary sum;
  auto as = [&](Role role, const std::string& unit) {
    return Context{store, clock, Actor{0, role == Role::kLeader ? "demo-leader" : "demo-liaison", "演示", role, site.id, unit}};
  };
  int serial = 0;
  for (const auto& area : catalog.areas) {
    for (const auto& item : area.items) {
      for (int year = first_year; year <= today.year(); ++year) {
        int per_year = 2 + pick(3);
        for (int k = 0; k < per_year; ++k) {
          ++serial;
          const std::string& unit = item.units[static_cast<std::size_t>(pick(static_cast<int>(item.units.size())))];
          const Element& element = item.elements[static_cast<std::size_t>(pick(static_cast<int>(item.elements.size())))];
          auto formed = Date::FromYmd(year, 1 + pick(12), 1 + pick(28));
          if (!formed) continue;
          if (*formed >= today) continue;
          std::string place = kPlaces[pick(8)];
          std::string project = kProjects[pick(8)];
          std::string title = fmt::format("{}{}{}（演示）", place, project, element.name);
          clock.SetDay(*formed, 9);
          Context liaison = as(Role::kLiaison, unit);
          GK_TRY(o, RegisterObligation(liaison, catalog, rules, NewObligation{unit, item.number, element.name, title,
                                                                              formed->ToString()}));
          // Some stay open (a few overdue), one in thirty is withheld.
          int fate = pick(30);
          if (fate == 0) {
            GK_TRY(w, WithholdObligation(as(Role::kLeader, unit), o.id, "art15-commercial-secret",
                                         "涉及企业报价等商业秘密（演示）"));
            (void)w;
            ++sum.withheld;
            continue;
          }
          // Publication day: mostly before the due date, sometimes late.
          int late_extra = pick(10) == 0 ? 1 + pick(8) : 0;
          auto publish_on = calendar.calendar.AddWorkingDays(o.due_on, late_extra > 0 ? late_extra : -pick(5));
          if (!publish_on) continue;
          Date when = *publish_on < *formed ? *formed : *publish_on;
          if (when > today || (fate == 1 && year == today.year())) {
            ++sum.open_obligations;
            continue;
          }
          NewDraft nd;
          nd.obligation_id = o.id;
          nd.content.title = title;
          nd.content.genre = kGenres[pick(5)];
          nd.content.topic = area.title;
          const UnitInfo* info = catalog.FindUnit(unit);
          std::string short_name = info && !info->short_name.empty() ? info->short_name : unit;
          nd.content.doc_number = fmt::format("示{}〔{}〕{}号", short_name, year, 10 + serial % 90);
          nd.content.written_on = formed->ToString();
          nd.content.channels = {"门户网站"};
          if (pick(3) == 0) nd.content.channels.push_back("政务新媒体");
          if (item.specific_groups) nd.content.scope = fmt::format("{}村（居）民", place);
          nd.content.body = fmt::format(
              "根据《中华人民共和国政府信息公开条例》和本区《三大领域信息公开清单目录表》，现将{}{}有关情况公开如下。\n\n"
              "## 一、基本情况\n\n{}位于{}，由{}负责组织实施。本信息为系统演示数据，所涉单位、项目和数字均为虚构。\n\n"
              "## 二、{}\n\n- 信息形成日期：{}\n- 责任单位：{}\n- 监督电话：0000-0000000（演示）\n\n"
              "如对本信息有异议，请在公示期内向{}反映。",
              project, element.name, project, place, unit, element.name, formed->ToString(), unit, unit);
          // Lists for specific groups are also posted on the village board:
          // the draft carries the photo of the posting as evidence.
          if (item.specific_groups) nd.content.channels.push_back(std::string(kNoticeBoardChannel));
          clock.SetDay(when, 10);
          GK_TRY(r, CreateDraft(liaison, catalog, rules, nd));
          if (item.specific_groups) {
            GK_TRY(with_photo, AddAttachment(liaison, r.id, "公示栏张贴照片.png", DemoPhoto(), kDefaultMaxAttachmentBytes,
                                             true));
            (void)with_photo;
          }
          GK_TRY(s1, SubmitRecord(liaison, r.id));
          (void)s1;
          GK_TRY(s2, ApproveRecord(as(Role::kLeader, unit), catalog, r.id, ReviewChecklist{true, true, true}));
          (void)s2;
          clock.SetDay(when, 15);
          GK_TRY(p, PublishRecord(liaison, r.id));
          ++sum.published;
          if (p.late_days > 0) ++sum.late;
          int after = pick(20);
          if (after == 0) {
            GK_TRY(w, WithdrawRecord(as(Role::kLeader, unit), r.id, "项目调整，原公告内容已不再适用（演示）"));
            (void)w;
            ++sum.withdrawn;
          } else if (after == 1) {
            GK_TRY(rv, StartRevision(liaison, r.id));
            RecordContent changed = rv.draft;
            changed.body += "\n\n**更正：**联系电话更正为0000-0000001（演示）。";
            GK_TRY(u, UpdateDraft(liaison, r.id, changed, "更正联系电话"));
            (void)u;
            GK_TRY(s3, SubmitRecord(liaison, r.id));
            (void)s3;
            GK_TRY(s4, ApproveRecord(as(Role::kLeader, unit), catalog, r.id, ReviewChecklist{true, true, true}));
            (void)s4;
            GK_TRY(p2, PublishRecord(liaison, r.id));
            (void)p2;
            ++sum.revised;
          }
        }
      }
    }
  }
  return sum;
}

}  // namespace gongkai
