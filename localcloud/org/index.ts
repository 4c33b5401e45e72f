import { ApiError } from '../core/api-error.js';
import type { Keyring } from '../core/keyring.js';
import { ecsProduct } from '../ecs/index.js';
import type { PopProtocol } from '../pop/protocol.js';
import type { Throttle } from '../pop/throttle.js';
import { slbProduct } from '../slb/index.js';
import type { CloudState } from '../state.js';
import { vpcProduct } from '../vpc/index.js';
import { buildState, WorldError } from '../world/load.js';
import type { MemberStatus, WorldFile, WorldRole } from '../world/types.js';
import { resourceManagerProduct } from './resource-directory.js';
import { stsProduct } from './sts.js';

export interface Member {
  readonly accountId: string;
  readonly displayName: string;
  folderId: string;
  joinTime: string;
  status: MemberStatus;
}

export interface Folder {
  readonly folderId: string;
  readonly folderName: string;
  readonly parentFolderId?: string;
}

/**
 * The world's accounts: its own (the management account of its Resource Directory, when it has one) and the further
 * accounts of `accounts`, each with its own state (regions, resources), keys, RAM roles and rate limits. A member
 * account's keys reach that account's ECS, VPC and SLB only; STS and the Resource Directory answer every account.
 */
export class Organisation {
  readonly states = new Map<string, CloudState>();
  private readonly roles = new Map<string, Map<string, WorldRole>>();
  private readonly names = new Map<string, string>();
  readonly directory?: { readonly resourceDirectoryId: string; readonly rootFolderId: string; readonly folders: Map<string, Folder>; readonly members: Map<string, Member> };

  constructor(
    readonly world: WorldFile,
    readonly main: CloudState,
  ) {
    this.states.set(main.accountId, main);
    this.roles.set(main.accountId, rolesOf(world.roles));
    const problems: string[] = [];
    for (const [i, a] of (world.accounts ?? []).entries()) {
      if (this.states.has(a.accountId)) {
        problems.push(`/accounts/${i}/accountId: account ${a.accountId} is defined twice`);
        continue;
      }
      try {
        this.states.set(a.accountId, buildState({ accountId: a.accountId, accessKeys: a.accessKeys ?? [], options: world.options, regions: a.regions }, main.now));
      } catch (err) {
        if (!(err instanceof WorldError)) throw err;
        problems.push(...err.problems.map((p) => `/accounts/${i}${p}`));
      }
      this.roles.set(a.accountId, rolesOf(a.roles));
      if (a.displayName) this.names.set(a.accountId, a.displayName);
    }
    const rd = world.resourceDirectory;
    if (rd) {
      const rootFolderId = rd.rootFolderId ?? 'r-root01';
      const folders = new Map<string, Folder>([[rootFolderId, { folderId: rootFolderId, folderName: 'Root' }]]);
      for (const f of rd.folders ?? []) folders.set(f.folderId, { folderId: f.folderId, folderName: f.folderName ?? f.folderId, parentFolderId: f.parentFolderId ?? rootFolderId });
      this.directory = { resourceDirectoryId: rd.resourceDirectoryId ?? 'rd-local01', rootFolderId, folders, members: new Map() };
      for (const f of folders.values()) if (f.parentFolderId && !folders.has(f.parentFolderId)) problems.push(`/resourceDirectory/folders: ${f.folderId}'s parent ${f.parentFolderId} is not a folder`);
      for (const m of [{ accountId: main.accountId }, ...rd.members]) {
        try {
          this.join(m.accountId, m.folderId, 'status' in m ? m.status : undefined);
        } catch (err) {
          problems.push(`/resourceDirectory/members: ${(err as Error).message}`);
        }
      }
    }
    if (problems.length > 0) {
      this.stop();
      throw new WorldError(problems);
    }
  }

  /** Serves each member account's products, STS and the Resource Directory, and each account's own rate limits. */
  serve(pop: PopProtocol, keyring: Keyring, throttle: Throttle): void {
    for (const [accountId, state] of this.states) {
      if (state === this.main) continue;
      pop.addAccount(accountId, [ecsProduct(state), vpcProduct(state), slbProduct(state)]);
    }
    for (const a of this.world.accounts ?? []) {
      for (const k of a.accessKeys ?? []) keyring.add({ ...k, accountId: a.accountId });
      if (a.rateLimits) throttle.setAccount(a.accountId, a.rateLimits);
    }
    pop.addGlobal(stsProduct(this, keyring));
    pop.addGlobal(resourceManagerProduct(this));
  }

  /** Adds an account of the world to the Resource Directory (as an invited member would join). */
  join(accountId: string, folderId?: string, status: MemberStatus = 'CreateSuccess'): Member {
    const d = this.directory;
    if (!d) throw new Error('the world has no resource directory');
    if (!this.states.has(accountId)) throw new Error(`account ${accountId} is not an account of the world`);
    const folder = folderId ?? d.rootFolderId;
    if (!d.folders.has(folder)) throw new Error(`folder ${folder} is not a folder of the directory`);
    const m: Member = { accountId, displayName: this.names.get(accountId) ?? accountId, folderId: folder, joinTime: this.main.isoNow(), status };
    d.members.set(accountId, m);
    return m;
  }

  /** The role `roleName` of `accountId`, matched without case as RAM does. */
  role(accountId: string, roleName: string): WorldRole | undefined {
    return this.roles.get(accountId)?.get(roleName.toLowerCase());
  }

  /** The state of one account; throws for an account the world does not hold. */
  account(accountId: string): CloudState {
    const s = this.states.get(accountId);
    if (!s) throw new ApiError('EntityNotExist.Account', `The account ${accountId} does not exist.`, 404);
    return s;
  }

  stop(): void {
    for (const s of this.states.values()) if (s !== this.main) s.stop();
  }
}

const rolesOf = (roles: readonly WorldRole[] | undefined) => new Map((roles ?? []).map((r) => [r.roleName.toLowerCase(), r]));
