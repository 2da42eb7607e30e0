// Schemas shared by many routes. Every route declares params, query, body and responses.
import { Type } from '@sinclair/typebox';
import { ApiError } from '@redoubt/contracts/api';
import { ID_PATTERN, MAX_ID_LENGTH } from '@redoubt/contracts';

export const TenantId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'Tenant (organisation) id' });
/** The same bounds as ingestion's ids (libs/contracts MAX_ID_LENGTH), so every stored id opens. */
export const CustomerId = Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH, pattern: ID_PATTERN });

export const TenantParams = Type.Object({ tenant: TenantId }, { additionalProperties: false });
export const CustomerParams = Type.Object({ tenant: TenantId, id: CustomerId }, { additionalProperties: false });

/** The one error shape, shared with the dashboard (libs/contracts ApiError; plugins/errors.ts sends it). */
export const ErrorBody = ApiError;

/** The error responses every authenticated route can give. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  429: ErrorBody,
  502: ErrorBody,
  503: ErrorBody,
};
