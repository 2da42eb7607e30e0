import { teamQualityContract } from '../../../test/contracts/team-quality.contract.ts';
import { onPgliteAndPostgres } from '../../../test/support/sql-contracts.ts';

await onPgliteAndPostgres(teamQualityContract);
