import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';

/** `?format=json|csv`: a list that can also be downloaded as CSV. */
export function ApiFormat(): MethodDecorator & ClassDecorator {
  return ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] });
}

/**
 * `?limit=&offset=` of a paged list (`{ total, items }`); with `format`, `?format=json|csv` too; `limitDescription`
 * when the list's bounds differ from the usual ones. The three are applied in the order of the decorators they
 * replace (`@ApiQuery` format, limit, offset, written one above the other), so the OpenAPI document is unchanged.
 */
export function ApiPage(options: { format?: boolean; limitDescription?: string } = {}): MethodDecorator & ClassDecorator {
  const limit = {
    name: 'limit',
    required: false,
    type: Number,
    ...(options.limitDescription ? { description: options.limitDescription } : {}),
  };
  // Stacked decorators apply from the bottom up: offset first, then limit, then format.
  return applyDecorators(
    ApiQuery({ name: 'offset', required: false, type: Number }),
    ApiQuery(limit),
    ...(options.format ? [ApiFormat()] : []),
  );
}
