-- paperrefs.lua: no character is lost in the PDF.
--
-- LuaTeX drops a character that no font can print, with only a line in the log. Here,
-- before luaotfload shapes a list (text) and before TeX builds a formula (math), every
-- character that neither its font nor that font's fallback chain holds is replaced by the
-- visible stand-in "[U+XXXX]", and the terminal says so. A character in math that only a
-- text font holds is taken from that font.

-- Fallback chains, one per family: a font is in a chain only if this machine has it. Each
-- script comes first from a font that shapes it (HarfBuzz for Hebrew and Arabic), then
-- from fonts of wide coverage; Symbola's emoji come before Noto Color Emoji's pictures
-- because they stay text that can be searched and copied.
local chains = {
  rm = {
    "Noto Serif CJK SC:mode=node;", "Noto Serif Hebrew:mode=harf;script=hebr;",
    "Noto Naskh Arabic:mode=harf;script=arab;", "FreeSerif:mode=node;",
    "Symbola:mode=node;", "Noto Color Emoji:mode=harf;", "DejaVu Sans:mode=node;",
    "Noto Sans Symbols:mode=node;", "Noto Sans Symbols2:mode=node;",
    "Noto Sans Math:mode=node;",
  },
  sf = {
    "Noto Sans CJK SC:mode=node;", "Noto Sans Hebrew:mode=harf;script=hebr;",
    "Noto Sans Arabic:mode=harf;script=arab;", "FreeSans:mode=node;",
    "Symbola:mode=node;", "Noto Color Emoji:mode=harf;", "DejaVu Sans:mode=node;",
    "Noto Sans Symbols:mode=node;", "Noto Sans Symbols2:mode=node;",
    "Noto Sans Math:mode=node;",
  },
  tt = {
    "Noto Sans Mono CJK SC:mode=node;", "Noto Sans Hebrew:mode=harf;script=hebr;",
    "Noto Sans Arabic:mode=harf;script=arab;", "FreeMono:mode=node;",
    "DejaVu Sans Mono:mode=node;", "Symbola:mode=node;", "Noto Color Emoji:mode=harf;",
    "DejaVu Sans:mode=node;", "Noto Sans Symbols:mode=node;",
    "Noto Sans Symbols2:mode=node;",
  },
}

