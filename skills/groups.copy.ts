// What `/group on|off` tells a manager turning Hearth on or off in a community group (keys `groups.*`).
import { defineCopy } from '../bot/core/copy';

export const groupsCopy = defineCopy('groups', {
  usage: { zh: '用法：在群里发送 /group on 开通本群服务，/group off 关闭。', en: 'Usage: in the group, send /group on to have me serve it, or /group off to stop.' },
  managersOnly: { zh: '抱歉，只有社群管理员可以开通或关闭本群服务。', en: 'Sorry, only community managers can turn me on or off in a group.' },
  inGroup: { zh: '请在要开通的群里发送 /group on。', en: 'Send /group on in the group you want me to serve.' },
  on: {
    zh: '✅ 已开通！我会在这个群为大家服务：每天发送「签到」领积分，发送「帮助」看看我能做什么。',
    en: '✅ I\'m on! I\'ll serve this group now: send "check in" every day for points, or /help to see what I can do.',
  },
  alreadyOn: { zh: '这个群已经开通啦。', en: 'This group is already on.' },
  off: { zh: '好的，我不再在这个群服务了。管理员发送 /group on 可以重新开通。', en: "OK, I've stopped serving this group. A manager can send /group on to turn me back on." },
  alreadyOff: { zh: '这个群本来就没有开通。', en: "This group wasn't on." },
  configured: {
    zh: '这个群写在活动配置（groups 或 HEARTH_GROUPS）里，要关闭请在那里删除。',
    en: 'This group is listed in the program file (groups) or HEARTH_GROUPS: remove it there to turn me off here.',
  },
});
