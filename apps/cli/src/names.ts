// The control plane names objects with letters, digits, _ . - (up to 63, starting with a letter
// or digit); an export or import named after its subject needs its wildcards spelled out.

/** `orders.>` -> `orders.all`, `prices.*.eu` -> `prices.any.eu`; anything else outside the name alphabet -> `_`. */
export function nameFromSubject(subject: string): string {
  const name = subject
    .replace(/>/g, 'all')
    .replace(/\*/g, 'any')
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '');
  return (name || 'unnamed').slice(0, 63);
}
