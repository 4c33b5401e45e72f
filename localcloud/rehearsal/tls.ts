import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** A certificate authority made for one rehearsal, and a server certificate it signed for the public host names. */
export interface RehearsalTls {
  /** PEM of the CA: what a client trusts (NODE_EXTRA_CA_CERTS, or the SDK's `ca` option). */
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * The host names the server certificate covers. A wildcard covers one label only, so each documented endpoint
 * shape gets its own: `ecs.<region>.aliyuncs.com` (POP products and EventBridge), `<account>.mns.<region>.aliyuncs.com`
 * (MNS), `<account>.<region>.fc.aliyuncs.com` (FC 2.0 and 3.0), `<bucket>.oss-<region>.aliyuncs.com` (OSS), and the
 * central `*.aliyuncs.com` ones (STS).
 */
export function publicHostPatterns(regions: readonly string[]): string[] {
  return ['*.aliyuncs.com', ...regions.flatMap((r) => [`*.${r}.aliyuncs.com`, `*.mns.${r}.aliyuncs.com`, `*.${r}.fc.aliyuncs.com`, `*.eventbridge.${r}.aliyuncs.com`, `*.oss-${r}.aliyuncs.com`])];
}

function rsaKeys(): forge.pki.rsa.KeyPair {
  // Node generates the key natively (forge's own generator is pure JS and slow); forge only builds the certificate.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const priv = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: priv, publicKey: forge.pki.setRsaPublicKey(priv.n, priv.e) };
}

function certificate(subject: string, keys: forge.pki.rsa.KeyPair, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  // A random positive serial: two rehearsals' certificates never collide in a client's cache.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  return cert;
}

/** Generates a CA and a server certificate for `hosts` (wildcards allowed), valid for two days. */
export function makeRehearsalTls(hosts: readonly string[]): RehearsalTls {
  const caKeys = rsaKeys();
  const ca = certificate('automirror rehearsal CA (one run only)', caKeys, 2);
  ca.setIssuer(ca.subject.attributes);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const keys = rsaKeys();
  const cert = certificate(hosts[0] ?? 'localhost', keys, 2);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // 127.0.0.1 too, so a test driving the rehearsal from outside it can reach localcloud by address over TLS.
    { name: 'subjectAltName', altNames: [...hosts.map((value) => ({ type: 2, value })), { type: 7, ip: '127.0.0.1' }] },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());
  return { caPem: forge.pki.certificateToPem(ca), certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}
