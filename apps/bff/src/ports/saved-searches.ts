// SavedSearchStore: each analyst's named searches (the search screen's URL state), per tenant.
import type { SavedSearch, SavedSearchQuery } from '@redoubt/contracts/api';
import type { Actor } from './review-store.ts';

export interface NewSavedSearch {
  /** Chosen by the client: creating the same id again with the same name and query changes nothing. */
  id: string;
  name: string;
  query: SavedSearchQuery;
}

export interface SavedSearchStore {
  /** The owner's saved searches in the tenant, newest first. */
  list(tenant: string, ownerSub: string): Promise<SavedSearch[]>;
  /**
   * Saves the search for the actor, audited in the same transaction. The same id with the same
   * name and query (a resend) answers the stored search with created false; the id holding anything
   * else (another name, query or owner) is a conflict.
   */
  create(
    tenant: string,
    actor: Actor,
    search: NewSavedSearch,
  ): Promise<{ saved: SavedSearch; created: boolean } | { conflict: true }>;
  /**
   * Deletes the actor's own saved search, audited; false when there was none of theirs with that id
   * (already deleted, never saved, or someone else's: all look alike).
   */
  remove(tenant: string, actor: Actor, id: string): Promise<boolean>;
}
