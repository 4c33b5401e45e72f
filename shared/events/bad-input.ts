/** Input that can never be handled: logged and answered, not thrown, so FC does not retry it forever. */
export class BadInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadInput';
  }
}
