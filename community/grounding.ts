// The grounding guard for model answers: every number a model writes must come from somewhere it was given (a tool
// result, the program's rules, the member's own message). Numbers are compared after normalising how people write them.
import { parseChineseNumber } from './numbers';

// Chinese numerals: units make a value (一万二千); a run of bare digits with 〇 is read digit by digit (二〇二六 = 2026).
const ZH_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const ZH_NUMERAL = /[零〇一二两三四五六七八九十百千万亿]+/g;
const EN_MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const EN_SMALL = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'];
const EN_TENS: Record<string, number> = { thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
// A month name is a number in a date ("15 March" names month 3); "may" only next to a day, since it is also a verb.
const EN_MONTH = new RegExp(`\\b(${EN_MONTHS.map((m) => `${m}|${m.slice(0, 3)}`).join('|')})\\.?\\b`, 'gi');

function zhNumeral(run: string): number | undefined {
  if (run === '') return undefined;
  if (/^[零〇一二两三四五六七八九]{2,}$/.test(run) && /[零〇]/.test(run)) return Number([...run].map((c) => ZH_DIGITS[c]).join(''));
  // 亿 above 万: the shared reader counts to 万, so the part before 亿 is read apart.
  const [high, low] = run.includes('亿') ? (run.split('亿', 2) as [string, string]) : ['', run];
  return (high === '' ? 0 : parseChineseNumber(high.replace(/〇/g, '零')) * 100_000_000) + (low === '' ? 0 : parseChineseNumber(low.replace(/〇/g, '零')));
}

/** Every number a text states, normalised: "1,000" and "一千" are 1000, "1.2万" is 12000, "15 March" is 15 and 3. */
export function numbersIn(text: string): number[] {
  const found: number[] = [];
  let t = text.normalize('NFKC');
  // Arabic numbers, with thousands separators and an optional multiplier (3.8千, 1.2万, 2k, 2 thousand).
  t = t.replace(/(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(千|万|亿|k\b|thousand\b)?/gi, (_m, whole: string, frac: string | undefined, unit: string | undefined) => {
    let n = Number(whole.replace(/,/g, '') + (frac ?? ''));
    const multiplier = unit?.toLowerCase();
    if (multiplier === '万') n *= 10_000;
    else if (multiplier === '亿') n *= 100_000_000;
    else if (multiplier === '千' || multiplier === 'k' || multiplier === 'thousand') n *= 1000;
    found.push(Math.round(n * 100) / 100);
    return ' ';
  });
  // Chinese numerals, except the 一 of words such as 一下, 一起, 一直 that count nothing.
  t = t.replace(ZH_NUMERAL, (run, offset: number, all: string) => {
    const after = all.slice(offset + run.length, offset + run.length + 1);
    if (run === '一' && /[下起直些样定般切点旦共会边]/.test(after)) return ' ';
    const n = zhNumeral(run);
    if (n !== undefined) found.push(n);
    return ' ';
  });
  const lower = t.toLowerCase();
  for (const m of lower.matchAll(EN_MONTH)) {
    const name = m[1]!;
    if (name === 'may' && !/\bmay\.?\s+\d|\d\s+may\b/.test(text.toLowerCase())) continue;
    found.push(EN_MONTHS.findIndex((full) => full.startsWith(name.slice(0, 3))) + 1);
  }
  for (const m of lower.matchAll(/\b([a-z]+)\b/g)) {
    const w = m[1]!;
    const small = EN_SMALL.indexOf(w);
    if (small > 0) found.push(small);
    else if (EN_TENS[w]) found.push(EN_TENS[w]);
    else if (w === 'hundred') found.push(100);
    else if (w === 'thousand') found.push(1000);
  }
  return found;
}

/** The numbers in `answer` that none of `sources` states (empty when the answer is grounded). */
export function ungroundedNumbers(answer: string, sources: readonly string[]): number[] {
  const known = new Set(sources.flatMap(numbersIn));
  return [...new Set(numbersIn(answer))].filter((n) => !known.has(n));
}
