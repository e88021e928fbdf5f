import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * Issue 12: an answer checked against the schema the OpenAPI document (GET /docs-json) gives its operation and
 * status, as the contract test checks the demo data's; for a test whose own rows exercise what the demo data may not
 * hold (a network's member centre, a control visit's proposal). Returns the schema's complaints, none when it matches.
 */
export async function documentComplaints(api: string, operation: string, status: number, body: unknown): Promise<string[]> {
  const doc = (await (await fetch(`${api}/docs-json`)).json()) as {
    paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>>;
    components?: object;
  };
  const [method, path] = operation.split(' ') as [string, string];
  const schema = doc.paths[path]?.[method.toLowerCase()]?.responses[String(status)]?.content?.['application/json']?.schema;
  if (!schema) return [`${operation} documents no JSON answer for ${status}`];
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const validate = ajv.compile({ ...schema, components: doc.components });
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
