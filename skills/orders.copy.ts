// What order intake tells the staff room, in `escalation.staffLang` (keys `orders.*`): refunds dropped because their
// purchase never came, or could not be applied when it did.
import { defineCopy } from '../bot/core/copy';

export const ordersCopy = defineCopy('orders', {
  expiredRefunds: {
    zh: '⚠️ 以下 {count} 笔退款等待对应的购买记录超过 {days} 天仍未收到，已丢弃，未扣回积分。请在商城后台核对这些订单：\n{refunds}',
    en: '⚠️ {count, plural, one {# refund dropped: its purchase} other {# refunds dropped: their purchases}} did not arrive within {days, plural, one {# day} other {# days}}, so no points were taken back. Please check {count, plural, one {this order} other {these orders}} in the shop:\n{refunds}',
  },
  droppedRefunds: {
    zh: '⚠️ 以下 {count} 笔提前到达的退款在购买记录到达时无法入账，已丢弃，未扣回积分。请在商城后台核对：\n{refunds}',
    en: '⚠️ {count, plural, one {# refund that came before its purchase could not be applied when the purchase arrived, and was dropped (no points taken back). Please check it in the shop:} other {# refunds that came before their purchases could not be applied when the purchases arrived, and were dropped (no points taken back). Please check them in the shop:}}\n{refunds}',
  },
  // One listed refund (`{amount}` is written ¥12.50), and what is said instead of those past the first fifty.
  refundRow: { zh: '订单 {order} {amount}（会员 {member}）', en: 'order {order} {amount} (member {member})' },
  droppedRefundRow: { zh: '订单 {order} {amount}（会员 {member}）：{why}', en: 'order {order} {amount} (member {member}): {why}' },
  andMore: { zh: '……另有 {more} 笔', en: '… and {more, number} more' },
  // Why a refund that came first could not be applied (`{reason}` is the ledger's own words).
  otherMember: { zh: '退款会员与下单会员不符', en: '{reason}' },
  refused: { zh: '无法入账（{reason}）', en: '{reason}' },
});
