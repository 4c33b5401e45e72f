import { UsageError } from './args.js';
import { CREDENTIALS_HELP } from './cloud-flags.js';
import { adoptCommand, usage as adoptUsage } from './commands/adopt.js';
import { applyCommand, usage as applyUsage } from './commands/apply.js';
import { demoCommand } from './commands/demo.js';
import { explainCommand, usage as explainUsage } from './commands/explain.js';
import { invokeCommand, usage as invokeUsage } from './commands/invoke.js';
import { keygenCommand, usage as keygenUsage } from './commands/keygen.js';
import { localcloudCommand, usage as localcloudUsage } from './commands/localcloud.js';
import { planCommand, usage as planUsage } from './commands/plan.js';
import { policyCommand, usage as policyUsage } from './commands/policy.js';
import { reportCommand, usage as reportUsage } from './commands/report.js';
import { rolePolicyCommand, usage as rolePolicyUsage } from './commands/role-policy.js';
import { setupCommand, usage as setupUsage } from './commands/setup.js';
import { teardownCommand, usage as teardownUsage } from './commands/teardown.js';
import { writeErrorLines } from './terminal.js';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  localcloud: { run: localcloudCommand, usage: localcloudUsage },
  invoke: { run: invokeCommand, usage: invokeUsage },
  setup: { run: setupCommand, usage: setupUsage },
  teardown: { run: teardownCommand, usage: teardownUsage },
  'role-policy': { run: rolePolicyCommand, usage: rolePolicyUsage },
  demo: { run: demoCommand, usage: 'automirror demo   (what npm start runs)' },
  policy: { run: policyCommand, usage: policyUsage },
  explain: { run: explainCommand, usage: explainUsage },
  plan: { run: planCommand, usage: planUsage },
  apply: { run: applyCommand, usage: applyUsage },
  report: { run: reportCommand, usage: reportUsage },
  adopt: { run: adoptCommand, usage: adoptUsage },
  keygen: { run: keygenCommand, usage: keygenUsage },
};

function help(): string {
  return ['usage:', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`), '', CREDENTIALS_HELP].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    writeErrorLines([`automirror: unknown command "${name}"`, ...help().split('\n')]);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      writeErrorLines([`automirror ${name}: ${err.message}`, `usage: ${cmd.usage}`]);
      return 2;
    }
    // A cloud error's message is the cloud's text: one defused line.
    writeErrorLines([`automirror ${name}: ${(err as Error).message}`]);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
