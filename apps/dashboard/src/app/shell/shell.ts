import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterOutlet } from '@angular/router';
import { MatToolbarModule } from '@angular/material/toolbar';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatListModule } from '@angular/material/list';
import { MatIconModule } from '@angular/material/icon';
import { MatButtonModule } from '@angular/material/button';
import { MatMenuModule } from '@angular/material/menu';
import { MatSelectModule } from '@angular/material/select';
import { MatDialog } from '@angular/material/dialog';
import { filter, map, scan } from 'rxjs';
import { Session, roleIn } from '../session/session';
import { SECTIONS, canOpenCustomers, homeSection, sectionsFor } from './sections';
import { DemoBanner } from './demo-banner';
import { ShortcutKeys, type ShortcutCommand } from './shortcuts';
import { ShortcutsDialog } from './shortcuts-dialog';
import { Theme } from './theme';
import { SavedSearchesNav } from './saved-searches-nav';

interface NavItem {
  readonly label: string;
  readonly icon: string;
  readonly link: readonly string[];
}

/** The tenant switcher's entry for the platform administrator's all-tenants Access screen. */
const ADMIN_ALL = '';

/** Last customer opened per tenant, so the side navigation can go back to it. */
type RecentCustomers = Readonly<Record<string, string>>;

/** The frame around every tenant screen: toolbar (tenant, user), side navigation, content. */
@Component({
  selector: 'rd-shell',
  imports: [
    RouterOutlet,
    RouterLink,
    MatToolbarModule,
    MatSidenavModule,
    MatListModule,
    MatIconModule,
    MatButtonModule,
    MatMenuModule,
    MatSelectModule,
    DemoBanner,
    SavedSearchesNav,
  ],
  templateUrl: './shell.html',
  styleUrl: './shell.scss',
  host: { '(document:keydown)': 'onKey($event)' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Shell {
  private readonly dialog = inject(MatDialog);
  private readonly keys = new ShortcutKeys();
  protected readonly adminAll = ADMIN_ALL;
  private readonly router = inject(Router);
  private readonly session = inject(Session);
  protected readonly theme = inject(Theme);

  /** From the route: /t/:tenant/…; undefined on the platform administrator's /admin screens. */
  readonly tenant = input<string>();

  protected readonly me = this.session.me;
  protected readonly expired = this.session.expired;
  private readonly url = toSignal(
    this.router.events.pipe(
      filter((e): e is NavigationEnd => e instanceof NavigationEnd),
      map((e) => e.urlAfterRedirects),
    ),
    { initialValue: this.router.url },
  );
  private readonly recent = toSignal(
    this.router.events.pipe(
      filter((e): e is NavigationEnd => e instanceof NavigationEnd),
      scan((seen: RecentCustomers, e) => {
        const m = /^\/t\/([^/]+)\/customers\/([^/?#]+)/.exec(e.urlAfterRedirects);
        return m ? { ...seen, [decodeURIComponent(m[1])]: decodeURIComponent(m[2]) } : seen;
      }, {}),
    ),
    { initialValue: {} as RecentCustomers },
  );

  /** The role held in the tenant on screen (each tenant its own). */
  protected readonly role = computed(() => roleIn(this.me(), this.tenant()));

  protected readonly nav = computed<NavItem[]>(() => {
    const tenant = this.tenant();
    if (!tenant) return [{ label: 'Access', icon: 'manage_accounts', link: ['/admin', 'access'] }];
    const role = this.role();
    const items: NavItem[] = sectionsFor(role).map((s) => ({
      label: s.label,
      icon: s.icon,
      link: ['/t', tenant, s.path],
    }));
    const customer = this.recent()[tenant];
    if (customer && canOpenCustomers(role)) {
      const at = items.findIndex((i) => i.label === 'Search') + 1;
      items.splice(at, 0, { label: 'Customer', icon: 'person', link: ['/t', tenant, 'customers', customer] });
    }
    return items;
  });

  /**
   * The section on screen: its link is the URL's path, whatever the query (RouterLinkActive decided
   * it before; from the URL the shell already follows it costs nothing in the first load).
   */
  protected isActive(link: readonly string[]): boolean {
    const path = this.url().split(/[?#]/)[0];
    return path === this.router.serializeUrl(this.router.createUrlTree([...link]));
  }

  /** The tenant whose saved searches the navigation lists: where the role may search customers. */
  protected readonly searchTenant = computed(() => {
    const tenant = this.tenant();
    return tenant && canOpenCustomers(this.role()) ? tenant : undefined;
  });

  protected readonly tenantName = computed(() => {
    const tenant = this.tenant();
    if (!tenant) return 'All organisations';
    return this.me()?.tenants.find((t) => t.id === tenant)?.name ?? tenant;
  });

  /**
   * Stay on the same screen in the new tenant when the role held there allows it, else go to that
   * role's home; customer ids are per tenant, so those go home too.
   */
  protected switchTenant(next: string): void {
    if (next === ADMIN_ALL) {
      void this.router.navigate(['/admin', 'access']);
      return;
    }
    const role = roleIn(this.me(), next);
    if (!role || next === this.tenant()) return;
    const current = /^\/t\/[^/]+\/([^/?#]+)/.exec(this.url())?.[1];
    const section = SECTIONS.find((s) => s.path === current && s.roles.includes(role));
    void this.router.navigate(['/t', next, section?.path ?? homeSection(role)]);
  }

  /** Keyboard shortcuts (shell/shortcuts.ts); none fires while typing in a field. */
  protected onKey(event: KeyboardEvent): void {
    if (event.defaultPrevented) return;
    const command = this.keys.read(event);
    if (!command) return;
    event.preventDefault();
    this.run(command, event.target);
  }

  private run(command: ShortcutCommand, target: EventTarget | null): void {
    const tenant = this.tenant();
    const can = (path: string) => sectionsFor(this.role()).some((s) => s.path === path);
    switch (command) {
      case 'help':
        if (this.dialog.openDialogs.length === 0) this.dialog.open(ShortcutsDialog, { autoFocus: 'dialog' });
        return;
      case 'focusSearch': {
        const box = document.querySelector<HTMLInputElement>('[data-testid="search-input"]');
        if (box) box.focus();
        else if (tenant && can('search')) {
          void this.router.navigate(['/t', tenant, 'search']).then(() => {
            // The search screen is a lazy chunk: focus its box once it has rendered.
            setTimeout(() => document.querySelector<HTMLInputElement>('[data-testid="search-input"]')?.focus());
          });
        }
        return;
      }
      case 'goQueue':
      case 'goSearch': {
        const path = command === 'goQueue' ? 'queue' : 'search';
        if (tenant && can(path)) void this.router.navigate(['/t', tenant, path]);
        return;
      }
      case 'next':
      case 'previous': {
        const rows = [...document.querySelectorAll<HTMLElement>('main [data-nav-row]')];
        if (rows.length === 0) return;
        const at = rows.indexOf(document.activeElement as HTMLElement);
        const next = at === -1 ? 0 : Math.min(rows.length - 1, Math.max(0, at + (command === 'next' ? 1 : -1)));
        rows[next].focus();
        rows[next].scrollIntoView({ block: 'nearest' });
        return;
      }
      case 'open':
        if (target instanceof HTMLElement) target.click();
        return;
    }
  }
}
