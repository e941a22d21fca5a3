#include "net/http_poster.h"

#include <curl/curl.h>
#include <fmt/core.h>

#include <memory>
#include <mutex>

namespace gongkai {

namespace {

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::size_t Discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

}  // namespace

Result<int> CurlPoster::Post(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
                             const std::string& body) {
  static std::once_flag once;
  static bool global_ok = false;
  std::call_once(once, [] { global_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; });
  if (!global_ok) return Unexpected(Error::Internal("无法初始化HTTP客户端"));
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Unexpected(Error::Internal("无法初始化HTTP客户端"));
  CURL* h = curl.get();
  curl_slist* raw = curl_slist_append(nullptr, "Content-Type: application/json; charset=utf-8");
  for (const auto& [k, v] : headers) raw = curl_slist_append(raw, fmt::format("{}: {}", k, v).c_str());
  std::unique_ptr<curl_slist, SlistDeleter> list(raw);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "gongkai-webhook/1");
  const CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    switch (rc) {
      case CURLE_COULDNT_RESOLVE_HOST: return Unexpected(Error::Invalid("无法解析接收方的域名"));
      case CURLE_COULDNT_CONNECT: return Unexpected(Error::Invalid("无法连接接收方"));
      case CURLE_OPERATION_TIMEDOUT: return Unexpected(Error::Invalid("接收方在10秒内未应答（超时）"));
      default: return Unexpected(Error::Invalid(fmt::format("推送失败：{}", curl_easy_strerror(rc))));
    }
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  return static_cast<int>(status);
}

}  // namespace gongkai
