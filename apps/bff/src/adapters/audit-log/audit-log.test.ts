import { auditLogContract } from '../../../test/contracts/audit-log.contract.ts';
import { onPgliteAndPostgres } from '../../../test/support/sql-contracts.ts';

await onPgliteAndPostgres(auditLogContract);
