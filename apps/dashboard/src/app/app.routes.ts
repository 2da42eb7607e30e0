import type { Routes } from '@angular/router';
import {
  customerAccess,
  goHome,
  goTenantHome,
  platformAdminAccess,
  sectionAccess,
  tenantAccess,
} from './session/access';

// Every screen is lazy: the shell stays small, and echarts/cytoscape load with the customer page only.
export const routes: Routes = [
  { path: '', pathMatch: 'full', canActivate: [goHome], children: [] },
  { path: 'no-access', title: 'Redoubt', loadComponent: () => import('./access/no-access').then((m) => m.NoAccess) },
  // The platform administrator's screen: access in every tenant, outside any one tenant.
  {
    path: 'admin',
    canActivate: [platformAdminAccess],
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
    canActivate: [tenantAccess],
    loadComponent: () => import('./shell/shell').then((m) => m.Shell),
    children: [
      { path: '', pathMatch: 'full', canActivate: [goTenantHome], children: [] },
      {
        path: 'search',
        title: 'Search · Redoubt',
        canActivate: [sectionAccess('search')],
        loadComponent: () => import('./search/search-page').then((m) => m.SearchPage),
      },
      {
        path: 'customers/:id',
        title: 'Customer · Redoubt',
        canActivate: [customerAccess],
        loadComponent: () => import('./customer/customer-page').then((m) => m.CustomerPage),
      },
      {
        path: 'queue',
        title: 'Queue · Redoubt',
        canActivate: [sectionAccess('queue')],
        loadComponent: () => import('./queue/queue-page').then((m) => m.QueuePage),
      },
      {
        path: 'audit',
        title: 'Audit · Redoubt',
        canActivate: [sectionAccess('audit')],
        loadComponent: () => import('./audit/audit-page').then((m) => m.AuditPage),
      },
      {
        path: 'overview',
        title: 'Overview · Redoubt',
        canActivate: [sectionAccess('overview')],
        loadComponent: () => import('./overview/overview-page').then((m) => m.OverviewPage),
      },
      {
        path: 'access',
        title: 'Access · Redoubt',
        canActivate: [sectionAccess('access')],
        loadComponent: () => import('./admin/access-page').then((m) => m.AccessPage),
      },
      { path: '**', redirectTo: '' },
    ],
  },
  { path: '**', redirectTo: '' },
];
