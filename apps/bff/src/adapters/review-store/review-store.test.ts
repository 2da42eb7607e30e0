import { reviewStoreContract } from '../../../test/contracts/review-store.contract.ts';
import { onPgliteAndPostgres } from '../../../test/support/sql-contracts.ts';

await onPgliteAndPostgres(reviewStoreContract);
