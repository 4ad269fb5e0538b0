// Which language a member writes in (Chinese or English, from the message text), which Chinese script, and the one
// rendering of Chinese copy into Traditional characters (OpenCC), used on the way out for members who write Traditional.
import { Converter } from 'opencc-js';

const han = /[\u3400-\u9fff\uf900-\ufaff]/;
const latinWord = /[A-Za-z]{2,}/g;
const commandToken = /^\s*\/[A-Za-z_]+(@\w+)?/;
const mentionToken = /@\S+/g;
// Words that say nothing about a language: a Chinese speaker writes "ok", "lol", "vip" as much as anyone.
const NEUTRAL = new Set(['ok', 'okay', 'okk', 'okok', 'lol', 'haha', 'hahaha', 'hh', 'hhh', 'hhhh', 'emm', 'emmm', 'em', 'vip', 'app', 'id', 'qq', 'wx', 'ps', 'diy', 'ip']);

/** The English words of a text: letters only, not ids ("voucher-10", "free-shipping", "o123"), not neutral words. */
function englishWords(text: string): string[] {
  return text
    .split(/\s+/)
    .filter((token) => !/[\d_-]/.test(token))
    .flatMap((token) => token.match(latinWord) ?? [])
    .filter((w) => !NEUTRAL.has(w.toLowerCase()));
}

/**
 * The language of a message's own words, ignoring commands and mentions; undefined when it has none clear (emoji,
 * numbers, "ok", a command with only ids after it like `/redeem voucher-10`), so the member's remembered one holds.
 */
export function detectLanguage(text: string): 'zh' | 'en' | undefined {
  const command = commandToken.test(text);
  const words = text.replace(commandToken, ' ').replace(mentionToken, ' ');
  if (han.test(words)) return 'zh';
  const english = englishWords(words);
  // After a command, one word is usually an argument (a name, an item), not a sentence: two make it English.
  if (english.length >= (command ? 2 : 1)) return 'en';
  return undefined;
}

/** The language a platform reports for a user (e.g. Telegram's language_code), if it is one Hearth speaks. */
export function languageFromLocale(code: string | undefined): 'zh' | 'en' | undefined {
  if (!code) return undefined;
  const c = code.toLowerCase();
  if (c.startsWith('zh')) return 'zh';
  if (c.startsWith('en')) return 'en';
  return undefined;
}

/** Pick one of two texts by language. */
export function say(lang: 'zh' | 'en', texts: { zh: string; en: string }): string {
  return texts[lang];
}

/** The Chinese scripts: Simplified (hans) and Traditional (hant). */
export type Script = 'hans' | 'hant';

// Built on first use: the dictionaries take a moment to load, and most runs never need them.
let toSimplified: ((s: string) => string) | undefined;
let toTraditionalConverter: ((s: string) => string) | undefined;
const simplifiedOf = (s: string) => (toSimplified ??= Converter({ from: 't', to: 'cn' }))(s);
const traditionalOf = (s: string) => (toTraditionalConverter ??= Converter({ from: 'cn', to: 'tw' }))(s);

/**
 * The script of a message's Chinese: 'hant' when it has characters only Traditional writes (積, 簽, 麼), 'hans' when
 * it has characters only Simplified writes (积, 签, 么), undefined when every character is shared by both (你好, 金卡).
 */
export function detectScript(text: string): Script | undefined {
  let trad = 0;
  let simp = 0;
  for (const c of new Set(text.match(/[\u3400-\u9fff\uf900-\ufaff]/g) ?? [])) {
    if (simplifiedOf(c) !== c) trad++;
    else if (traditionalOf(c) !== c) simp++;
  }
  if (trad > simp) return 'hant';
  if (simp > trad) return 'hans';
  return undefined;
}

/** Chinese text rendered in Traditional characters (Taiwan forms); text without Chinese comes back as it was. */
export function toTraditional(text: string): string {
  if (!han.test(text)) return text;
  // 签 has two Traditional forms; OpenCC picks 籤 (a lot, a tag) for a lone 签 ("再签 6 天"), but Hearth's 签 is
  // always signing in: 簽. Words that really are 籤 (標籤, 書籤, 抽籤) keep it.
  return traditionalOf(text).replace(/(?<![標书書抽求牙])籤(?![詩])/g, '簽');
}
