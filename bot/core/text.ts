// Splitting a long text into pieces a platform accepts, shared by every channel (each knows its own limit).

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The last place at or before `max` where `text` may be cut between two characters as a person sees them. */
function characterCut(text: string, max: number): number {
  let cut = 0;
  for (const { index, segment } of graphemes.segment(text)) {
    if (index + segment.length > max) break;
    cut = index + segment.length;
  }
  if (cut > 0) return cut;
  // One "character" longer than the limit (stacked combining marks): cut between code points.
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

/**
 * Split text into pieces of at most `max` code units, preferring line, then word breaks; a text without either is cut
 * between characters as a person sees them, never inside an emoji (a family, a flag, a skin tone, a surrogate pair).
 */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = window.lastIndexOf('\n');
    if (cut < max / 2) cut = Math.max(cut, window.lastIndexOf(' '));
    if (cut < max / 4) cut = characterCut(rest, max);
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^[\n ]+/, '');
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

/** A message's text as a channel shows it: where the channel has no buttons, what to reply instead follows the text. */
export function textWithButtonsFallback(message: { text: string; buttonsText?: string }, buttons: 'inline' | 'card' | 'none'): string {
  return buttons === 'none' && message.buttonsText ? `${message.text}\n${message.buttonsText}` : message.text;
}
