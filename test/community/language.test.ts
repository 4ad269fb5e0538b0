// Which language and script a member writes, and the Traditional rendering of Chinese copy.
import { describe, expect, it } from 'vitest';
import { detectLanguage, detectScript, toTraditional } from '../../community/language';

describe('language', () => {
  it('finds a language only in words of their own: commands with ids, "ok" and emoji say none', () => {
    expect(detectLanguage('我有多少积分')).toBe('zh');
    expect(detectLanguage('how many points')).toBe('en');
    expect(detectLanguage('/redeem 包邮券')).toBe('zh');
    expect(detectLanguage('/share I love this serum')).toBe('en');
    for (const text of ['/redeem voucher-10', '/points', '/redeem free-shipping', 'ok', '👍', '12345', '/name Sam']) expect(detectLanguage(text), text).toBeUndefined();
  });

  it('tells Traditional from Simplified by the characters only one of them has', () => {
    expect(detectScript('我的積分還有多少')).toBe('hant');
    expect(detectScript('我的积分还有多少')).toBe('hans');
    // Characters both scripts share decide nothing: the remembered script holds.
    expect(detectScript('你好')).toBeUndefined();
    expect(detectScript('hello')).toBeUndefined();
  });

  it('renders Chinese copy in Traditional, 签 of signing in as 簽', () => {
    expect(toTraditional('✅ 签到成功！+5 积分 · 再签 6 天可得 50 积分奖励。')).toBe('✅ 簽到成功！+5 積分 · 再簽 6 天可得 50 積分獎勵。');
    expect(toTraditional('发送「帮助」查看我能做什么')).toBe('發送「幫助」查看我能做什麼');
    expect(toTraditional('You have 5 points.')).toBe('You have 5 points.');
  });
});
