#include "codec/ooxml.h"

#include <fmt/core.h>

#include "codec/csv.h"
#include "codec/json_util.h"

namespace gongkai::ooxml {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// ---- XML tokens ---------------------------------------------------------------

bool XmlReader::Next(XmlToken& t) {
  t = XmlToken{};
  for (;;) {
    if (pos_ >= s_.size()) {
      t.kind = XmlToken::Kind::kEof;
      return true;
    }
    if (s_[pos_] != '<') {
      std::size_t end = s_.find('<', pos_);
      if (end == std::string_view::npos) end = s_.size();
      t.kind = XmlToken::Kind::kText;
      t.text = s_.substr(pos_, end - pos_);
      pos_ = end;
      return true;
    }
    std::string_view rest = s_.substr(pos_);
    if (rest.starts_with("<!--")) {
      if (!SkipPast("-->", 4)) return false;
      continue;
    }
    if (rest.starts_with("<![CDATA[")) {
      std::size_t end = s_.find("]]>", pos_ + 9);
      if (end == std::string_view::npos) return false;
      t.kind = XmlToken::Kind::kText;
      t.cdata = true;
      t.text = s_.substr(pos_ + 9, end - pos_ - 9);
      pos_ = end + 3;
      return true;
    }
    if (rest.starts_with("<?")) {
      if (!SkipPast("?>", 2)) return false;
      continue;
    }
    if (rest.starts_with("<!")) {  // DOCTYPE and the like, with an internal subset
      int depth = 0;
      char quote = 0;
      std::size_t i = pos_ + 2;
      for (; i < s_.size(); ++i) {
        char c = s_[i];
        if (quote) {
          if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '[') {
          ++depth;
        } else if (c == ']') {
          if (depth > 0) --depth;
        } else if (c == '>' && depth == 0) {
          break;
        }
      }
      if (i >= s_.size()) return false;
      pos_ = i + 1;
      continue;
    }
    if (rest.starts_with("</")) {
      std::size_t end = s_.find('>', pos_ + 2);
      if (end == std::string_view::npos) return false;
      t.kind = XmlToken::Kind::kEnd;
      t.name = LocalName(TrimXmlSpace(s_.substr(pos_ + 2, end - pos_ - 2)));
      pos_ = end + 1;
      return true;
    }
    // Start tag: the name, then attributes up to a '>' outside quotes.
    std::size_t name_begin = pos_ + 1;
    std::size_t name_end = name_begin;
    while (name_end < s_.size() && !IsXmlSpace(s_[name_end]) && s_[name_end] != '/' && s_[name_end] != '>') ++name_end;
    if (name_end == name_begin) return false;
    char quote = 0;
    std::size_t i = name_end;
    for (; i < s_.size(); ++i) {
      char c = s_[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      }
    }
    if (i >= s_.size()) return false;
    t.kind = XmlToken::Kind::kStart;
    t.name = LocalName(s_.substr(name_begin, name_end - name_begin));
    std::size_t attrs_end = i;
    if (attrs_end > name_end && s_[attrs_end - 1] == '/') {
      t.self_closing = true;
      --attrs_end;
    }
    t.attrs = s_.substr(name_end, attrs_end - name_end);
    pos_ = i + 1;
    return true;
  }
}

bool XmlReader::SkipPast(std::string_view terminator, std::size_t skip) {
  std::size_t end = s_.find(terminator, pos_ + skip);
  if (end == std::string_view::npos) return false;
  pos_ = end + terminator.size();
  return true;
}

std::string_view LocalName(std::string_view qname) {
  std::size_t colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::string_view TrimXmlSpace(std::string_view s) {
  while (!s.empty() && IsXmlSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsXmlSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<std::string_view> RawAttr(std::string_view attrs, std::string_view local) {
  std::size_t i = 0;
  while (i < attrs.size()) {
    while (i < attrs.size() && IsXmlSpace(attrs[i])) ++i;
    std::size_t name_begin = i;
    while (i < attrs.size() && attrs[i] != '=' && !IsXmlSpace(attrs[i])) ++i;
    std::string_view qname = attrs.substr(name_begin, i - name_begin);
    while (i < attrs.size() && IsXmlSpace(attrs[i])) ++i;
    if (i >= attrs.size() || attrs[i] != '=') return std::nullopt;
    ++i;
    while (i < attrs.size() && IsXmlSpace(attrs[i])) ++i;
    if (i >= attrs.size() || (attrs[i] != '"' && attrs[i] != '\'')) return std::nullopt;
    char quote = attrs[i++];
    std::size_t end = attrs.find(quote, i);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view value = attrs.substr(i, end - i);
    i = end + 1;
    if (qname == "xmlns" || qname.starts_with("xmlns:")) continue;
    if (LocalName(qname) == local) return value;
  }
  return std::nullopt;
}

// ---- character data -----------------------------------------------------------

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

void AppendXmlText(std::string& out, std::string_view raw, bool cdata) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\r') {
      out += '\n';
      if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
      continue;
    }
    if (c != '&' || cdata) {
      out += c;
      continue;
    }
    std::size_t semi = raw.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += c;
      continue;
    }
    std::string_view ref = raw.substr(i + 1, semi - i - 1);
    if (ref == "amp")
      out += '&';
    else if (ref == "lt")
      out += '<';
    else if (ref == "gt")
      out += '>';
    else if (ref == "quot")
      out += '"';
    else if (ref == "apos")
      out += '\'';
    else if (ref.size() >= 2 && ref[0] == '#') {
      bool hex = ref[1] == 'x' || ref[1] == 'X';
      std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) {
        out += c;
        continue;
      }
      std::uint32_t cp = 0;
      bool ok = true;
      for (char d : digits) {
        int v = hex ? HexDigit(d) : (d >= '0' && d <= '9' ? d - '0' : -1);
        if (v < 0) {
          ok = false;
          break;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
        if (cp > 0x10FFFF) cp = 0x110000;  // stays invalid, no overflow
      }
      if (!ok) {
        out += c;
        continue;
      }
      AppendUtf8(out, cp);
    } else {
      out += c;
      continue;
    }
    i = semi;
  }
}

