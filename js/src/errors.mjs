// Every failure of the library is a TruceError: a real Error (stack, instanceof)
// carrying the same code / message / details / status as the C++ truce::Error.
export class TruceError extends Error {
  constructor(code, message, details = {}, status = undefined) {
    super(message);
    this.name = 'TruceError';
    this.code = code;
    this.details = details;
    this.status = status;
  }

  static from({ code, message, details, status }) {
    return new TruceError(code, message, details ?? {}, status);
  }

  toJSON() {
    return { code: this.code, message: this.message, details: this.details, status: this.status };
  }
}
