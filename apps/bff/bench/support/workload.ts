// What the HTTP benchmarks ask for: customers found through the API first (as an analyst would),
// then the dashboard's kinds of request over them.
import type { SearchResult } from '@redoubt/contracts/api';

export interface SignedIn {
  tenant: string;
  headers: Record<string, string>;
}

export interface Found {
  id: string;
  name: string;
  email?: string;
  country?: string;
}

export class Workload {
  readonly #found = new Map<string, Found[]>();

  /** Up to 500 distinct customers per tenant, from searches sorted and filtered several ways. */
  static async discover(base: string, signedIn: SignedIn[], tenants: string[]): Promise<Workload> {
    const workload = new Workload();
    for (const tenant of tenants) {
      const { headers } = signedIn.find((s) => s.tenant === tenant)!;
      const hits: SearchResult['hits'] = [];
      for (const query of ['sort=score', 'sort=lastSeen', 'action=REVIEW', 'label=FRAUDSTER', 'sort=name']) {
        const response = await fetch(`${base}/api/tenants/${tenant}/customers/search?size=100&${query}`, { headers });
        if (response.status !== 200) throw new Error(`search ${response.status}: ${await response.text()}`);
        hits.push(...((await response.json()) as SearchResult).hits);
      }
      workload.#found.set(tenant, [...new Map(hits.map((x) => [x.id, x])).values()]);
    }
    return workload;
  }

  count(tenant: string): number {
    return this.#found.get(tenant)?.length ?? 0;
  }

  /** The dashboard's search mix: names as typed, exact emails, short prefixes, facet filters, surnames by score. */
  search(tenant: string, n: number): string {
    const list = this.#found.get(tenant)!;
    const c = list[n % list.length]!;
    const [first = 'a', last = 'b'] = c.name.split(' ');
    const q = [
      `q=${encodeURIComponent(`${first.slice(0, 3)} ${last.slice(0, 3)}`)}`,
      `q=${encodeURIComponent(c.email ?? first)}`,
      `q=${encodeURIComponent(first.slice(0, 2))}`,
      `country=${c.country ?? 'GB'}&action=REVIEW&sort=score`,
      `q=${encodeURIComponent(last)}&sort=score`,
    ][n % 5];
    return `/api/tenants/${tenant}/customers/search?${q}`;
  }

  /** A customer's id, URL-encoded, spread over the ones found. */
  customer(tenant: string, n: number): string {
    const list = this.#found.get(tenant)!;
    return encodeURIComponent(list[(n * 7919) % list.length]!.id);
  }
}
