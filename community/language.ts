// Which language a member writes in: Chinese or English, from the message text.

const han = /[\u3400-\u9fff\uf900-\ufaff]/;
const latinWord = /[A-Za-z]{2,}/;
const commandToken = /(^|\s)\/[A-Za-z_]+(@\w+)?/g;
const mentionToken = /@\S+/g;

/** The language of a message's own words, ignoring commands and mentions; undefined when it has none (emoji, numbers). */
export function detectLanguage(text: string): 'zh' | 'en' | undefined {
  const words = text.replace(commandToken, ' ').replace(mentionToken, ' ');
  if (han.test(words)) return 'zh';
  if (latinWord.test(words)) return 'en';
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
