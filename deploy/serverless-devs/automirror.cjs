'use strict';
// A Serverless Devs 3 component that runs the automirror CLI with the access of the s.yaml resource it is called for.
//
// s.yaml uses it as a component action, e.g. `success-deploy: - component: <this file> setup --region R --account-id A`:
// Serverless Devs hands a component action the resource's inputs, with `getCredential()` resolving the resource's
// access (`s config add`), whereas a `run` action is a plain shell command that gets no keys (Serverless Devs docs,
// "Yaml 规范 / 行为描述": `component` passes the key information and props to the component method; `run` is only a
// hook). The keys go to `automirror` in ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN, never on a
// command line.
const { spawn } = require('node:child_process');
const path = require('node:path');

const BIN = path.resolve(__dirname, '../../bin/automirror.mjs');

/** The environment `automirror` runs with: the access's keys, and no other credential source to compete with them. */
function credentialEnv(credential, base) {
  const env = { ...base };
  for (const k of Object.keys(env)) if (/^ALIBABA_CLOUD_(ACCESS_KEY_ID|ACCESS_KEY_SECRET|SECURITY_TOKEN|PROFILE)$/.test(k)) delete env[k];
  env.ALIBABA_CLOUD_ACCESS_KEY_ID = credential.AccessKeyID;
  env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = credential.AccessKeySecret;
  if (credential.SecurityToken) env.ALIBABA_CLOUD_SECURITY_TOKEN = credential.SecurityToken;
  return env;
}

class AutomirrorComponent {
  constructor({ logger } = {}) {
    this.logger = logger ?? console;
  }

  /** `automirror setup …`: the ECS event trigger on on-event and the MNS queues and topic. */
  setup(inputs) {
    return this.run('setup', inputs);
  }

  /** `automirror teardown …`: removes the ECS event trigger (and, with --delete-sessions, the sessions automirror owns). */
  teardown(inputs) {
    return this.run('teardown', inputs);
  }

  async run(command, inputs) {
    const credential = (await inputs.getCredential()) ?? {};
    const access = inputs.resource?.access ?? 'default';
    if (!credential.AccessKeyID || !credential.AccessKeySecret) {
      throw new Error(`automirror ${command}: the access "${access}" has no AccessKeyID/AccessKeySecret (add it with \`s config add\`)`);
    }
    const args = [command, ...(inputs.args ?? []).map(String)];
    this.logger.debug?.(`automirror ${args.join(' ')} (access ${access})`);
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: inputs.cwd ?? process.cwd(),
      env: credentialEnv(credential, process.env),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const code = await new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c, signal) => resolve(c ?? signal));
    });
    if (code !== 0) throw new Error(`automirror ${command} exited with ${code}`);
    return {};
  }
}

module.exports = AutomirrorComponent;
module.exports.credentialEnv = credentialEnv;