for family, fonts_wanted in pairs(chains) do
  local present = {}
  for _, spec in ipairs(fonts_wanted) do
    if luaotfload.aux.resolve_fontname(spec:match("^[^:]+")) then
      present[#present + 1] = spec
    end
  end
  luaotfload.add_fallback("paperrefs" .. family, present)
end

local direct = node.direct
local todirect, tonode = direct.todirect, direct.tonode
local getchar, setchar = direct.getchar, direct.setchar
local getfont, getid = direct.getfont, direct.getid
local getnext, copy = direct.getnext, direct.copy
local insert_before, remove, free = direct.insert_before, direct.remove, direct.free
local getdisc, setdisc = direct.getdisc, direct.setdisc
local is_char = direct.is_char
local glyph_id, disc_id = node.id("glyph"), node.id("disc")

local identifiers = fonts and fonts.hashes and fonts.hashes.identifiers or {}

-- Characters that are never drawn: joiners, marks of direction, variation selectors, tags.
local ignorable_ranges = {
  {0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x061C, 0x061C}, {0x180B, 0x180F},
  {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x206F}, {0xFE00, 0xFE0F},
  {0xFEFF, 0xFEFF}, {0xE0000, 0xE0FFF},
}

local function ignorable(c)
  if c < 0xAD then return c < 0x20 end
  for _, range in ipairs(ignorable_ranges) do
    if c >= range[1] and c <= range[2] then return true end
  end
  return false
end

local fontdata = setmetatable({}, {__index = function(cache, fid)
  local data = identifiers[fid] or font.getfont(fid) or false
  local entry = data and {
    characters = data.characters or {},
    fallback = data.fallback_lookup,
    harf = data.hb ~= nil,
  } or false
  cache[fid] = entry
  return entry
end})

-- The font that prints c when asked for in font fid: fid itself, one of its fallbacks, or nil.
local function printing_font(fid, c)
  local data = fontdata[fid]
  if not data then return nil end
  if data.characters[c] then return fid end
  return data.fallback and data.fallback[c] or nil
end

local reported = {}
local function report(c)
  if not reported[c] then
    reported[c] = true
    texio.write_nl("term and log", string.format(
      "paperrefs: no font prints U+%04X; the PDF shows [U+%04X] instead", c, c))
    texio.write_nl("term and log", "")
  end
end

local function stand_in_text(c)
  return string.format("[U+%04X]", c)
end

-- Replace glyph n (character c) of list head by the stand-in, in the same font.
local function replace_glyph(head, n, c)
  report(c)
  local fid = getfont(n)
  for _, code in utf8.codes(stand_in_text(c)) do
    if printing_font(fid, code) then
      local g = copy(n)
      setchar(g, code)
      head = insert_before(head, n, g)
    end
  end
  local after
  head, after = remove(head, n)
  free(n)
  return head, after
end

local function guard_list(head)
  local n = head
  while n do
    local id = getid(n)
    if id == disc_id then
      local pre, post, replace = getdisc(n)
      setdisc(n, guard_list(pre), guard_list(post), guard_list(replace))
      n = getnext(n)
    elseif id == glyph_id then
      local c = is_char(n)
      if c and not ignorable(c) and not printing_font(getfont(n), c) then
        head, n = replace_glyph(head, n, c)
      else
        n = getnext(n)
      end
    else
      n = getnext(n)
    end
  end
  return head
end

-- A failure here must never cost the document its text: the list is then left as it was.
local function safely(guard, head)
  local ok, result = pcall(guard, head)
  if ok then return result end
  texio.write_nl("term and log", "paperrefs: stand-ins skipped: " .. tostring(result))
  return head
end

-- Text: after babel's choices, before luaotfload applies fallbacks and shapes.
local function guard_text(head)
  return safely(function(list) return tonode(guard_list(todirect(list))) end, head)
end

-- Math: a character the formula's font lacks comes from the text font, or is a stand-in.
local math_char_id = node.id("math_char")
local sub_box_id, sub_mlist_id = node.id("sub_box"), node.id("sub_mlist")
local math_fields = {"nucleus", "sub", "sup", "num", "denom", "degree"}
local list_fields = {"display", "text", "script", "scriptscript"}

local function boxed(c)
  local text_font = font.current()
  local glyphs = nil
  local found = printing_font(text_font, c)
  local codes
  if found and not fontdata[found].harf then
    codes = {c}
  else
    report(c)
    found, codes = text_font, {}
    for _, code in utf8.codes(stand_in_text(c)) do codes[#codes + 1] = code end
  end
  for _, code in ipairs(codes) do
    local g = node.new(glyph_id)
    g.font, g.char = found, code
    if glyphs then node.tail(glyphs).next = g; g.prev = node.tail(glyphs) else glyphs = g end
  end
  local box = node.new(sub_box_id)
  box.head = node.hpack(glyphs)
  return box
end

local guard_mlist

local function guard_field(noad, field)
  local ok, value = pcall(function() return noad[field] end)
  if not ok or value == nil then return end
  if value.id == math_char_id then
    local fid = node.family_font(value.fam, 0)
    if not ignorable(value.char) and not printing_font(fid, value.char) then
      noad[field] = boxed(value.char)
      node.free(value)
    end
  elseif value.id == sub_mlist_id then
    value.head = guard_mlist(value.head)
  end
end

guard_mlist = function(head)
  for noad in node.traverse(head) do
    for _, field in ipairs(math_fields) do guard_field(noad, field) end
    for _, field in ipairs(list_fields) do
      local ok, list = pcall(function() return noad[field] end)
      if ok and list then noad[field] = guard_mlist(list) end
    end
  end
  return head
end

luatexbase.add_to_callback("pre_shaping_filter", guard_text, "paperrefs.stand_ins")
luatexbase.add_to_callback("pre_mlist_to_hlist_filter", function(head)
  return safely(guard_mlist, head)
end, "paperrefs.math_stand_ins")
