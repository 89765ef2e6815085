/** Runs after the current response is written (notifications follow their response, like the reference). */
export function afterResponse(send: () => void): void {
  setImmediate(send);
}
