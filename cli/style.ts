/** Colours for terminal text. Applied only after a line is defused (cli/terminal.ts writeStyled), never inside cloud text. */
export type Paint = 'green' | 'red' | 'yellow' | 'cyan' | 'bold' | 'dim';
export type Style = Readonly<Record<Paint, (s: string) => string>>;

const SGR: Record<Paint, [number, number]> = { green: [32, 39], red: [31, 39], yellow: [33, 39], cyan: [36, 39], bold: [1, 22], dim: [2, 22] };

const plain: Style = { green: String, red: String, yellow: String, cyan: String, bold: String, dim: String };
const ansi = Object.fromEntries(Object.entries(SGR).map(([k, [on, off]]) => [k, (s: string) => `\x1b[${on}m${s}\x1b[${off}m`])) as unknown as Style;

/**
 * Colour only for a terminal, unless NO_COLOR is set to anything but '' (https://no-color.org) or `--no-color` was
 * given: piped output, logs and files stay plain.
 */
export function styleFor(stream: { readonly isTTY?: boolean }, opts: { readonly noColor?: boolean } = {}): Style {
  const off = opts.noColor === true || (process.env.NO_COLOR ?? '') !== '' || stream.isTTY !== true;
  return off ? plain : ansi;
}
