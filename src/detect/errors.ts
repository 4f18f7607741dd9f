// Typed errors of the detection engine.

/** An event or a snapshot the engine cannot use (e.g. an unparseable timestamp). */
export class DetectorInputError extends Error {
  readonly code = 'DG_ERR_DETECT_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'DetectorInputError';
  }
}

/** Parameters that do not fit together (e.g. MinHash bands that do not divide k). */
export class DetectorParamsError extends Error {
  readonly code = 'DG_ERR_DETECT_PARAMS';
  constructor(message: string) {
    super(message);
    this.name = 'DetectorParamsError';
  }
}
