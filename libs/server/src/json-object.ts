// The JSON of a handshake (INFO, CONNECT): an object or nothing. nats-server unmarshals these into
// structs, so anything that is not a JSON object is refused the same way, whatever it is.

export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `json` as an object; null when it does not parse or is not an object. */
export function parseJsonObject(json: string): Record<string, unknown> | null {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return null;
  }
  return isJsonObject(v) ? v : null;
}

/** Reads `o`'s string fields: '' where a field is absent or not a string. */
export function stringField(o: Record<string, unknown>): (key: string) => string {
  return (key) => {
    const v = o[key];
    return typeof v === 'string' ? v : '';
  };
}
