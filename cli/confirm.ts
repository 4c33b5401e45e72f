import { createInterface } from 'node:readline/promises';

/**
 * Whether to write: asked at a terminal only, and never with --json (stdout is the document's); elsewhere --yes is
 * the answer, and `say` tells how to give it.
 */
export async function confirmed(question: string, say: (line: string) => void, json: boolean): Promise<boolean> {
  if (!process.stdin.isTTY || json) {
    say('nothing written: run again with --yes to write');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
