// Request bodies are JSON only: a browser form (urlencoded, multipart) or text/plain can be sent
// cross-site without a CORS preflight, so accepting them would let any page create tenants with a
// victim's cookie or reach the API from a form. Anything else with a body gets 415 before parsing.
import type { FastifyInstance } from 'fastify';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export function acceptJsonBodiesOnly(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (req, reply) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return;
    const type = req.headers['content-type'];
    if (type !== undefined && JSON_TYPE.test(type)) return;
    await reply
      .status(415)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ statusCode: 415, error: 'Unsupported Media Type', message: 'request bodies must be JSON (Content-Type: application/json)' });
  });
}
