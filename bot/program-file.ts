// Loads a program file (YAML or JSON) and validates it; a mistake names the file, the line and what is wrong.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { programSchema, type Program } from '../community/program';
import { HearthError } from './errors';

/** The program shipped with Hearth (DESIGN.md's default program). */
export const defaultProgramPath = fileURLToPath(new URL('../program/default.yaml', import.meta.url));

/** Parse and validate program text; throws HearthError('bad_program') listing every mistake as `file:line: what`. */
export function parseProgram(text: string, file = 'program'): Program {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => `${file}:${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
    throw new HearthError('bad_program', problems.join('\n'), { problems });
  }
  const result = programSchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const line = lineOf(doc, path, lines);
    const where = path.length > 0 ? ` (${path.join('.')})` : '';
    return `${file}:${line ?? 1}: ${issue.message}${where}`;
  });
  throw new HearthError('bad_program', problems.join('\n'), { problems });
}

/** Read and validate a program file; the default program when no path is given. */
export function loadProgram(path: string = defaultProgramPath): Program {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HearthError('bad_program', `${path}: cannot read the program file (${(err as Error).message})`);
  }
  return parseProgram(text, path);
}

// The deepest node that exists on the path gives the line: a missing key points at its parent.
function lineOf(doc: ReturnType<typeof parseDocument>, path: (string | number)[], lines: LineCounter): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}
