import { json, type NextFunction, type Request, type Response, urlencoded } from 'express';
import { PARAMETERS } from '../config/parameters';

/** Routes that read their body as a stream themselves (bulk imports). */
const STREAMED = ['/session-imports'];

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

/** body-parser's failures as the API's errors (JSON, never an HTML page or a 500). */
function answer(res: Response, err: BodyParserError): void {
  const limit = `${PARAMETERS.api.maxBodyBytes} bytes`;
  switch (err.type) {
    case 'entity.too.large':
      res.status(413).json({ statusCode: 413, error: 'Payload Too Large', message: `the body exceeds ${limit}` });
      return;
    case 'parameters.too.many':
      res
        .status(413)
        .json({ statusCode: 413, error: 'Payload Too Large', message: `a form may carry at most ${PARAMETERS.api.maxFormFields} fields` });
      return;
    case 'entity.parse.failed':
      res.status(400).json({
        statusCode: 400,
        error: 'Bad Request',
        field: '(body)',
        message: `the body is not valid JSON: ${err.message ?? ''}`.trim(),
      });
      return;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      res.status(415).json({ statusCode: 415, error: 'Unsupported Media Type', message: err.message ?? 'unsupported encoding' });
      return;
    default: {
      const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
      res.status(status).json({ statusCode: status, error: 'Bad Request', field: '(body)', message: err.message ?? 'unreadable body' });
    }
  }
}

/**
 * Parses JSON and form bodies within the limits, before authentication reads anything else:
 * - a declared Content-Length over the limit is answered 413 at once, token or not, without reading;
 * - a request without credentials is not parsed at all (the guard answers 401: no work for an anonymous body);
 * - malformed JSON is 400 naming `(body)`; too many form fields 413.
 */
export function bodyParsing() {
  const parseJson = json({ limit: PARAMETERS.api.maxBodyBytes });
  const parseForm = urlencoded({ extended: true, limit: PARAMETERS.api.maxBodyBytes, parameterLimit: PARAMETERS.api.maxFormFields });
  return (req: Request, res: Response, next: NextFunction) => {
    if (STREAMED.some((p) => req.path.startsWith(p))) return next();
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > PARAMETERS.api.maxBodyBytes) {
      res.setHeader('Connection', 'close');
      return answer(res, { type: 'entity.too.large' });
    }
    if (!req.headers.authorization) return next();
    // No Content-Length and no Transfer-Encoding: no body (RFC 9112 §6.3), nothing to parse (every GET).
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return next();
    parseJson(req, res, (err?: unknown) => {
      if (err) return answer(res, err as BodyParserError);
      parseForm(req, res, (err2?: unknown) => (err2 ? answer(res, err2 as BodyParserError) : next()));
    });
  };
}
