import type { CommandSpec } from './command.js';
import { command as adopt } from './commands/adopt.js';
import { command as apply } from './commands/apply.js';
import { completionCommand } from './commands/completion.js';
import { command as demo } from './commands/demo.js';
import { command as explain } from './commands/explain.js';
import { command as exportCmd } from './commands/export.js';
import { helpCommand } from './commands/help.js';
import { command as invoke } from './commands/invoke.js';
import { command as keygen } from './commands/keygen.js';
import { command as localcloud } from './commands/localcloud.js';
import { command as plan } from './commands/plan.js';
import { command as policy } from './commands/policy.js';
import { command as release } from './commands/release.js';
import { command as report } from './commands/report.js';
import { command as rolePolicy } from './commands/role-policy.js';
import { command as setup } from './commands/setup.js';
import { command as teardown } from './commands/teardown.js';
import { command as version } from './commands/version.js';

/** Every command of `automirror`, in the order `automirror --help` lists them: a new command is one entry here. */
export const COMMANDS: readonly CommandSpec[] = [
  plan,
  apply,
  report,
  explain,
  policy,
  setup,
  teardown,
  adopt,
  release,
  exportCmd,
  keygen,
  rolePolicy,
  invoke,
  localcloud,
  demo,
  helpCommand(() => COMMANDS),
  version,
  completionCommand(() => COMMANDS),
];

export const findCommand = (name: string): CommandSpec | undefined => COMMANDS.find((c) => c.name === name);
