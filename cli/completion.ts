import type { CommandSpec } from './command.js';

/**
 * Shell completion scripts generated from the command specs: commands, subcommands and flags come from the same
 * records as help and parsing. The words are ours (checked below), so they go into the scripts unquoted; only
 * the zsh descriptions, free text, are escaped.
 */
const WORD = /^-{0,2}[a-z][a-z0-9-]*$/;

function words(values: readonly string[]): string {
  for (const w of values) if (!WORD.test(w)) throw new Error(`not a completion word: ${JSON.stringify(w)}`);
  return values.join(' ');
}

const flagsOf = (c: CommandSpec) => [...Object.keys(c.flags).map((f) => `--${f}`), '--help'];
/** Words after `automirror CMD`: its subcommands, or for help and completion what they take. */
const argsOf = (c: CommandSpec, all: readonly CommandSpec[]) => (c.name === 'help' ? all.map((x) => x.name) : (c.subcommands ?? []).map((s) => s.name));
/** Flags that take a value: after one, complete file names (bash) or the value's placeholder (zsh). */
const valued = (c: CommandSpec) => Object.entries(c.flags).filter(([, f]) => f.type === 'string');

/** `source <(automirror completion bash)`: a complete -F function over COMP_WORDS, files after a flag with a value. */
export function bashCompletion(commands: readonly CommandSpec[]): string {
  const cases = commands.map((c) => {
    const values = valued(c).map(([f]) => `--${f}`);
    return [
      `    ${c.name})`,
      ...(values.length > 0 ? [`      case "$prev" in ${words(values).replace(/ /g, '|')}) return ;; esac`] : []),
      ...(argsOf(c, commands).length > 0 ? [`      [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W "${words(argsOf(c, commands))}" -- "$cur"))`] : []),
      `      COMPREPLY+=($(compgen -W "${words(flagsOf(c))}" -- "$cur")) ;;`,
    ].join('\n');
  });
  return [
    '# automirror completion for bash: source <(automirror completion bash), e.g. in ~/.bashrc',
    '_automirror() {',
    `  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}`,
    '  COMPREPLY=()',
    '  if [[ $COMP_CWORD -eq 1 ]]; then',
    `    COMPREPLY=($(compgen -W "${words([...commands.map((c) => c.name), '--help', '--version'])}" -- "$cur"))`,
    '    return',
    '  fi',
    `  case "\${COMP_WORDS[1]}" in`,
    ...cases,
    '  esac',
    '}',
    // -o default: no match (a flag's value) falls back to file names.
    'complete -o default -F _automirror automirror',
    '',
  ].join('\n');
}

/** Free text inside a single-quoted _arguments/_describe spec: brackets and colons escaped, quotes closed and reopened. */
const zshText = (s: string) =>
  s
    .replace(/\\/g, '\\\\')
    .replace(/[[\]:]/g, (m) => `\\${m}`)
    .replace(/'/g, `'\\''`);

/** `source <(automirror completion zsh)` after compinit: _describe for commands, _arguments per command. */
export function zshCompletion(commands: readonly CommandSpec[]): string {
  const cases = commands.map((c) => {
    const flags = Object.entries(c.flags).map(([name, f]) => {
      words([`--${name}`]);
      const value = f.type === 'string' ? `:${zshText(f.value ?? 'VALUE')}:${/FILE|DIR/.test(f.value ?? '') ? '_files' : ' '}` : '';
      return `'${f.multiple ? '*' : ''}--${name}[${zshText(f.help)}]${value}'`;
    });
    const args = argsOf(c, commands);
    const positional = args.length > 0 ? [`'1:${c.name === 'help' ? 'command' : 'subcommand'}:(${words(args)})'`] : [];
    return `    ${c.name}) _arguments ${[...flags, "'--help[this help]'", ...positional].join(' ')} ;;`;
  });
  return [
    '#compdef automirror',
    '# automirror completion for zsh: source <(automirror completion zsh) after compinit, e.g. in ~/.zshrc',
    '_automirror() {',
    '  local -a commands',
    `  commands=(${commands.map((c) => `'${words([c.name])}:${zshText(c.summary)}'`).join(' ')})`,
    '  if (( CURRENT == 2 )); then',
    "    _describe 'automirror command' commands",
    '    return',
    '  fi',
    '  local cmd=$words[2]',
    '  shift words',
    '  (( CURRENT-- ))',
    '  case $cmd in',
    ...cases,
    '  esac',
    '}',
    'compdef _automirror automirror',
    '',
  ].join('\n');
}
