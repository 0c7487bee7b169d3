import { X509Certificate } from 'node:crypto';
import { reasonOf, SalvoError } from '../../errors.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Checks that a --ca file is what TLS will use: PEM certificates. Node's TLS ignores anything else in
 * silence, and every request of the run would then fail as `tls`, so a file that is not PEM (or holds a
 * certificate that does not parse) stops the run before it starts.
 */
export function checkCaBundle(pem: Buffer, file: string): void {
  const blocks = pem.toString('latin1').match(PEM_CERTIFICATE);
  if (blocks === null) {
    throw new SalvoError('ERR_FILE_UNREADABLE', `CA file "${file}" holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----")`);
  }
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new SalvoError('ERR_FILE_UNREADABLE', `CA file "${file}": certificate ${index + 1} of ${blocks.length} cannot be read: ${reasonOf(error)}`);
    }
  });
}
