// What a member sees of a long or oddly named message on Telegram: no broken markup, no emoji cut in half.
import { describe, expect, it } from 'vitest';
import { renderMessage, splitText } from '../../../../bot/channels/telegram/render';

describe('telegram rendering', () => {
  it('never cuts an emoji in half when a text without spaces is split', () => {
    const text = '🎉'.repeat(3000); // 6,000 UTF-16 units, no place to break
    const pieces = splitText(text, 4096);
    expect(pieces.join('')).toBe(text);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(4096);
      expect(Buffer.from(p, 'utf8').toString('utf8')).toBe(p); // a lone surrogate would not survive UTF-8
    }
  });

  it('escapes markup in texts and names, and leaves room for the mention within the limit', () => {
    const [first, ...rest] = renderMessage({ chatId: '-100', text: 'x'.repeat(4096), mentions: [{ platformId: '42', name: '</a><b>Eve' }] });
    expect(first!.text.startsWith('<a href="tg://user?id=42">&lt;/a&gt;&lt;b&gt;Eve</a> ')).toBe(true);
    const visible = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&(lt|gt|amp|quot);/g, '_');
    expect(visible(first!.text).length).toBeLessThanOrEqual(4096);
    expect(rest.map((p) => p.text).join('').length + visible(first!.text).length).toBe(4096 + '</a><b>Eve '.length);
  });
});
