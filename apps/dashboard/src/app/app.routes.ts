import type { Routes } from '@angular/router';
import {
  customerGuard,
  goHome,
  goTenantHome,
  platformAdminGuard,
  prefetchScreens,
  sectionGuard,
  tenantGuard,
} from './session/route-guards';

// Every screen is lazy: the shell stays small, and echarts/cytoscape load with the customer page only.
// prefetchScreens fetches the screens' code while the guards wait for /api/me.
export const routes: Routes = [
  { path: '', pathMatch: 'full', canActivate: [goHome], children: [] },
  {
    path: 'not-granted',
    title: 'Redoubt',
    loadComponent: () => import('./not-granted/not-granted-page').then((m) => m.NotGrantedPage),
  },
  // The platform administrator's screen: access in every tenant, outside any one tenant.
  {
    path: 'admin',
    canActivate: [prefetchScreens, platformAdminGuard],
    loadComponent: () => import('./shell/shell').then((m) => m.Shell),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'access' },
      {
        path: 'access',
        title: 'Access · Redoubt',
        loadComponent: () => import('./admin/access-page').then((m) => m.AccessPage),
      },
      { path: '**', redirectTo: 'access' },
    ],
  },
  {
    path: 't/:tenant',
    canActivate: [prefetchScreens, tenantGuard],
    loadComponent: () => import('./shell/shell').then((m) => m.Shell),
    children: [
      { path: '', pathMatch: 'full', canActivate: [goTenantHome], children: [] },
      {
        path: 'search',
        title: 'Search · Redoubt',
        canActivate: [sectionGuard('search')],
        loadComponent: () => import('./search/search-page').then((m) => m.SearchPage),
      },
      {
        path: 'customers/:id',
        title: 'Customer · Redoubt',
        canActivate: [customerGuard],
        loadComponent: () => import('./customer/customer-page').then((m) => m.CustomerPage),
      },
      {
        path: 'queue',
        title: 'Queue · Redoubt',
        canActivate: [sectionGuard('queue')],
        loadComponent: () => import('./queue/queue-page').then((m) => m.QueuePage),
      },
      {
        path: 'watches',
        title: 'Watches · Redoubt',
        canActivate: [sectionGuard('watches')],
        loadComponent: () => import('./watches/watches-page').then((m) => m.WatchesPage),
      },
      {
        path: 'audit',
        title: 'Audit · Redoubt',
        canActivate: [sectionGuard('audit')],
        loadComponent: () => import('./audit/audit-page').then((m) => m.AuditPage),
      },
      {
        path: 'team',
        title: 'Team · Redoubt',
        canActivate: [sectionGuard('team')],
        loadComponent: () => import('./team/team-page').then((m) => m.TeamPage),
      },
      {
        path: 'overview',
        title: 'Overview · Redoubt',
        canActivate: [sectionGuard('overview')],
        loadComponent: () => import('./overview/overview-page').then((m) => m.OverviewPage),
      },
      {
        path: 'access',
        title: 'Access · Redoubt',
        canActivate: [sectionGuard('access')],
        loadComponent: () => import('./admin/access-page').then((m) => m.AccessPage),
      },
      { path: '**', redirectTo: '' },
    ],
  },
  { path: '**', redirectTo: '' },
];
