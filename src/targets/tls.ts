export interface Certificate {
  /** PEM private key. */
  key: string;
  /** PEM certificate. */
  cert: string;
}

/**
 * A self-signed certificate for the built-in targets, made at start (an EC P-256 key takes
 * milliseconds, where RSA 2048 takes a noticeable pause). Valid for localhost, 127.0.0.1, ::1 and
 * `host`; clients trust it with --insecure, or with --ca given the certificate itself.
 */
export async function selfSignedCertificate(host = '127.0.0.1'): Promise<Certificate> {
  const names = new Set(['localhost', '127.0.0.1', '::1', host]);
  const altNames = [...names].map((name) => (/^[\d.]+$|:/.test(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name }));
  const notBeforeDate = new Date(Date.now() - 60_000); // a little slack for clocks that differ
  const notAfterDate = new Date(notBeforeDate.getTime() + 30 * 24 * 3600 * 1000);
  // Loaded on use: the package and its ASN.1 libraries would otherwise slow every CLI start.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: 'salvo built-in target' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
