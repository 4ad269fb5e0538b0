// What the handoff says (keys `handoff.*`; a program's `copy:` may replace any): to the member waiting for a person, to
// staff in the staff room (in `escalation.staffLang`) and in their private chats, and to managers about tickets left waiting.
import { defineCopy } from '../../bot/core/copy';

export const handoffCopy = defineCopy('handoff', {
  // ——— to the member ———
  opened: {
    zh: '好的，已为你转接人工客服（工单 #{id}），{queue}通常 {minutes} 分钟内会有同事回复你，请稍候。',
    en: "Sure — I've asked a colleague to help (ticket #{id}). Someone will be with you, usually within {minutes, plural, one {# minute} other {# minutes}}.{queue}",
  },
  openedComplaint: {
    zh: '非常抱歉给你带来不好的体验。已为你转接人工客服（工单 #{id}），{queue}通常 {minutes} 分钟内会有同事回复你，请稍候。',
    en: "I'm sorry about this. I've asked a colleague to help (ticket #{id}). Someone will be with you, usually within {minutes, plural, one {# minute} other {# minutes}}.{queue}",
  },
  openedMisunderstood: {
    zh: '抱歉我没能理解你的意思。已为你转接人工客服（工单 #{id}），{queue}通常 {minutes} 分钟内会有同事回复你，请稍候。',
    en: "Sorry I couldn't follow. I've asked a colleague to help (ticket #{id}). Someone will be with you, usually within {minutes, plural, one {# minute} other {# minutes}}.{queue}",
  },
  // The three lines above out of support hours: `{when}` is when the desk opens ("明天 09:00", "tomorrow at 09:00").
  openedLater: {
    zh: '好的，已为你转接人工客服（工单 #{id}）。现在是非工作时间，客服同事会在{when}上班后回复你，你可以先把问题留言在这里。',
    en: "Sure — I've asked a colleague to help (ticket #{id}). Our team is away right now and will reply from {when}; feel free to leave the details here meanwhile.",
  },
  openedComplaintLater: {
    zh: '非常抱歉给你带来不好的体验。已为你转接人工客服（工单 #{id}）。现在是非工作时间，客服同事会在{when}上班后第一时间回复你，你可以先把情况留言在这里。',
    en: "I'm sorry about this. I've asked a colleague to help (ticket #{id}). Our team is away right now and will reply from {when}; feel free to leave the details here meanwhile.",
  },
  openedMisunderstoodLater: {
    zh: '抱歉我没能理解你的意思。已为你转接人工客服（工单 #{id}）。现在是非工作时间，客服同事会在{when}上班后回复你。',
    en: "Sorry I couldn't follow. I've asked a colleague to help (ticket #{id}). Our team is away right now and will reply from {when}.",
  },
  // The `{when}` above, in the program's local time.
  whenToday: { zh: '今天 {time} ', en: '{time} today' },
  whenTomorrow: { zh: '明天 {time} ', en: '{time} tomorrow' },
  whenDate: { zh: '{date} {time} ', en: '{time} on {date}' },
  // The `{queue}` of the lines above when others are waiting first.
  queueAhead: {
    zh: '你前面还有 {ahead} 位，',
    en: ' {ahead, plural, one {There is # person ahead of you.} other {There are # people ahead of you.}}',
  },
  alreadyOpenHere: {
    zh: '你的请求（工单 #{id}）已在处理中，客服同事马上就来。',
    en: 'Your request (ticket #{id}) is in — a colleague will be with you shortly.',
  },
  alreadyOpenElsewhere: {
    zh: '你已经有一个人工服务请求（工单 #{id}），同事会在那边回复你。',
    en: 'You already have a request open (ticket #{id}); a colleague will reply to you there.',
  },
  heldNote: {
    zh: '客服同事马上就来，你补充的内容我已转告。如不再需要，发送「取消」即可。',
    en: "A colleague will be with you shortly — I've passed on what you said. Send /cancel if you no longer need help.",
  },
  // The two lines above out of support hours.
  alreadyOpenHereLater: {
    zh: '你的请求（工单 #{id}）已收到。现在是非工作时间，客服同事会在{when}上班后回复你。',
    en: 'Your request (ticket #{id}) is in. Our team is away right now and will reply from {when}.',
  },
  heldNoteLater: {
    zh: '你补充的内容我已转告，客服同事会在{when}上班后回复你。如不再需要，发送「取消」即可。',
    en: "I've passed on what you said; our team will reply from {when}. Send /cancel if you no longer need help.",
  },
  sorryForTheWait: {
    zh: '抱歉让你久等了，目前咨询的人比较多，客服同事会尽快回复你。',
    en: "Sorry for the wait — it's busy right now. A colleague will be with you as soon as possible.",
  },
  joined: { zh: '客服 {staff} 已接入，请直接在这里说明你的问题。', en: '{staff} from our team is here now — go ahead.' },
  // A group ticket staff take or invite: the conversation moves to the member's private chat.
  joinedFromGroup: {
    zh: '你好，我是客服 {staff}，看到了你在群里的消息，我们在这里私下聊。请直接说明你的问题。',
    en: "Hi, I'm {staff} from our team — I saw your message in the group. Let's talk here, privately: go ahead.",
  },
  movedToPrivate: { zh: '客服 {staff} 已私信联系你，我们在私聊里继续。', en: "{staff} from our team has messaged you privately — let's continue there." },
  offerPrivate: {
    zh: '客服 {staff} 想私下帮你处理，请点下方按钮私聊我，在私聊里说就好。',
    en: '{staff} from our team would like to help you privately — tap the button below to chat with me, and tell us there.',
  },
  invitedPrivately: {
    zh: '你好，我们的客服同事看到了你在群里的消息，想私下帮你处理（工单 #{id}）。直接在这里回复我就好，同事会尽快联系你。',
    en: 'Hi! Our team saw your message in the group and would like to help you privately (ticket #{id}). Just reply here and a colleague will be with you shortly.',
  },
  invitedInGroup: {
    zh: '我们的客服同事想私下帮你处理，点下方按钮私聊我就好。',
    en: 'Our team would like to help you privately — tap the button below to chat with me.',
  },
  carriedHere: {
    zh: '你好！你的请求（工单 #{id}）已转到这里，客服同事会在这里回复你。有什么情况直接告诉我就好。',
    en: "Hi! Your request (ticket #{id}) is here now, and a colleague will reply to you here. Tell me anything you'd like to add.",
  },
  carriedWords: {
    zh: '收到，你说的我已转告客服同事（工单 #{id}），同事会在这里回复你。',
    en: "Got it — I've passed that on (ticket #{id}), and a colleague will reply to you here.",
  },
  carryClosed: { zh: '你好！那个请求已经结束了，有需要随时找我。', en: "Hi! That request has been closed — I'm here if you need anything." },
  transferred: { zh: '已请客服 {staff} 继续为你服务。', en: '{staff} from our team will take it from here.' },
  handedBack: {
    zh: '本次人工服务已结束，接下来由我继续为你服务。',
    en: "Your chat with our team has ended — I'm back to help.",
  },
  handedBackAskRating: {
    zh: '本次人工服务已结束，接下来由我继续为你服务。请为本次服务打分：回复 1–5（5 分最满意）。',
    en: "Your chat with our team has ended — I'm back to help. How did we do? Reply 1–5 (5 is best).",
  },
  thanksForRating: { zh: '谢谢你的评价！', en: 'Thanks for your rating!' },
  nothingToCancel: { zh: '你现在没有在等待的人工服务请求，不需要取消～', en: "You don't have a request for a person open, so there's nothing to cancel." },
  cancelElsewhere: {
    zh: '你的人工服务请求（工单 #{id}）在另一个对话里，请在那边发送「取消」。',
    en: 'Your request (ticket #{id}) is in another chat: send /cancel there to withdraw it.',
  },
  cancelled: { zh: '好的，已取消人工服务，有需要随时找我。', en: "OK, I've cancelled the request. I'm here if you need anything." },

  // ——— who may ———
  staffOnly: { zh: '抱歉，这个命令只有客服人员可以使用。', en: 'Sorry, only our support staff can do that.' },
  managersOnly: { zh: '抱歉，这个命令只有管理员可以使用。', en: 'Sorry, only community managers can do that.' },

  // ——— what staff read of a ticket ———
  reasonRequest: { zh: '要求人工', en: 'asked for a person' },
  reasonComplaint: { zh: '投诉/不满', en: 'complaint' },
  reasonHighValue: { zh: '大额购买意向', en: 'high-value purchase' },
  reasonVipHelp: { zh: 'VIP 求助', en: 'VIP asking for help' },
  reasonMisunderstood: {
    zh: '机器人连续 {count} 次没听懂',
    en: "the bot didn't understand {count} messages in a row",
  },
  wherePrivate: { zh: '私聊', en: 'private chat' },
  whereGroup: { zh: '群 {chat}', en: 'group {chat}' },
  summary: { zh: '{name} · {tier} · {points, number} 积分 · {where}', en: '{name} · {tier} · {points, number} points · {where}' },
  summaryReason: { zh: '原因：{reason}{detail}', en: 'Reason: {reason}{detail}' },
  // The `{detail}` above: the words that raised the ticket.
  summaryDetail: { zh: '（“{words}”）', en: ' ("{words}")' },
  summaryLastMessages: { zh: '最近消息：', en: 'Last messages:' },
  card: { zh: '🆕 工单 #{id}{vip}', en: '🆕 Ticket #{id}{vip}' },
  cardVip: { zh: ' · ⭐ VIP', en: ' · ⭐ VIP' },
  cardHowToTake: { zh: '发送 /take {id} 或点「接手」。', en: 'Send /take {id} or press Take.' },
  takeButton: { zh: '接手', en: 'Take' },
  underAMinute: { zh: '不到 1 分钟', en: 'under a minute' },
  minutes: { zh: '{minutes} 分钟', en: '{minutes} min' },
  hours: { zh: '{hours} 小时', en: '{hours} h' },
  hoursMinutes: { zh: '{hours} 小时 {minutes} 分钟', en: '{hours} h {minutes} min' },

  // ——— the bridge ———
  bridgeHelp: {
    zh: '在这里输入的内容我会转给 {name}。发送 /done 结束服务、交还给机器人，/transfer <客服> 转交同事。',
    en: "Type here and I'll pass it to {name}. /done to finish, /transfer <staff> to hand over.",
  },
  openBridge: {
    zh: '{staff}，请点下方按钮私聊我，我才能把 {member} 的消息转给你。',
    en: "{staff}, please open a private chat with me (the button below) so I can pass {member}'s messages to you.",
  },
  // A member's words passed to the staff member holding their ticket: `{where}` and `{hint}` are the two lines after it.
  memberSaid: { zh: '#{id} {name}{where}{hint}：{words}', en: '#{id} {name}{where}{hint}: {words}' },
  memberSaidInGroup: { zh: '（群 {chat}）', en: ' (in group {chat})' },
  memberSaidSwitchHint: { zh: '（发送 /take {id} 切换后回复）', en: ' (send /take {id} to reply)' },
  noneActive: {
    zh: '你手上有工单 {tickets}，但还没选定当前对话。发送 /take {id} 继续。',
    en: 'You hold {tickets} but none is active. Send /take {id} to continue.',
  },
  memberCancelled: { zh: '#{id} {name} 已取消请求。', en: '#{id} {name} cancelled their request.' },
  memberMovedPrivate: {
    zh: '#{id} {name} 已转到和我的私聊，你发的内容会送到那里。',
    en: '#{id} {name} is in a private chat with me now; what you type goes there.',
  },
  cardSilent: {
    zh: '（在群里看到的：TA 没有@我，群里也没有回复 TA。）',
    en: "(Seen in the group: they didn't ask me, and nothing was said to them there.)",
  },
  cardHowToInvite: { zh: '发送 /dm {id} 或点「私聊邀请」，请 TA 私聊。', en: 'Send /dm {id} or press Invite privately to move it to a private chat.' },
  inviteButton: { zh: '私聊邀请', en: 'Invite privately' },
  inviteUsage: { zh: '用法：/dm <工单号>，例如 /dm 3。', en: 'Usage: /dm <ticket>, e.g. /dm 3.' },
  inviteNotGroup: { zh: '工单 #{id} 已经在私聊里了。', en: 'Ticket #{id} is in a private chat already.' },
  inviteSentPrivately: { zh: '已私信 {name}（工单 #{id}），TA 回复后会进到这个工单。', en: "I've messaged {name} privately (ticket #{id}); their replies join the ticket." },
  inviteSentInGroup: {
    zh: '{name} 还没有私聊过我，已在群 {chat} 里请 TA 点按钮私聊（工单 #{id}）。',
    en: "{name} hasn't opened a private chat with me yet, so I've asked them in group {chat} to tap the button (ticket #{id}).",
  },
  outOfHours: { zh: '（非工作时间，提醒从 {when} 开始计时）', en: ' (out of hours: reminders count from {when})' },

  // ——— staff commands ———
  noSuchTicket: { zh: '没有工单 #{id}。', en: 'There is no ticket #{id}.' },
  alreadyClosed: { zh: '工单 #{id} 已经结束了。', en: 'Ticket #{id} is already closed.' },
  noActiveTicket: { zh: '你当前没有进行中的工单。', en: "You don't have an active ticket." },
  noOneWaiting: { zh: '现在没有人在排队。🎉', en: 'No one is waiting right now. 🎉' },
  takeUsage: { zh: '用法：/take 或 /take <工单号>，例如 /take 3。', en: 'Usage: /take, or /take <ticket>, e.g. /take 3.' },
  takeHeldByOther: {
    zh: '工单 #{id} 正由 {owner} 处理，可以请 TA 用 /transfer 转给你。',
    en: 'Ticket #{id} is with {owner} — ask them to /transfer it to you.',
  },
  switched: { zh: '已切换到工单 #{id}（{name}）。', en: 'Switched to ticket #{id} ({name}).' },
  takenByOther: { zh: '工单 #{id} 刚被别人接手了。', en: 'Someone else just took ticket #{id}.' },
  youTook: { zh: '你已接手工单 #{id}。', en: 'You took ticket #{id}.' },
  roomTaken: { zh: '✅ 工单 #{id}（{name}）已由 {staff} 接手。', en: '✅ Ticket #{id} ({name}) taken by {staff}.' },
  doneUsage: { zh: '用法：/done 或 /done <工单号>。', en: 'Usage: /done, or /done <ticket>.' },
  doneHeldByOther: { zh: '工单 #{id} 正由 {owner} 处理。', en: 'Ticket #{id} is with {owner}.' },
  closed: { zh: '工单 #{id} 已结束，{name} 的对话已交还给机器人。', en: 'Closed ticket #{id}; {name} is back with the bot.' },
  stillHolding: { zh: '你手上还有工单 {tickets}，发送 /take {id} 继续处理。', en: 'You still hold {tickets} — send /take {id} to continue.' },
  transferUsage: {
    zh: '用法：/transfer <客服>（@提及、用户名或 ID），可加工单号。',
    en: 'Usage: /transfer <staff> (a mention, username or id), optionally followed by a ticket number.',
  },
  transferNotFound: { zh: '找不到 {who}，TA 需要先给我发一条消息。', en: "I can't find {who} — they need to message me once first." },
  transferToSelf: { zh: '不能转给你自己哦。', en: "You can't pass a ticket to yourself." },
  transferNotStaff: { zh: '{name} 不是客服人员。', en: "{name} isn't on the support staff." },
  transferNotTaken: { zh: '工单 #{id} 还没有人接手，请先用 /take 接手。', en: "Ticket #{id} isn't being handled (take it with /take first)." },
  transferNotYours: { zh: '工单 #{id} 不在你手上。', en: "Ticket #{id} isn't yours to pass on." },
  transferUnreachable: { zh: '联系不上 {name}：TA 还没有私聊过我。', en: "I can't reach {name} privately." },
  transferredToYou: { zh: '{from} 把工单 #{id} 转给了你。', en: '{from} passed you ticket #{id}.' },
  transferredSwitchHint: { zh: '发送 /take {id} 切换到这个工单。', en: 'Send /take {id} to switch to it.' },
  transferDone: { zh: '已把工单 #{id}（{name}）转给 {staff}。', en: 'Passed ticket #{id} ({name}) to {staff}.' },
  queueTitle: { zh: '排队中（{count}）：', en: 'Waiting ({count}):' },
  queueRow: { zh: '#{id} {vip}{name} · {tier} · {reason} · {waited}', en: '#{id} {vip}{name} · {tier} · {reason} · {waited}' },
  queueRowVip: { zh: '⭐ ', en: '⭐ ' },
  queueHowToTake: { zh: '发送 /take 接手第一个。', en: 'Send /take to take the first one.' },
  queueYours: { zh: '你手上的：{tickets}', en: 'Yours: {tickets}' },
  queueHeld: { zh: '#{id} {name}', en: '#{id} {name}' },
  queueHeldActive: { zh: '#{id} {name}（当前）', en: '#{id} {name} (active)' },
  statsUsage: { zh: '用法：/stats 或 /stats 7d（最近 N 天，1–366）。', en: 'Usage: /stats, or /stats 7d for the last N days (1–366).' },
  stats: {
    zh: '人工服务（最近 {days} 天）：\n新建工单：{opened}\n接手用时中位数：{toTake}\n结束用时中位数：{toClose}\n平均评分：{rating}{ratings}\n当前排队：{waiting}',
    en: 'Handoff, last {days, plural, one {# day} other {# days}}:\nTickets opened: {opened}\nMedian time to take: {toTake}\nMedian time to close: {toClose}\nAverage rating: {rating}{ratings}\nWaiting now: {waiting}',
  },
  // The model's two lines under a new ticket's card.
  modelSummary: { zh: '🧠 #{id} 摘要：{summary}', en: '🧠 #{id} in short: {summary}' },
  // Questions answered in the same days: by Hearth's own rules (`fast`), by the model, model answers not used; what
  // every use of the model (answers, the classifier, summaries, nudge lines) cost; how long an answer took.
  statsAnswers: {
    zh: '问答：{fast} 个由机器人规则直接回答，{model} 个由 AI 模型回答（另有 {replaced} 个未通过检查或超时，已改用机器人回复）。AI 模型共用 {tokens, number} tokens，平均每个回答用时 {seconds, number} 秒。',
    en: "Questions: {fast} answered by Hearth's own rules, {model} by the AI model ({replaced} more failed a check or timed out and got Hearth's own reply). The model used {tokens, number} tokens in all; an answer took {seconds, number} s on average.",
  },
  statsAnswersNoModel: { zh: '问答：{fast} 个由机器人规则直接回答（未接入 AI 模型）', en: "Questions: {fast} answered by Hearth's own rules (no AI model set up)" },
  // The `{ratings}` above, when there are any.
  statsRatings: { zh: '（{count} 个评分）', en: ' ({count, plural, one {# rating} other {# ratings}})' },

  // ——— SLA: a ticket nobody took ———
  remindStaff: {
    zh: '⏰ 工单 #{id}（{name}，{reason}）已等待 {waited}，还没有人接手。发送 /take {id}。',
    en: '⏰ Ticket #{id} ({name}, {reason}) has waited {waited} and no one has taken it. Send /take {id}.',
  },
  alertManagers: {
    zh: '⚠️ 工单 #{id}（{name} · {tier} · {reason}）已等待 {waited}，仍无人接手。发送 /take {id}。',
    en: '⚠️ Ticket #{id} ({name} · {tier} · {reason}) has waited {waited} and still no one has taken it. Send /take {id}.',
  },
});
