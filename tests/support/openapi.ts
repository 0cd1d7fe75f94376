interface OpenApiDocument {
  paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, { properties?: Record<string, { example?: unknown; $ref?: string; items?: { $ref?: string }; allOf?: unknown[] }> }> };
}

/** What an OpenAPI document leaves undescribed: operations without summary or success response, fields without example. */
export function openApiGaps(doc: OpenApiDocument) {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ id: `${method.toUpperCase()} ${path}`, op })));
  return {
    operations: operations.length,
    withoutSummary: operations.filter(({ op }) => !op.summary).map(({ id }) => id),
    withoutSuccess: operations.filter(({ op }) => !Object.keys(op.responses).some((status) => /^[23]/.test(status))).map(({ id }) => id), // a redirect's 3XX is its success
    withoutExample: Object.entries(doc.components.schemas).flatMap(([name, schema]) =>
      Object.entries(schema.properties ?? {})
        .filter(([, property]) => property.example === undefined && !property.$ref && !property.items?.$ref && !property.allOf)
        .map(([field]) => `${name}.${field}`),
    ),
  };
}

export type { OpenApiDocument };
