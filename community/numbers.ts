// Numbers as Chinese is written: the one reader of Chinese numerals, for amounts in escalation signals and for the
// grounding guard's check of a model's numbers.

const chineseDigits: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const chineseUnits: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** A Chinese numeral as a number: 八千 → 8000, 一万五 → 15000, 三十 → 30, 一百零五 → 105. */
export function parseChineseNumber(s: string): number {
  let total = 0;
  let section = 0;
  let digit = 0;
  let lastUnit = 1;
  for (const ch of s) {
    if (ch in chineseDigits) {
      digit = chineseDigits[ch]!;
      if (ch === '零') lastUnit = 10;
    } else if (ch in chineseUnits) {
      const unit = chineseUnits[ch]!;
      section += (digit || 1) * unit;
      digit = 0;
      lastUnit = unit;
    } else if (ch === '万') {
      total += (section + digit || 1) * 10_000;
      section = 0;
      digit = 0;
      lastUnit = 10_000;
    }
  }
  // A trailing digit after a unit is the next unit down: 一万五 = 15000, 两百五 = 250.
  return total + section + digit * (lastUnit >= 10 ? lastUnit / 10 : 1);
}
