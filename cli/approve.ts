import { createInterface } from 'node:readline';

export interface PromptIo {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

export const QUESTION = ['', 'Do you want to perform these actions?', '  automirror will perform the actions described above.', "  Only 'yes' will be accepted to approve.", ''];

/**
 * Asks on a terminal, as Terraform does: true only for the answer `yes`; anything else, or the input ending first
 * (Ctrl-D), is a no.
 */
export function askApproval(io: PromptIo): Promise<boolean> {
  io.output.write(`${QUESTION.join('\n')}\n  Enter a value: `);
  const rl = createInterface({ input: io.input, terminal: false });
  return new Promise((resolve) => {
    let answer: string | undefined;
    rl.once('line', (line) => {
      answer = line;
      rl.close();
    });
    rl.once('close', () => {
      if (answer === undefined) io.output.write('\n');
      resolve(answer?.trim() === 'yes');
    });
  });
}
