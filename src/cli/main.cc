// gongkai: the composition root. Parses the command line (CLI11), opens the
// store and calls the same actions the pages and the API use.
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <pthread.h>
#include <sstream>
#include <thread>

#include "app/catalog_actions.h"
#include "codec/catalog_json.h"
#include "http/server.h"
#include "storage/sqlite/sqlite_store.h"

namespace {

using namespace gongkai;

constexpr const char* kDefaultDb = "gongkai.db";

int Fail(const Error& e) {
  fmt::print(stderr, "错误 (error): {}\n", e.Describe());
  return e.code == ErrorCode::kInvalidInput || e.code == ErrorCode::kNotFound ? 2 : 1;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected(Error::Invalid(fmt::format("无法读取文件“{}”", path), "FILE"));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::unique_ptr<SqliteStore>> OpenStore(const std::string& db, bool migrate, int connections = 4) {
  GK_TRY(store, SqliteStore::Open(db, connections));
  if (migrate) {
    GK_TRY(v, store->Migrate());
    (void)v;
  } else {
    GK_TRY(v, store->SchemaVersion());
    if (v == 0)
      return Unexpected(Error::NotFound(
          fmt::format("数据库“{}”尚未初始化，请先运行 gongkai init --db {}", db, db)));
  }
  return store;
}

// "127.0.0.1:8080", ":8080", "8080" -> host, port.
Result<std::pair<std::string, int>> ParseListen(const std::string& listen) {
  std::string host = "127.0.0.1";
  std::string port_text = listen;
  auto colon = listen.rfind(':');
  if (colon != std::string::npos) {
    if (colon > 0) host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    std::size_t used = 0;
    port = std::stoi(port_text, &used);
    if (used != port_text.size()) port = -1;
  } catch (...) {
  }
  if (port < 0 || port > 65535)
    return Unexpected(Error::Invalid(fmt::format("监听地址“{}”无效，应为“主机:端口”，如127.0.0.1:8080", listen),
                                          "--listen"));
  return std::make_pair(host, port);
}

int RunServe(const std::string& db, const std::string& listen, int threads, const std::string& site,
             const std::string& port_file) {
  auto addr = ParseListen(listen);
  if (!addr) return Fail(addr.error());
  auto store = OpenStore(db, true, std::max(2, std::min(threads, 16)));
  if (!store) return Fail(store.error());

  // Signals are taken by a dedicated thread so Stop() runs in normal context.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  ServerOptions options;
  options.host = addr->first;
  options.port = addr->second;
  options.threads = threads;
  options.site_slug = site;
  PortalServer server(**store, options);
  if (auto s = server.Bind(); !s) return Fail(s.error());
  if (!port_file.empty()) {
    std::ofstream out(port_file + ".tmp");
    out << server.bound_port() << "\n";
    out.close();
    std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  }
  spdlog::info("gongkai {} 门户已启动 (portal listening): http://{}:{}/ 数据库 (database): {}", GONGKAI_VERSION,
               options.host, server.bound_port(), db);
  std::thread signals([&server, set] {
    int sig = 0;
    sigwait(&set, &sig);
    spdlog::info("收到信号{}，正在停止 (stopping)", sig);
    server.Stop();
  });
  signals.detach();
  if (auto s = server.Run(); !s) return Fail(s.error());
  spdlog::info("已停止 (stopped)");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "gongkai 政务公开平台：信息公开目录、门户网站与开放接口\n"
      "gongkai: a district's proactive government information disclosure portal",
      "gongkai"};
  app.set_version_flag("-V,--version", std::string("gongkai ") + GONGKAI_VERSION, "显示版本 (show version)");
  app.set_help_flag("-h,--help", "显示帮助 (show help)");
  app.require_subcommand(1);

  std::string db = kDefaultDb;
  std::string site = "demo";

  // init
  auto* init = app.add_subcommand("init", "初始化数据库并载入信息公开目录 (create the database and load the catalogue)");
  std::string init_catalog, site_name = "示例区人民政府";
  bool force = false;
  init->add_option("--db", db, "数据库文件 (SQLite database file)")->capture_default_str();
  init->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  init->add_option("--site-name", site_name, "站点名称 (site name)")->capture_default_str();
  init->add_option("--catalog", init_catalog, "目录文件，默认为内置的种子目录 (catalogue file; default: built-in seed)");
  init->add_flag("--force", force, "覆盖已有目录 (replace an existing catalogue)");

  // serve
  auto* serve = app.add_subcommand("serve", "启动门户网站 (start the portal web server)");
  std::string listen = "127.0.0.1:8080", port_file;
  int threads = 64;
  serve->set_config("--config", "", "配置文件，键为 db、listen、threads、site (config file: db, listen, threads, site)");
  serve->add_option("--db", db, "数据库文件 (SQLite database file)")->capture_default_str();
  serve->add_option("--listen", listen, "监听地址 主机:端口，端口0为任意空闲端口 (host:port; port 0 = any free port)")
      ->capture_default_str();
  serve->add_option("--threads", threads, "工作线程数 (worker threads)")->capture_default_str()->check(CLI::Range(1, 1024));
  serve->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  serve->add_option("--port-file", port_file, "启动后把实际端口写入此文件 (write the bound port to this file)");

  // catalog export / import
  auto* catalog = app.add_subcommand("catalog", "信息公开目录的导出与导入 (export or import the catalogue)");
  catalog->require_subcommand(1);
  auto* exp = catalog->add_subcommand("export", "导出目录 (export the catalogue: json, csv or xlsx)");
  std::string format = "json", output;
  exp->add_option("--db", db, "数据库文件 (database file)")->capture_default_str();
  exp->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  exp->add_option("-f,--format", format, "格式 json|csv|xlsx (format)")->capture_default_str();
  exp->add_option("-o,--output", output, "输出文件，默认为标准输出 (output file; default stdout)");
  auto* imp = catalog->add_subcommand("import", "导入目录，出错时不做任何修改 (import a catalogue; all or nothing)");
  std::string import_file, import_format;
  imp->add_option("FILE", import_file, "目录文件 .json/.csv/.xlsx (catalogue file)")->required();
  imp->add_option("--db", db, "数据库文件 (database file)")->capture_default_str();
  imp->add_option("--site", site, "站点标识 (site slug)")->capture_default_str();
  imp->add_option("-f,--format", import_format, "格式，默认按扩展名 (format; default from the extension)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (init->parsed()) {
    Catalog cat;
    if (init_catalog.empty()) {
      auto seed = LoadSeedCatalog();
      if (!seed) return Fail(seed.error());
      cat = std::move(*seed);
    } else {
      auto bytes = ReadFile(init_catalog);
      if (!bytes) return Fail(bytes.error());
      auto parsed = ParseCatalogJson(*bytes);
      if (!parsed) return Fail(parsed.error());
      cat = std::move(*parsed);
    }
    auto store = OpenStore(db, true);
    if (!store) return Fail(store.error());
    auto s = InitSite(**store, InitOptions{site, site_name, ""}, cat, force);
    if (!s) return Fail(s.error());
    auto stored = (*store)->LoadCatalog(s->id);
    if (!stored) return Fail(stored.error());
    fmt::print("已初始化站点“{}”（{}）：{}个领域、{}个事项、{}个责任单位。数据库：{}\n", s->name, s->slug,
               stored->areas.size(), stored->ItemCount(), stored->units.size(), db);
    fmt::print("Initialised site {}: {} areas, {} items, {} units in {}\n", s->slug, stored->areas.size(),
               stored->ItemCount(), stored->units.size(), db);
    return 0;
  }
  if (serve->parsed()) return RunServe(db, listen, threads, site, port_file);

  if (exp->parsed()) {
    auto fmt_r = ParseCatalogFormat(format);
    if (!fmt_r) return Fail(fmt_r.error());
    auto store = OpenStore(db, false);
    if (!store) return Fail(store.error());
    auto s = (*store)->FindSite(site);
    if (!s) return Fail(s.error());
    auto bytes = ExportCatalog(**store, *s, *fmt_r);
    if (!bytes) return Fail(bytes.error());
    if (output.empty() || output == "-") {
      std::fwrite(bytes->data(), 1, bytes->size(), stdout);
    } else {
      std::ofstream out(output, std::ios::binary);
      out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
      if (!out) return Fail(Error::Invalid(fmt::format("无法写入文件“{}”", output), "--output"));
      fmt::print(stderr, "已导出到 (exported to) {}\n", output);
    }
    return 0;
  }
  if (imp->parsed()) {
    CatalogFormat f = CatalogFormatFromFileName(import_file);
    if (!import_format.empty()) {
      auto fr = ParseCatalogFormat(import_format);
      if (!fr) return Fail(fr.error());
      f = *fr;
    }
    auto bytes = ReadFile(import_file);
    if (!bytes) return Fail(bytes.error());
    auto store = OpenStore(db, false);
    if (!store) return Fail(store.error());
    auto s = (*store)->FindSite(site);
    if (!s) return Fail(s.error());
    auto c = ImportCatalog(**store, *s, *bytes, f);
    if (!c) {
      fmt::print(stderr, "导入失败，目录未作任何修改 (import refused; nothing was changed)\n");
      return Fail(c.error());
    }
    fmt::print("已导入目录：{}个领域、{}个事项、{}个责任单位\n", c->areas.size(), c->ItemCount(), c->units.size());
    return 0;
  }
  return 0;
}
