/**
 * Characters nobody sees, which can hide, reorder or disguise text, by Unicode
 * property, as the body of a `u`-mode character class: every format character
 * (Cf: bidi embeddings / overrides / isolates and marks, zero-width space /
 * joiners, word joiner, soft hyphen, BOM, Mongolian vowel separator, tags,
 * invisible operators...), every default-ignorable code point (adds the Hangul
 * fillers U+115F, U+1160, U+3164, U+FFA0, the combining grapheme joiner,
 * variation selectors), variation selectors, noncharacters, controls (Cc)
 * except tab and newline, and U+2800 BRAILLE PATTERN BLANK, which has no
 * property saying so but shows as nothing and fakes empty names and lines.
 * One home for the rule: the escaping of untrusted text (src/blocks/escape.ts)
 * and the reading of a requester's id (./requester.ts) both use it.
 */
export const INVISIBLE_CLASS_BODY = String.raw`\p{Cf}\p{Default_Ignorable_Code_Point}\p{Variation_Selector}\p{Noncharacter_Code_Point}\0-\x08\x0B-\x1F\x7F-\x9F\u2800`;
