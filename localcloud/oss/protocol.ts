import { createHash } from 'node:crypto';
import { ApiError } from '../core/api-error.js';
import { parseQuery } from '../core/encoding.js';
import type { BodyLimit, CallHead, IncomingCall, OutgoingReply, Protocol } from '../core/http.js';
import { newRequestId } from '../core/ids.js';
import type { Keyring } from '../core/keyring.js';
import { parseXml, renderFields, XmlError } from '../mns/xml.js';
import { type HeaderSignatureScheme, stringToSign, verifyHeaderSignature } from '../platform/header-signature.js';
import { BUCKET_ACLS, type Bucket, type BucketAcl, OssError, type OssService } from './service.js';

/**
 * OSS's V1 header signature (https://www.alibabacloud.com/help/en/oss/developer-reference/include-signatures-in-the-authorization-header):
 * `Authorization: OSS <AccessKeyId>:<Signature>`, HMAC-SHA1 over VERB, Content-MD5, Content-Type, the date
 * (`x-oss-date` when sent, else `Date`), the `x-oss-` headers (lower-cased, values trimmed, sorted) and the
 * canonicalized resource. A date missing or unreadable is AccessDenied 403, one more than 15 minutes off
 * RequestTimeTooSkewed 403 (the same page's error list).
 */
const OSS_SIGNATURE: HeaderSignatureScheme = {
  authorization: /^OSS ([^:\s]+):(\S+)$/,
  headerPrefix: 'x-oss-',
  hash: 'sha1',
  tokenHeader: 'x-oss-security-token',
  headerValue: (v) => v.trim(),
  dateHeaders: ['x-oss-date', 'date'],
  // RFC 1864: Base64 of the 16 raw bytes (OSS's "Content-MD5 的计算方法"), unlike the MNS SDK's hex.
  contentMd5: (body) => createHash('md5').update(body).digest('base64'),
  freshness: {
    malformed: () => new OssError('AccessDenied', 'OSS authentication requires a valid Date.', 403),
    stale: () => new OssError('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', 403),
  },
};

/**
 * Query parameters that are sub-resources, signed as part of the resource (the V1 signature page's list); any other
 * query parameter is not signed.
 */
const SUB_RESOURCES = new Set(
  (
    'acl uploads location cors logging website referer lifecycle delete append tagging objectMeta uploadId partNumber security-token position img style ' +
    'styleName replication replicationProgress replicationLocation cname bucketInfo comp qos live status vod startTime endTime symlink x-oss-process ' +
    'response-content-type x-oss-traffic-limit response-content-language response-expires response-cache-control response-content-disposition ' +
    'response-content-encoding udf udfName udfImage udfId udfImageDesc udfApplication udfApplicationLog restore callback callback-var qosInfo policy stat ' +
    'encryption versions versioning versionId requestPayment x-oss-request-payer sequential inventory inventoryId continuation-token asyncFetch worm ' +
    'wormId wormExtend withHashContext x-oss-enable-md5 x-oss-enable-sha1 x-oss-enable-sha256 x-oss-hash-ctx x-oss-md5-ctx transferAcceleration ' +
    'regionList cloudboxes x-oss-ac-source-ip x-oss-ac-subnet-mask x-oss-ac-vpc-id x-oss-ac-forward-allow metaQuery resourceGroup rtc'
  ).split(' '),
);

/** An OSS endpoint name, `oss-<region>[-internal].aliyuncs.com` (OSS regions and endpoints). */
const OSS_ENDPOINT = /^oss-([a-z0-9-]+?)(-internal)?\.aliyuncs\.com$/;

const XML_TYPE = { 'content-type': 'application/xml' };

interface Address {
  bucket?: string;
  key?: string;
  /** The region the endpoint named, when the host was an OSS endpoint name. */
  regionId?: string;
}

/**
 * Which bucket and object a request names. `<bucket>.oss-<region>.aliyuncs.com` is virtual-hosted (what ali-oss
 * sends: with an IP endpoint it still sets that Host header, built from its `region` option); any other host (an IP,
 * `localhost`, the bare endpoint name) is path-style, `/<bucket>/<object>`.
 */
