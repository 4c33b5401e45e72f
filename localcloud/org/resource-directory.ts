import { ApiError } from '../core/api-error.js';
import type { PopContext, PopProduct } from '../pop/protocol.js';
import type { Member, Organisation } from './index.js';

/**
 * Resource Manager 2020-03-31 ListAccounts and ListAccountsForParent: the directory's members, paged by PageNumber
 * and PageSize (1–100, default 10), in the shape of the API reference (`Accounts.Account[]`). Only the management
 * account may call them (the reference's usage notes); the code another account gets is an assumption (README).
 */
export function resourceManagerProduct(org: Organisation): PopProduct {
  const directory = (ctx: PopContext) => {
    const d = org.directory;
    if (!d) throw new ApiError('EntityNotExists.ResourceDirectory', 'The resource directory does not exist.', 404);
    if (ctx.accountId !== org.main.accountId) throw new ApiError('NoPermission', 'Only the management account of the resource directory may call this operation.', 403);
    return d;
  };
  const page = (ctx: PopContext, members: Member[]) => {
    const d = directory(ctx);
    const pageNumber = ctx.params.int('PageNumber', { min: 1 }) ?? 1;
    const pageSize = ctx.params.int('PageSize', { min: 1, max: 100 }) ?? 10;
    const sorted = members.sort((a, b) => a.accountId.localeCompare(b.accountId));
    const items = sorted.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map((m) => ({
      AccountId: m.accountId,
      DisplayName: m.displayName,
      FolderId: m.folderId,
      ResourceDirectoryId: d.resourceDirectoryId,
      ResourceDirectoryPath: [d.resourceDirectoryId, ...pathTo(org, m.folderId), m.accountId].join('/'),
      Type: m.accountId === org.main.accountId ? 'CloudAccount' : 'ResourceAccount',
      JoinMethod: m.accountId === org.main.accountId ? 'invited' : 'created',
      Status: m.status,
      JoinTime: m.joinTime,
      ModifyTime: m.joinTime,
    }));
    return { TotalCount: sorted.length, PageNumber: pageNumber, PageSize: pageSize, Accounts: { Account: items } };
  };
  return {
    product: 'ResourceManager',
    version: '2020-03-31',
    hostId: 'resourcemanager.aliyuncs.com',
    operations: {
      ListAccounts: (ctx) => page(ctx, [...directory(ctx).members.values()]),
      ListAccountsForParent: (ctx) => {
        const d = directory(ctx);
        const parent = ctx.params.required('ParentFolderId');
        if (!d.folders.has(parent)) throw new ApiError('EntityNotExists.Folder', 'The specified folder does not exist.', 404);
        const keyword = ctx.params.str('QueryKeyword')?.toLowerCase();
        const match = (m: Member) => m.folderId === parent && (!keyword || m.accountId.includes(keyword) || m.displayName.toLowerCase().includes(keyword));
        return page(ctx, [...d.members.values()].filter(match));
      },
    },
  };
}

/** The folder ids from the root down to `folderId` (the RDPath's folders). */
function pathTo(org: Organisation, folderId: string): string[] {
  const path: string[] = [];
  for (let f = org.directory?.folders.get(folderId); f && path.length < 10; f = f.parentFolderId ? org.directory?.folders.get(f.parentFolderId) : undefined) path.unshift(f.folderId);
  return path;
}
