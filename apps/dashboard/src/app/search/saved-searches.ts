// The analyst's saved searches in the tenant on screen (GET/POST/DELETE …/saved-searches): listed
// in the side navigation (shell), saved and deleted from the search screen.
import { Injectable, computed, inject, signal } from '@angular/core';
import { HttpClient, httpResource } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { SavedSearchList, type SavedSearch, type SavedSearchQuery } from '@redoubt/contracts/api';
import { parseAs } from '../http/parse';

@Injectable({ providedIn: 'root' })
export class SavedSearches {
  private readonly http = inject(HttpClient);

  /** The tenant whose saved searches are listed (set by the shell; undefined lists nothing). */
  readonly tenant = signal<string | undefined>(undefined);

  private readonly resource = httpResource(
    () => {
      const tenant = this.tenant();
      return tenant ? `/api/tenants/${encodeURIComponent(tenant)}/saved-searches` : undefined;
    },
    { parse: parseAs(SavedSearchList) },
  );

  /** Newest first; empty while loading or when the list could not be read. */
  readonly list = computed((): SavedSearch[] => (this.resource.hasValue() ? this.resource.value().savedSearches : []));
  readonly error = computed(() => this.resource.error());

  /** Saves under `id` (the caller keeps it across retries, so a resend saves once). */
  async save(tenant: string, id: string, name: string, query: SavedSearchQuery): Promise<SavedSearch> {
    const url = `/api/tenants/${encodeURIComponent(tenant)}/saved-searches`;
    const saved = await firstValueFrom(this.http.post<SavedSearch>(url, { id, name, query }));
    if (tenant === this.tenant()) this.resource.reload();
    return saved;
  }

  async remove(tenant: string, id: string): Promise<void> {
    await firstValueFrom(
      this.http.delete(`/api/tenants/${encodeURIComponent(tenant)}/saved-searches/${encodeURIComponent(id)}`),
    );
    if (tenant === this.tenant()) this.resource.reload();
  }
}