function addressOf(call: CallHead): Address {
  const hostname = String(call.headers.host ?? '').replace(/:\d+$/, '');
  let path: string[];
  try {
    path = call.path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw new OssError('InvalidURI', 'Could not parse the specified URI.', 400);
  }
  const dot = hostname.indexOf('.');
  const endpoint = OSS_ENDPOINT.exec(hostname.slice(dot + 1));
  if (dot > 0 && endpoint) return { bucket: hostname.slice(0, dot), key: path.join('/') || undefined, regionId: endpoint[1] };
  const [bucket, ...key] = path;
  return { bucket: bucket || undefined, key: key.join('/') || undefined, regionId: OSS_ENDPOINT.exec(hostname)?.[1] };
}

/** The canonicalized resource: `/bucket/object` (or `/bucket/`, `/`) and the sub-resources, sorted, values decoded. */
function canonicalResource(call: CallHead, a: Address): string {
  const path = a.bucket === undefined ? '/' : `/${a.bucket}/${a.key ?? ''}`;
  const subs = parseQuery(call.rawQuery)
    .filter(([k]) => SUB_RESOURCES.has(k))
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  return subs.length ? `${path}?${subs.join('&')}` : path;
}

/** What the signature check's shared errors are called in OSS (the V1 signature page and "403 errors" troubleshooting). */
function asOssError(err: unknown): ApiError {
  if (err instanceof OssError || !(err instanceof ApiError)) return err as ApiError;
  if (err.code === 'InvalidAuthorizationHeader') return new OssError('InvalidArgument', 'Authorization header is invalid.', 400);
  if (err.code === 'InvalidAccessKeyId.NotFound') return new OssError('InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.', 403);
  if (err.code.startsWith('InvalidSecurityToken')) return new OssError('InvalidSecurityToken', 'The security token you provided is invalid.', 403);
  if (err.code === 'InvalidDigest') return new OssError('InvalidDigest', 'The Content-MD5 you specified is not valid.', 400);
  return err;
}

/**
 * PutObject takes up to 5 GB; localcloud holds objects in memory, so it caps a body at 8 MB (an assumption, far
 * above the report history's 2 MB) and answers past it as OSS does an oversized entity: EntityTooLarge 400.
 */
