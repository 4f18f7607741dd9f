// Typed errors of the provenance commands and library, each with a stable code.

export const PROVENANCE_ERRORS = {
  KEYS_MISSING: 'DG_ERR_PROVENANCE_KEYS_MISSING',
  KEYS_INVALID: 'DG_ERR_PROVENANCE_KEYS_INVALID',
  CANARIES_INVALID: 'DG_ERR_PROVENANCE_CANARIES_INVALID',
  INPUT_INVALID: 'DG_ERR_PROVENANCE_INPUT_INVALID',
  PROBE_FAILED: 'DG_ERR_PROVENANCE_PROBE_FAILED',
} as const;

export type ProvenanceErrorCode = (typeof PROVENANCE_ERRORS)[keyof typeof PROVENANCE_ERRORS];

export class ProvenanceError extends Error {
  readonly code: ProvenanceErrorCode;
  constructor(code: ProvenanceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProvenanceError';
    this.code = code;
  }
}
