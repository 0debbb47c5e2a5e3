/** A failure of the capi driver that becomes the cluster's reason: a reason code and a sentence, never a stack. */
import type { Reason, ReasonCode } from '../domain/reasons.ts';

export class CapiProblem extends Error {
  readonly reason: Reason;
  /** The API server's HTTP status, when it answered. */
  readonly httpStatus: number | undefined;
  constructor(code: ReasonCode, message: string, httpStatus?: number) {
    super(message);
    this.reason = { code, message };
    this.httpStatus = httpStatus;
  }
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'refused the connection',
  ECONNRESET: 'closed the connection',
  ENOTFOUND: 'has a host name that does not resolve',
  EHOSTUNREACH: 'is not reachable',
  ETIMEDOUT: 'did not answer in time',
  UND_ERR_CONNECT_TIMEOUT: 'did not answer in time',
  UND_ERR_SOCKET: 'closed the connection',
  DEPTH_ZERO_SELF_SIGNED_CERT: "presented a certificate the kubeconfig's CA does not sign",
  SELF_SIGNED_CERT_IN_CHAIN: "presented a certificate the kubeconfig's CA does not sign",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "presented a certificate the kubeconfig's CA does not sign",
  ERR_TLS_CERT_ALTNAME_INVALID: 'presented a certificate for another name',
  CERT_HAS_EXPIRED: 'presented an expired certificate',
};

/** The network failure under an error (fetch wraps it as `cause`), as a CapiProblem; null for any other error. */
export function unreachable(error: unknown, server: string): CapiProblem | null {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES[code])
      return new CapiProblem('ManagementClusterUnreachable', `the management cluster ${server} ${NETWORK_CODES[code]} (${code})`);
    if ((e as { name?: unknown }).name === 'TimeoutError')
      return new CapiProblem('ManagementClusterUnreachable', `the management cluster ${server} did not answer in time`);
  }
  return null;
}
