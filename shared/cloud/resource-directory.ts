import { isAccountId } from '../domain.js';
import type { AccountScope } from '../settings.js';
import type { CloudConfig } from './config.js';
import { cloudCall } from './errors.js';
import { PopClient, type PopProductInfo, RawResponse, RpcRequest } from './pop-client.js';

/** Resource Manager 2020-03-31, RPC style, one global endpoint (Resource Management API reference, Endpoints). */
export const RESOURCEMANAGER: PopProductInfo = { version: '2020-03-31', endpoint: () => 'resourcemanager.aliyuncs.com' };

/** ListAccounts' and ListAccountsForParent's largest page (PageSize: 1–100, default 10). */
const PAGE_SIZE = 100;
/** Far above any directory (a directory holds at most a few thousand members): a reply that never ends is refused. */
const MAX_PAGES = 100;

/**
 * Member states whose account does not exist (yet, or any more): creation still being verified, failed, expired or
 * cancelled (the Status values terraform-provider-alicloud's alicloud_resource_manager_accounts lists; GetAccount's
 * reference documents the others). A member in any other state (created, invited, its upgrade pending or done) is
 * an account to reconcile.
 */
const NOT_ACTIVE = new Set(['CreateVerifying', 'CreateFailed', 'CreateExpired', 'CreateCancelled']);

interface AccountsPage {
  TotalCount?: number;
  Accounts?: { Account?: Array<{ AccountId?: string; Status?: string }> };
}

/** The Resource Directory's member accounts, as the management account (or a delegated administrator) lists them. */
export class ResourceDirectoryApi {
  private readonly pop: PopClient;

  constructor(cfg: CloudConfig) {
    this.pop = new PopClient(RESOURCEMANAGER, cfg);
  }

  /**
   * Every active member account, or those directly in `folderId` (ListAccountsForParent), read page by page
   * (PageNumber from 1) until TotalCount entries were read or a page comes back short.
   */
  async memberAccounts(folderId?: string): Promise<string[]> {
    const ids: string[] = [];
    let read = 0;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const params = { PageNumber: page, PageSize: PAGE_SIZE, ...(folderId !== undefined && { ParentFolderId: folderId }) };
      const request = new RpcRequest(params);
      const res = await cloudCall(() =>
        folderId === undefined ? this.pop.call('ListAccounts', request, new RawResponse<AccountsPage>({})) : this.pop.call('ListAccountsForParent', request, new RawResponse<AccountsPage>({})),
      );
      const accounts = res.body?.Accounts?.Account ?? [];
      read += accounts.length;
      for (const a of accounts) if (isAccountId(a.AccountId) && !NOT_ACTIVE.has(String(a.Status))) ids.push(a.AccountId);
      if (accounts.length < PAGE_SIZE || read >= Number(res.body?.TotalCount ?? 0)) return [...new Set(ids)];
    }
    throw new Error(`the Resource Directory listed more than ${MAX_PAGES * PAGE_SIZE} accounts without ending`);
  }
}

/**
 * The accounts a scheduled run covers, resolved when the run starts (so a member that joined since the last run is
 * in this one): the deployment's own, the configured list, or the directory's active members (`list`, asked only
 * then), less the exclusions. A directory that can't be listed fails the run, for FC's retry: reconciling only the
 * accounts that happen to be known would silently drop the others.
 */
export async function accountsOfRun(scope: AccountScope, exclude: readonly string[], own: string, list: (folderId?: string) => Promise<string[]>): Promise<string[]> {
  const accounts = scope.kind === 'own' ? [own] : scope.kind === 'list' ? scope.accountIds : await list(scope.folderId);
  return accounts.filter((a) => !exclude.includes(a));
}
