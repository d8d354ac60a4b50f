import fc from 'fast-check';

const key = fc.string({ unit: 'binary', maxLength: 8 }).filter((k) => !k.includes('\0') && !(k.includes('"') && k.includes("'")));
const date = fc
  .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000));
const scalar = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  date,
);
/** Any JS object the config format can hold: what stringifyConfig must print faithfully. */
export const { map: configObject } = fc.letrec<{ value: unknown; map: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ maxDepth: 4, depthIdentifier: 'rt' }, scalar, scalar, fc.array(tie('value'), { maxLength: 4 }), tie('map')),
  map: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
}));