std::string XmlText(std::string_view raw) {
  std::string out;
  AppendXmlText(out, raw);
  return out;
}

std::string DecodeExcelEscapes(std::string_view s) {
  if (s.find("_x") == std::string_view::npos) return std::string(s);
  auto unit_at = [&](std::size_t i) -> int {
    if (i + 7 > s.size() || s[i] != '_' || s[i + 1] != 'x' || s[i + 6] != '_') return -1;
    int v = 0;
    for (std::size_t k = i + 2; k < i + 6; ++k) {
      int d = HexDigit(s[k]);
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    int unit = unit_at(i);
    if (unit < 0) {
      out += s[i++];
      continue;
    }
    i += 7;
    std::uint32_t cp = static_cast<std::uint32_t>(unit);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      int low = unit_at(i);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint32_t>(low) - 0xDC00);
        i += 7;
      }
    }
    AppendUtf8(out, cp);  // a lone surrogate or NUL becomes U+FFFD
  }
  return out;
}

// ---- OPC packages ---------------------------------------------------------------

namespace {

Result<std::vector<Relationship>> ParseRelationships(const ZipArchive& zip, std::string_view xml) {
  std::vector<Relationship> rels;
  XmlReader reader(xml);
  XmlToken t;
  for (;;) {
    if (!reader.Next(t)) return Unexpected(zip.Corrupt("关系文件的XML格式错误"));
    if (t.kind == XmlToken::Kind::kEof) break;
    if (t.kind != XmlToken::Kind::kStart || t.name != "Relationship") continue;
    Relationship rel;
    if (auto v = RawAttr(t.attrs, "Id")) rel.id = XmlText(*v);
    if (auto v = RawAttr(t.attrs, "Type")) rel.type = XmlText(*v);
    if (auto v = RawAttr(t.attrs, "Target")) rel.target = XmlText(*v);
    if (auto v = RawAttr(t.attrs, "TargetMode")) rel.external = XmlText(*v) == "External";
    if (rels.size() >= kMaxRelationships) return Unexpected(zip.TooLarge("关系文件条目过多"));
    rels.push_back(std::move(rel));
  }
  return rels;
}

}  // namespace

Result<std::string> ReadXmlPart(const ZipArchive& zip, const ZipEntry& entry, std::string_view what,
                                std::size_t max_bytes) {
  GK_TRY(data, zip.Read(entry, max_bytes));
  if (data.starts_with(csv::kUtf8Bom)) data.erase(0, csv::kUtf8Bom.size());
  if (!json_util::IsValidUtf8(data)) return Unexpected(zip.Corrupt(fmt::format("{}不是UTF-8编码的XML", what)));
  return data;
}

Result<std::vector<Relationship>> ReadRelationshipsOf(const ZipArchive& zip, std::string_view part,
                                                      std::size_t max_bytes) {
  const ZipEntry* entry = zip.Find(RelsPathOf(part));
  if (!entry) return std::vector<Relationship>{};
  GK_TRY(xml, ReadXmlPart(zip, *entry, "关系文件", max_bytes));
  return ParseRelationships(zip, xml);
}

bool TypeIs(const Relationship& rel, std::string_view suffix) { return !rel.external && rel.type.ends_with(suffix); }

std::optional<std::string> ResolveTarget(std::string_view base_dir, std::string_view target) {
  std::string path =
      target.starts_with('/') ? std::string(target.substr(1)) : std::string(base_dir) + std::string(target);
  std::vector<std::string_view> parts;
  std::string_view rest = path;
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
      continue;
    }
    parts.push_back(seg);
  }
  if (parts.empty()) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  return out;
}

std::string_view DirOf(std::string_view part) {
  std::size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : part.substr(0, slash + 1);
}

std::string RelsPathOf(std::string_view part) {
  std::string_view dir = DirOf(part);
  return fmt::format("{}_rels/{}.rels", dir, part.substr(dir.size()));
}

}  // namespace gongkai::ooxml