const OSS_BODY_LIMIT: BodyLimit = {
  bytes: 8 * 1024 * 1024,
  error: (bytes) => new OssError('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size (${bytes} bytes).`, 400),
};

/** The OSS XML API as ali-oss 6 speaks it for buckets and simple objects: PutBucket, PutObject, GetObject. */
export class OssProtocol implements Protocol {
  readonly name = 'oss';
  readonly bodyLimit = OSS_BODY_LIMIT;

  constructor(
    private readonly keyring: Keyring,
    private readonly oss: OssService,
    /** Where PutBucket puts a bucket when the host names no region (path-style on an IP). */
    private readonly defaultRegion: string,
  ) {}

  claims(call: CallHead): boolean {
    const auth = String(call.headers.authorization ?? '');
    const hostname = String(call.headers.host ?? '').replace(/:\d+$/, '');
    return auth.startsWith('OSS ') || auth.startsWith('OSS4-') || OSS_ENDPOINT.test(hostname) || OSS_ENDPOINT.test(hostname.slice(hostname.indexOf('.') + 1));
  }

  async handle(call: IncomingCall): Promise<OutgoingReply> {
    const requestId = newRequestId().replace(/-/g, '').slice(0, 24).toUpperCase();
    try {
      const a = addressOf(call);
      const resource = canonicalResource(call, a);
      const signed = call.headers.authorization !== undefined;
      if (signed) {
        try {
          verifyHeaderSignature(call, this.keyring, OSS_SIGNATURE, resource);
        } catch (err) {
          if (err instanceof ApiError && err.code === 'SignatureDoesNotMatch') {
            throw new OssError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', 403, {
              StringToSign: stringToSign(call, OSS_SIGNATURE, resource),
            });
          }
          throw asOssError(err);
        }
      }
      const reply = this.route(call, a, signed);
      return { ...reply, headers: { 'x-oss-request-id': requestId, ...reply.headers } };
    } catch (err) {
      return this.errorReply(asOssError(err), call, requestId);
    }
  }

  errorReply(e: ApiError, call: CallHead, requestId: string): OutgoingReply {
    const details = e instanceof OssError ? e.details : {};
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${renderFields({ Code: e.code, Message: e.message, RequestId: requestId, HostId: String(call.headers.host ?? ''), ...details })}</Error>`;
    return { status: e.status, headers: { ...XML_TYPE, 'x-oss-request-id': requestId }, body };
  }

  private route(call: IncomingCall, a: Address, signed: boolean): OutgoingReply {
    if (a.bucket === undefined) throw notImplemented();
    if (parseQuery(call.rawQuery).some(([k]) => SUB_RESOURCES.has(k))) throw notImplemented();
    if (a.key === undefined) {
      if (call.method !== 'PUT') throw notImplemented();
      // "不支持匿名访问": PutBucket always needs a signature.
      if (!signed) throw accessDenied();
      return this.putBucket(call, a.bucket, a.regionId ?? this.defaultRegion);
    }
    const bucket = this.oss.bucket(a.bucket);
    if (a.regionId !== undefined && a.regionId !== bucket.regionId) {
      throw new OssError('AccessDenied', 'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.', 403, {
        BucketName: bucket.name,
        Endpoint: `oss-${bucket.regionId}.aliyuncs.com`,
      });
    }
    if (call.method === 'GET') {
      if (!signed && bucket.acl === 'private') throw accessDenied();
      const o = this.oss.getObject(bucket, a.key);
      const headers = { 'content-type': o.contentType, etag: `"${o.etag}"`, 'last-modified': new Date(o.lastModified).toUTCString(), 'x-oss-object-type': 'Normal' };
      const range = byteRange(call.headers.range, o.body.length);
      if (!range) return { status: 200, headers, body: o.body };
      const [first, last] = range;
      return { status: 206, headers: { ...headers, 'content-range': `bytes ${first}-${last}/${o.body.length}`, 'accept-ranges': 'bytes' }, body: o.body.subarray(first, last + 1) };
    }
    if (call.method === 'PUT') {
      if (!signed && bucket.acl !== 'public-read-write') throw accessDenied();
      return this.putObject(call, bucket, a.key);
    }
    throw new OssError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
  }

  private putBucket(call: IncomingCall, name: string, regionId: string): OutgoingReply {
    const acl = call.headers['x-oss-acl'] ?? 'private';
    if (!BUCKET_ACLS.includes(acl as BucketAcl)) throw new OssError('InvalidArgument', 'no such bucket access control exists', 400, { ArgumentName: 'x-oss-acl', ArgumentValue: String(acl) });
    if (call.body.length > 0) {
      try {
        const doc = parseXml(call.body.toString('utf8'));
        if (doc.name !== 'CreateBucketConfiguration') throw new XmlError(`unexpected root <${doc.name}>`);
      } catch (err) {
        if (err instanceof XmlError) throw new OssError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.', 400);
        throw err;
      }
    }
    this.oss.createBucket(name, regionId, acl as BucketAcl);
    return { status: 200, headers: { location: `/${name}` } };
  }

  private putObject(call: IncomingCall, bucket: Bucket, key: string): OutgoingReply {
    const type = String(call.headers['content-type'] ?? 'application/octet-stream');
    const o = this.oss.putObject(bucket, key, call.body, type);
    return { status: 200, headers: { etag: `"${o.etag}"`, 'content-md5': createHash('md5').update(o.body).digest('base64') } };
  }
}

/**
 * A `Range: bytes=first-last` (or `first-`) GetObject serves in part, the end clipped to the object; an invalid or
 * unsatisfiable range is ignored and the whole object answered 200, as the GetObject reference says OSS does.
 */
function byteRange(header: string | undefined, size: number): [number, number] | undefined {
  const m = /^bytes=(\d+)-(\d*)$/.exec(header ?? '');
  if (!m) return undefined;
  const first = Number(m[1]);
  const last = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return first < size && first <= last ? [first, last] : undefined;
}

const accessDenied = () => new OssError('AccessDenied', 'You have no right to access this object because of bucket acl.', 403);
const notImplemented = () => new OssError('NotImplemented', 'localcloud serves PutBucket, PutObject and GetObject only.', 501);
